"""The SQLite corpus store (multivector.store.sqlite): writes, filters, search, migrations, crashes.

Documents are written by hand here; every sentence is made up for the tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multivector.domain.corpus import (
    Annotation,
    Document,
    DocumentMeta,
    Genre,
    Layer,
    Passage,
    Producer,
)
from multivector.errors import NotFoundError
from multivector.store import vectors
from multivector.store.base import Filters, SearchHit, StoreError
from multivector.store.fts import compile_query, kwic
from multivector.store.migrations import Migrations, migration
from multivector.store.sqlite import SQLiteStore, default_db_path
from multivector.text.lemmas import lemma, tokens

ROOT = Path(__file__).resolve().parents[1]
PRODUCER = Producer("test", "1", "hand-made")


# building documents by hand -------------------------------------------------------------
def make_doc(paragraphs: Sequence[str], **meta: Any) -> tuple[Document, list[Passage]]:
    text = "\n\n".join(paragraphs)
    doc = Document.create(text, DocumentMeta(**meta))
    passages, pos = [], 0
    for i, para in enumerate(paragraphs):
        passages.append(Passage(doc.id, i, pos, pos + len(para)))
        pos += len(para) + 2
    return doc, passages


def ann(doc: Document, passages: list[Passage], index: int, layer: Layer, label: str,
        word: str | None = None, **attrs: Any) -> Annotation:
    p = passages[index]
    start = doc.text.index(word, p.start) if word else p.start
    end = start + len(word) if word else p.end
    return Annotation(doc.id, index, layer, label, start, end, 0.9, PRODUCER, attrs)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "corpus.db")
    yield s
    s.close()


def keys(hits: Sequence[SearchHit]) -> set[tuple[str, int]]:
    return {(h.doc_id, h.passage) for h in hits}


# a small corpus for the filters ------------------------------------------------------------
class Corpus:
    def __init__(self, store: SQLiteStore) -> None:
        A, T, E, V = Layer.ACTOR, Layer.THEME, Layer.ELEMENT, Layer.EVENT
        self.a, pa = make_doc(
            ["Казахстан развивает партнёрство с Россией и Китаем в торговле.",
             "Переговоры о транзите грузов прошли в Астане."],
            title="Речь", date=dt.date(2019, 5, 1), source="akorda", language="ru",
            genre=Genre.SPEECH, country="KAZ")
        self.b, pb = make_doc(
            ["Kazakhstan and the European Union held negotiations on energy security.",
             "The sides also discussed water management in Central Asia."],
            title="Statement", date=dt.date(2021, 3, 10), source="mfa", language="en",
            genre=Genre.STATEMENT, country="KAZ")
        self.c, pc = make_doc(
            ["The United States welcomed talks on regional trade with Kazakhstan."],
            title="News", date=dt.date(2023, 7, 15), source="state", language="en",
            genre=Genre.NEWS, country="USA")
        self.d, pd = make_doc(
            ["Россия и Казахстан обсудили вопросы безопасности."],
            title="Сообщение", date=None, source="tass", language="ru", genre=Genre.NEWS,
            country="RUS")
        a, b, c, d = self.a, self.b, self.c, self.d
        store.add_document(a, pa, [
            ann(a, pa, 0, A, "RUS", "Россией", vector="russia"),
            ann(a, pa, 0, A, "CHN", "Китаем", vector="china"),
            ann(a, pa, 0, T, "economy.trade"),
            ann(a, pa, 0, E, "priority.bilateral.russia"),
            ann(a, pa, 1, T, "economy.transit_transport"),
            ann(a, pa, 1, V, "meeting"),
        ], embeddings=[[1, 0, 0], [0.9, 0.1, 0]])
        store.add_document(b, pb, [
            ann(b, pb, 0, A, "EU", "European Union", vector="europe"),
            ann(b, pb, 0, T, "economy.energy"),
            ann(b, pb, 0, V, "negotiation"),
            ann(b, pb, 1, A, "UZB", "Central Asia", vector="central_asia"),
            ann(b, pb, 1, T, "environment.water_ecology"),
        ], embeddings=[[0, 1, 0], [0, 0.9, 0.1]])
        store.add_document(c, pc, [
            ann(c, pc, 0, A, "USA", "United States", vector="usa"),
            ann(c, pc, 0, T, "economy.trade"),
        ], embeddings=[[0, 0, 1]])
        store.add_document(d, pd, [
            ann(d, pd, 0, A, "RUS", "Россия", vector="russia"),
            ann(d, pd, 0, T, "security"),
        ], embeddings=[[0.5, 0.5, 0.5]])
        self.all = {(a.id, 0), (a.id, 1), (b.id, 0), (b.id, 1), (c.id, 0), (d.id, 0)}


@pytest.fixture
def corpus(store: SQLiteStore) -> Corpus:
    return Corpus(store)


FILTER_CASES: list[tuple[str, Filters, set[tuple[str, int]]]] = [
    ("actors", Filters(actors=("RUS",)), {("a", 0), ("d", 0)}),
    ("vectors", Filters(vectors=("europe",)), {("b", 0)}),
    ("two vectors", Filters(vectors=("russia", "china")), {("a", 0), ("d", 0)}),
    ("parent theme", Filters(themes=("economy",)), {("a", 0), ("a", 1), ("b", 0), ("c", 0)}),
    ("leaf theme", Filters(themes=("economy.trade",)), {("a", 0), ("c", 0)}),
    ("theme prefix is no parent", Filters(themes=("econ",)), set()),
    ("theme without children", Filters(themes=("security",)), {("d", 0)}),
    ("elements", Filters(elements=("priority.bilateral.russia",)), {("a", 0)}),
    ("event types", Filters(event_types=("negotiation",)), {("b", 0)}),
    ("date from", Filters(date_from=dt.date(2020, 1, 1)), {("b", 0), ("b", 1), ("c", 0)}),
    ("date to", Filters(date_to=dt.date(2020, 1, 1)), {("a", 0), ("a", 1)}),
    ("date range", Filters(date_from=dt.date(2021, 3, 10), date_to=dt.date(2021, 3, 10)),
     {("b", 0), ("b", 1)}),
    ("sources", Filters(sources=("mfa", "tass")), {("b", 0), ("b", 1), ("d", 0)}),
    ("genres", Filters(genres=("news",)), {("c", 0), ("d", 0)}),
    ("languages", Filters(languages=("ru",)), {("a", 0), ("a", 1), ("d", 0)}),
    ("countries", Filters(countries=("USA",)), {("c", 0)}),
    ("theme and language", Filters(themes=("economy",), languages=("en",)),
     {("b", 0), ("c", 0)}),
    ("actor and theme in one passage", Filters(actors=("RUS",), themes=("security",)),
     {("d", 0)}),
    ("actor and event need the same passage", Filters(actors=("RUS",), event_types=("meeting",)),
     set()),
]


def resolve(corpus: Corpus, expected: set[tuple[str, int]]) -> set[tuple[str, int]]:
    ids = {"a": corpus.a.id, "b": corpus.b.id, "c": corpus.c.id, "d": corpus.d.id}
    return {(ids[k], i) for k, i in expected}


@pytest.mark.parametrize(("name", "filters", "expected"), FILTER_CASES,
                         ids=[c[0] for c in FILTER_CASES])
def test_every_filter_applies_to_every_read(
    store: SQLiteStore, corpus: Corpus, name: str, filters: Filters,
    expected: set[tuple[str, int]],
) -> None:
    want = resolve(corpus, expected)
    assert keys(store.search_vector([1, 1, 1], filters, limit=100)) == want
    query = "Казахстан OR Kazakhstan OR Астана OR sides"
    unfiltered = keys(store.search(query, limit=100))
    assert unfiltered == corpus.all
    assert keys(store.search(query, filters, limit=100)) == want
    assert {d.id for d in store.documents(filters)} == {doc for doc, _ in want}
    in_passages = {(a.doc_id, a.passage) for a in store.annotations(filters=filters)}
    assert in_passages == want
    every = [a for a in store.annotations() if (a.doc_id, a.passage) in want]
    assert list(store.annotations(filters=filters)) == every


def test_doc_id_filter(store: SQLiteStore, corpus: Corpus) -> None:
    f = Filters(doc_ids=(corpus.c.id,))
    assert [d.id for d in store.documents(f)] == [corpus.c.id]
    assert keys(store.search_vector([1, 0, 0], f)) == {(corpus.c.id, 0)}
    assert keys(store.search("Kazakhstan", f)) == {(corpus.c.id, 0)}
    assert {a.label for a in store.annotations(filters=f)} == {"USA", "economy.trade"}


# writes -------------------------------------------------------------------------------------
def test_adding_twice_changes_nothing(store: SQLiteStore) -> None:
    doc, ps = make_doc(["Первый абзац о мире.", "Second paragraph on peace."], language="ru")
    anns = [ann(doc, ps, 0, Layer.THEME, "security.conflicts_peace")]
    assert store.add_document(doc, ps, anns, np.eye(2, 4), pipeline={"segment": "1"}) is True
    before = store.count()
    assert before == {"documents": 1, "passages": 2, "annotations": 1, "embeddings": 2}
    assert store.add_document(doc, ps, anns, np.eye(2, 4)) is False
    assert store.count() == before
    fts_rows = store.connection.execute("SELECT count(*) FROM passages_fts").fetchone()[0]
    assert fts_rows == 2
    assert store.has_document(doc.id)
    assert len(store.search("мир")) == 1


def test_a_failure_mid_insert_leaves_nothing_of_the_document(store: SQLiteStore) -> None:
    first, fp = make_doc(["Уже сохранённый документ о транзите."])
    store.add_document(first, fp, [])
    # the database itself refuses the third annotation, after document, passages and index rows
    store.connection.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON annotations WHEN NEW.label = 'boom'"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    doc, ps = make_doc(["Казахстан и Китай обсудили транзит.", "Второй абзац."])
    anns = [ann(doc, ps, 0, Layer.ACTOR, "CHN", "Китай"), ann(doc, ps, 1, Layer.THEME, "health"),
            ann(doc, ps, 1, Layer.THEME, "boom")]
    with pytest.raises(StoreError, match="refused by the test"):
        store.add_document(doc, ps, anns, np.ones((2, 3)))
    assert not store.has_document(doc.id)
    assert store.count() == {"documents": 1, "passages": 1, "annotations": 0, "embeddings": 0}
    assert keys(store.search("транзит")) == {(first.id, 0)}
    assert not store.connection.in_transaction
    store.connection.execute("DROP TRIGGER refuse")
    assert store.add_document(doc, ps, anns[:2]) is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("foreign passage", "belongs to document"),
        ("unknown passage", "names passage 7"),
        ("annotation outside text", "outside the text"),
        ("bad embeddings", "expected \\(2, dimensions\\)"),
        ("unserialisable attrs", "cannot be stored as JSON"),
    ],
)
def test_inconsistent_documents_are_refused_whole(
    store: SQLiteStore, change: str, message: str
) -> None:
    doc, ps = make_doc(["Один.", "Два."])
    anns = [ann(doc, ps, 0, Layer.THEME, "health")]
    emb: Any = np.zeros((2, 3))
    if change == "foreign passage":
        ps[1] = Passage("other", 1, ps[1].start, ps[1].end)
    elif change == "unknown passage":
        anns.append(Annotation(doc.id, 7, Layer.THEME, "health", 0, 1, 1.0, PRODUCER))
    elif change == "annotation outside text":
        anns.append(Annotation(doc.id, 0, Layer.THEME, "health", 0, 999, 1.0, PRODUCER))
    elif change == "bad embeddings":
        emb = np.zeros((3, 3))
    else:
        anns.append(Annotation(doc.id, 0, Layer.THEME, "health", 0, 1, 1.0, PRODUCER,
                               {"x": object()}))
    with pytest.raises(StoreError, match=message):
        store.add_document(doc, ps, anns, emb)
    assert store.count()["documents"] == 0


def test_replace_annotations_swaps_only_the_given_layers(store: SQLiteStore) -> None:
    doc, ps = make_doc(["Казахстан и Россия подписали договор.", "Обсуждали энергетику."])
    store.add_document(doc, ps, [
        ann(doc, ps, 0, Layer.ACTOR, "RUS", "Россия", vector="russia"),
        ann(doc, ps, 0, Layer.THEME, "economy.trade"),
        ann(doc, ps, 1, Layer.THEME, "economy.trade"),
    ], np.array([[1.0, 0.0], [1.0, 0.0]]))
    store.replace_annotations(doc.id, [Layer.THEME, Layer.EVENT], [
        ann(doc, ps, 1, Layer.THEME, "economy.energy", "энергетику"),
        ann(doc, ps, 0, Layer.EVENT, "agreement", "договор"),
    ], embeddings=[[0, 1], [0, 2]])
    got = [(a.passage, a.layer, a.label) for a in store.annotations(doc.id)]
    assert got == [(0, Layer.ACTOR, "RUS"), (0, Layer.EVENT, "agreement"),
                   (1, Layer.THEME, "economy.energy")]
    emb = store.embeddings(doc.id)
    assert emb is not None and emb.tolist() == [[0.0, 1.0], [0.0, 2.0]]
    assert [a.label for a in store.annotations(doc.id, layers=[Layer.THEME])] == [
        "economy.energy"]
    assert store.search("энергетика")[0].labels == {"theme": ["economy.energy"]}


def test_replace_annotations_refuses_stray_layers_unknown_documents_and_is_atomic(
    store: SQLiteStore,
) -> None:
    doc, ps = make_doc(["Текст о мире."])
    keep = ann(doc, ps, 0, Layer.THEME, "security.conflicts_peace", "мире")
    store.add_document(doc, ps, [keep])
    with pytest.raises(StoreError, match="not being replaced"):
        store.replace_annotations(doc.id, [Layer.EVENT], [keep])
    with pytest.raises(NotFoundError):
        store.replace_annotations("nope", [Layer.THEME], [])
    store.connection.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON annotations WHEN NEW.label = 'boom'"
        " BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(StoreError, match="refused"):
        store.replace_annotations(doc.id, [Layer.THEME], [
            ann(doc, ps, 0, Layer.THEME, "health"), ann(doc, ps, 0, Layer.THEME, "boom")])
    assert list(store.annotations(doc.id)) == [keep]


# reads ------------------------------------------------------------------------------------
def test_documents_round_trip_and_come_by_date_then_id(store: SQLiteStore, corpus: Corpus) -> None:
    assert [d.id for d in store.documents()] == [corpus.a.id, corpus.b.id, corpus.c.id,
                                                  corpus.d.id]
    assert store.document(corpus.b.id) == corpus.b
    with pytest.raises(NotFoundError):
        store.document("0" * 64)
    with pytest.raises(NotFoundError):
        store.passages("0" * 64)
    doc, ps = make_doc(["Особый случай."], extra={"seen": dt.date(2024, 1, 2), "tags": ["a"]})
    store.add_document(doc, ps, [])
    assert store.document(doc.id).meta.extra == {"seen": "2024-01-02", "tags": ["a"]}
    assert store.passages(doc.id) == ps
    assert store.embeddings(doc.id) is None


def test_annotations_come_by_document_then_start(store: SQLiteStore, corpus: Corpus) -> None:
    got = list(store.annotations())
    assert [(a.doc_id, a.start) for a in got] == sorted((a.doc_id, a.start) for a in got)
    actors = list(store.annotations(corpus.a.id, layers=[Layer.ACTOR]))
    assert [a.label for a in actors] == ["RUS", "CHN"]
    assert actors[0].attrs == {"vector": "russia"}
    assert actors[0].producer == PRODUCER
    assert store.count() == {"documents": 4, "passages": 6, "annotations": 15, "embeddings": 6}


def test_annotations_of_chosen_passages_of_one_document(store: SQLiteStore, corpus: Corpus
                                                        ) -> None:
    whole = list(store.annotations(corpus.a.id))
    held = {a.passage for a in whole}
    for p in held:
        assert list(store.annotations(corpus.a.id, passages=[p])) == [
            a for a in whole if a.passage == p]
    assert list(store.annotations(corpus.a.id, passages=sorted(held))) == whole
    assert list(store.annotations(corpus.a.id, passages=[])) == []
    with pytest.raises(ValueError, match="doc_id"):
        list(store.annotations(passages=[0]))


# full-text search -------------------------------------------------------------------------
def test_russian_word_forms_find_each_other(store: SQLiteStore) -> None:
    doc, ps = make_doc(["Казахстан укрепляет связи с Россией и Китаем.",
                        "Делегации договорились о новых переговорах по воде."])
    store.add_document(doc, ps, [])
    for query, passage in [("Россия", 0), ("Китай", 0), ("переговоры", 1), ("России", 0),
                           ("Китаю", 0)]:
        hits = store.search(query)
        assert keys(hits) == {(doc.id, passage)}, query
    hit = store.search("Россия")[0]
    assert [hit.snippet[h.start:h.end] for h in hit.highlights] == ["Россией"]
    assert store.search("Россия Индия") == []  # AND by default


def test_english_search_stems(store: SQLiteStore) -> None:
    doc, ps = make_doc(["The ministers negotiated for weeks.", "Talks on water resources."])
    store.add_document(doc, ps, [])
    assert keys(store.search("negotiating")) == {(doc.id, 0)}
    assert keys(store.search("talk")) == {(doc.id, 1)}
    assert keys(store.search("resource")) == {(doc.id, 1)}
    hit = store.search("talk")[0]
    assert [hit.snippet[h.start:h.end] for h in hit.highlights] == ["Talks"]


def test_phrases_or_not_and_prefixes(store: SQLiteStore) -> None:
    doc, ps = make_doc([
        "Казахстан сотрудничает с Европейским союзом в энергетике.",
        "Таможенный союз и европейский рынок обсуждались отдельно.",
        "Energy security of the European Union.",
    ])
    store.add_document(doc, ps, [])
    assert keys(store.search('"европейский союз"')) == {(doc.id, 0)}
    assert keys(store.search("европейский союз")) == {(doc.id, 0), (doc.id, 1)}
    assert keys(store.search('"European Union" OR Таможенный')) == {(doc.id, 1), (doc.id, 2)}
    assert keys(store.search("союз NOT таможенный")) == {(doc.id, 0)}
    assert keys(store.search("энерг*")) == {(doc.id, 0)}
    assert keys(store.search("(энергетика OR рынок) союз")) == {(doc.id, 0), (doc.id, 1)}
    hit = store.search('"европейский союз"')[0]
    assert [hit.snippet[h.start:h.end] for h in hit.highlights] == ["Европейским", "союзом"]


@pytest.mark.parametrize(
    ("query", "message"),
    [('"европейский союз', "unclosed quote"), ("OR Китай", "needs a term"),
     ("Китай AND", "needs a term"), ("(Китай", "unclosed parenthesis"),
     ("Китай)", "unmatched"), ("!!! ...", "no words")],
)
def test_malformed_queries_say_what_and_how(store: SQLiteStore, query: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as info:
        store.search(query)
    assert "quoted phrase" in str(info.value)  # the hint shows the syntax


def test_fts_syntax_in_queries_is_escaped(store: SQLiteStore) -> None:
    doc, ps = make_doc(["lemmas near doc_id and NEAR columns: a^b, c+d, -e"])
    store.add_document(doc, ps, [])
    for query in ["lemmas:near", "NEAR(a b)", "a^b", "-e", "c+d", "doc_id", "{lemmas}: near"]:
        assert keys(store.search(query)) == {(doc.id, 0)}, query


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab Рр"()*^:+-{}ORNTAD.,')), max_size=25))
def test_no_query_escapes_as_a_database_error(query: str) -> None:
    with SQLiteStore(":memory:") as s:
        doc, ps = make_doc(["a b Р р OR NOT AND"])
        s.add_document(doc, ps, [])
        with contextlib.suppress(StoreError):
            s.search(query)


def test_compiled_queries_quote_every_term() -> None:
    assert compile_query('Россией "переговоры с Китаем" OR санкц*') == (
        '"россия" AND "переговоры с китай" OR "санкц" *')


# snippets and highlights --------------------------------------------------------------------
def test_snippets_cut_long_passages_at_words(store: SQLiteStore) -> None:
    filler = " ".join(f"слово{i}" for i in range(40))
    doc, ps = make_doc([f"{filler} встреча с Россией прошла {filler}"])
    store.add_document(doc, ps, [])
    hit = store.search("Россия")[0]
    assert hit.snippet.startswith("…слово") and hit.snippet.endswith("…")
    body = hit.snippet.strip("…")
    assert body in doc.text and doc.text.index(body) > 0
    words_of_text = {w for _, _, w in tokens(doc.text)}
    assert all(w in words_of_text for _, _, w in tokens(body))  # no word cut in half
    (h,) = hit.highlights
    assert hit.snippet[h.start:h.end] == "Россией"
    assert 70 <= h.start <= 82 and len(hit.snippet) <= 80 * 2 + len("Россией") + 2


def test_kwic_without_matches_shows_the_start() -> None:
    snip = kwic("Short text.", [])
    assert snip.text == "Short text." and snip.highlights == ()
    long = "word " * 100
    snip = kwic(long, [])
    assert snip.text.startswith("word") and snip.text.endswith("…") and len(snip.text) <= 162


FORMS = {
    "россия": ["Россия", "России", "Россией"],
    "китай": ["Китай", "Китая", "Китаем"],
    "переговоры": ["переговоры", "переговоров", "переговорах"],
    "сотрудничество": ["сотрудничество", "сотрудничества", "сотрудничеством"],
    "energy": ["energy"],
    "water": ["water"],
    "border": ["border"],
}
FILLER = ["и", "с", "в", "важный", "долгий", "развивает", "the", "and", "of", "region", "policy"]
SEPARATORS = [" ", ", ", ". ", " — ", "\n", " (", ") ", "; "]


@st.composite
def passage_and_query(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A passage of word forms and separators, and a query of forms of 1-2 lemmas in it."""
    vocabulary = [w for forms in FORMS.values() for w in forms] + FILLER
    words = draw(st.lists(st.sampled_from(vocabulary), min_size=0, max_size=70))
    for lem in draw(st.lists(st.sampled_from(sorted(FORMS)), min_size=1, max_size=2,
                             unique=True)):
        words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(FORMS[lem])))
    present = sorted({lem for lem, forms in FORMS.items() if set(forms) & set(words)})
    chosen = draw(st.lists(st.sampled_from(present), min_size=1, max_size=2, unique=True))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words),
                         max_size=len(words)))
    text = "".join(w + sep for w, sep in zip(words, seps, strict=True)).strip()
    return text, [draw(st.sampled_from(FORMS[lem])) for lem in chosen]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(passage_and_query())
