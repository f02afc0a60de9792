"""Edition alignment: theme profiles and embeddings against hand-made editions, the element
share and its caveat, dating a shift, and an end-to-end run on a small corpus written here."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from multivector.analysis.alignment import (
    AlignmentResult,
    edition_alignment,
    edition_profile,
    expand,
)
from multivector.domain.concept import (
    Completeness,
    Domain,
    Edition,
    Element,
    ElementKind,
    Evidence,
    EvidenceLevel,
)
from multivector.errors import UsageError
from multivector.text.embedder import HashingEmbedder

EV = (Evidence("text", "para 1", EvidenceLevel.OFFICIAL),)


def element(ident: str, themes: tuple[str, ...], title: str, summary: str) -> Element:
    return Element(ident, ElementKind.PRIORITY, Domain.GENERAL, title, summary, EV, themes=themes)


def edition(ident: str, start: int, *elements: Element) -> Edition:
    return Edition(ident, "TST", "Test concept", start, start + 9, None, None, None, (),
                   Completeness("partial", "Written for the tests."), elements)


OLD = edition(
    "tst/2001-2010", 2001,
    element("priority.nuclear", ("security.nuclear",), "Nuclear disarmament",
            "Rid the world of nuclear weapons and test sites."),
    element("priority.terrorism", ("security.terrorism",), "Fight against terrorism",
            "Counter terrorism and extremism with neighbours."),
)
NEW = edition(
    "tst/2011-2020", 2011,
    element("priority.trade", ("economy.trade",), "Trade expansion",
            "Open markets for exports and lower tariffs."),
    element("priority.investment", ("economy.investment",), "Investment inflow",
            "Bring investors into industry and logistics."),
    element("priority.nuclear", ("security.nuclear",), "Nuclear disarmament",
            "Rid the world of nuclear weapons and test sites."),
)


def frames(*docs: tuple[str, int, int, list[tuple[int, str]]]) -> dict[str, Any]:
    """(doc_id, year, n_passages, [(passage, theme)]) -> documents and themes frames."""
    documents = pd.DataFrame(
        [(d, pd.Timestamp(f"{y}-09-25"), y, f"Statement {y}", "TST", n) for d, y, n, _ in docs],
        columns=["doc_id", "date", "year", "title", "country", "n_passages"])
    themes = pd.DataFrame(
        [(d, p, t, 1.0) for d, _, _, coded in docs for p, t in coded],
        columns=["doc_id", "passage", "theme", "score"])
    return {"documents": documents, "themes": themes}


def test_expand_and_edition_profile() -> None:
    assert expand("security.nuclear") == ["security.nuclear", "security"]
    assert expand("health") == ["health"]
    assert edition_profile(NEW) == {"economy.trade": 1, "economy.investment": 1, "economy": 2,
                                    "security.nuclear": 1, "security": 1}


def test_profile_cosine_by_hand() -> None:
    data = frames(("d1", 2005, 2, [(0, "security.nuclear")]),
                  ("d2", 2015, 4, [(0, "economy.trade"), (1, "economy.trade"),
                                   (2, "economy.investment")]))
    result = edition_alignment(data, [NEW, OLD])
    assert result.editions == ("tst/2001-2010", "tst/2011-2020")  # in time order
    t = result.to_frame().set_index("doc_id")
    # d1 = {security.nuclear: .5, security: .5}; OLD = {nuclear 1, terrorism 1, security 2}
    # cos = (.5 + 1) / (sqrt(.5) * sqrt(6)) = 0.8660254
    assert t.loc["d1", "profile:tst/2001-2010"] == pytest.approx(1.5 / math.sqrt(0.5 * 6))
    # NEW = {trade 1, investment 1, economy 2, nuclear 1, security 1}: (.5 + .5) / sqrt(.5 * 8)
    assert t.loc["d1", "profile:tst/2011-2020"] == pytest.approx(1.0 / math.sqrt(0.5 * 8))
    assert t.loc["d1", "best"] == "tst/2001-2010"
    assert t.loc["d2", "best"] == "tst/2011-2020"
    assert t.loc["d2", "profile:tst/2001-2010"] == 0.0
    assert t.loc["d1", "margin"] == pytest.approx(
        t.loc["d1", "score:tst/2001-2010"] - t.loc["d1", "score:tst/2011-2020"])
    ev = result.evidence
    top = ev[(ev["doc_id"] == "d2") & (ev["edition"] == "tst/2011-2020")].iloc[0]
    assert top["theme"] == "economy" and top["rank"] == 1
    json.dumps(result.records())


def test_element_share_and_its_caveat() -> None:
    data = frames(("d1", 2005, 3, [(0, "security.nuclear")]))
    data["elements"] = pd.DataFrame(
        [("d1", 0, "priority.nuclear", "tst/2011-2020"),
         ("d1", 1, "priority.trade", "tst/2011-2020"),
         ("d1", 1, "priority.trade", "tst/2011-2020")],  # the same pair twice counts once
        columns=["doc_id", "passage", "element", "edition"])
    result = edition_alignment(data, [OLD, NEW])
    row = result.to_frame().iloc[0]
    assert row["elements:tst/2001-2010"] == pytest.approx(0.5)
    assert row["elements:tst/2011-2020"] == pytest.approx(1.0)
    assert any("tst/2011-2020 only" in n for n in result.notes)


def test_documents_without_themes_have_no_best() -> None:
    data = frames(("d1", 2005, 3, []))
    row = edition_alignment(data, [OLD, NEW]).to_frame().iloc[0]
    assert math.isnan(row["profile:tst/2001-2010"]) and row["best"] is None


def embedded(embedder: HashingEmbedder, ed: Edition) -> np.ndarray[Any, Any]:
    """Passages written from an edition's own vocabulary, one per element."""
    return embedder.encode([f"We speak of {e.title.lower()}: {e.summary}" for e in ed])


