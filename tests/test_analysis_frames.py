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

from multivector.analysis.events import merge_events
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
    assert (meeting["date_source"], meeting["date_precision"], meeting["event_date"]) == (
        "sentence", "month", "1995-06")
    assert statement["date"] == pd.Timestamp("1996-05-12")
    assert (statement["date_source"], statement["date_precision"]) == ("document", "day")
    assert statement["event_date"] is None
    assert (ev["reported"] == pd.Timestamp("1996-05-12")).all()
    assert list(ev["status"]) == ["happened", "happened"]  # stored without a status
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


# ------------------------------------------------------------------------------ events

SPEECHES = [  # (text, document date): each names a chairmanship of the OSCE, written for the test
    ("Kazakhstan chaired the OSCE in 2010. Next year we will chair the OIC.",
     dt.date(2010, 9, 25)),
    ("In 2010 we chaired the OSCE. We did not join the treaty.", dt.date(2011, 9, 25)),
    ("We chaired the OSCE in June 2010. We chaired the OSCE.", dt.date(2012, 9, 25)),
]


def event(doc: Document, sentence: str, label: str, **attrs: Any) -> Annotation:
    s, e = _span(doc.text, sentence)
    return Annotation(doc.id, 0, Layer.EVENT, label, s, e, attrs.pop("score", 0.8), HAND,
                      {"actor": "KAZ", "counterpart": ["OSCE"], **attrs})


@pytest.fixture
def reports() -> Iterator[tuple[SQLiteStore, list[Document]]]:
    """Three speeches reporting the 2010 chairmanship, a plan, a negation, a legacy plan."""
    store = SQLiteStore(":memory:")
    docs = [Document.create(text, DocumentMeta(date=day, country="KAZ", language="en"))
            for text, day in SPEECHES]
    a, b, c = docs
    doc_day = {d.id: d.meta.date.isoformat() for d in docs if d.meta.date}
    anns = [
        event(a, "Kazakhstan chaired the OSCE in 2010.", "chairmanship", status="happened",
              date="2010", date_precision="year", date_source="sentence"),
        event(a, "Next year we will chair the OIC.", "chairmanship", status="planned",
              counterpart=["OIC"], date="2011", date_precision="year", date_source="sentence",
              future=True),
        event(b, "In 2010 we chaired the OSCE.", "chairmanship", status="happened",
              date="2010", date_precision="year", date_source="sentence", score=0.9),
        event(b, "We did not join the treaty.", "membership", status="negated", counterpart=[],
              date=doc_day[b.id], date_precision="day", date_source="document"),
        event(c, "We chaired the OSCE in June 2010.", "chairmanship", status="happened",
              date="2010-06", date_precision="month", date_source="sentence"),
        event(c, "We chaired the OSCE.", "chairmanship", status="happened",
              date=doc_day[c.id], date_precision="day", date_source="document"),
        # coded before statuses existed: a plan flagged only as future
        event(c, "We chaired the OSCE.", "visit", date=doc_day[c.id], date_source="document",
              future=True),
    ]
    for d in docs:
        store.add_document(d, [Passage(d.id, 0, 0, len(d.text))],
                           [x for x in anns if x.doc_id == d.id])
    yield store, docs
    store.close()


def test_events_frame_shows_what_happened_unless_asked_otherwise(reports: Any) -> None:
    store, _ = reports
    done = events_frame(store)
    assert set(done["status"]) == {"happened"} and len(done) == 4
    every = events_frame(store, status=None)
    assert sorted(every["status"]) == ["happened"] * 4 + ["negated", "planned", "planned"]
    plans = events_frame(store, status=("planned",))
    assert sorted(plans["type"]) == ["chairmanship", "visit"]  # the legacy plan by its flag
    assert list(events_frame(store, status=())["type"]) == []


def test_events_frame_never_gives_the_documents_date_as_the_events_own(reports: Any) -> None:
    store, _ = reports
    ev = events_frame(store, status=None)
    own = ev[ev["date_source"] == "sentence"]
    assert set(own["event_date"]) == {"2010", "2011", "2010-06"}
    assert set(own["date_precision"]) == {"year", "month"}
    june = own[own["event_date"] == "2010-06"].iloc[0]
    assert june["date"] == pd.Timestamp("2010-06-01") and june["reported"] == pd.Timestamp(
        "2012-09-25")
    reported = ev[ev["date_source"] == "document"]
    assert len(reported) == 3 and reported["event_date"].isna().all()
    assert (reported["date"] == reported["reported"]).all()
    assert set(reported["date_precision"]) == {"day"}


def test_merged_events_keep_every_report(reports: Any) -> None:
    store, (a, b, _) = reports
    merged = merge_events(events_frame(store))
    assert list(merged.columns) == ["type", "status", "actor", "counterpart", "date",
                                    "date_precision", "date_source", "reports", "documents",
                                    "first_reported", "last_reported", "score", "evidence"]
    keys = [(r.date, r.date_precision, r.date_source, r.reports) for r in merged.itertuples()]
    # 2010 told by two speeches is one event; June 2010 (another precision) and the undated
    # report (grouped by the year it was told) stay apart
    assert keys == [("2010", "year", "sentence", 2), ("2010-06", "month", "sentence", 1),
                    ("2012", "year", "document", 1)]
    first = merged.iloc[0]
    assert (first["documents"], first["score"]) == (2, 0.9)
    assert (first["first_reported"], first["last_reported"]) == (
        pd.Timestamp("2010-09-25"), pd.Timestamp("2011-09-25"))
    assert [(e["doc_id"], e["sentence"]) for e in first["evidence"]] == [
        (a.id, "Kazakhstan chaired the OSCE in 2010."), (b.id, "In 2010 we chaired the OSCE.")]
    every = merge_events(events_frame(store, status=None))
    assert set(zip(every["type"], every["status"], strict=True)) >= {
        ("chairmanship", "planned"), ("membership", "negated")}
    assert merge_events(events_frame(store, status=())).empty


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