def test_every_highlight_is_a_snippet_word_with_a_query_lemma(
    case: tuple[str, list[str]],
) -> None:
    text, query = case
    wanted = {lemma(w) for w in query}
    with SQLiteStore(":memory:") as s:
        doc, ps = make_doc([text])
        s.add_document(doc, ps, [])
        (hit,) = s.search(" ".join(query))
    snippet_words = {(a, b): w for a, b, w in tokens(hit.snippet)}
    marked = {(h.start, h.end) for h in hit.highlights}
    assert marked, hit
    for span in marked:
        assert span in snippet_words, (hit.snippet, span)  # a whole word of the snippet
        assert lemma(snippet_words[span]) in wanted
    # and every word of the snippet with a query lemma is highlighted
    assert {sp for sp, w in snippet_words.items() if lemma(w) in wanted} == marked
    # the snippet is the passage around its first match, line breaks shown as spaces
    first = min(s for s, _, w in tokens(text) if lemma(w) in wanted)
    assert first - 80 <= text.replace("\n", " ").index(hit.snippet.strip("…")) <= first


def test_hits_carry_the_document_and_passage_labels(store: SQLiteStore, corpus: Corpus) -> None:
    (hit,) = store.search("Китай")
    assert (hit.doc_id, hit.passage, hit.title, hit.date, hit.source, hit.country) == (
        corpus.a.id, 0, "Речь", dt.date(2019, 5, 1), "akorda", "KAZ")
    assert hit.labels == {"actor": ["RUS", "CHN"], "theme": ["economy.trade"],
                          "element": ["priority.bilateral.russia"]}
    assert corpus.a.text[hit.start:hit.end] == hit.snippet
    assert hit.score > 0


