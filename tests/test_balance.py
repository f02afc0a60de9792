"""Multi-vector balance: estimators with known answers, weightings, bootstrap interval coverage
in a simulation, period differences, groups and evidence. Frames are built by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.analysis.balance import (
    attention,
    balance,
    bootstrap_totals,
    interval,
    normalised_entropy,
    one_minus_hhi,
    shares_of,
)
from multivector.domain.vectors import Vector, VectorScheme
from multivector.errors import UsageError
from multivector.services.knowledge import default_knowledge

V4 = ("russia", "china", "usa", "europe")


class Mentions:
    """A mentions frame written row by row."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, doc: str, date: str, vector: str | None, *, passage: int = 0, n: int = 1,
            country: str = "KAZ", author: str = "speaker", score: float = 1.0,
            start: int | None = None, actor: str | None = None) -> Mentions:
        for _ in range(n):
            at = len(self.rows) * 10 if start is None else start
            self.rows.append({
                "doc_id": doc, "passage": passage, "start": at, "end": at + 5,
                "date": pd.Timestamp(date), "year": pd.Timestamp(date).year, "source": "test",
                "genre": "speech", "author": author, "country": country, "language": "en",
                "actor": actor or str(vector).upper(), "actor_type": "country",
                "vector": vector, "own_country": vector is None, "score": score,
            })
        return self

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)


# ------------------------------------------------------------------------------ estimators


@given(k=st.integers(2, 40))
def test_even_shares_over_all_vectors_give_index_one_exactly(k: int) -> None:
    assert normalised_entropy(np.full(k, 1.0 / k)) == 1.0
    assert normalised_entropy(shares_of(np.full((1, k), 7.0)))[0] == 1.0


@given(k=st.integers(2, 40), which=st.integers(0, 39))
def test_one_vector_gives_index_zero(k: int, which: int) -> None:
    p = np.zeros(k)
    p[which % k] = 1.0
    assert normalised_entropy(p) == 0.0
    assert one_minus_hhi(p) == 0.0


def test_known_values() -> None:
    assert normalised_entropy([0.5, 0.5, 0.0, 0.0]) == 0.5  # ln 2 / ln 4
    assert normalised_entropy([0.5, 0.5], k=4) == 0.5
    assert one_minus_hhi([0.25] * 4) == 0.75
    assert one_minus_hhi([0.7, 0.2, 0.1]) == pytest.approx(0.46, abs=1e-12)
    assert one_minus_hhi([0.5, 0.5]) == 0.5
    with pytest.raises(UsageError):
        normalised_entropy([1.0])


@settings(max_examples=50)
@given(st.lists(st.floats(0, 100), min_size=2, max_size=12).filter(lambda w: sum(w) > 0))
def test_indexes_stay_in_their_ranges(weights: list[float]) -> None:
    p = np.asarray(weights) / sum(weights)
    h = float(normalised_entropy(p))
    g = float(one_minus_hhi(p))
    assert 0.0 <= h <= 1.0
    assert -1e-12 <= g <= 1.0 - 1.0 / len(p) + 1e-12


def test_bootstrap_totals_resample_whole_documents() -> None:
    counts = np.array([[1.0, 0.0], [0.0, 3.0]])
    totals = bootstrap_totals(counts, 500, np.random.default_rng(1))
    # each resample holds two documents: (2,0), (1,3) or (0,6)
    assert {tuple(t) for t in totals} == {(2.0, 0.0), (1.0, 3.0), (0.0, 6.0)}


def test_bootstrap_interval_covers_the_true_entropy_about_95_percent() -> None:
    """200 corpora of 40 documents (each a multinomial draw of mentions from known shares):
    the 95% percentile interval should hold the true normalised entropy about 95% of the
    time (the plug-in entropy is biased low, so a little under 95% is expected)."""
    p = np.array([0.4, 0.25, 0.15, 0.1, 0.05, 0.05])
    truth = float(normalised_entropy(p))
    rng = np.random.default_rng(20240501)
    covered = 0
    repetitions = 200
    for _ in range(repetitions):
        lengths = rng.poisson(8, 40) + 1
        counts = np.stack([rng.multinomial(n, p) for n in lengths]).astype(float)
        boot = normalised_entropy(shares_of(bootstrap_totals(counts, 1000, rng)))
        low, high = interval(boot[:, None], 0.95)
        covered += bool(low[0] <= truth <= high[0])
    assert 0.88 <= covered / repetitions <= 0.99


# ------------------------------------------------------------------------------ balance