def test_embedding_alignment_follows_the_vocabulary() -> None:
    embedder = HashingEmbedder(dim=512)
    data = frames(("old", 2005, 2, []), ("new", 2015, 3, []))
    data["embeddings"] = {"old": embedded(embedder, OLD), "new": embedded(embedder, NEW)}
    result = edition_alignment(data, [OLD, NEW], method="embedding", embedder=embedder)
    t = result.to_frame().set_index("doc_id")
    assert t.loc["old", "best"] == "tst/2001-2010" and t.loc["new", "best"] == "tst/2011-2020"
    assert -1.0 <= t.loc["old", "embedding:tst/2011-2020"] <= 1.0
    assert "profile:tst/2001-2010" not in t.columns


def test_both_averages_and_relative_centres() -> None:
    embedder = HashingEmbedder(dim=512)
    data = frames(("old", 2005, 2, [(0, "security.terrorism")]),
                  ("new", 2015, 3, [(0, "economy.trade")]))
    data["embeddings"] = {"old": embedded(embedder, OLD), "new": embedded(embedder, NEW)}
    both = edition_alignment(data, [OLD, NEW], method="both", embedder=embedder).to_frame()
    for e in ("tst/2001-2010", "tst/2011-2020"):
        assert np.allclose(both[f"score:{e}"], (both[f"profile:{e}"] + both[f"embedding:{e}"]) / 2)
    rel = edition_alignment(data, [OLD, NEW], method="both", embedder=embedder,
                            relative=True).to_frame()
    assert rel["score:tst/2001-2010"].sum() == pytest.approx(0.0, abs=1e-12)
    assert np.allclose(rel["score:tst/2011-2020"],
                       both["score:tst/2011-2020"] - both["score:tst/2011-2020"].mean())


def test_embedding_errors_name_the_fix() -> None:
    data = frames(("d1", 2005, 2, []))
    with pytest.raises(UsageError, match="embeddings"):
        edition_alignment(data, [OLD, NEW], method="embedding", embedder=HashingEmbedder())
    data["embeddings"] = {"d1": np.ones((2, 64), dtype=np.float32)}
    with pytest.raises(UsageError, match="dimensions"):
        edition_alignment(data, [OLD, NEW], method="embedding", embedder=HashingEmbedder(256))
    with pytest.raises(UsageError, match="method"):
        edition_alignment(data, [OLD, NEW], method="words")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="twice"):
        edition_alignment(data, [OLD, OLD])


