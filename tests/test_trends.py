"""Theme attention and keyness: known answers on hand-made frames, G2 and log ratio computed by
hand, properties of the statistics, and an end-to-end run on a small corpus written here."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from multivector.analysis.trends import (
    Split,
    chi2_sf_1df,
    keyness,
    keyness_terms,
    keyness_themes,
    log_likelihood,
    log_ratio,
    stopwords,
    theme_attention,
)
from multivector.errors import UsageError


def documents(*rows: tuple[str, str, int, str]) -> pd.DataFrame:
    """(doc_id, ISO date, n_passages, country) -> a documents frame."""
    frame = pd.DataFrame(rows, columns=["doc_id", "date", "n_passages", "country"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["year"] = frame["date"].dt.year.astype("Int64")
    return frame


def themes(docs: pd.DataFrame, *rows: tuple[str, int, str, float, str]) -> pd.DataFrame:
    """(doc_id, passage, theme, score, method) -> a themes frame with the documents' meta."""
    frame = pd.DataFrame(rows, columns=["doc_id", "passage", "theme", "score", "method"])
    return frame.merge(docs[["doc_id", "date", "year", "country"]], on="doc_id")


@pytest.fixture
def docs() -> pd.DataFrame:
    return documents(("d1", "2001-05-01", 4, "KAZ"), ("d2", "2001-09-01", 6, "KAZ"),
                     ("d3", "2002-03-01", 5, "UZB"))


@pytest.fixture
def coded(docs: pd.DataFrame) -> pd.DataFrame:
    return themes(
        docs,
        ("d1", 0, "security.nuclear", 1.0, "lexicon"),
        ("d1", 0, "security.nuclear", 0.5, "semantic"),  # same passage: counts once
        ("d1", 1, "security.terrorism", 0.9, "lexicon"),
        ("d2", 3, "security.nuclear", 0.9, "lexicon"),
        ("d2", 4, "economy.trade", 1.0, "lexicon"),
        ("d3", 0, "economy.trade", 0.45, "semantic"),
        ("d3", 2, "economy.trade", 1.0, "lexicon"),
    )


# ------------------------------------------------------------------------------ theme attention


def test_passage_shares_count_each_passage_once(docs: pd.DataFrame, coded: pd.DataFrame) -> None:
    result = theme_attention(coded, docs)
    assert result.periods == ("2001", "2002")
    m = result.matrix()
    # 2001: 4 + 6 = 10 passages; nuclear in d1:0 and d2:3 -> 2 / 10
    assert m.loc["security.nuclear", "2001"] == pytest.approx(0.2)
    assert m.loc["economy.trade", "2001"] == pytest.approx(0.1)
    assert m.loc["economy.trade", "2002"] == pytest.approx(2 / 5)
    assert m.loc["security.nuclear", "2002"] == 0
    counts = result.matrix("count")
    assert counts.loc["security.nuclear", "2001"] == 2
    row = result.to_frame().set_index(["theme", "period"]).loc[("economy.trade", "2002")]
    assert (row["count"], row["total"]) == (2, 5)


def test_family_level_and_weightings(docs: pd.DataFrame, coded: pd.DataFrame) -> None:
    fam = theme_attention(coded, docs, level="family").matrix()
    assert fam.loc["security", "2001"] == pytest.approx(3 / 10)  # d1:0, d1:1, d2:3
    by_doc = theme_attention(coded, docs, weighting="document").matrix()
    assert by_doc.loc["security.nuclear", "2001"] == 1.0  # both 2001 documents
    assert by_doc.loc["security.terrorism", "2001"] == 0.5
    mentions = theme_attention(coded, docs, weighting="mention").matrix()
    assert mentions["2001"].sum() == pytest.approx(1.0)
    assert mentions.loc["security.nuclear", "2001"] == pytest.approx(3 / 5)


def test_score_and_method_filters(docs: pd.DataFrame, coded: pd.DataFrame) -> None:
    strong = theme_attention(coded, docs, min_score=0.95).matrix("count")
    assert strong.loc["economy.trade", "2002"] == 1
    semantic = theme_attention(coded, docs, method="semantic").matrix("count")
    assert set(semantic.index) == {"security.nuclear", "economy.trade"}


def test_attention_evidence_is_the_strongest_passage(
    docs: pd.DataFrame, coded: pd.DataFrame
) -> None:
    ev = theme_attention(coded, docs).evidence
    trade = ev[(ev["theme"] == "economy.trade") & (ev["period"] == "2002")]
    assert list(trade["passage"]) == [2, 0] and list(trade["rank"]) == [1, 2]


def test_cut_year_periods(docs: pd.DataFrame, coded: pd.DataFrame) -> None:
    result = theme_attention(coded, docs, period=[2000, 2002])
    assert result.periods == ("2000-2001", "2002-")
    json.dumps(result.records())