def test_even_and_single_vector_periods() -> None:
    m = Mentions()
    for d in range(10):
        for v in V4:
            m.add(f"even{d}", "2000-06-01", v)
        m.add(f"one{d}", "2001-06-01", "china", n=3)
    r = balance(m.frame(), vectors=V4, bootstrap=200)
    idx = r.index_frame().set_index("period")
    assert idx.loc["2000", "entropy"] == 1.0 and idx.loc["2001", "entropy"] == 0.0
    assert idx.loc["2000", "one_minus_hhi"] == 0.75 and idx.loc["2001", "one_minus_hhi"] == 0.0
    assert idx.loc["2001", "top_vector"] == "china" and idx.loc["2001", "top_share"] == 1.0
    assert list(idx["n_documents"]) == [10, 10] and list(idx["n_mentions"]) == [40, 30]
    # identical documents: the resamples cannot move the index
    assert idx.loc["2000", "entropy_low"] == idx.loc["2000", "entropy_high"] == 1.0
    assert r.to_frame().equals(r.index_frame())
    assert r.records()[0]["period"] == "2000"


def test_the_index_counts_every_vector_of_the_scheme() -> None:
    m = Mentions().add("d", "2000-01-01", "russia").add("d", "2000-01-01", "china")
    assert balance(m.frame(), vectors=V4, bootstrap=0).index.loc[0, "entropy"] == 0.5
    scheme = VectorScheme("s", "1", tuple(Vector(v, v, frozenset({v.upper()})) for v in V4[:2]))
    assert balance(m.frame(), vectors=scheme, bootstrap=0).index.loc[0, "entropy"] == 1.0


def weighting_frame() -> pd.DataFrame:
    m = Mentions()
    m.add("d1", "2000-01-01", "russia", passage=0, n=2)
    m.add("d1", "2000-01-01", "china", passage=0)
    m.add("d1", "2000-01-01", "russia", passage=1)
    m.add("d1", "2000-01-01", None, passage=1)  # the speaker's own country
    m.add("d1", "2000-01-01", "multilateral", passage=1, actor="UN")
    m.add("d2", "2000-01-01", "usa", passage=0)
    # an ambiguous name: two readings of one span, the better one counts
    m.add("d2", "2000-01-01", "europe", passage=0, start=999, score=0.6)
    m.add("d2", "2000-01-01", "usa", passage=0, start=999, score=0.9)
    return m.frame()


@pytest.mark.parametrize(("weighting", "expected"), [
    ("mention", {"russia": 3 / 6, "china": 1 / 6, "usa": 2 / 6, "europe": 0.0}),
    ("passage", {"russia": 2 / 4, "china": 1 / 4, "usa": 1 / 4, "europe": 0.0}),
    ("document", {"russia": 1 / 3, "china": 1 / 3, "usa": 1 / 3, "europe": 0.0}),
])
def test_weightings(weighting: str, expected: dict[str, float]) -> None:
    a = attention(weighting_frame(), vectors=V4, weighting=weighting)
    got = dict(zip(a.to_frame()["vector"], a.to_frame()["share"], strict=True))
    assert got == pytest.approx(expected)
    wide = a.wide()
    assert list(wide.columns) == ["period", *V4]
    assert wide.loc[0, "russia"] == pytest.approx(expected["russia"])


def test_multilateral_counts_only_when_asked() -> None:
    a = attention(weighting_frame(), vectors=V4, include_multilateral=True)
    shares = dict(zip(a.to_frame()["vector"], a.to_frame()["share"], strict=True))
    assert shares["multilateral"] == pytest.approx(1 / 7)
    assert a.vectors == (*V4, "multilateral")


def test_clearly_different_periods_differ_and_identical_ones_do_not() -> None:
    rng = np.random.default_rng(3)
    m = Mentions()
    for year in ("2000", "2001"):  # the same kind of mixed documents in both years
        for d in range(30):
            for v in rng.choice(V4, size=6):
                m.add(f"{year}-{d}", f"{year}-03-01", str(v))
    for d in range(30):  # 2002: almost only Russia
        m.add(f"2002-{d}", "2002-03-01", "russia", n=5)
        if d % 10 == 0:
            m.add(f"2002-{d}", "2002-03-01", "china")
    r = balance(m.frame(), vectors=V4, bootstrap=500, seed=1)
    diff = r.differences_frame().set_index("period_b")
    assert not diff.loc["2001", "differs"]
    assert diff.loc["2001", "low"] < 0 < diff.loc["2001", "high"]
    assert diff.loc["2002", "differs"] and diff.loc["2002", "high"] < 0
    assert not diff.loc["2002", "intervals_overlap"]
    assert diff.loc["2002", "difference"] == pytest.approx(
        diff.loc["2002", "entropy_b"] - diff.loc["2002", "entropy_a"])
    pairs = balance(m.frame(), vectors=V4, bootstrap=100, all_pairs=True).differences
    assert len(pairs) == 3


