"""Priority coverage: evidence per element and period, silent elements, the strongest passages,
linked events, on hand-made frames, and end to end on a small corpus written here."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from multivector.analysis.coverage import coverage, validity
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
        ("d1", 0, "principle.balance", 0.3, "themes"),
        ("d1", 0, "principle.balance", 1.0, "cue"),  # same passage: one, the strong one
        ("d1", 3, "principle.balance", 0.9, "lexicon"),  # coded before cues: strong too
        ("d2", 1, "principle.balance", 0.25, "themes"),  # weak only
        ("d2", 1, "priority.russia", 0.25, "partner"),
        ("d2", 2, "priority.russia", 0.4, "themes+partner"),
        ("d3", 0, "priority.unknown", 1.0, "cue"),  # not in the edition: ignored
    )


def test_scorecard_counts_strong_evidence_and_shows_weak_apart(
    concept: Edition, docs: pd.DataFrame, coded: pd.DataFrame
) -> None:
    result = coverage(concept, coded, documents=docs)
    assert result.periods == ("2001", "2002", "2003", "2004")
    card = result.scorecard_frame().set_index("element")
    assert list(card.index) == [e.id for e in concept.elements]
    balance = card.loc["principle.balance"]
    assert balance["passages"] == 2 and balance["documents"] == 1
    assert balance["weak_passages"] == 1  # d2:1, found by its theme only
    assert balance["periods_with_evidence"] == 1 and balance["share"] == pytest.approx(0.25)
    assert balance["last_seen"] == "2001" and balance["silent_since"] == "2002"
    assert not balance["silent"]
    assert balance["mean_score"] == pytest.approx((1.0 + 0.9) / 2)
    russia = card.loc["priority.russia"]  # a partner and a theme are no evidence that holds up
    assert russia["silent"] and russia["passages"] == 0 and russia["weak_passages"] == 2
    arctic = card.loc["priority.arctic"]
    assert arctic["silent"] and arctic["passages"] == 0 and arctic["share"] == 0
    assert arctic["silent_since"] == "2001"
    assert result.silent() == ["priority.russia", "priority.sco", "priority.arctic"]
    records = result.records()
    assert next(r for r in records if r["element"] == "priority.arctic")["last_seen"] is None
    json.dumps(records, allow_nan=False)


def test_weak_evidence_counts_when_asked(concept: Edition, docs: pd.DataFrame,
                                         coded: pd.DataFrame) -> None:
    card = coverage(concept, coded, documents=docs, weak=True).scorecard.set_index("element")
    balance = card.loc["principle.balance"]
    assert balance["passages"] == 3 and balance["documents"] == 2
    assert balance["periods_with_evidence"] == 2 and balance["last_seen"] == "2002"
    assert balance["mean_score"] == pytest.approx((1.0 + 0.9 + 0.25) / 3)
    assert card.loc["priority.russia", "passages"] == 2
    assert card.loc["priority.russia", "weak_passages"] == 2  # still shown for what it is


def test_every_count_traces_to_coded_passages(concept: Edition, docs: pd.DataFrame,
                                              coded: pd.DataFrame) -> None:
    result = coverage(concept, coded, documents=docs)
    rows = result.passages_frame()
    assert len(rows) == 5  # one row per (element, passage), the unknown element left out
    best = rows.set_index(["element", "doc_id", "passage"])
    assert best.loc[("principle.balance", "d1", 0), "route"] == "cue"  # strong beats weak
    card = result.scorecard.set_index("element")
    counted = rows[rows["counted"]].groupby("element").size()
    weak = rows[(rows["strength"] == "weak") & (rows["window"] == "in_force")]
    for el in card.index:
        assert card.loc[el, "passages"] == counted.get(el, 0)
        assert card.loc[el, "weak_passages"] == (weak["element"] == el).sum()
    assert set(rows["strength"]) == {"strong", "weak"}
    timeline = result.timeline_frame()
    assert timeline["passages"].sum() == card["passages"].sum()
    assert timeline["weak_passages"].sum() == card["weak_passages"].sum()


def test_timeline_has_every_element_and_period(concept: Edition, docs: pd.DataFrame,
                                                coded: pd.DataFrame) -> None:
    timeline = coverage(concept, coded, documents=docs).timeline_frame()
    assert len(timeline) == 4 * 4
    cells = timeline.set_index(["element", "period"])
    cell = cells.loc[("principle.balance", "2001")]
    assert (cell["passages"], cell["documents"], cell["events"]) == (2, 1, 0)
    assert cell["mean_score"] == pytest.approx(0.95) and cell["window"] == "in_force"
    assert not cells.loc[("principle.balance", "2002"), "evidence"]
    assert cells.loc[("principle.balance", "2002"), "weak_passages"] == 1


def test_without_documents_periods_come_from_the_coded_passages(
    concept: Edition, coded: pd.DataFrame
) -> None:
    result = coverage(concept, coded)
    assert result.periods == ("2001", "2002")
    assert result.scorecard.set_index("element").loc["principle.balance", "share"] == 0.5


def test_the_strongest_counted_passages_are_the_evidence(
    concept: Edition, docs: pd.DataFrame, coded: pd.DataFrame
) -> None:
    ev = coverage(concept, coded, documents=docs, top=2).evidence_frame()
    balance = ev[ev["element"] == "principle.balance"]
    assert list(zip(balance["doc_id"], balance["passage"], strict=True)) == [("d1", 0), ("d1", 3)]
    assert list(balance["score"]) == [1.0, 0.9] and list(balance["route"]) == ["cue", "lexicon"]
    assert list(balance["rank"]) == [1, 2] and set(balance["strength"]) == {"strong"}
    assert set(ev["element"]) == {"principle.balance"}  # weak evidence is not shown as evidence
    loose = coverage(concept, coded, documents=docs, weak=True).evidence_frame()
    assert set(loose["element"]) == {"principle.balance", "priority.russia"}


def test_min_score_and_cut_periods(concept: Edition, docs: pd.DataFrame,
                                   coded: pd.DataFrame) -> None:
    result = coverage(concept, coded, documents=docs, min_score=0.95, period=[2000, 2003],
                      weak=True)
    assert result.periods == ("2000-2002", "2003-")
    card = result.scorecard.set_index("element")
    assert card.loc["principle.balance", "passages"] == 1
    assert card.loc["priority.russia", "passages"] == 0
    assert card.loc["principle.balance", "silent_since"] == "2003-"


def test_events_link_by_passage_and_by_partner(concept: Edition, docs: pd.DataFrame,
                                               coded: pd.DataFrame) -> None:
    ev = events(
        docs,
        ("d1", 3, "meeting", "KAZ", ["UN"], None),  # in a passage coded principle.balance
        ("d3", 4, "agreement_signed", "KAZ", ["RUS"], None),  # partner of priority.russia
        ("d4", 1, "meeting", "KAZ", ["SCO"], "2026-06-01"),  # SCO, dated by its own date
        ("d2", 2, "visit", "RUS", ["KAZ"], None),  # both: weakly coded passage, partner actor
    )
    result = coverage(concept, coded, ev, documents=docs)
    card = result.scorecard.set_index("element")
    assert card.loc["principle.balance", "events"] == 1  # through a strong passage: counts
    russia = card.loc["priority.russia"]  # a partner link is weak: shown apart
    assert russia["events"] == 0 and russia["weak_events"] == 2 and russia["silent"]
    sco = card.loc["priority.sco"]
    assert sco["silent"] and sco["weak_events"] == 1
    links = result.events_frame().set_index(["element", "doc_id"])
    assert links.loc[("priority.russia", "d2"), "link"] == "partner+passage"
    assert links.loc[("priority.russia", "d3"), "link"] == "partner"
    assert links.loc[("principle.balance", "d1"), "link"] == "passage"
    assert links.loc[("principle.balance", "d1"), "strength"] == "strong"
    assert "2026" not in result.periods
    loose = coverage(concept, coded, ev, documents=docs, weak=True)
    card = loose.scorecard.set_index("element")
    assert card.loc["priority.russia", "events"] == 2
    assert card.loc["priority.russia", "periods_with_evidence"] == 2  # 2002 and 2003
    assert card.loc["priority.russia", "last_seen"] == "2003"
    sco = card.loc["priority.sco"]
    assert not sco["silent"] and sco["last_seen"] == "2004"
    own = coverage(concept, coded, ev, documents=docs, event_dates="event", weak=True,
                   in_force=False)
    assert own.scorecard.set_index("element").loc["priority.sco", "last_seen"] == "2026"


def test_another_editions_coding_is_flagged(concept: Edition, docs: pd.DataFrame,
                                            coded: pd.DataFrame) -> None:
    other = coded.assign(edition="tst/2011-2020")
    loose = coverage(concept, other, documents=docs)
    assert loose.warnings and "tst/2011-2020" in loose.warnings[0]
    assert loose.scorecard.set_index("element").loc["principle.balance", "passages"] == 2
    strict = coverage(concept, other, documents=docs, strict_edition=True)
    assert strict.scorecard["silent"].all()
    assert not coverage(concept, coded, documents=docs).warnings


def test_evidence_counts_in_force_with_before_and_after_apart(
    docs: pd.DataFrame, coded: pd.DataFrame
) -> None:
    later = edition("tst/2002-2003", element("principle.balance", ElementKind.PRINCIPLE))
    result = coverage(later, coded, documents=docs, weak=True)
    assert result.periods == ("2002", "2003")
    row = result.scorecard.iloc[0]
    assert (row["passages"], row["before"], row["after"]) == (1, 2, 0)
    assert (result.valid_from, result.valid_to) == (dt.date(2002, 1, 1), dt.date(2003, 12, 31))
    strong = coverage(later, coded, documents=docs).scorecard.iloc[0]
    assert (strong["passages"], strong["weak_passages"], strong["before"]) == (0, 1, 2)
    everything = coverage(later, coded, documents=docs, in_force=False, weak=True)
    assert everything.periods == ("2001", "2002", "2003", "2004")
    assert everything.scorecard.iloc[0]["passages"] == 3
    assert everything.scorecard.iloc[0]["before"] == 2  # still shown apart
    windows = everything.timeline_frame().set_index("period")["window"].to_dict()
    assert windows == {"2001": "before", "2002": "in_force", "2003": "in_force",
                       "2004": "after"}


def test_validity_starts_at_adoption_and_ends_where_the_next_edition_begins(
    docs: pd.DataFrame,
) -> None:
    first = replace(edition("tst/2000-2010", element("principle.balance", ElementKind.PRINCIPLE)),
                    adopted=dt.date(2000, 3, 1))
    second = replace(edition("tst/2002-2010", element("principle.balance", ElementKind.PRINCIPLE)),
                     id="tst/2002-2010", adopted=dt.date(2002, 6, 1))
    assert validity(first) == (dt.date(2000, 3, 1), dt.date(2010, 12, 31))
    assert validity(first, [first, second]) == (dt.date(2000, 3, 1), dt.date(2002, 5, 31))
    assert validity(first, {"KAZ": [second]}) == (dt.date(2000, 3, 1), dt.date(2002, 5, 31))
    assert validity(second, [first, second]) == (dt.date(2002, 6, 1), dt.date(2010, 12, 31))
    coded = elements(docs, ("d1", 0, "principle.balance", 1.0, "cue"),
                     ("d2", 0, "principle.balance", 1.0, "cue"),
                     ("d3", 0, "principle.balance", 1.0, "cue"))
    row = coverage(first, coded, documents=docs, editions=[first, second]).scorecard.iloc[0]
    assert (row["passages"], row["before"], row["after"]) == (1, 0, 2)  # 2002-09 is after


def test_a_corpus_outside_the_validity_period_says_so(docs: pd.DataFrame,
                                                      coded: pd.DataFrame) -> None:
    future = edition("tst/2020-2030", element("principle.balance", ElementKind.PRINCIPLE))
    result = coverage(future, coded, documents=docs)
    assert result.periods == () and result.scorecard.iloc[0]["before"] == 2
    assert any("validity period" in w and "before" in w for w in result.warnings)


def test_empty_frames(concept: Edition, coded: pd.DataFrame) -> None:
    result = coverage(concept, coded.iloc[0:0])
    assert result.periods == () and result.scorecard["silent"].all()
    assert result.evidence_frame().empty and result.timeline_frame().empty
    assert result.passages_frame().empty and not result.warnings


# ------------------------------------------------------------------------------ end to end


FAST: dict[str, Any] = {
    "components": ["segment", "actors", "dates", "embed", "themes", "elements", "events"],
    "settings": {"embed": {"embedder": "hashing"}},
}

TEXTS = [
    ("2019-09-25", "Kazakhstan pursues a multi-vector foreign policy. We value our allied "
                   "relations with the Russian Federation.\n\nPresident Tokayev paid a state "
                   "visit to Moscow and signed an agreement with Russia."),
    ("2021-09-25", "The Shanghai Cooperation Organisation remains important to us.\n\nThe UN "
                   "hub in Almaty now gathers agencies of the United Nations that work for "
                   "sustainable development."),
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
    assert result.periods == ("2021", "2023")  # 2019 is before the edition was adopted
    card = result.scorecard.set_index("element")
    assert len(card) == len(concept.elements)
    russia = card.loc["priority.bilateral.russia"]
    assert russia["passages"] == 0 and russia["before"] == 1 and russia["silent"]
    assert card.loc["principle.multivector", "before"] == 1
    assert card.loc["priority.multilateral.sco", "last_seen"] == "2021"
    hub = card.loc["priority.multilateral.un"]  # its cue in 2021; the UN alone in 2023 is not
    assert hub["passages"] == 1 and hub["last_seen"] == "2021"
    assert card.loc["goal.leading_state_in_region", "silent"]  # Central Asia alone is no cue
    assert card.loc["priority.economic.khorgos", "silent"]
    ev = result.evidence_frame()
    top = ev[ev["element"] == "priority.multilateral.un"].iloc[0]
    assert top["route"] == "cue" and top["period"] == "2021" and top["strength"] == "strong"
    assert not result.warnings
