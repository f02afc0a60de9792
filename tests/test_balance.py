"""Multi-vector balance: estimators with known answers, weightings, interval coverage in a
simulation (posterior and bootstrap), the evidence rule, period differences, groups and the
passages and actors behind a share. Frames are built by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.analysis.balance import attention, balance
from multivector.analysis.stats import (
    EvidenceRule,
    Intervals,
    bootstrap_totals,
    design_effect,
    evidence_of,
    interval,
    normalised_entropy,
    one_minus_hhi,
    posterior_shares,
    shares_of,
)
from multivector.domain.vectors import Vector, VectorScheme
from multivector.errors import UsageError
from multivector.services.knowledge import default_knowledge

V4 = ("russia", "china", "usa", "europe")
ANY = EvidenceRule(0, 0)  # every cell gets its number: for tests of the arithmetic
NONE = Intervals(draws=0)


def boot(draws: int, seed: int = 0) -> Intervals:
    return Intervals(method="bootstrap", draws=draws, seed=seed)


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


def _corpus(rng: np.random.Generator, p: np.ndarray, documents: int,
            concentration: float | None) -> np.ndarray:
    """Documents of mention counts: each document's own shares drawn around ``p``
    (over-dispersed) when ``concentration`` is given."""
    rows = []
    for n in rng.poisson(8, documents) + 1:
        q = p if concentration is None else rng.dirichlet(p * concentration + 1e-9)
        rows.append(rng.multinomial(n, q))
    return np.stack(rows).astype(float)


@pytest.mark.parametrize(("documents", "concentration", "least"),
                         [(5, None, 0.88), (5, 5.0, 0.80), (40, 5.0, 0.88)])
def test_posterior_intervals_cover_the_true_entropy_even_with_few_documents(
    documents: int, concentration: float | None, least: float
) -> None:
    """Corpora of 5 or 40 documents, with documents of one voice (over-dispersed) or not: the
    95% posterior interval holds the true normalised entropy in about 95% of corpora, where
    the percentile bootstrap falls far short with five documents."""
    p = np.array([0.30, 0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.03, 0.02, 0.01])
    truth = float(normalised_entropy(p / p.sum()))
    rng = np.random.default_rng(20261206)
    repetitions = 120
    covered = 0
    for _ in range(repetitions):
        draws = posterior_shares(_corpus(rng, p / p.sum(), documents, concentration), 1000, rng)
        low, high = interval(normalised_entropy(draws)[:, None], 0.95)
        covered += bool(low[0] <= truth <= high[0])
    print(f"coverage {documents} documents, concentration {concentration}: "
          f"{covered / repetitions:.2f}")
    assert least <= covered / repetitions <= 1.0


def test_a_vector_never_mentioned_keeps_a_non_zero_upper_bound() -> None:
    counts = np.array([[6.0, 2.0, 0.0], [5.0, 3.0, 0.0], [7.0, 1.0, 0.0]])
    low, high = interval(posterior_shares(counts, 2000, np.random.default_rng(2)), 0.95)
    assert low[2] >= 0.0 and 0.0 < high[2] < 0.25
    b_low, b_high = interval(shares_of(bootstrap_totals(counts, 500, np.random.default_rng(2))),
                             0.95)
    assert b_low[2] == b_high[2] == 0.0  # what the bootstrap says: nothing, with certainty


def test_design_effect_from_uniform_to_one_voice_documents() -> None:
    mixed = np.array([[2.0, 2.0], [2.0, 2.0], [2.0, 2.0], [2.0, 2.0]])
    assert design_effect(mixed) == 1.0  # documents no more different than chance
    one_voice = np.array([[8.0, 0.0], [0.0, 8.0], [8.0, 0.0], [0.0, 8.0]])
    assert design_effect(one_voice) == pytest.approx(8.0)  # each document counts as one
    assert design_effect(np.array([[3.0, 1.0], [0.0, 4.0]])) == 4.0  # two documents: bound
    ev = evidence_of(one_voice)
    assert ev.documents == 4 and ev.units == 32 and ev.effective == pytest.approx(4.0)
    assert not ev.sufficient and ev.label == "insufficient"  # 4 effective mentions only
    assert evidence_of(mixed).sufficient  # 4 documents, 16 effective mentions
    assert not evidence_of(mixed[:2]).sufficient  # 2 documents


def test_thin_periods_get_intervals_not_numbers_and_say_what_is_behind_them() -> None:
    m = Mentions()
    for d in range(12):  # 2000: twelve documents, plenty of mentions
        m.add(f"a{d}", "2000-06-01", "russia", n=2, actor="RUS")
        m.add(f"a{d}", "2000-06-01", "china", actor="CHN")
    m.add("b0", "2001-06-01", "usa", n=9, actor="USA")  # 2001: one speech naming one partner
    m.add("b1", "2001-06-01", "usa", actor="CAN")
    r = balance(m.frame(), vectors=V4, intervals=Intervals(draws=500, seed=1))
    idx = r.index_frame().set_index("period")
    assert idx.loc["2000", "evidence"] == "sufficient" and idx.loc["2000", "entropy"] > 0
    assert idx.loc["2001", "evidence"] == "insufficient" and np.isnan(idx.loc["2001", "entropy"])
    assert idx.loc["2001", "entropy_high"] > idx.loc["2001", "entropy_low"]
    assert idx.loc["2000", "caveat"].startswith("one kind of source only (test, speech)")
    assert idx.loc["2000", "sources"] == "test, speech: 12"
    shares = r.shares_frame().set_index(["period", "vector"])
    assert shares.loc[("2001", "usa"), "actors"] == "USA 9, CAN 1 of 10"
    assert np.isnan(shares.loc[("2001", "usa"), "share"])
    assert shares.loc[("2000", "russia"), "actors"] == "RUS 24 of 24"
    assert r.differences_frame().empty  # a thin period is compared with nothing


# ------------------------------------------------------------------------------ balance


def test_even_and_single_vector_periods() -> None:
    m = Mentions()
    for d in range(10):
        for v in V4:
            m.add(f"even{d}", "2000-06-01", v)
        m.add(f"one{d}", "2001-06-01", "china", n=3)
    r = balance(m.frame(), vectors=V4, intervals=boot(200), rule=ANY)
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
    assert balance(m.frame(), vectors=V4, intervals=NONE, rule=ANY).index.loc[0, "entropy"] == 0.5
    scheme = VectorScheme("s", "1", tuple(Vector(v, v, frozenset({v.upper()})) for v in V4[:2]))
    r = balance(m.frame(), vectors=scheme, intervals=NONE, rule=ANY)
    assert r.index.loc[0, "entropy"] == 1.0


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
    a = attention(weighting_frame(), vectors=V4, weighting=weighting, rule=ANY)
    got = dict(zip(a.to_frame()["vector"], a.to_frame()["share"], strict=True))
    assert got == pytest.approx(expected)
    wide = a.wide()
    assert list(wide.columns) == ["period", *V4]
    assert wide.loc[0, "russia"] == pytest.approx(expected["russia"])


def test_multilateral_counts_only_when_asked() -> None:
    a = attention(weighting_frame(), vectors=V4, include_multilateral=True, rule=ANY)
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
    r = balance(m.frame(), vectors=V4, intervals=boot(500, 1), rule=ANY)
    diff = r.differences_frame().set_index("period_b")
    assert not diff.loc["2001", "differs"]
    assert diff.loc["2001", "low"] < 0 < diff.loc["2001", "high"]
    assert diff.loc["2002", "differs"] and diff.loc["2002", "high"] < 0
    assert not diff.loc["2002", "intervals_overlap"]
    assert diff.loc["2002", "difference"] == pytest.approx(
        diff.loc["2002", "entropy_b"] - diff.loc["2002", "entropy_a"])
    pairs = balance(m.frame(), vectors=V4, intervals=boot(100), rule=ANY,
                    all_pairs=True).differences
    assert len(pairs) == 3


def test_same_seed_same_intervals() -> None:
    rng = np.random.default_rng(5)
    m = Mentions()
    for d in range(15):
        for v in rng.choice(V4, size=4):
            m.add(f"d{d}", "2010-01-01", str(v))
    one = balance(m.frame(), vectors=V4, intervals=boot(300, 9), rule=ANY).index
    two = balance(m.frame(), vectors=V4, intervals=boot(300, 9), rule=ANY).index
    pd.testing.assert_frame_equal(one, two)
    assert one.loc[0, "entropy_low"] <= one.loc[0, "entropy"] <= one.loc[0, "entropy_high"]
    shares = balance(m.frame(), vectors=V4, intervals=boot(300, 9), rule=ANY).shares
    assert (shares["share_low"] <= shares["share"] + 1e-12).all()
    assert (shares["share"] <= shares["share_high"] + 1e-12).all()


def test_a_period_of_one_document_has_an_interval_but_no_number() -> None:
    m = Mentions().add("d", "2000-01-01", "russia").add("d", "2000-01-01", "usa")
    row = balance(m.frame(), vectors=V4).index.iloc[0]
    assert row["evidence"] == "insufficient" and np.isnan(row["entropy"])
    assert row["top_vector"] is None
    assert 0.0 <= row["entropy_low"] < 0.5 < row["entropy_high"] <= 1.0  # wide, not a point
    with_bootstrap = balance(m.frame(), vectors=V4, intervals=boot(200), rule=ANY).index.iloc[0]
    assert with_bootstrap["entropy"] == 0.5 and np.isnan(with_bootstrap["entropy_low"])


def test_groups_by_country_and_speaker() -> None:
    m = Mentions()
    m.add("k", "2000-01-01", "russia", country="KAZ", author="A")
    m.add("u", "2000-01-01", "china", country="UZB", author="B")
    m.add("u", "2000-01-01", "usa", country="UZB", author="B")
    by_country = balance(m.frame(), vectors=V4, by="country", intervals=NONE, rule=ANY).index
    assert list(by_country["country"]) == ["KAZ", "UZB"]
    assert list(by_country["entropy"]) == [0.0, 0.5]
    by_speaker = attention(m.frame(), vectors=V4, by="speaker", rule=ANY).to_frame()
    assert set(by_speaker["author"]) == {"A", "B"}
    with pytest.raises(UsageError, match="cannot group"):
        balance(m.frame(), vectors=V4, by="weather")


def test_edition_periods_and_cut_years() -> None:
    m = Mentions().add("a", "2016-01-01", "russia").add("b", "2021-01-01", "china")
    kaz = default_knowledge().editions("KAZ")
    eds = balance(m.frame(), vectors=V4, period="edition", editions=kaz, intervals=NONE,
                  rule=ANY).index
    assert list(eds["period"]) == ["kaz/2014-2020", "kaz/2020-2030"]
    cuts = balance(m.frame(), vectors=V4, period=[2000, 2020], intervals=NONE, rule=ANY)
    assert list(cuts.index["period"]) == ["2000-2019", "2020-"]
    assert cuts.period == (2000, 2020)


def test_evidence_lists_the_passages_with_most_mentions() -> None:
    m = Mentions()
    m.add("d1", "2000-01-01", "russia", passage=0)
    m.add("d1", "2000-01-01", "russia", passage=3, n=3)
    m.add("d2", "2000-01-01", "russia", passage=1, n=2, score=0.8)
    m.add("d2", "2000-01-01", "china", passage=1, n=5)
    r = balance(m.frame(), vectors=V4, intervals=NONE, rule=ANY)
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
        balance(f, vectors=V4, intervals=Intervals(level=95))
    with pytest.raises(UsageError, match="interval method"):
        Intervals(method="jackknife")
    with pytest.raises(UsageError, match="period column"):
        balance(f, vectors=V4, period=None)


def test_no_counted_mentions_gives_empty_tables() -> None:
    m = Mentions().add("d", "2000-01-01", None)
    r = balance(m.frame(), vectors=V4)
    assert r.index.empty and r.shares.empty and r.differences.empty
    assert "entropy" in r.index.columns


def test_the_reported_index_lies_inside_its_posterior_interval() -> None:
    m = Mentions()
    for d in range(8):  # a concentrated period: nearly everything on one vector
        m.add(f"c{d}", "2021-06-01", "china", n=6)
    m.add("c0", "2021-06-01", "russia")
    row = balance(m.frame(), vectors=V4, intervals=Intervals(draws=1000, seed=3)).index.iloc[0]
    assert row["evidence"] == "sufficient"
    assert row["entropy_low"] <= row["entropy"] <= row["entropy_high"]
    assert row["one_minus_hhi_low"] <= row["one_minus_hhi"] <= row["one_minus_hhi_high"]
