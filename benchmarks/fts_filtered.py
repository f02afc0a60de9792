"""Filtered full-text search on the scale corpus: the best matches checked first (now) against
every match checked while ranking (before, the peer), in one process, each in turn.

The 25 English queries of ``fts_search.py`` with each of the four filter sets of
``scale_search.py`` (a country, a range of years, an actor, a theme), ``limit`` 20, through
``SQLiteStore.search``; the peer is the same call with the page taken by the statement that
checks every match (``_ranked_page``). Hits are compared once per case. Prints p50 / p95 per
filter and over all cases, with the ratio now / before.

Run: python benchmarks/fts_filtered.py --db /tmp/scale-1m.db [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from fts_search import QUERIES
from scale_search import FILTERS

import multivector.store.sqlite as sqlite_store
from multivector.services.stores import open_store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="an SQLite scale corpus (_scale.py --db)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    store = open_store(args.db, create=False)
    queries = [q for q in QUERIES if q.isascii()][:25]
    now, before = sqlite_store._filtered_page, sqlite_store._ranked_page
    try:
        for q in queries:  # warm the caches once, and check that both give the same page
            for f in FILTERS:
                sqlite_store._filtered_page = before
                want = store.search(q, f)
                sqlite_store._filtered_page = now
                assert store.search(q, f) == want, (q, f)
        times: dict[tuple[str, int], list[float]] = {}
        for _ in range(args.repeat):
            for name, page in (("before", before), ("now", now)):
                sqlite_store._filtered_page = page
                for i, f in enumerate(FILTERS):
                    for q in queries:
                        start = time.perf_counter()
                        store.search(q, f)
                        times.setdefault((name, i), []).append(time.perf_counter() - start)
    finally:
        sqlite_store._filtered_page = now
        store.close()

    def cell(values: list[float]) -> tuple[float, float]:
        return float(np.percentile(values, 50)) * 1000, float(np.percentile(values, 95)) * 1000

    for i, f in enumerate([*FILTERS, None]):
        label = "all" if f is None else ", ".join(
            f"{k}={v}" for k, v in vars(f).items() if v not in ((), None))
        got = {name: cell([t for (n, j), ts in times.items() if n == name
                           and (f is None or j == i) for t in ts]) for name in ("before", "now")}
        print(f"{label:<45} before p50 {got['before'][0]:7.1f} p95 {got['before'][1]:7.1f} ms"
              f"   now p50 {got['now'][0]:7.1f} p95 {got['now'][1]:7.1f} ms"
              f"   now/before p50 {got['now'][0] / got['before'][0]:.2f}"
              f" p95 {got['now'][1] / got['before'][1]:.2f}", flush=True)


if __name__ == "__main__":
    main()