def result_from(years_and_winners: list[tuple[int, str]]) -> AlignmentResult:
    """A result whose documents (one per entry) are won by "old", "new" or "tie"."""
    rows = []
    for i, (year, winner) in enumerate(years_and_winners):
        old, new = {"old": (0.6, 0.4), "new": (0.4, 0.6), "tie": (0.5, 0.5)}[winner]
        rows.append({"doc_id": f"d{i}", "date": pd.Timestamp(f"{year}-09-25"), "year": year,
                     "country": "TST", "score:a/1": old, "score:b/2": new})
    return AlignmentResult(("a/1", "b/2"), "profile", False, pd.DataFrame(rows),
                           pd.DataFrame())


def test_shift_year_on_a_rolling_majority() -> None:
    clean = result_from([(2010, "old"), (2011, "old"), (2012, "new"), (2013, "new"),
                         (2014, "new")])
    assert clean.shift_year() == 2012
    blip = result_from([(2010, "old"), (2011, "new"), (2012, "old"), (2013, "old"),
                        (2014, "new"), (2015, "new"), (2016, "old"), (2017, "new"),
                        (2018, "new")])
    assert blip.shift_year(window=3) == 2014  # 2016 alone does not undo it; 2012-13 do
    assert blip.shift_year(window=1) == 2017
    assert result_from([(2010, "new"), (2011, "old"), (2012, "old")]).shift_year() is None
    ties = result_from([(2010, "tie"), (2011, "tie")])
    assert ties.shift_year() is None  # ties count for neither edition
    many = result_from([(2010, "old"), (2011, "new"), (2011, "new"), (2011, "old")])
    yearly = many.yearly().set_index("year")
    assert yearly.loc[2011, "documents"] == 3 and yearly.loc[2011, "newer_wins"] == 2
    assert many.shift_year(window=1) == 2011
    with pytest.raises(UsageError):
        clean.shift_year("a/1", "c/3")


def test_shift_year_per_country() -> None:
    result = result_from([(2010, "old"), (2011, "new"), (2012, "new")])
    result.table.loc[1:, "country"] = "OTH"
    assert result.shift_year(country="TST") is None
    assert result.shift_year(country="OTH") == 2011


# ------------------------------------------------------------------------------ end to end


FAST: dict[str, Any] = {
    "components": ["segment", "actors", "dates", "embed", "themes", "elements", "events"],
    "settings": {"embed": {"embedder": "hashing"}},
}


def test_end_to_end_with_a_corpus(tmp_path: Path) -> None:
    from multivector.services.corpus import Corpus

    rows = [
        {"date": "2006-09-25", "country": "KAZ", "text": (
            "Deeper cooperation with Russia, China, the United States and the European Union "
            "continues the balanced course.\n\nThese main partners remain the partners with "
            "whom cooperation is to deepen.")},
        {"date": "2022-09-25", "country": "KAZ", "text": (
            "The UN hub in Almaty and a UN centre for the SDGs serve the region.\n\nWe promote "
            "the Astana International Financial Centre, the Khorgos centre and open skies.")},
    ]
    path = tmp_path / "statements.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with Corpus(tmp_path / "c.db", config=FAST, edition="kaz/2020-2030") as corpus:
        assert corpus.ingest([path]).ok
        result = corpus.alignment(["kaz/2020-2030", "kaz/2005"], method="both")
    assert result.editions == ("kaz/2005", "kaz/2020-2030")
    t = result.to_frame().set_index("year")
    assert t.loc[2006, "embedding:kaz/2005"] > t.loc[2006, "embedding:kaz/2020-2030"]
    assert t.loc[2022, "embedding:kaz/2020-2030"] > t.loc[2022, "embedding:kaz/2005"]
    assert t.loc[2022, "best"] == "kaz/2020-2030"
    assert t["elements:kaz/2020-2030"].notna().any()
    assert result.shift_year(window=1) == 2022
    long = result.long_frame()
    assert set(long["measure"]) == {"profile", "elements", "embedding", "score"}
