"""The analysis data layer: frames from a hand-made corpus, the store's tables checked against
the repository's plain reads, filters, and periods (years, quarters, cut years, editions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.analysis.frames import (
    documents_frame,
    elements_frame,
    events_frame,
    mentions_frame,
    passages_frame,
    themes_frame,
)
from multivector.analysis.periods import (
    NO_PERIOD,
    UNDATED,
    assign_period,
    edition_spans,
    editions_by_country,
    period_order,
)
from multivector.domain.concept import Completeness, Edition
from multivector.domain.corpus import (
    Annotation,
    Document,
    DocumentMeta,
    Genre,
    Layer,
    Passage,
    Producer,
)
from multivector.errors import UsageError
from multivector.services.knowledge import default_knowledge
from multivector.store.base import Filters
from multivector.store.sqlite import SQLiteStore

HAND = Producer("hand", "1", "written for the test")

TEXT_A = "Kazakhstan met Russia.\n\nThe EU and the UN spoke on trade with China."
TEXT_B = "Uzbekistan welcomed Russia.\n\nNothing else happened."


def _spans(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for part in text.split("\n\n"):
        begin = text.index(part, start)
        out.append((begin, begin + len(part)))
        start = begin + len(part)
    return out


def _span(text: str, word: str) -> tuple[int, int]:
    i = text.index(word)
    return i, i + len(word)


def actor(doc: Document, passage: int, word: str, label: str, vector: str | None,
          *, own: bool = False, type_: str = "country", score: float = 1.0) -> Annotation:
    s, e = _span(doc.text, word)
    return Annotation(doc.id, passage, Layer.ACTOR, label, s, e, score, HAND,
                      {"type": type_, "vector": vector, "own_country": own})


def build_corpus(store: Any) -> tuple[Document, Document]:
    a = Document.create(TEXT_A, DocumentMeta(
        title="A", date=dt.date(1996, 5, 12), source="ungd", author="Minister A",
        language="en", genre=Genre.SPEECH, country="KAZ"))
    b = Document.create(TEXT_B, DocumentMeta(
        title="B", date=None, source="press", language="en", country="UZB"))
    pa = [Passage(a.id, i, s, e) for i, (s, e) in enumerate(_spans(a.text))]
    pb = [Passage(b.id, i, s, e) for i, (s, e) in enumerate(_spans(b.text))]
    t0, t1 = _span(a.text, "trade")
    ann_a = [
        actor(a, 0, "Kazakhstan", "KAZ", None, own=True),
        actor(a, 0, "Russia", "RUS", "russia"),
        actor(a, 1, "EU", "EU", "europe", type_="organisation"),
        actor(a, 1, "UN", "UN", "multilateral", type_="organisation", score=0.9),
        actor(a, 1, "China", "CHN", "china"),
        Annotation(a.id, 1, Layer.THEME, "economy.trade", t0, t1, 0.9, HAND,
                   {"method": "lexicon"}),
        Annotation(a.id, 1, Layer.ELEMENT, "priority.bilateral.china", pa[1].start, pa[1].end,
                   0.6, HAND, {"edition": "kaz/2020-2030", "kind": "priority",
                               "route": "themes", "routes": ["themes"]}),
        Annotation(a.id, 0, Layer.EVENT, "meeting", pa[0].start, pa[0].end, 0.8, HAND,
                   {"actor": "KAZ", "counterpart": ["RUS"], "date": "1995-06",
                    "plover": "CONSULT"}),
        Annotation(a.id, 1, Layer.EVENT, "statement", pa[1].start, pa[1].end, 0.7, HAND,
                   {"actor": None, "counterpart": ["EU", "UN"], "date": None,
                    "plover": None}),
    ]
    ann_b = [
        actor(b, 0, "Uzbekistan", "UZB", None, own=True),
        actor(b, 0, "Russia", "RUS", "russia"),
    ]
    store.add_document(a, pa, ann_a)
    store.add_document(b, pb, ann_b)
    return a, b


@pytest.fixture
def corpus() -> Iterator[tuple[SQLiteStore, Document, Document]]:
    store = SQLiteStore(":memory:")
    a, b = build_corpus(store)
    yield store, a, b
    store.close()


FRAMES = [documents_frame, mentions_frame, themes_frame, elements_frame, events_frame,
          passages_frame]


FILTER_CASES = [None, Filters(countries=("UZB",)), Filters(vectors=("china",)),
                Filters(date_from=dt.date(1990, 1, 1)), Filters(event_types=("meeting",))]


@pytest.mark.parametrize("filters", FILTER_CASES)
@pytest.mark.parametrize("layer", [Layer.ACTOR, Layer.EVENT])
def test_annotation_table_equals_the_plain_reads(
    corpus: Any, layer: Layer, filters: Filters | None
) -> None:
    """The contract every store keeps: its table is the join of its documents and annotations
    (the reference a PostgreSQL store is held to as well)."""
    store, _, _ = corpus
    attrs = ["vector", "counterpart", "missing"]
    docs = {d.id: d for d in store.documents(filters)}
    expected = []
    for a in store.annotations(layers=[layer], filters=filters):
        m = docs[a.doc_id].meta
        expected.append((a.doc_id, a.passage, a.start, a.end, a.score, a.label,
                         *(a.attrs.get(k) for k in attrs), docs[a.doc_id].text[a.start:a.end],
                         m.date.isoformat() if m.date else None, m.source,
                         m.genre.value if m.genre else None, m.author, m.country, m.language))
    got = list(store.annotation_table(layer, attrs, filters, evidence=True))
    assert got == expected
    if filters is None:
        assert got  # the case without filters has rows to compare


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_document_and_passage_tables_equal_the_plain_reads(
    corpus: Any, filters: Filters | None
) -> None:
    store, _, _ = corpus
    keep = {(a.doc_id, a.passage) for a in store.annotations(filters=filters)}
    needs_annotation = filters is not None and (filters.vectors or filters.event_types)
    rows = []
    passages = []
    for d in store.documents(filters):
        ps = [p for p in store.passages(d.id)
              if not needs_annotation or (d.id, p.index) in keep]
        m = d.meta
        rows.append((d.id, m.title, m.date.isoformat() if m.date else None, m.source,
                     m.genre.value if m.genre else None, m.author, m.country, m.language, len(ps)))
        passages += [(d.id, p.index, p.start, p.end, d.text[p.start:p.end],
                      m.date.isoformat() if m.date else None, m.country) for p in ps]
    assert list(store.document_table(filters)) == rows
    assert list(store.passage_table(filters)) == passages


def test_documents_are_found_by_id_prefix(corpus: Any) -> None:
    store, a, b = corpus
    assert store.document_ids(a.id[:10]) == [a.id]
    assert store.document_ids("") == []
    assert store.document_ids("g") == []  # no hexadecimal id starts with g
    both = sorted([a.id, b.id])
    assert store.document_ids("", limit=10) == [] and store.document_ids(both[0][:1]) == [
        i for i in both if i.startswith(both[0][:1])]


@pytest.mark.parametrize("make", FRAMES, ids=lambda f: f.__name__)
def test_an_empty_store_gives_empty_frames_with_their_columns(make: Any) -> None:
    with SQLiteStore(":memory:") as store:
        full = SQLiteStore(":memory:")
        build_corpus(full)
        empty = make(store)
        assert empty.empty
        assert list(empty.columns) == list(make(full).columns)
        full.close()


def test_documents_frame(corpus: Any) -> None:
    store, a, b = corpus
    docs = documents_frame(store)
    assert list(docs.columns) == ["doc_id", "date", "year", "title", "source", "genre",
                                  "author", "country", "language", "n_passages"]
    assert list(docs["doc_id"]) == [a.id, b.id]  # dated first
    row = docs.iloc[0]
    assert row["date"] == pd.Timestamp("1996-05-12") and row["year"] == 1996
    assert (row["genre"], row["author"], row["country"], row["n_passages"]) == (
        "speech", "Minister A", "KAZ", 2)
    assert pd.isna(docs.iloc[1]["date"]) and pd.isna(docs.iloc[1]["year"])
    assert str(docs["date"].dtype) == "datetime64[ns]" and str(docs["year"].dtype) == "Int64"


def test_mentions_frame_keeps_own_country_with_no_vector(corpus: Any) -> None:
    store, a, _ = corpus
    m = mentions_frame(store)
    assert list(m.columns) == ["doc_id", "passage", "start", "end", "date", "year", "source",
                               "genre", "author", "country", "language", "actor",
                               "actor_type", "vector", "own_country", "score"]
    mine = m[m["doc_id"] == a.id]
    assert list(mine["actor"]) == ["KAZ", "RUS", "EU", "UN", "CHN"]
    assert list(mine["vector"]) == [None, "russia", "europe", "multilateral", "china"]
    assert list(mine["own_country"]) == [True, False, False, False, False]
    kaz = mine.iloc[0]
    assert a.text[kaz["start"]:kaz["end"]] == "Kazakhstan"
    assert set(m["actor_type"]) == {"country", "organisation"}


def test_themes_elements_and_passages(corpus: Any) -> None:
    store, a, _ = corpus
    t = themes_frame(store)
    assert list(t[["theme", "method", "passage"]].itertuples(index=False, name=None)) == [
        ("economy.trade", "lexicon", 1)]
    e = elements_frame(store)
    assert list(e[["element", "kind", "route", "edition"]].iloc[0]) == [
        "priority.bilateral.china", "priority", "themes", "kaz/2020-2030"]
    p = passages_frame(store)
    assert list(p.columns) == ["doc_id", "passage", "start", "end", "text", "date", "year",
                               "country"]
    assert list(p[p["doc_id"] == a.id]["text"]) == a.text.split("\n\n")
    assert len(p) == 4


def test_events_frame_uses_the_event_date_when_resolved(corpus: Any) -> None:
    store, _, _ = corpus
    ev = events_frame(store)
    assert list(ev["type"]) == ["meeting", "statement"]
    meeting, statement = ev.iloc[0], ev.iloc[1]
    assert meeting["date"] == pd.Timestamp("1995-06-01") and meeting["year"] == 1995
    assert meeting["date_source"] == "event"
    assert statement["date"] == pd.Timestamp("1996-05-12")
    assert statement["date_source"] == "document"
    assert meeting["counterpart"] == ["RUS"] and statement["counterpart"] == ["EU", "UN"]
    assert meeting["evidence"] == "Kazakhstan met Russia."


def test_filters_restrict_documents_and_passages(corpus: Any) -> None:
    store, a, b = corpus
    only_uzb = mentions_frame(store, Filters(countries=("UZB",)))
    assert set(only_uzb["doc_id"]) == {b.id}
    china = mentions_frame(store, Filters(vectors=("china",)))
    assert set(china["actor"]) == {"EU", "UN", "CHN"}  # the passage that mentions China
    assert list(passages_frame(store, Filters(vectors=("china",)))["passage"]) == [1]
    assert list(documents_frame(store, Filters(vectors=("china",)))["n_passages"]) == [1]
    meetings = events_frame(store, Filters(event_types=("meeting",)))
    assert list(meetings["type"]) == ["meeting"]
    dated = documents_frame(store, Filters(date_from=dt.date(1990, 1, 1)))
    assert list(dated["doc_id"]) == [a.id]


# ------------------------------------------------------------------------------ periods


def dated(*dates: str | None, country: str = "KAZ") -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(list(dates)), "country": country})


def test_year_and_quarter_periods() -> None:
    f = dated("1996-05-12", "1996-12-31", None)
    assert list(assign_period(f, "year")["period"]) == ["1996", "1996", UNDATED]
    assert list(assign_period(f, "quarter")["period"]) == ["1996Q2", "1996Q4", UNDATED]
    assert "period" not in f.columns  # a copy, the input is left alone


def test_cut_years_give_closed_periods_and_an_open_last_one() -> None:
    f = dated("1991-12-31", "1992-01-01", "2000-12-31", "2001-01-01", "2019-06-01",
              "2024-01-01", None)
    got = list(assign_period(f, [2014, 1992, 2001, 2020])["period"])
    assert got == [NO_PERIOD, "1992-2000", "1992-2000", "2001-2013", "2014-2019", "2020-",
                   UNDATED]


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(1950, 2030), min_size=1, max_size=5, unique=True),
       years=st.lists(st.integers(1940, 2040), min_size=1, max_size=20))
def test_cut_periods_contain_their_years(cuts: list[int], years: list[int]) -> None:
    f = dated(*(f"{y}-07-01" for y in years))
    for year, label in zip(years, assign_period(f, cuts)["period"], strict=True):
        if year < min(cuts):
            assert label == NO_PERIOD
        else:
            first, last = label.split("-")
            assert int(first) <= year and (last == "" or year <= int(last))


SHIPPED = editions_by_country(default_knowledge().editions())


def test_edition_periods_follow_adoption_dates_of_the_shipped_editions() -> None:
    f = dated("1994-06-01", "1996-01-01", "2001-01-01", "2014-01-10", "2014-02-01",
              "2020-03-05", "2020-03-06", "2030-12-31", "2031-01-01", None)
    assert list(assign_period(f, "edition", editions=SHIPPED)["period"]) == [
        NO_PERIOD, "kaz/1995", "kaz/2001", "kaz/2005", "kaz/2014-2020", "kaz/2014-2020",
        "kaz/2020-2030", "kaz/2020-2030", NO_PERIOD, UNDATED]


def test_edition_periods_use_the_speakers_country_given_a_mapping() -> None:
    f = pd.concat([dated("2016-01-01"), dated("2016-01-01", country="UZB")])
    assert list(assign_period(f, "edition", editions=SHIPPED)["period"]) == [
        "kaz/2014-2020", NO_PERIOD]
    # a list applies to every row, whatever its country
    kaz = SHIPPED["KAZ"]
    assert list(assign_period(f, "edition", editions=kaz)["period"]) == [
        "kaz/2014-2020", "kaz/2014-2020"]


def test_edition_periods_need_the_editions() -> None:
    with pytest.raises(UsageError, match="need the concept editions"):
        assign_period(dated("2016-01-01"), "edition")


def _edition(ident: str, start: int, end: int | None, adopted: dt.date | None) -> Edition:
    return Edition(ident, "TST", ident, start, end, adopted, None, None, (),
                   Completeness("partial", "test"), ())


def test_edition_periods_with_hand_made_editions() -> None:
    eds = [_edition("tst/b", 2005, None, dt.date(2005, 7, 1)),
           _edition("tst/a", 2000, 2003, None)]
    assert edition_spans(eds) == [("tst/a", dt.date(2000, 1, 1), dt.date(2003, 12, 31)),
                                  ("tst/b", dt.date(2005, 7, 1), None)]
    f = dated("1999-12-31", "2000-01-01", "2004-06-01", "2005-07-01", "2050-01-01",
              country="ANY")
    got = list(assign_period(f, "edition", editions=eds)["period"])
    assert got == [NO_PERIOD, "tst/a", NO_PERIOD, "tst/b", "tst/b"]


def test_period_order_is_by_time() -> None:
    f = assign_period(dated(None, "2021-01-01", "1994-01-01", "1996-01-01"), "edition",
                      editions=SHIPPED)
    assert period_order(f) == [NO_PERIOD, "kaz/1995", "kaz/2020-2030", UNDATED]
    years = assign_period(dated("2010-01-01", "1999-01-01"), "year")
    assert period_order(years) == ["1999", "2010"]


def test_unknown_period_kinds_are_refused() -> None:
    with pytest.raises(UsageError, match="unknown period"):
        assign_period(dated("2000-01-01"), "decade")
    with pytest.raises(UsageError, match="no cut years"):
        assign_period(dated("2000-01-01"), [])
    with pytest.raises(UsageError, match="period column"):
        period_order(dated("2000-01-01"))


def test_default_knowledge_editions_are_chained() -> None:
    spans = dict((i, (s, e)) for i, s, e in edition_spans(default_knowledge().editions("KAZ")))
    assert spans["kaz/2014-2020"] == (dt.date(2014, 1, 21), dt.date(2020, 3, 5))
    assert spans["kaz/1995"][1] == dt.date(2000, 12, 31)


@pytest.mark.slow
def test_frames_of_an_ingested_corpus(tmp_path: Any) -> None:
    """The frames read what the pipeline writes (attribute names included)."""
    from multivector.services.corpus import Corpus

    fast = {"components": ["segment", "actors", "dates", "embed", "themes", "elements",
                           "events"], "settings": {"embed": {"embedder": "hashing"}}}
    path = tmp_path / "kaz_2016.txt"
    path.write_text(
        "Kazakhstan and the Russian Federation signed an agreement on transit in March 2015.\n\n"
        "We welcome investment from China and trade with the European Union. Our country will "
        "chair the OSCE and calls for a world free of nuclear weapons.\n",
        encoding="utf-8")
    with Corpus(tmp_path / "c.db", config=fast, edition="kaz/2020-2030") as corpus:
        corpus.ingest([path], overrides=DocumentMeta(date=dt.date(2016, 5, 1), country="KAZ"))
        m = mentions_frame(corpus.store)
        vectors = dict(zip(m["actor"], m["vector"], strict=True))
        assert vectors["RUS"] == "russia" and vectors["CHN"] == "china"
        assert vectors["KAZ"] is None and m[m["actor"] == "KAZ"]["own_country"].all()
        methods = set(themes_frame(corpus.store)["method"])
        assert "lexicon" in methods and methods <= {"lexicon", "semantic"}
        assert set(elements_frame(corpus.store)["edition"]) == {"kaz/2020-2030"}
        ev = events_frame(corpus.store)
        signed = ev[ev["counterpart"].map(lambda c: "RUS" in c)]
        assert len(signed) == 1 and signed.iloc[0]["date"] == pd.Timestamp("2015-03-01")
