"""Full-text search latency (``SQLiteStore.search``) against plain FTS5 and the path before it.

Each size is a fresh SQLite corpus of documents of 10 passages, half English (passages of the
bundled UN General Debate sample, drawn at random) and half Russian (words drawn with Zipf
weights from a hand-written vocabulary of common word forms and a tail of rarer dictionary
forms), with actor, theme, element and event annotations on most passages, written through
``SQLiteStore.add_documents`` (no model). Timed per query: 50 fixed queries (25 English,
25 Russian: words, phrases, OR, NOT, prefixes), ``limit`` 20, each without filters and with one
of eight filter sets (document-level, passage-level, both), ``--repeat`` rounds:

* ``page``: ``SQLiteStore.search`` as a user calls it (one query ranks, filters, cuts the page
  and reads its rows with highlights and documents; one more reads the page's labels);
* ``per-hit (old)``: ``SQLiteStore._search_per_hit``, the path before issue 13 (three queries and
  a tokenisation per hit);
* peer ``plain FTS5``: ``SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank
  LIMIT 20`` on the same rows with the same compiled expression (no filters, no snippets): the
  floor of a bm25-ranked FTS5 query.

Also reported: whether every hit of every query equals the old path's. Target (issue 13): p95 <=
20 ms at 1M passages. Run with ``nice`` on a shared machine.

Run: python benchmarks/fts_search.py [--sizes 10000 100000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _corpus import load_texts

from multivector.domain.corpus import (
    AnnotatedDocument,
    Annotation,
    Document,
    DocumentMeta,
    Layer,
    Passage,
    Producer,
)
from multivector.store import fts
from multivector.store.base import Filters
from multivector.store.sqlite import SQLiteStore
from multivector.text.lemmas import _analyzer

PER_DOC = 10
SOURCES = ("akorda", "mfa", "tass", "un")
PRODUCER = Producer("benchmark", "1", "synthetic")
ACTORS = (("RUS", "russia"), ("CHN", "china"), ("USA", "usa"), ("EU", "europe"),
          ("KAZ", "kazakhstan"), ("UZB", "central_asia"), ("TUR", "turkey"), ("UN", "un"))
THEMES = ("economy.trade", "economy.energy", "economy.transit_transport", "security",
          "security.terrorism", "environment.water_ecology", "culture", "health")
ELEMENTS = ("priority.bilateral.russia", "priority.multivector", "principle.sovereignty")
EVENTS = ("meeting", "negotiation", "agreement", "visit")

_RUSSIAN_WORDS = """
Россия России Россией Китай Китая Китаем Казахстан Казахстана Казахстаном Европейский союз
Европейского союза переговоры переговоров переговорах сотрудничество сотрудничества
сотрудничеством торговля торговли торговлей безопасность безопасности энергетика энергетики
транзит транзита грузов граница границы границе вода воды водные ресурсы ресурсов президент
президента министр министра встреча встречи встрече соглашение соглашения соглашению визит
визита развитие развития экономика экономики экономическое инвестиции инвестиций проект
проекта проекты региона регион регионе Центральная Азия Центральной Азии партнёрство
партнёрства стратегическое стратегического государство государства государств вопрос вопросы
вопросов обсудили обсуждали подписали подписано заявил заявила отметил отметила важный
важное важных новый новые новых международный международного международных организация
организации ООН санкции санкций терроризм терроризма угроза угрозы климат климата изменение
изменения экология экологии здравоохранение образование культура культуры нефть нефти газ
газа трубопровод электроэнергия железная дорога дороги порт порта рынок рынка рынков
"""
_FILLER_WORDS = "и в с на о по для что это как также был была были не а к из за от до при"
RUSSIAN = _RUSSIAN_WORDS.split()
FILLER = _FILLER_WORDS.split()


def russian_vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Common word forms first, then 3,000 rarer dictionary forms; Zipf weights over them."""
    tail: list[str] = []
    for prefix in ("пол", "пер", "про", "раз", "сов", "гос", "мир", "эко", "тор", "без",
                   "раб", "сил", "дог", "пра", "вое", "кон", "рег", "сту"):
        forms = {w for w, *_ in itertools.islice(_analyzer().iter_known_word_parses(prefix),
                                                  600) if "-" not in w}
        tail += sorted(forms)
    rng.shuffle(tail)
    words = FILLER + RUSSIAN + tail[:3000]
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(words))]
    return words, weights