def test_unknown_weighting_is_a_usage_error(docs: pd.DataFrame, coded: pd.DataFrame) -> None:
    with pytest.raises(UsageError):
        theme_attention(coded, docs, weighting="word")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ keyness core


def test_g2_by_hand() -> None:
    # a=10 in 1,000 words, b=2 in 1,000: E1 = E2 = 1000 * 12 / 2000 = 6
    # G2 = 2 (10 ln(10/6) + 2 ln(2/6)) = 2 (5.1082562 - 2.1972246) = 5.8220632
    assert log_likelihood(10, 2, 1000, 1000) == pytest.approx(5.8220632, abs=1e-6)
    # a=30 in 10,000, b=10 in 5,000: E1 = 26.6667, E2 = 13.3333
    # G2 = 2 (30 ln(1.125) + 10 ln(0.75)) = 2 (3.5334911 - 2.8768207) = 1.3133407
    assert log_likelihood(30, 10, 10_000, 5_000) == pytest.approx(1.3133407, abs=1e-6)
    # a word on one side only: 2 * 5 ln(5 / 2.5) = 6.9314718
    assert log_likelihood(5, 0, 100, 100) == pytest.approx(10 * math.log(2), abs=1e-9)


def test_log_ratio_by_hand() -> None:
    assert log_ratio(10, 2, 1000, 1000) == pytest.approx(math.log2(5))
    assert log_ratio(4, 0, 100, 100) == pytest.approx(3.0)  # 4 against 0.5: log2 8
    assert log_ratio(10, 40, 1000, 2000) == pytest.approx(-1.0)


def test_p_value_of_chi_square_one_df() -> None:
    assert chi2_sf_1df(3.841458820694124) == pytest.approx(0.05, abs=1e-9)
    assert chi2_sf_1df(6.634896601021214) == pytest.approx(0.01, abs=1e-9)
    assert chi2_sf_1df(0.0) == 1.0
    scipy_stats = pytest.importorskip("scipy.stats")
    for x in (0.5, 2.0, 15.13):
        assert chi2_sf_1df(x) == pytest.approx(float(scipy_stats.chi2.sf(x, 1)), rel=1e-9)


def test_keyness_table() -> None:
    result = keyness({"nuclear": 10, "trade": 2, "peace": 5}, {"nuclear": 2, "trade": 10,
                                                               "peace": 5},
                     total_a=1000, total_b=1000, label_a="early", label_b="late", pct_diff=True)
    t = result.to_frame().set_index("term")
    assert t.loc["nuclear", "g2"] == pytest.approx(5.8220632, abs=1e-6)
    assert t.loc["nuclear", "key_for"] == "early" and t.loc["nuclear", "sign"] == 1
    assert t.loc["trade", "key_for"] == "late" and t.loc["trade", "sign"] == -1
    assert t.loc["peace", "g2"] == 0 and pd.isna(t.loc["peace", "key_for"])
    assert t.loc["nuclear", "norm_a"] == pytest.approx(100.0)  # per 10,000 words
    assert t.loc["nuclear", "pct_diff"] == pytest.approx(400.0)
    assert list(result.key_for("early")["term"]) == ["nuclear"]
    assert result.table["g2"].is_monotonic_decreasing
    peace = next(r for r in result.records() if r["term"] == "peace")
    assert peace["key_for"] is None
    json.dumps(result.records(), allow_nan=False)


def test_keyness_top_min_freq_and_zero_cells() -> None:
    a = {f"w{i}": 20 + i for i in range(6)} | {"rare": 1, "only_a": 7}
    b = {f"w{i}": 20 - i for i in range(6)} | {"only_b": 9}
    result = keyness(a, b, min_freq=3, top=2, pct_diff=True)
    t = result.to_frame()
    assert "rare" not in set(t["term"])
    assert (t["sign"] == 1).sum() == 2 and (t["sign"] == -1).sum() <= 2
    assert t.set_index("term").loc["only_b", "pct_diff"] == pytest.approx(-100.0)
    assert "only_a" in set(t["term"])
    assert pd.isna(t.set_index("term").loc["only_a", "pct_diff"])
    only_a = next(r for r in result.records() if r["term"] == "only_a")
    assert only_a["pct_diff"] is None


def test_keyness_rejects_an_empty_side() -> None:
    with pytest.raises(UsageError, match="empty"):
        keyness({"a": 1}, {})


counts = st.integers(min_value=0, max_value=500)
sizes = st.integers(min_value=500, max_value=100_000)


