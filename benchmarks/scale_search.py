"""Search latency on the scale corpus in SQLite and PostgreSQL (issue 13): full text and
semantic, p50/p95, each against a plain query of the same engine in the same run.

The stores are filled beforehand by the scale generator (``_scale.py --db ...``: the bundled UN
General Debate sample copied to size, English only, so that the 25 Russian queries of the set
find nothing here; the ``hashing`` stand-in embedder, dimension 256). For each ``--db``:

* full text: the 50 queries of ``fts_search.py`` with ``limit`` 20, through the store's
  ``search`` (snippets, highlights, labels), without filters and with one of four filter sets
  (country, years, an actor, a theme); peer: the engine's plain ranked query on the same rows
  (SQLite ``passages_fts MATCH ? ORDER BY rank LIMIT 20``; PostgreSQL ``terms @@ query ORDER
  BY ts_rank DESC LIMIT 20``), no filters, no snippets;
* semantic: 30 random unit vectors through ``search_vector`` (limit 20) after a first search
  (timed apart: the SQLite index is built by ingest, PostgreSQL reads the vectors into memory);
  peer: a NumPy scan of the float32 matrix held in memory (read once, not timed).

Run: python benchmarks/scale_search.py --db /tmp/scale-1m.db --db postgresql://... [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable

import numpy as np
from fts_search import QUERIES

from multivector.services.stores import open_store
from multivector.store import fts, pg_search
from multivector.store.base import Filters

FILTERS = (
    Filters(countries=("KAZ",)),
    Filters(date_from=dt.date(2010, 1, 1), date_to=dt.date(2015, 12, 31)),
    Filters(actors=("RUS",)),
    Filters(themes=("security",)),
)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def report(name: str, rounds: list[list[float]]) -> tuple[float, float]:
    pooled = [v * 1000 for r in rounds for v in r]
    medians = [statistics.median(r) * 1000 for r in rounds]
    p50, p95 = float(np.percentile(pooled, 50)), float(np.percentile(pooled, 95))
    print(f"  {name:<30} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  round medians "
          f"{min(medians):.1f} / {statistics.median(medians):.1f} / {max(medians):.1f} ms",
          flush=True)
    return p50, p95


def plain_query(store: object, kind: str) -> Callable[[str], object]:
    conn = store.connection  # type: ignore[attr-defined]
    if kind == "sqlite":
        sql = "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT 20"
        return lambda q: conn.execute(sql, (fts.compile_query(q),)).fetchall()
    sql = ("SELECT p.doc_id, p.idx FROM passages p CROSS JOIN CAST(%s AS tsquery) AS q(query)"
           " WHERE p.terms @@ q.query ORDER BY ts_rank(p.terms, q.query, 1) DESC LIMIT 20")
    return lambda q: conn.execute(sql, (pg_search.tsquery(pg_search.parse(q)),)).fetchall()


def measure(db: str, repeat: int, rng: np.random.Generator) -> None:
    kind = "postgresql" if db.startswith("postgres") else "sqlite"
    store = open_store(db, create=False)
    try:
        n = store.count()["passages"]
        print(f"{kind}: {n:,} passages", flush=True)
        plain = plain_query(store, kind)
        cases = [(q, FILTERS[i % len(FILTERS)]) for i, q in enumerate(QUERIES)]
        for q, _ in cases:  # warm caches once
            store.search(q)
        rounds: dict[str, list[list[float]]] = {}
        for _ in range(repeat):
            rounds.setdefault("plain (peer)", []).append(
                [timed(lambda q=q: plain(q)) for q, _ in cases])
            rounds.setdefault("search", []).append(
                [timed(lambda q=q: store.search(q)) for q, _ in cases])
            rounds.setdefault("search, filtered", []).append(
                [timed(lambda q=q, f=f: store.search(q, f)) for q, f in cases])
        got = {name: report(name, r) for name, r in rounds.items()}
        for name in ("search", "search, filtered"):
            print(f"  {name}: p95 / peer p95 {got[name][1] / got['plain (peer)'][1]:.2f}")
        conn = store.connection  # type: ignore[attr-defined]
        (dim,) = conn.execute("SELECT dim FROM embeddings LIMIT 1").fetchone()
        queries = rng.normal(size=(30, dim)).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        first = timed(lambda: store.search_vector(queries[0]))
        print(f"  semantic: first search {first:.1f} s (dimension {dim})", flush=True)
        rows = conn.execute("SELECT vector FROM embeddings").fetchall()
        matrix = np.frombuffer(b"".join(bytes(r[0]) for r in rows), dtype="<f4").reshape(
            len(rows), dim)
        rows.clear()
        matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        srounds: dict[str, list[list[float]]] = {}
        for _ in range(repeat):
            srounds.setdefault("NumPy scan in memory (peer)", []).append(
                [timed(lambda v=v: np.argpartition(-(matrix @ v), 20)[:20]) for v in queries])
            srounds.setdefault("search_vector", []).append(
                [timed(lambda v=v: store.search_vector(v)) for v in queries])
        sgot = {name: report(name, r) for name, r in srounds.items()}
        print(f"  search_vector p95 / peer p95 "
              f"{sgot['search_vector'][1] / sgot['NumPy scan in memory (peer)'][1]:.2f}")
    finally:
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", action="append", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    for db in args.db:
        measure(db, args.repeat, rng)


if __name__ == "__main__":
    main()