def documents(start: int, count: int, rng: random.Random, english: list[str],
              russian: tuple[list[str], list[float]]) -> list[AnnotatedDocument]:
    out = []
    for i in range(start, start + count):
        ru = i % 2 == 1
        if ru:
            words, weights = russian
            paras = [" ".join(rng.choices(words, weights, k=rng.randint(15, 70))).capitalize()
                     + "." for _ in range(PER_DOC)]
        else:
            paras = rng.sample(english, PER_DOC)
        text = f"[{i}]\n\n" + "\n\n".join(paras)  # the marker keeps every document distinct
        doc = Document.create(text, DocumentMeta(
            title=f"doc {i}", date=dt.date(2000 + i % 24, 1 + i % 12, 1 + i % 28),
            source=SOURCES[i % len(SOURCES)], language="ru" if ru else "en",
            country=ACTORS[i % len(ACTORS)][0]))
        passages, annotations, pos = [], [], len(f"[{i}]\n\n")
        for j, para in enumerate(paras):
            p = Passage(doc.id, j, pos, pos + len(para))
            passages.append(p)
            annotations += passage_annotations(p, rng)
            pos += len(para) + 2
        out.append(AnnotatedDocument(doc, passages, annotations))
    return out


def passage_annotations(p: Passage, rng: random.Random) -> list[Annotation]:
    def span(layer: Layer, label: str, **attrs: str) -> Annotation:
        a = rng.randint(p.start, p.end - 1)
        return Annotation(p.doc_id, p.index, layer, label, a, min(p.end, a + 5), 0.9, PRODUCER,
                          attrs)

    out = [span(Layer.ACTOR, actor, vector=vector)
           for actor, vector in rng.sample(ACTORS, rng.choice((0, 1, 1, 2, 3)))]
    out += [span(Layer.THEME, t) for t in rng.sample(THEMES, rng.choice((0, 1, 1, 2)))]
    if rng.random() < 0.2:
        out.append(span(Layer.ELEMENT, rng.choice(ELEMENTS)))
    if rng.random() < 0.15:
        out.append(span(Layer.EVENT, rng.choice(EVENTS)))
    return out


QUERIES = (
    # English: words, phrases, OR, NOT, prefixes
    "nuclear", "nuclear weapons", '"climate change"', "Afghanistan", "water resources",
    "terrorism OR extremism", "Aral Sea", "sustainable development", "trade NOT transit",
    "Kazakh*", "peacekeeping", "landlocked countries", '"United Nations" reform',
    "Security Council", "disarm*", "drug trafficking", "refugees", "energy security",
    "(Tajikistan OR Kyrgyzstan) border", "pandemic", "human rights", "Millennium Goals",
    "Semipalatinsk", "regional cooperation", "glaciers",
    # Russian: case forms, phrases, OR, NOT, prefixes
    "Россия", "переговорах", '"Европейский союз"', "Китаем торговля", "сотрудничество",
    "безопасности OR терроризм", "водные ресурсы", "транзит NOT нефть", "Центральной Азии",
    "инвестиц*", "соглашению", "президента визит", "трубопровод", "санкции", "экологии",
    "железная дорога", "климата изменение", "газа OR нефти", "порт", "образование культура",
    "стратегическое партнёрство", "международных организации", "ООН", "рынков", "границе",
)
FILTERS = (
    Filters(actors=("RUS",)),
    Filters(themes=("economy",)),
    Filters(languages=("ru",), date_from=dt.date(2012, 1, 1)),
    Filters(sources=("mfa",)),
    Filters(vectors=("china", "europe")),
    Filters(event_types=("meeting",)),
    Filters(elements=("priority.multivector",), date_to=dt.date(2015, 1, 1)),
    Filters(actors=("KAZ",), themes=("security",), sources=("akorda", "un")),
)