@given(counts, counts, sizes, sizes)
def test_g2_is_non_negative_and_symmetric(a: int, b: int, ta: int, tb: int) -> None:
    if a + b == 0:
        return
    g = log_likelihood(a, b, ta, tb)
    assert g >= -1e-9
    assert log_likelihood(b, a, tb, ta) == pytest.approx(g, abs=1e-9)
    assert log_ratio(b, a, tb, ta) == pytest.approx(-log_ratio(a, b, ta, tb))
    assert 0.0 <= chi2_sf_1df(g) <= 1.0


@given(st.integers(min_value=1, max_value=300), st.integers(min_value=1, max_value=20))
def test_g2_is_zero_for_equal_relative_frequencies(a: int, k: int) -> None:
    assert log_likelihood(a, a * k, 1000, 1000 * k) == pytest.approx(0.0, abs=1e-9)


# ------------------------------------------------------------------------------ splits and terms


def passages(*rows: tuple[str, int, str, str, str]) -> pd.DataFrame:
    """(doc_id, passage, ISO date, country, text) -> a passages frame."""
    frame = pd.DataFrame(rows, columns=["doc_id", "passage", "date", "country", "text"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["year"] = frame["date"].dt.year.astype("Int64")
    return frame


@pytest.fixture
def texts() -> pd.DataFrame:
    early = "The nuclear test site was closed and nuclear weapons were renounced."
    late = "Trade and transit corridors carry trade to new markets; trade grows."
    return passages(
        ("a", 0, "1995-09-25", "KAZ", early),
        ("a", 1, "1995-09-25", "KAZ", "Nuclear disarmament is our nuclear priority."),
        ("b", 0, "2019-09-25", "KAZ", late),
        ("b", 1, "2019-09-25", "KAZ", "The priority of trade is transit."),
        ("c", 0, "2019-09-25", "UZB", "Переговоры о транзите продолжаются, и переговоров много."),
    )


def test_keyness_terms_counts_lemmas_without_stopwords(texts: pd.DataFrame) -> None:
    result = keyness_terms(texts, Split.years((1990, 2000), (2010, 2020)), min_freq=1, top=None)
    t = result.to_frame().set_index("term")
    assert (result.label_a, result.label_b) == ("1990-2000", "2010-2020")
    assert t.loc["nuclear", "freq_a"] == 4 and t.loc["nuclear", "freq_b"] == 0
    assert t.loc["trade", "freq_b"] == 4 and t.loc["trade", "key_for"] == "2010-2020"
    assert t.loc["переговоры", "freq_b"] == 2  # «Переговоры», «переговоров»
    assert "the" not in t.index and "and" not in t.index and "и" not in t.index
    # every word counts toward the size of a side, stopwords included
    assert result.total_a == 11 + 6
    ev = result.evidence
    assert set(ev.loc[ev["term"] == "nuclear", "doc_id"]) == {"a"}
    assert ev.loc[ev["term"] == "nuclear", "side"].eq("a").all()


def test_split_by_values_and_shorthands(texts: pd.DataFrame) -> None:
    by_country = keyness_terms(texts, ("country", "KAZ", "UZB"), min_freq=1, top=None)
    assert (by_country.label_a, by_country.label_b) == ("KAZ", "UZB")
    assert by_country.to_frame().set_index("term").loc["переговоры", "key_for"] == "UZB"
    by_years = keyness_terms(texts, ((1990, 2000), (2010, 2020)), min_freq=1)
    assert by_years.label_a == "1990-2000"
    custom = keyness_terms(texts, lambda f: ["a" if d == "a" else "b" for d in f["doc_id"]],
                           min_freq=1, top=None)
    assert custom.to_frame().set_index("term").loc["nuclear", "freq_a"] == 4


def test_split_by_source_with_document_meta(texts: pd.DataFrame) -> None:
    meta = pd.DataFrame({"doc_id": ["a", "b", "c"], "source": ["un", "un", "press"],
                         "language": ["en", "en", "ru"]})
    result = keyness_terms(texts, ("source", "un", "press"), documents=meta, min_freq=1,
                           top=None)
    assert result.to_frame().set_index("term").loc["переговоры", "key_for"] == "press"
    english = keyness_terms(texts, ((1990, 2000), (2010, 2020)), documents=meta, lang="en",
                            min_freq=1, top=None)
    assert "переговоры" not in set(english.table["term"]) and english.total_b == 11 + 6
    with pytest.raises(UsageError, match="'UZB' is empty"):  # no English passage from UZB
        keyness_terms(texts, ("country", "KAZ", "UZB"), documents=meta, lang="en")


def test_bad_splits_are_usage_errors(texts: pd.DataFrame) -> None:
    with pytest.raises(UsageError, match="overlap"):
        Split.years((1990, 2005), (2000, 2010))
    with pytest.raises(UsageError, match="no such column"):
        keyness_terms(texts, ("speaker", "x", "y"))
    with pytest.raises(UsageError, match="cannot read the split"):
        keyness_terms(texts, (1, 2, 3, 4))
    with pytest.raises(UsageError, match="empty"):
        keyness_terms(texts, Split.years((1900, 1910), (2010, 2020)))


def test_stopword_lists() -> None:
    assert {"the", "and"} <= stopwords("en") and "и" in stopwords("ru")
    assert stopwords() >= stopwords("en") | stopwords("ru")
    assert "nuclear" not in stopwords() and "россия" not in stopwords()


def test_keyness_themes_counts_passages(docs: pd.DataFrame, coded: pd.DataFrame) -> None:
    result = keyness_themes(coded, ("country", "KAZ", "UZB"), documents=docs)
    t = result.to_frame().set_index("theme")
    assert (result.total_a, result.total_b) == (10, 5)
    assert t.loc["security.nuclear", "freq_a"] == 2  # d1:0 (twice coded) and d2:3
    assert t.loc["economy.trade", "freq_b"] == 2
    assert t.loc["economy.trade", "norm_b"] == pytest.approx(40.0)  # per 100 passages
    assert t.loc["economy.trade", "g2"] == pytest.approx(
        log_likelihood(1, 2, 10, 5), abs=1e-12)
    assert not result.notes
    no_docs = keyness_themes(coded, ("country", "KAZ", "UZB"))
    assert no_docs.total_a == 4 and no_docs.notes  # passages coded to any theme
    ev = result.evidence
    top = ev[(ev["theme"] == "economy.trade") & (ev["side"] == "b")].iloc[0]
    assert (top["doc_id"], top["passage"]) == ("d3", 2)


# ------------------------------------------------------------------------------ end to end


FAST: dict[str, Any] = {
    "components": ["segment", "actors", "dates", "embed", "themes", "elements", "events"],
    "settings": {"embed": {"embedder": "hashing"}},
}

EARLY = ("Kazakhstan closed the nuclear test site and renounced nuclear weapons. We ask all "
         "States to sign the treaty banning nuclear tests.\n\nNuclear disarmament and the "
         "non-proliferation of nuclear weapons remain our first concern.")
LATE = ("Climate change threatens our region. We will cut emissions and adapt agriculture to "
        "climate change.\n\nThe climate agenda and green energy guide our trade and investment.")


def write_corpus(folder: Path) -> Path:
    rows = [{"text": f"{EARLY}\n\nStatement number {i}.", "date": f"{1994 + i}-09-25",
             "country": "KAZ", "source": "test"} for i in range(3)]
    rows += [{"text": f"{LATE}\n\nStatement number {i}.", "date": f"{2019 + i}-09-25",
              "country": "KAZ", "source": "test"} for i in range(3)]
    path = folder / "statements.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_end_to_end_on_an_ingested_corpus(tmp_path: Path) -> None:
    from multivector.analysis.frames import documents_frame, passages_frame, themes_frame
    from multivector.services.corpus import Corpus

    with Corpus(tmp_path / "c.db", config=FAST, edition="kaz/2020-2030") as corpus:
        report = corpus.ingest([write_corpus(tmp_path)])
        assert report.ok and len(report.ingested) == 6
        docs = documents_frame(corpus.store)
        th = themes_frame(corpus.store)
        ps = passages_frame(corpus.store)
    attention = theme_attention(th, docs, level="family", period=[1990, 2010])
    m = attention.matrix()
    assert m.loc["security", "1990-2009"] > m.loc["security", "2010-"]
    assert m.loc["environment", "2010-"] > m.loc["environment", "1990-2009"]
    terms = keyness_terms(ps, ((1990, 2009), (2010, 2030)), min_freq=3, top=5)
    t = terms.to_frame().set_index("term")
    assert t.loc["nuclear", "key_for"] == "1990-2009" and t.loc["nuclear", "p"] < 0.001
    assert t.loc["climate", "key_for"] == "2010-2030"
    themed = keyness_themes(th, ((1990, 2009), (2010, 2030)), documents=docs, level="family")
    assert themed.to_frame().set_index("theme").loc["security", "key_for"] == "1990-2009"


def test_theme_attention_of_a_corpus_without_themes_is_empty_not_an_error() -> None:
    docs = pd.DataFrame({"doc_id": ["a"], "date": [pd.Timestamp("2000-01-01")], "year": [2000],
                         "n_passages": [3], "country": ["KAZ"]})
    themes = pd.DataFrame(columns=["doc_id", "passage", "start", "end", "date", "year", "theme",
                                   "method", "score"])
    result = theme_attention(themes, docs)
    assert result.records() == [] and result.periods == ("2000",)
