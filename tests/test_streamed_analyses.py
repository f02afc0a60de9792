"""Analyses that stream the store in chunks of whole documents (issue 13) give what the same
analyses give over whole-corpus frames: balance from collapsed mentions, theme attention merged
from chunks, declared versus observed read within the edition's window."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.analysis import frames
from multivector.analysis.balance import balance
from multivector.analysis.counting import collapse_mentions, counted_mentions, mention_count
from multivector.analysis.frames import mentions_frame
from multivector.services import analyses
from multivector.services.knowledge import default_knowledge
from multivector.services.stores import open_store
from multivector.store.base import Filters

VECTORS = ("russia", "china", "usa", "europe", "central_asia")


@pytest.fixture(scope="module")
def knowledge() -> Any:
    return default_knowledge()


@pytest.fixture
def store(web_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # small chunks: the 33 statements are read in many pieces, as a large corpus would be
    monkeypatch.setattr(frames, "CHUNK_ROWS", 60)
    s = open_store(web_db)
    try:
        yield s
    finally:
        s.close()


def same_balance(a: Any, b: Any) -> None:
    pd.testing.assert_frame_equal(a.shares_frame(), b.shares_frame())
    pd.testing.assert_frame_equal(a.index_frame(), b.index_frame())
    pd.testing.assert_frame_equal(a.differences_frame(), b.differences_frame())


@pytest.mark.parametrize(("weighting", "by", "multilateral"), [
    ("mention", None, False), ("passage", "country", True), ("document", "source", False)])
def test_streamed_balance_equals_balance_over_every_mention(
    store: Any, knowledge: Any, weighting: str, by: str | None, multilateral: bool
) -> None:
    streamed = analyses.balance(store, knowledge, weighting=weighting, by=by,
                                multilateral=multilateral, intervals=analyses.intervals(draws=100))
    whole = balance(mentions_frame(store), vectors=knowledge.vectors, weighting=weighting, by=by,
                    include_multilateral=multilateral,
                    editions=analyses._editions(knowledge), intervals=analyses.intervals(draws=100))
    same_balance(streamed, whole)
    assert len(streamed.mentions) < mention_count(streamed.mentions)  # rows stand for several
    cells = streamed.shares_frame()
    cell = cells[cells["weight"] > 0].iloc[0]
    group = cell[by] if by else None
    pd.testing.assert_frame_equal(
        streamed.evidence(cell["period"], cell["vector"], k=4, group=group),
        whole.evidence(cell["period"], cell["vector"], k=4, group=group),
    )


def test_streamed_balance_keeps_filters(store: Any, knowledge: Any) -> None:
    f = Filters(countries=("UZB",))
    streamed = analyses.balance(store, knowledge, filters=f, intervals=analyses.intervals(draws=0))
    whole = balance(mentions_frame(store, f), vectors=knowledge.vectors,
                    editions=analyses._editions(knowledge), intervals=analyses.intervals(draws=0))
    same_balance(streamed, whole)
    assert set(streamed.mentions["country"]) == {"UZB"}


# ------------------------------------------------------------------ collapsing, on any mentions

SPANS = st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 4))  # doc, passage, slot


@st.composite
def mention_frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = []
    for doc, passage, slot in draw(st.lists(SPANS, min_size=0, max_size=40)):
        readings = draw(st.integers(1, 2))  # an ambiguous name: two readings at one span
        for _ in range(readings):
            rows.append({
                "doc_id": f"d{doc}",
                "passage": passage,
                "start": slot * 10,
                "end": slot * 10 + 5,
                "date": pd.Timestamp(f"{2000 + doc % 3}-06-01"),
                "year": 2000 + doc % 3,
                "source": draw(st.sampled_from(["un", "mfa"])) if slot == 0 else "un",
                "genre": "speech",
                "author": None,
                "country": "KAZ",
                "language": "en",
                "actor": draw(st.sampled_from(["RUS", "CHN", "USA", "DEU", "UZB", "KAZ"])),
                "actor_type": "country",
                "vector": draw(st.sampled_from([*VECTORS, None, "multilateral"])),
                "own_country": False,
                "score": draw(st.sampled_from([0.5, 0.8, 1.0])),
            })
    frame = pd.DataFrame(rows, columns=list(mentions_columns()))
    frame["year"] = frame["year"].astype("Int64")
    return frame.sort_values(["date", "doc_id", "start", "end"], kind="stable").reset_index(
        drop=True)


def mentions_columns() -> tuple[str, ...]:
    return ("doc_id", "passage", "start", "end", "date", "year", "source", "genre", "author",
            "country", "language", "actor", "actor_type", "vector", "own_country", "score")


@settings(max_examples=40, deadline=None)
@given(mention_frames(), st.sampled_from(["mention", "passage", "document"]),
       st.sampled_from([None, "source"]))
def test_collapsed_mentions_give_the_same_balance(
    mentions: pd.DataFrame, weighting: str, by: str | None
) -> None:
    counted = counted_mentions(mentions, VECTORS)
    collapsed = collapse_mentions(counted)
    assert mention_count(collapsed) == len(counted)
    assert len(collapsed) == len(counted.drop_duplicates(["doc_id", "passage", "vector", "actor"]))
    kw: dict[str, Any] = {"vectors": VECTORS, "weighting": weighting, "by": by,
                          "intervals": analyses.intervals(draws=50)}
    if counted.empty:
        return
    same_balance(balance(collapsed, **kw), balance(mentions, **kw))
    # collapsing twice changes nothing
    assert collapse_mentions(collapsed) is collapsed
    assert np.isclose(collapsed.groupby("actor")["n"].sum(),
                      counted.groupby("actor").size()).all()


# ------------------------------------------------------------------ theme attention in chunks


@pytest.mark.parametrize(("weighting", "level", "period"), [
    ("passage", "family", "year"), ("document", "leaf", "edition"),
    ("mention", "family", [2014, 2017, 2021])])
def test_streamed_theme_attention_equals_the_whole_frame(
    store: Any, knowledge: Any, weighting: str, level: str, period: Any
) -> None:
    from multivector.analysis.frames import documents_frame, theme_chunks, themes_frame
    from multivector.analysis.trends import theme_attention, theme_attention_chunks

    chunks = list(theme_chunks(store))
    assert len(chunks) > 5  # the small chunk size cuts the 33 statements into many pieces
    assert all(not set(a["doc_id"]) & set(b["doc_id"]) for a, b in itertools.pairwise(chunks))
    kw: dict[str, Any] = {"period": period, "level": level, "weighting": weighting,
                          "editions": analyses._editions(knowledge)}
    streamed = theme_attention_chunks(iter(chunks), documents_frame(store), **kw)
    whole = theme_attention(themes_frame(store), documents_frame(store), **kw)
    pd.testing.assert_frame_equal(streamed.table, whole.table)
    pd.testing.assert_frame_equal(streamed.evidence, whole.evidence)
    assert streamed.periods == whole.periods
    assert streamed.table["count"].sum() > 0


def test_streamed_trends_of_an_empty_selection(store: Any, knowledge: Any) -> None:
    res = analyses.trends(store, knowledge, filters=Filters(countries=("ZZZ",)))
    assert res.table.empty and res.evidence.empty


@pytest.mark.parametrize(("edition", "all_dates", "all_countries"), [
    ("kaz/2020-2030", False, False), ("kaz/2014-2020", True, True),
    ("kaz/2014-2020", True, False)])
def test_gap_from_reduced_frames_equals_the_whole_frames(
    store: Any, knowledge: Any, edition: str, all_dates: bool, all_countries: bool
) -> None:
    from multivector.analysis.frames import (
        elements_frame,
        events_frame,
        mentions_frame,
        themes_frame,
    )
    from multivector.analysis.gap import gap as run

    ed = knowledge.edition(edition)  # the corpus runs 2014-2020: 2020-2030 sees 2020 only
    read = analyses.gap(store, knowledge, ed.id, all_dates=all_dates,
                        all_countries=all_countries, intervals=analyses.intervals(draws=100))
    whole = run(ed, mentions_frame(store), knowledge.vectors, themes=themes_frame(store),
                elements=elements_frame(store), events=events_frame(store),
                period="all" if all_dates else None, all_countries=all_countries,
                intervals=analyses.intervals(draws=100))
    assert "themes" not in read.sources and "mentions" not in read.sources  # rows read if asked
    pd.testing.assert_frame_equal(read.vectors, whole.vectors)
    pd.testing.assert_frame_equal(read.priorities, whole.priorities)
    assert read.n_documents == whole.n_documents
    assert (read.priorities["level"] == "family").sum() > 3
    if all_dates:  # counterparts placed by the reduced reading
        assert read.vectors["events"].sum() > 0
    for vector in ("russia", "central_asia"):
        pd.testing.assert_frame_equal(read.evidence(vector=vector), whole.evidence(vector=vector))
    for priority in read.priorities["priority"].head(6):
        pd.testing.assert_frame_equal(read.evidence(priority=priority),
                                      whole.evidence(priority=priority))
    f = analyses._window_filters(ed, all_dates=all_dates)
    if not all_dates:
        assert f.date_from is not None and f.date_from.year == 2020
        assert len(mentions_frame(store, f)) < len(mentions_frame(store))


# ------------------------------------------------------------------ coverage in chunks


@pytest.mark.parametrize(("edition", "filters"), [
    ("kaz/2014-2020", None), ("kaz/2020-2030", Filters(countries=("KAZ", "UZB")))])
def test_streamed_coverage_equals_the_whole_frames(
    store: Any, knowledge: Any, edition: str, filters: Filters | None
) -> None:
    from multivector.analysis.coverage import coverage
    from multivector.analysis.frames import documents_frame, elements_frame, events_frame

    read = analyses.coverage(store, knowledge, edition, filters=filters)
    assert read.coded is None and read.events is None  # counts only, rows read when asked
    whole = coverage(knowledge.edition(edition), elements_frame(store, filters),
                     events_frame(store, filters), documents=documents_frame(store, filters),
                     editions=analyses._editions(knowledge))
    for name in ("scorecard_frame", "timeline_frame", "evidence_frame", "passages_frame",
                 "events_frame"):
        pd.testing.assert_frame_equal(getattr(read, name)(), getattr(whole, name)(), obj=name)
    assert read.warnings == whole.warnings
    assert len(read.events_frame()) > 0 and len(read.passages_frame()) > 0


def test_gap_selects_the_country_in_the_store_only_when_every_document_has_one(
    tmp_path: Path, knowledge: Any
) -> None:
    import datetime as dt

    from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta, Passage

    ed = knowledge.edition("kaz/2014-2020")
    wide = Filters(date_from=dt.date(2014, 1, 1))

    def doc(text: str, country: str | None) -> AnnotatedDocument:
        d = Document.create(text, DocumentMeta(date=dt.date(2015, 1, 1), country=country))
        return AnnotatedDocument(d, [Passage(d.id, 0, 0, len(text))], [])

    s = open_store(tmp_path / "c.db")
    try:
        s.add_documents([doc("Made-up statement one.", "KAZ"), doc("Made-up two.", "UZB")])
        assert analyses._own_country(s, ed, wide).countries == ("KAZ",)
        s.add_documents([doc("A statement of no known country.", None)])
        assert analyses._own_country(s, ed, wide) == wide  # kept by the gap: read it
    finally:
        s.close()
