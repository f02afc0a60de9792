"""Full-text search reads a page in two queries (a rare filter: three) and equals the per-hit
path it replaced.

``SQLiteStore.search`` ranks, filters and cuts the page in SQL and tokenises only the page's
passages; ``SQLiteStore._search_per_hit`` is the path before issue 13, kept as the reference.
The corpus is written here; every sentence is made up.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

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
from multivector.store.base import Filters
from multivector.store.fts import (
    CLOSE_MARK,
    OPEN_MARK,
    highlighted,
    kwic,
    marked_lemmas,
    marked_tokens,
)
from multivector.store.sqlite import SQLiteStore
from multivector.text.lemmas import lemma, lemmas, tokens

PRODUCER = Producer("test", "1", "hand-made")
WORDS = [
    "Россия", "России", "Россией", "Китай", "Китаем", "переговоры", "переговорах", "торговля",
    "торговли", "безопасность", "вода", "воды", "Центральная", "Азия", "Азии", "северо-запад",
    "Европейский", "союз", "союза", "и", "с", "в", "на",
    "energy", "security", "water", "trade", "talks", "negotiations", "United", "Nations",
    "cross-border", "Kazakhstan", "the", "and", "of", "region", "covid-19", "2019",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", " — ", "\n", " (", ") ", "; "]
ACTORS = (("RUS", "russia"), ("CHN", "china"), ("EU", "europe"), ("KAZ", "kazakhstan"))
THEMES = ("economy.trade", "economy.energy", "security", "environment.water_ecology")
ELEMENTS = ("priority.bilateral.russia", "priority.multivector")
EVENTS = ("meeting", "negotiation")
SOURCES = ("akorda", "mfa", "tass")


def paragraph(rng: random.Random) -> str:
    # short passages and ones far longer than a snippet, so that snippets are cut both sides
    n = rng.choice((3, 8, 20, 60, 120))
    return "".join(rng.choice(WORDS) + rng.choice(SEPARATORS) for _ in range(n)).strip()


def corpus(store: SQLiteStore, seed: int = 13, n_docs: int = 60) -> None:
    rng = random.Random(seed)
    for i in range(n_docs):
        paras = [paragraph(rng) for _ in range(rng.randint(1, 6))]
        text = "\n\n".join(paras)
        doc = Document.create(f"[{i}]\n\n{text}", DocumentMeta(
            title=f"doc {i}", date=None if i % 7 == 0 else dt.date(2010 + i % 12, 1, 1 + i % 28),
            source=SOURCES[i % 3], language=("ru", "en")[i % 2], genre=list(Genre)[i % 3],
            country=ACTORS[i % 4][0]))
        passages, anns, pos = [], [], len(f"[{i}]\n\n")
        for j, para in enumerate(paras):
            p = Passage(doc.id, j, pos, pos + len(para))
            passages.append(p)
            for layer, label, attrs in (
                [(Layer.ACTOR, a, {"vector": v}) for a, v in rng.sample(ACTORS, rng.randint(0, 2))]
                + [(Layer.ACTOR, ACTORS[0][0], {"vector": "russia"})] * rng.randint(0, 1)
                + [(Layer.THEME, t, {}) for t in rng.sample(THEMES, rng.randint(0, 2))]
                + [(Layer.ELEMENT, rng.choice(ELEMENTS), {})] * rng.randint(0, 1)
                + [(Layer.EVENT, rng.choice(EVENTS), {})] * rng.randint(0, 1)
            ):
                start = rng.randint(p.start, p.end - 1)
                anns.append(Annotation(doc.id, j, layer, label, start,
                                       min(p.end, start + 4), 0.9, PRODUCER, attrs))
            pos += len(para) + 2
        store.add_document(doc, passages, anns)


@pytest.fixture(scope="module")
def store() -> Iterator[SQLiteStore]:
    with SQLiteStore(":memory:") as s:
        corpus(s)
        yield s


@st.composite
def queries(draw: st.DrawFn) -> str:
    def term() -> str:
        kind = draw(st.sampled_from(("word", "word", "phrase", "prefix")))
        if kind == "phrase":
            return '"' + " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2,
                                                max_size=3))) + '"'
        word = draw(st.sampled_from(WORDS))
        return word[: draw(st.integers(2, max(2, len(word))))] + "*" if kind == "prefix" else word

    out = [term()]
    for _ in range(draw(st.integers(0, 2))):
        out += [draw(st.sampled_from(("", "OR", "NOT"))), term()]
    return " ".join(x for x in out if x)


FILTER_CHOICES = st.builds(
    Filters,
    actors=st.lists(st.sampled_from([a for a, _ in ACTORS]), max_size=2).map(tuple),
    vectors=st.lists(st.sampled_from([v for _, v in ACTORS]), max_size=1).map(tuple),
    themes=st.lists(st.sampled_from(("economy", "security", *THEMES)), max_size=2).map(tuple),
    elements=st.lists(st.sampled_from(ELEMENTS), max_size=1).map(tuple),
    event_types=st.lists(st.sampled_from(EVENTS), max_size=1).map(tuple),
    date_from=st.none() | st.dates(dt.date(2010, 1, 1), dt.date(2022, 1, 1)),
    sources=st.lists(st.sampled_from(SOURCES), max_size=2).map(tuple),
    languages=st.lists(st.sampled_from(("ru", "en")), max_size=1).map(tuple),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])
@given(queries(), st.none() | FILTER_CHOICES, st.sampled_from((1, 3, 20, 50)))
def test_the_page_query_equals_the_per_hit_path(
    store: SQLiteStore, query: str, filters: Filters | None, limit: int
) -> None:
    assert store.search(query, filters, limit) == store._search_per_hit(query, filters, limit)


@pytest.mark.parametrize("query", ["Россия", '"Центральная Азия"', "water OR вода",
                                   "cross-border", "covid-19", "северо-запад", "торгов*",
                                   "energy NOT trade"])
def test_fixed_queries_find_the_same_labelled_hits(store: SQLiteStore, query: str) -> None:
    hits = store.search(query, limit=50)
    assert hits and hits == store._search_per_hit(query, limit=50)
    assert all(h.highlights for h in hits)
    assert any(h.labels for h in hits)
    filtered = Filters(actors=("RUS",), themes=("economy",))
    assert store.search(query, filtered) == store._search_per_hit(query, filtered)


def traced(store: SQLiteStore, query: str, filters: Filters | None, limit: int,
           ) -> tuple[list[object], list[str]]:
    """The hits and the first word of each statement the search ran (FTS5's own statements
    on its tables, traced behind "-- ", left out)."""
    statements: list[str] = []
    store.connection.set_trace_callback(statements.append)
    try:
        hits = store.search(query, filters, limit=limit)
    finally:
        store.connection.set_trace_callback(None)
    ours = [s for s in statements if not s.startswith(("BEGIN", "COMMIT", "--"))]
    return list(hits), [s.split()[0] for s in ours]


def test_a_page_is_two_queries_whatever_its_size(store: SQLiteStore) -> None:
    for limit in (1, 30, 100):
        hits, statements = traced(store, "Россия OR water", None, limit)
        assert len(hits) == limit
        assert statements == ["WITH", "SELECT"]


def test_a_filtered_page_checks_the_best_matches_first(store: SQLiteStore) -> None:
    """The best ranked matches (25 per hit asked) are checked first: a filter they pass often
    enough fills the page in one query; a rarer one is checked on every match in a second."""
    query = "Россия OR water"
    matches = store.search(query, limit=100_000)
    assert len(matches) > 25 * 3  # more matches than the first window of a page of 3
    common = Filters(languages=("ru", "en"))  # every passage passes
    hits, statements = traced(store, query, common, 3)
    assert hits == matches[:3] and statements == ["WITH", "SELECT"]
    # a filter that no match of the first window passes: a document's source, date and
    # country first met after it
    first: dict[tuple[object, ...], int] = {}
    for position, hit in enumerate(matches):
        first.setdefault((hit.source, hit.date, hit.country), position)
    (source, date, country), _ = max(first.items(), key=lambda kv: kv[1])
    assert first[(source, date, country)] >= 25 * 3
    rare = Filters(sources=(str(source),), date_from=date, date_to=date,
                   countries=(str(country),))
    hits, statements = traced(store, query, rare, 3)
    assert hits and hits == store._search_per_hit(query, rare, 3)
    assert statements == ["WITH", "WITH", "SELECT"]


# the marks and snippets of one passage -------------------------------------------------------
@st.composite
def marked_passages(draw: st.DrawFn) -> tuple[str, str]:
    """A passage and its lemma column as FTS5's highlight() marks it: runs of consecutive FTS5
    tokens (a hyphenated lemma is several) wrapped in marks; sometimes a column that does not
    line up with the passage's words."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=90))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    text = "".join(w + s for w, s in zip(words, seps, strict=True)).strip()
    column_lemmas = lemmas(text)
    if draw(st.integers(0, 9)) == 0:  # indexed by another tokeniser
        column_lemmas = column_lemmas[1:] if len(column_lemmas) > 1 else [*column_lemmas, "x"]
    column = " ".join(column_lemmas)
    # FTS5 tokens of the column: the parts between spaces and hyphens
    parts = [(i, i + len(p)) for i, p in _split_positions(column)]
    chosen = sorted(draw(st.sets(st.integers(0, len(parts) - 1), max_size=8)))
    runs: list[list[int]] = []
    for t in chosen:
        if runs and runs[-1][-1] == t - 1 and draw(st.booleans()):
            runs[-1].append(t)  # a phrase: one mark over several tokens
        else:
            runs.append([t])
    out, pos = [], 0
    for run in runs:
        start, end = parts[run[0]][0], parts[run[-1]][1]
        out += [column[pos:start], OPEN_MARK, column[start:end], CLOSE_MARK]
        pos = end
    out.append(column[pos:])
    return text, "".join(out)