def test_more_relevant_passages_rank_first(store: SQLiteStore) -> None:
    doc, ps = make_doc(["Вода, вода и снова вода: водные ресурсы.",
                        "Среди прочего упомянута вода и много других длинных слов здесь."])
    store.add_document(doc, ps, [])
    hits = store.search("вода")
    assert [h.passage for h in hits] == [0, 1]
    assert hits[0].score > hits[1].score


# vector search ---------------------------------------------------------------------------
def test_vector_search_orders_by_cosine(store: SQLiteStore, corpus: Corpus) -> None:
    hits = store.search_vector(np.array([1.0, 0.05, 0.0]), limit=3)
    assert [(h.doc_id, h.passage) for h in hits] == [
        (corpus.a.id, 0), (corpus.a.id, 1), (corpus.d.id, 0)]
    assert hits[0].score == pytest.approx(1 / np.linalg.norm([1, 0.05, 0]), rel=1e-5)
    assert hits[0].score >= hits[1].score >= hits[2].score
    assert hits[0].highlights == () and hits[0].snippet.startswith("Казахстан")
    assert store.search_vector([0, 0, 1], limit=0) == []
    assert store.search_vector([1, 0, 0, 0]) == []  # no stored vector of that dimension
    with pytest.raises(StoreError, match="zero"):
        store.search_vector([0, 0, 0])


