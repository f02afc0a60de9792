"""Priority coverage: evidence per element and period, silent elements, the strongest passages,
linked events, on hand-made frames, and end to end on a small corpus written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from multivector.analysis.coverage import coverage
from multivector.domain.concept import (
    Completeness,
    Domain,
    Edition,
    Element,
    ElementKind,
    Evidence,
    EvidenceLevel,
    PartnerRelation,
)

EV = (Evidence("text", "para 1", EvidenceLevel.OFFICIAL),)


def element(ident: str, kind: ElementKind, *, partners: tuple[str, ...] = (),
            organisations: tuple[str, ...] = (), themes: tuple[str, ...] = ()) -> Element:
    return Element(ident, kind, Domain.GENERAL, ident.replace(".", " ").title(),
                   f"Summary of {ident}.", EV, themes=themes,
                   partners=tuple(PartnerRelation(p, "partnership") for p in partners),
                   organisations=organisations)


def edition(ident: str, *elements: Element) -> Edition:
    """An edition whose id ends with its years: ``tst/2000-2010``."""
    start, end = (int(y) for y in ident.split("/")[1].split("-"))
    return Edition(ident, "KAZ", "Test concept", start, end, None, None, None, (),
                   Completeness("partial", "Written for the tests."), elements)


@pytest.fixture
def concept() -> Edition:
    return edition(
        "tst/2000-2010",
        element("principle.balance", ElementKind.PRINCIPLE),
        element("priority.russia", ElementKind.PRIORITY, partners=("RUS",)),
        element("priority.sco", ElementKind.PRIORITY, organisations=("SCO",)),
        element("priority.arctic", ElementKind.PRIORITY),  # never coded: silent
    )


def documents(*rows: tuple[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["doc_id", "date"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["year"] = frame["date"].dt.year.astype("Int64")
    frame["country"] = "KAZ"
    frame["n_passages"] = 5
    return frame


@pytest.fixture
def docs() -> pd.DataFrame:
    return documents(("d1", "2001-09-25"), ("d2", "2002-09-25"), ("d3", "2003-09-25"),
                     ("d4", "2004-09-25"))


def elements(docs: pd.DataFrame, *rows: tuple[str, int, str, float, str]) -> pd.DataFrame:
    """(doc_id, passage, element, score, route) -> an elements frame."""
    frame = pd.DataFrame(rows, columns=["doc_id", "passage", "element", "score", "route"])
    frame["start"] = frame["passage"] * 100
    frame["end"] = frame["start"] + 50
    frame["edition"] = "tst/2000-2010"
    frame["kind"] = None
    return frame.merge(docs[["doc_id", "date", "year", "country"]], on="doc_id")


def events(docs: pd.DataFrame, *rows: tuple[str, int, str, str | None, list[str], str | None]
           ) -> pd.DataFrame:
    """(doc_id, passage, type, actor, counterpart, own date) -> an events frame."""
    frame = pd.DataFrame(rows, columns=["doc_id", "passage", "type", "actor", "counterpart",
                                        "own"])
    frame = frame.merge(docs[["doc_id", "date", "country"]], on="doc_id")
    own = pd.to_datetime(frame["own"])
    frame["date_source"] = own.notna().map({True: "event", False: "document"})
    frame["date"] = own.where(own.notna(), frame["date"]).astype("datetime64[ns]")
    frame["year"] = frame["date"].dt.year.astype("Int64")
    frame["start"] = frame["passage"] * 100
    frame["end"] = frame["start"] + 80
    frame["score"] = 0.8
    frame["evidence"] = "a sentence"
    return frame.drop(columns="own")


@pytest.fixture
def coded(docs: pd.DataFrame) -> pd.DataFrame:
    return elements(
        docs,
        ("d1", 0, "principle.balance", 0.6, "themes"),
        ("d1", 0, "principle.balance", 1.0, "lexicon"),  # same passage: one, the best
        ("d1", 3, "principle.balance", 0.9, "lexicon"),
        ("d2", 1, "principle.balance", 0.5, "themes"),
        ("d2", 1, "priority.russia", 0.5, "partner"),
        ("d2", 2, "priority.russia", 0.8, "themes+partner"),
        ("d3", 0, "priority.unknown", 1.0, "lexicon"),  # not in the edition: ignored
    )


def test_scorecard_counts_periods_and_silence(concept: Edition, docs: pd.DataFrame,
                                               coded: pd.DataFrame) -> None:
    result = coverage(concept, coded, documents=docs)
    assert result.periods == ("2001", "2002", "2003", "2004")
    card = result.scorecard_frame().set_index("element")
    assert list(card.index) == [e.id for e in concept.elements]
    balance = card.loc["principle.balance"]
    assert balance["passages"] == 3 and balance["documents"] == 2
    assert balance["periods_with_evidence"] == 2 and balance["share"] == pytest.approx(0.5)
    assert balance["last_seen"] == "2002" and balance["silent_since"] == "2003"
    assert not balance["silent"]
    assert balance["mean_score"] == pytest.approx((1.0 + 0.9 + 0.5) / 3)
    arctic = card.loc["priority.arctic"]
    assert arctic["silent"] and arctic["passages"] == 0 and arctic["share"] == 0
    assert arctic["silent_since"] == "2001"
    assert result.silent() == ["priority.sco", "priority.arctic"]
    records = result.records()
    assert next(r for r in records if r["element"] == "priority.arctic")["last_seen"] is None
    json.dumps(records, allow_nan=False)


def test_timeline_has_every_element_and_period(concept: Edition, docs: pd.DataFrame,
                                                coded: pd.DataFrame) -> None:
    timeline = coverage(concept, coded, documents=docs).timeline_frame()
    assert len(timeline) == 4 * 4
    cell = timeline.set_index(["element", "period"]).loc[("principle.balance", "2001")]
    assert (cell["passages"], cell["documents"], cell["events"]) == (2, 1, 0)
    assert cell["mean_score"] == pytest.approx(0.95)
    assert not timeline.set_index(["element", "period"]).loc[
        ("principle.balance", "2004"), "evidence"]


def test_without_documents_periods_come_from_the_coded_passages(
    concept: Edition, coded: pd.DataFrame
) -> None:
    result = coverage(concept, coded)
    assert result.periods == ("2001", "2002")
    assert result.scorecard.set_index("element").loc["principle.balance", "share"] == 1.0


def test_the_strongest_passages_are_the_evidence(concept: Edition, docs: pd.DataFrame,
                                                 coded: pd.DataFrame) -> None:
    ev = coverage(concept, coded, documents=docs, top=2).evidence_frame()
    balance = ev[ev["element"] == "principle.balance"]
    assert list(zip(balance["doc_id"], balance["passage"], strict=True)) == [("d1", 0), ("d1", 3)]
    assert list(balance["score"]) == [1.0, 0.9] and list(balance["route"]) == ["lexicon"] * 2
    assert list(balance["rank"]) == [1, 2]
    assert set(ev["element"]) == {"principle.balance", "priority.russia"}


def test_min_score_and_cut_periods(concept: Edition, docs: pd.DataFrame,
                                   coded: pd.DataFrame) -> None:
    result = coverage(concept, coded, documents=docs, min_score=0.7, period=[2000, 2003])
    assert result.periods == ("2000-2002", "2003-")
    card = result.scorecard.set_index("element")
    assert card.loc["principle.balance", "passages"] == 2
    assert card.loc["priority.russia", "passages"] == 1
    assert card.loc["principle.balance", "silent_since"] == "2003-"


def test_events_link_by_passage_and_by_partner(concept: Edition, docs: pd.DataFrame,
                                               coded: pd.DataFrame) -> None:
    ev = events(
        docs,
        ("d1", 3, "meeting", "KAZ", ["UN"], None),  # in a passage coded principle.balance
        ("d3", 4, "agreement_signed", "KAZ", ["RUS"], None),  # partner of priority.russia
        ("d4", 1, "meeting", "KAZ", ["SCO"], "2026-06-01"),  # SCO, dated by its own date
        ("d2", 2, "visit", "RUS", ["KAZ"], None),  # both: coded passage and partner actor
    )
    result = coverage(concept, coded, ev, documents=docs)
    card = result.scorecard.set_index("element")
    assert card.loc["principle.balance", "events"] == 1
    assert card.loc["priority.russia", "events"] == 2
    assert card.loc["priority.russia", "periods_with_evidence"] == 2  # 2002 and 2003
    assert card.loc["priority.russia", "last_seen"] == "2003"
    sco = card.loc["priority.sco"]
    assert not sco["silent"] and sco["passages"] == 0 and sco["last_seen"] == "2004"
    links = result.events_frame().set_index(["element", "doc_id"])["link"]
    assert links[("priority.russia", "d2")] == "partner+passage"
    assert links[("priority.russia", "d3")] == "partner"
    assert links[("principle.balance", "d1")] == "passage"
    assert "2026" not in result.periods
    own = coverage(concept, coded, ev, documents=docs, event_dates="event")
    assert own.scorecard.set_index("element").loc["priority.sco", "last_seen"] == "2026"


def test_another_editions_coding_is_flagged(concept: Edition, docs: pd.DataFrame,
                                            coded: pd.DataFrame) -> None:
    other = coded.assign(edition="tst/2011-2020")
    loose = coverage(concept, other, documents=docs)
    assert loose.warnings and "tst/2011-2020" in loose.warnings[0]
    assert loose.scorecard.set_index("element").loc["principle.balance", "passages"] == 3
    strict = coverage(concept, other, documents=docs, strict_edition=True)
    assert strict.scorecard["silent"].all()
    assert not coverage(concept, coded, documents=docs).warnings


def test_in_force_keeps_the_editions_years(docs: pd.DataFrame, coded: pd.DataFrame) -> None:
    later = edition("tst/2002-2003", element("principle.balance", ElementKind.PRINCIPLE))
    result = coverage(later, coded, documents=docs, in_force=True)
    assert result.periods == ("2002", "2003")
    assert result.scorecard.loc[0, "passages"] == 1


def test_empty_frames(concept: Edition, coded: pd.DataFrame) -> None:
    result = coverage(concept, coded.iloc[0:0])
    assert result.periods == () and result.scorecard["silent"].all()
    assert result.evidence_frame().empty and result.timeline_frame().empty


# ------------------------------------------------------------------------------ end to end


FAST: dict[str, Any] = {
    "components": ["segment", "actors", "dates", "embed", "themes", "elements", "events"],
    "settings": {"embed": {"embedder": "hashing"}},
}

TEXTS = [
    ("2019-09-25", "Kazakhstan pursues a multi-vector foreign policy. We value our allied "
                   "relations with the Russian Federation.\n\nPresident Tokayev paid a state "
                   "visit to Moscow and signed an agreement with Russia."),
    ("2021-09-25", "The Shanghai Cooperation Organisation remains important to us.\n\nWe "
                   "support the United Nations and its work for sustainable development."),
    ("2023-09-25", "Water scarcity in Central Asia calls for joint management of rivers.\n\n"
                   "We support the United Nations."),
]


def test_end_to_end_on_an_ingested_corpus(tmp_path: Path) -> None:
    from multivector.analysis.frames import documents_frame, elements_frame, events_frame
    from multivector.services.corpus import Corpus

    path = tmp_path / "statements.jsonl"
    path.write_text("\n".join(json.dumps({"text": t, "date": d, "country": "KAZ"})
                              for d, t in TEXTS), encoding="utf-8")
    with Corpus(tmp_path / "c.db", config=FAST, edition="kaz/2020-2030") as corpus:
        assert corpus.ingest([path]).ok
        concept = corpus.knowledge.edition("kaz/2020-2030")
        docs = documents_frame(corpus.store)
        result = coverage(concept, elements_frame(corpus.store), events_frame(corpus.store),
                          documents=docs)
    assert result.periods == ("2019", "2021", "2023")
    card = result.scorecard.set_index("element")
    assert len(card) == len(concept.elements)
    russia = card.loc["priority.bilateral.russia"]
    assert russia["passages"] >= 1 and russia["last_seen"] == "2019"
    assert russia["silent_since"] == "2021" and russia["events"] >= 1
    assert card.loc["priority.multilateral.sco", "last_seen"] == "2021"
    assert card.loc["priority.economic.khorgos", "silent"]
    ev = result.evidence_frame()
    top = ev[ev["element"] == "principle.multivector"].iloc[0]
    assert top["route"] == "lexicon" and top["period"] == "2019"
    assert not result.warnings