def _split_positions(column: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for piece in column.replace("-", " ").split(" "):
        if piece:
            out.append((pos, piece))
        pos += len(piece) + 1
    return out


def per_hit_snippet(text: str, marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The snippet as ``SQLiteStore._hit`` makes it: every word of the passage split out."""
    words = tokens(text)
    column = marked.replace(OPEN_MARK, "").replace(CLOSE_MARK, "")
    lemma_list = column.split(" ")
    spans = []
    if len(lemma_list) == len(words):
        spans = [words[i][:2] for i in marked_tokens(marked, lemma_list)]
    snip = kwic(text, spans)
    return snip.text, tuple((h.start, h.end) for h in snip.highlights)


@settings(max_examples=400, deadline=None)
@given(marked_passages())
def test_marks_and_snippets_equal_those_of_every_word_split_out(case: tuple[str, str]) -> None:
    text, marked = case
    column = marked.replace(OPEN_MARK, "").replace(CLOSE_MARK, "")
    assert marked_lemmas(marked) == marked_tokens(marked, column.split(" "))
    snip = highlighted(text, marked)
    assert (snip.text, tuple((h.start, h.end) for h in snip.highlights)) == per_hit_snippet(
        text, marked)


def test_a_mark_far_into_a_long_passage_is_highlighted() -> None:
    text = " ".join(["слово"] * 200 + ["России"] + ["слово"] * 200)
    marked = " ".join(["слово"] * 200 + [f"{OPEN_MARK}россия{CLOSE_MARK}"] + ["слово"] * 200)
    snip = highlighted(text, marked)
    (h,) = snip.highlights
    assert snip.text[h.start:h.end] == "России" and lemma("России") == "россия"
    assert snip.text.startswith("…") and snip.text.endswith("…")