@given(st.integers(1, 7), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_chunked_top_k_equals_a_full_sort(chunk: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    matrix = rng.normal(size=(30, 5)).astype(np.float32)
    matrix[3] = 0  # a zero vector scores 0, not NaN
    q = vectors.query_vector(rng.normal(size=5))
    rows = [(i, vectors.to_blob(r)) for i, r in enumerate(matrix)]
    got = vectors.top_k((rows[i:i + chunk] for i in range(0, 30, chunk)), q, k)
    with np.errstate(invalid="ignore"):
        sims = np.nan_to_num(matrix @ q / np.linalg.norm(matrix, axis=1))
    want = sorted(range(30), key=lambda i: (-sims[i], i))[:k]
    assert [i for _, i in got] == want
    assert [s for s, _ in got] == pytest.approx([float(sims[i]) for i in want], abs=1e-6)


# opening, pragmas, migrations ---------------------------------------------------------------
def test_pragmas_and_migrations_table(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with SQLiteStore(path) as s:
        conn = s.connection
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        rows = conn.execute("SELECT version, name, applied_at FROM migrations").fetchall()
    assert [(v, n) for v, n, _ in rows] == [
        (1, "documents_passages_annotations"), (2, "embeddings"), (3, "passage_search_index"),
        (4, "passage_labels"), (5, "embedding_cache"), (6, "covering_passage_index"),
        (7, "embedding_cache_rows")]
    assert all(dt.datetime.fromisoformat(at) for _, _, at in rows)
    with SQLiteStore(path, create=False) as s:  # re-opening applies nothing again
        again = s.connection.execute("SELECT version, name, applied_at FROM migrations")
        assert again.fetchall() == rows


def test_an_older_database_is_migrated_and_its_passages_indexed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migration.apply(conn, upto=1) == [1]
    text = "Старый документ о переговорах с Китаем."
    conn.execute("INSERT INTO documents (id, text, ingested_at) VALUES ('old', ?, 'x')", (text,))
    conn.execute("INSERT INTO passages VALUES ('old', 0, 0, ?, 'paragraph')", (len(text),))
    conn.close()
    with SQLiteStore(path) as s:
        versions = s.connection.execute("SELECT version FROM migrations").fetchall()
        assert versions == [(1,), (2,), (3,), (4,), (5,), (6,), (7,)]
        (hit,) = s.search("переговоры Китай")
        assert hit.doc_id == "old" and len(hit.highlights) == 2


def test_the_embedding_cache_keeps_its_rows_and_a_vector_in_its_row(tmp_path: Path) -> None:
    """Migration 7 copies the cache of migration 5 into a rowid table, where a vector takes
    about its own size in the file (a page of its own per vector before)."""
    import numpy as np

    from multivector.store.embedding_cache import SQLiteEmbeddingCache

    path = tmp_path / "cache.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migration.apply(conn, upto=5) == [1, 2, 3, 4, 5]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(2_000, 256)).astype("<f4")
    conn.executemany("INSERT INTO embedding_cache VALUES ('hashing', ?, 256, ?)",
                     [(f"{i:064x}", v.tobytes()) for i, v in enumerate(vectors)])

    def cache_bytes(c: sqlite3.Connection) -> int:
        (pages,) = c.execute("SELECT count(*) FROM dbstat WHERE name = 'embedding_cache'"
                             ).fetchone()
        return int(pages) * c.execute("PRAGMA page_size").fetchone()[0]

    before = cache_bytes(conn)
    conn.close()
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    after = cache_bytes(conn)
    raw = vectors.nbytes
    # three 1 KB rows to a 4 KB page after; a page and more per row before
    assert before > 3 * raw and after < 1.5 * raw, (before, after, raw)
    conn.close()
    cache = SQLiteEmbeddingCache(str(path))
    got = cache.get("hashing", [f"{i:064x}" for i in (0, 1_999)])
    assert np.array_equal(np.stack([got[f"{0:064x}"], got[f"{1_999:064x}"]]),
                          vectors[[0, 1_999]])
    cache.put("hashing", [(f"{0:064x}", vectors[1]), ("new", vectors[2])])  # a known key kept
    got = cache.get("hashing", [f"{0:064x}", "new"])
    assert np.array_equal(got[f"{0:064x}"], vectors[0]) and np.array_equal(got["new"], vectors[2])


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO migrations VALUES (99, 'from_the_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"schema version 99.*newer") as info:
        SQLiteStore(path)
    assert "upgrade multivector" in str(info.value)


def test_migrations_apply_in_order_and_only_once() -> None:
    steps = Migrations()
    ran: list[int] = []

    @steps(2)
    def second(conn: sqlite3.Connection) -> None:
        ran.append(2)
        conn.execute("CREATE TABLE t2 (x)")

    @steps(1)
    def first(conn: sqlite3.Connection) -> None:
        ran.append(1)
        conn.execute("CREATE TABLE t1 (x)")

    conn = sqlite3.connect(":memory:", isolation_level=None)
    assert steps.apply(conn, upto=1) == [1]
    assert steps.apply(conn) == [2]
    assert steps.apply(conn) == []
    assert ran == [1, 2]
    assert steps.applied(conn) == {1: "first", 2: "second"}
    with pytest.raises(ValueError, match="twice"):
        steps(1)(first)


def test_a_failing_migration_applies_nothing() -> None:
    steps = Migrations()

    @steps(1)
    def good(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE t1 (x)")

    @steps(2)
    def bad(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE t1 (x)")  # already exists

    conn = sqlite3.connect(":memory:", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        steps.apply(conn)
    assert steps.applied(conn) == {}
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 't1'").fetchone() is None


def test_files_that_are_not_corpora_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no corpus database"):
        SQLiteStore(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable corpus database"):
        SQLiteStore(junk)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE people (name)")
    conn.close()
    with pytest.raises(StoreError, match="not a multivector corpus"):
        SQLiteStore(other)


def test_default_path_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MULTIVECTOR_DB", raising=False)
    assert default_db_path() == Path("multivector.db")
    monkeypatch.setenv("MULTIVECTOR_DB", str(tmp_path / "env.db"))
    assert default_db_path() == tmp_path / "env.db"
    with SQLiteStore() as s:
        assert s.path == tmp_path / "env.db"
    assert (tmp_path / "env.db").exists()


# crashes -----------------------------------------------------------------------------------
def synthetic(i: int) -> tuple[Document, list[Passage], list[Annotation], Any]:
    """Document ``i`` of a made-up stream: 20-49 passages, an actor in each, embeddings."""
    n = 20 + i % 30
    paras = [f"Сообщение {i}, часть {k}: Казахстан и Китай обсуждают транзит и торговлю; "
             f"message {i} part {k} on trade corridors." for k in range(n)]
    doc, ps = make_doc(paras, title=f"doc {i}", extra={"passages": n})
    anns = [ann(doc, ps, k, Layer.ACTOR, "CHN", "Китай", vector="china") for k in range(n)]
    emb = np.random.default_rng(i).normal(size=(n, 16))
    return doc, ps, anns, emb


def write_forever(path: str, first: int, pause_at: int | None = None) -> None:
    """The writer the crash test kills: adds documents first, first+1, ... until killed.

    With ``pause_at``, it stops inside that document's transaction, once the document, its
    passages and index rows are written and its annotations are next, says "mid" and waits."""
    current = first

    def pause_mid_transaction(sql: str) -> None:
        if current == pause_at and sql.startswith("INSERT INTO annotations"):
            print("mid", flush=True)
            time.sleep(60)

    with SQLiteStore(path) as s:
        s.connection.set_trace_callback(pause_mid_transaction)
        for current in range(first, first + 100_000):  # read by the callback
            doc, ps, anns, emb = synthetic(current)
            s.add_document(doc, ps, anns, emb)
            print(current, flush=True)


def check_consistent(path: Path) -> set[int]:
    """Check integrity and that every stored document is whole; the numbers of those stored."""
    with SQLiteStore(path, create=False) as s:
        conn = s.connection
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = set()
        for doc in s.documents():
            n = doc.meta.extra["passages"]
            assert len(s.passages(doc.id)) == n
            assert len(list(s.annotations(doc.id))) == n
            emb = s.embeddings(doc.id)
            assert emb is not None and emb.shape == (n, 16)
            indexed = conn.execute("SELECT count(*) FROM passages_fts WHERE doc_id = ?",
                                   (doc.id,)).fetchone()[0]
            assert indexed == n
            stored.add(int(str(doc.meta.title).split()[1]))
        return stored


def test_sigkill_mid_ingest_leaves_a_consistent_database(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    SQLiteStore(path).close()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
    ranges = []
    # first inside a transaction for certain, then wherever the writer happens to be
    for round_, pause_at in enumerate([3, None]):
        first = round_ * 100_000
        pause = None if pause_at is None else first + pause_at
        proc = subprocess.Popen(
            [sys.executable, "-c", "from tests.test_store_sqlite import write_forever; "
             f"write_forever({str(path)!r}, {first}, {pause})"],
            stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        )
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        last = first - 1
        while (line := proc.stdout.readline().strip()) != "mid":
            assert line, "the writer died on its own"
            last = int(line)
            if pause is None and last >= first + 3:
                time.sleep(0.05)
                break
            assert time.monotonic() < deadline, "the writer is too slow"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        mine = {i for i in check_consistent(path) if first <= i < first + 100_000}
        assert mine == set(range(first, first + len(mine)))  # whole documents, in order
        assert last < first + len(mine)  # every document reported written is there
        if pause is not None:
            assert len(mine) == pause_at  # the interrupted document left nothing behind
        ranges.append(range(first, first + len(mine) + 3))
    before = check_consistent(path)
    # re-adding everything (and the documents the writers never reached) completes, once each
    all_ids = [i for r in ranges for i in r]
    with SQLiteStore(path) as s:
        added = set()
        for i in all_ids:
            doc, ps, anns, emb = synthetic(i)
            if s.add_document(doc, ps, anns, emb):
                added.add(i)
        assert added == set(all_ids) - before
        n_passages = sum(20 + i % 30 for i in all_ids)
        assert s.count() == {"documents": len(all_ids), "passages": n_passages,
                             "annotations": n_passages, "embeddings": n_passages}
        dupes = s.connection.execute(
            "SELECT doc_id, idx FROM passages_fts GROUP BY doc_id, idx HAVING count(*) > 1")
        assert dupes.fetchall() == []
    assert check_consistent(path) == set(all_ids)


def test_passage_filters_are_answered_from_the_covering_index(tmp_path: Path) -> None:
    """Each annotation filter asks whether a passage has a label of a layer: the plan reads
    the covering index alone, never the annotations' rows."""
    with SQLiteStore(tmp_path / "c.db") as s:
        plan = " ".join(str(r[-1]) for r in s.connection.execute(
            "EXPLAIN QUERY PLAN SELECT 1 FROM annotations fa WHERE fa.doc_id = ? AND"
            " fa.passage = ? AND fa.layer = 'actor' AND fa.label IN ('RUS', 'CHN')",
            ("d", 0)))
        assert "COVERING INDEX annotations_passage" in plan, plan


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(value=_JSON_VALUES)
def test_attribute_values_read_back_as_written(value: Any) -> None:
    """The annotation tables decode each attribute as SQLite's ``->`` gives it: a plain string
    directly, the rest by json; either way what was written comes back."""
    import json

    from multivector.store.sqlite import _json_value

    con = sqlite3.connect(":memory:")
    (text,) = con.execute("SELECT json(?) -> '$.v'", (json.dumps({"v": value}),)).fetchone()
    assert _json_value(text) == value