def build(path: Path, passages: int, seed: int) -> None:
    rng = random.Random(seed)
    english = [" ".join(t.split()) for text, _ in load_texts()
               for t in text.split("\n\n") if len(t.split()) >= 8]
    russian = russian_vocabulary(rng)
    n_docs = passages // PER_DOC
    with SQLiteStore(path) as store:
        for start in range(0, n_docs, 1000):
            store.add_documents(documents(start, min(1000, n_docs - start), rng, english,
                                          russian))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p)) * 1000


def line(name: str, rounds: list[list[float]]) -> tuple[float, float]:
    pooled = [v for r in rounds for v in r]
    medians = [statistics.median(r) * 1000 for r in rounds]
    p50, p95 = pct(pooled, 50), pct(pooled, 95)
    print(f"  {name:<26} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms   round medians min/median/max "
          f"{min(medians):.2f} / {statistics.median(medians):.2f} / {max(medians):.2f} ms "
          f"({len(pooled)} queries)")
    return p50, p95


def run(size: int, args: argparse.Namespace, where: Path) -> None:
    path = where / f"corpus-{size}.db"
    if not path.exists():
        start = time.perf_counter()
        build(path, size, seed=size)
        print(f"{size:,} passages: corpus written in {time.perf_counter() - start:.0f} s "
              f"({path.stat().st_size / 1e6:,.0f} MB)")
    cases = [(q, FILTERS[n % len(FILTERS)]) for n, q in enumerate(QUERIES)]
    with SQLiteStore(path, create=False) as store:
        conn = store.connection
        plain = "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?"
        exprs = [fts.compile_query(q) for q, _ in cases]
        matched = [conn.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?",
                                (e,)).fetchone()[0] for e in exprs]
        print(f"{size:,} passages, limit {args.limit}; rows matched per query: median "
              f"{statistics.median(matched):,.0f}, max {max(matched):,}")
        for q, _ in cases:  # warm the page cache and the lemma cache once
            store.search(q, limit=args.limit)
        rounds: dict[str, list[list[float]]] = {}
        for _ in range(args.repeat):
            rounds.setdefault("plain FTS5 (peer)", []).append(
                [timed(lambda e=e: conn.execute(plain, (e, args.limit)).fetchall())
                 for e in exprs])
            rounds.setdefault("page", []).append(
                [timed(lambda q=q: store.search(q, limit=args.limit)) for q, _ in cases])
            rounds.setdefault("page, filtered", []).append(
                [timed(lambda q=q, f=f: store.search(q, f, limit=args.limit))
                 for q, f in cases])
            rounds.setdefault("per-hit (old)", []).append(
                [timed(lambda q=q: store._search_per_hit(q, limit=args.limit))
                 for q, _ in cases])
            rounds.setdefault("per-hit (old), filtered", []).append(
                [timed(lambda q=q, f=f: store._search_per_hit(q, f, limit=args.limit))
                 for q, f in cases])
        results = {name: line(name, r) for name, r in rounds.items()}
        peer = results["plain FTS5 (peer)"]
        for name in ("page", "page, filtered"):
            ours, old = results[name], results[name.replace("page", "per-hit (old)")]
            print(f"  {name}: p50 / peer {ours[0] / peer[0]:.2f}, p95 / peer "
                  f"{ours[1] / peer[1]:.2f}; old / page p50 {old[0] / ours[0]:.1f}, "
                  f"p95 {old[1] / ours[1]:.1f}")
        same = all(store.search(q, f, limit=args.limit)
                   == store._search_per_hit(q, f, limit=args.limit)
                   for q, filters in cases for f in (None, filters))
        print(f"  hits identical to the old path's (50 queries, with and without filters): "
              f"{same}")
    if not args.keep:
        for p in where.glob(f"corpus-{size}.db*"):
            p.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="keep (and reuse) the corpora in this folder")
    args = ap.parse_args()
    where = args.keep or Path(tempfile.mkdtemp(prefix="mv-fts-search-"))
    where.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        run(size, args, where)
    if not args.keep:
        shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    main()