def test_same_seed_same_intervals() -> None:
    rng = np.random.default_rng(5)
    m = Mentions()
    for d in range(15):
        for v in rng.choice(V4, size=4):
            m.add(f"d{d}", "2010-01-01", str(v))
    one = balance(m.frame(), vectors=V4, bootstrap=300, seed=9).index
    two = balance(m.frame(), vectors=V4, bootstrap=300, seed=9).index
    pd.testing.assert_frame_equal(one, two)
    assert one.loc[0, "entropy_low"] <= one.loc[0, "entropy"] <= one.loc[0, "entropy_high"]
    shares = balance(m.frame(), vectors=V4, bootstrap=300, seed=9).shares
    assert (shares["share_low"] <= shares["share"] + 1e-12).all()
    assert (shares["share"] <= shares["share_high"] + 1e-12).all()


def test_a_period_of_one_document_has_no_interval() -> None:
    m = Mentions().add("d", "2000-01-01", "russia").add("d", "2000-01-01", "usa")
    row = balance(m.frame(), vectors=V4).index.iloc[0]
    assert row["entropy"] == 0.5 and np.isnan(row["entropy_low"])


def test_groups_by_country_and_speaker() -> None:
    m = Mentions()
    m.add("k", "2000-01-01", "russia", country="KAZ", author="A")
    m.add("u", "2000-01-01", "china", country="UZB", author="B")
    m.add("u", "2000-01-01", "usa", country="UZB", author="B")
    by_country = balance(m.frame(), vectors=V4, by="country", bootstrap=0).index
    assert list(by_country["country"]) == ["KAZ", "UZB"]
    assert list(by_country["entropy"]) == [0.0, 0.5]
    by_speaker = attention(m.frame(), vectors=V4, by="speaker").to_frame()
    assert set(by_speaker["author"]) == {"A", "B"}
    with pytest.raises(UsageError, match="cannot group"):
        balance(m.frame(), vectors=V4, by="weather")


def test_edition_periods_and_cut_years() -> None:
    m = Mentions().add("a", "2016-01-01", "russia").add("b", "2021-01-01", "china")
    kaz = default_knowledge().editions("KAZ")
    eds = balance(m.frame(), vectors=V4, period="edition", editions=kaz, bootstrap=0).index
    assert list(eds["period"]) == ["kaz/2014-2020", "kaz/2020-2030"]
    cuts = balance(m.frame(), vectors=V4, period=[2000, 2020], bootstrap=0)
    assert list(cuts.index["period"]) == ["2000-2019", "2020-"]
    assert cuts.period == (2000, 2020)


def test_evidence_lists_the_passages_with_most_mentions() -> None:
    m = Mentions()
    m.add("d1", "2000-01-01", "russia", passage=0)
    m.add("d1", "2000-01-01", "russia", passage=3, n=3)
    m.add("d2", "2000-01-01", "russia", passage=1, n=2, score=0.8)
    m.add("d2", "2000-01-01", "china", passage=1, n=5)
    r = balance(m.frame(), vectors=V4, bootstrap=0)
    ev = r.evidence("2000", "russia", k=2)
    assert list(ev[["doc_id", "passage", "mentions"]].itertuples(index=False, name=None)) == [
        ("d1", 3, 3), ("d2", 1, 2)]
    assert list(ev["actors"]) == ["RUSSIA", "RUSSIA"]
    assert r.evidence("1999", "russia").empty


def test_bad_arguments_are_refused() -> None:
    f = weighting_frame()
    with pytest.raises(UsageError, match="weighting"):
        balance(f, vectors=V4, weighting="word")
    with pytest.raises(UsageError, match="two vectors"):
        balance(f, vectors=["russia"])
    with pytest.raises(UsageError, match="level"):
        balance(f, vectors=V4, level=95)
    with pytest.raises(UsageError, match="period column"):
        balance(f, vectors=V4, period=None)


def test_no_counted_mentions_gives_empty_tables() -> None:
    m = Mentions().add("d", "2000-01-01", None)
    r = balance(m.frame(), vectors=V4)
    assert r.index.empty and r.shares.empty and r.differences.empty
    assert "entropy" in r.index.columns
