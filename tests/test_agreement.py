"""Krippendorff's alpha: our implementation against the `krippendorff` package (GPL, tests only),
hand-computed cases, intervals and pairwise agreement."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from multivector.analysis.agreement import agreement, binary_alpha, nominal_alpha

codes_matrix = st.integers(2, 4).flatmap(
    lambda coders: st.integers(2, 25).flatmap(
        lambda units: st.lists(
            st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=units, max_size=units),
            min_size=coders, max_size=coders)))


@given(codes_matrix)
def test_nominal_alpha_equals_the_krippendorff_package(values: list[list[int | None]]) -> None:
    data = np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float)
    ours = nominal_alpha(values)
    pairable = [unit for unit in zip(*values, strict=True)
                if sum(v is not None for v in unit) >= 2]
    if ours is None:
        # undefined only when nothing is pairable or the pairable units use a single value
        used = {v for unit in pairable for v in unit if v is not None}
        assert len(used) <= 1
        return
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert ours == pytest.approx(theirs, abs=1e-9)


@given(st.integers(2, 4).flatmap(lambda c: st.integers(2, 25).flatmap(
    lambda u: st.lists(st.lists(st.one_of(st.none(), st.integers(0, 1)), min_size=u,
                                max_size=u), min_size=c, max_size=c))))
def test_the_vectorised_binary_alpha_equals_the_general_one(values: list[list[int | None]]) -> None:
    general = nominal_alpha(values)
    data = np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float)
    fast = float(binary_alpha(np.nansum(data, axis=0), (~np.isnan(data)).sum(axis=0)))
    if general is None:
        assert math.isnan(fast)
    else:
        assert fast == pytest.approx(general, abs=1e-9)


def test_a_hand_computed_case() -> None:
    # two coders, four units: 1/1, 0/0, 1/0, 0/0 -> coincidences o11=2, o00=4, o10=o01=1;
    # n=8, n1=3, n0=5; D_o = 2, D_e = 2*3*5/7 -> alpha = 1 - 2*7/30
    alpha = nominal_alpha([[1, 0, 1, 0], [1, 0, 0, 0]])
    assert alpha == pytest.approx(1 - 14 / 30)


def test_agreement_per_label_overall_and_pairs() -> None:
    a, b = frozenset({"x"}), frozenset({"x", "y"})
    codes = {
        1: {"ann": a, "bob": a},
        2: {"ann": frozenset(), "bob": frozenset()},
        3: {"ann": b, "bob": a, "cid": b},
        4: {"ann": frozenset({"y"})},  # one coder: not pairable
    }
    result = agreement(codes, labels=["x", "y", "z"], bootstrap=200)
    by = {x.label: x for x in result.labels}
    assert by["x"].alpha == pytest.approx(1.0)
    assert by["z"].alpha is None and by["z"].positives == 0 and by["z"].thin
    assert result.pairable == 3 and result.passages == 4
    assert by["y"].alpha is not None and by["y"].alpha < 1
    pair = {(p.coder_a, p.coder_b): p for p in result.pairs}
    ab = pair[("ann", "bob")]
    assert ab.units == 3 and ab.exact == pytest.approx(2 / 3)
    assert ab.jaccard == pytest.approx((1 + 1 + 0.5) / 3)
    assert ("bob", "cid") in pair and pair[("bob", "cid")].units == 1
    o = result.overall
    assert o.low is not None and o.high is not None and o.low <= o.alpha <= o.high  # type: ignore[operator]
    assert o.thin  # 3 passages are too few to read


def test_perfect_agreement_has_a_degenerate_interval_and_seeds_repeat() -> None:
    sets = [frozenset({"a"}), frozenset(), frozenset({"a", "b"}), frozenset({"b"})] * 5
    codes = {i: {"p": s, "q": s} for i, s in enumerate(sets)}
    r1 = agreement(codes, bootstrap=300, seed=3)
    assert r1.overall.alpha == pytest.approx(1.0)
    assert r1.overall.low == pytest.approx(1.0) and r1.overall.high == pytest.approx(1.0)
    codes[0] = {"p": frozenset({"a"}), "q": frozenset({"b"})}
    r2, r3 = agreement(codes, bootstrap=300, seed=3), agreement(codes, bootstrap=300, seed=3)
    assert r2.overall.alpha is not None and r2.overall.alpha < 1
    assert r2.document() == r3.document()


def test_bad_settings_are_usage_errors() -> None:
    from multivector.errors import UsageError

    with pytest.raises(UsageError):
        agreement({}, bootstrap=-1)
    with pytest.raises(UsageError):
        agreement({}, confidence=1.5)
