"""Semantic search latency from the vector index beside the store, against two named peers.

Each size is a fresh SQLite corpus of documents of 10 passages whose embeddings are random unit
vectors of dimension 512, written through ``SQLiteStore.add_documents`` (no model). Timed per
query (50 random unit queries, ``limit`` 20, ``--repeat`` rounds):

* ``index``: ``SQLiteStore.search_vector``, the whole call as a user makes it (the int8 index
  scanned, its candidates re-scored with the stored float32 vectors, hits read from SQLite);
  ``filtered``: the same with one source of four (a document filter); each with every kernel
  (``simsimd`` when installed, ``numpy``);
* peer ``numpy``: an exact scan of the same float32 matrix held in memory (``einsum`` and
  ``argpartition``, ranking only: no SQLite, no hits) -- the floor an in-process scan reaches;
* peer ``sqlite scan``: the path before the index (every vector read out of SQLite per query,
  ``SQLiteStore._search_vector_scan``); ``--scan-queries`` of them per round.

Also reported: the first query (the index built from the store), a query after 1,000 passages
were appended (the index extended in place) and whether every hit equals the scan's. Target
(issue 13): p95 <= 100 ms at 1M passages. Run with ``nice`` on a shared machine.

Run: python benchmarks/semantic_index.py [--sizes 10000 100000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta, Passage
from multivector.store import vector_file, vector_index
from multivector.store.base import Filters
from multivector.store.sqlite import SQLiteStore

DIM = 512
PER_DOC = 10
SOURCES = ("alpha", "beta", "gamma", "delta")


def unit_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    m = rng.standard_normal((n, DIM), dtype=np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return m


def documents(start: int, count: int, rng: np.random.Generator) -> list[AnnotatedDocument]:
    out = []
    for i in range(start, start + count):
        paras = [f"Passage {j} of synthetic document {i}." for j in range(PER_DOC)]
        text = "\n\n".join(paras)
        doc = Document.create(text, DocumentMeta(
            title=f"doc {i}", source=SOURCES[i % len(SOURCES)], language="en"))
        passages, pos = [], 0
        for j, para in enumerate(paras):
            passages.append(Passage(doc.id, j, pos, pos + len(para)))
            pos += len(para) + 2
        out.append(AnnotatedDocument(doc, passages, [], unit_rows(rng, PER_DOC)))
    return out


def build(path: Path, passages: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_docs = passages // PER_DOC
    with SQLiteStore(path) as store:
        for start in range(0, n_docs, 1000):
            store.add_documents(documents(start, min(1000, n_docs - start), rng))


def matrix_of(store: SQLiteStore) -> np.ndarray:
    """The stored vectors as one float32 matrix in memory (the numpy peer's data)."""
    blobs = [b for (b,) in store.connection.execute("SELECT vector FROM embeddings ORDER BY rowid")]
    return np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), DIM)


def numpy_top(matrix: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    sims = np.einsum("ij,j->i", matrix, q)
    top = np.argpartition(-sims, k - 1)[:k]
    return top[np.argsort(-sims[top])]


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
    print(f"  {name:<18} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms   round medians min/median/max "
          f"{min(medians):.1f} / {statistics.median(medians):.1f} / {max(medians):.1f} ms "
          f"({len(pooled)} queries)")
    return p50, p95


def run(size: int, args: argparse.Namespace, where: Path) -> None:
    path = where / f"corpus-{size}.db"
    if not path.exists():
        start = time.perf_counter()
        build(path, size, seed=size)
        print(f"{size:,} passages: corpus written in {time.perf_counter() - start:.0f} s "
              f"({path.stat().st_size / 1e6:,.0f} MB)")
    shutil.rmtree(vector_file.folder_of(path), ignore_errors=True)
    rng = np.random.default_rng(1)
    queries = unit_rows(rng, args.queries)
    half = Filters(sources=(SOURCES[0],))
    kernels = ["simsimd", "numpy"] if vector_index.kernel_name() == "simsimd" else ["numpy"]
    with SQLiteStore(path, create=False) as store:
        print(f"{size:,} passages, dimension {DIM}, limit {args.limit}")
        first = timed(lambda: store.search_vector(queries[0], limit=args.limit))
        print(f"  first query (builds the index): {first:.2f} s")
        matrix = matrix_of(store)
        rounds: dict[str, list[list[float]]] = {}
        for _ in range(args.repeat):
            for kernel in kernels:
                os.environ[vector_index.ENV_KERNEL] = kernel
                rounds.setdefault(f"index {kernel}", []).append(
                    [timed(lambda q=q: store.search_vector(q, limit=args.limit))
                     for q in queries])
                rounds.setdefault(f"filtered {kernel}", []).append(
                    [timed(lambda q=q: store.search_vector(q, half, limit=args.limit))
                     for q in queries])
            os.environ.pop(vector_index.ENV_KERNEL, None)
            rounds.setdefault("numpy (peer)", []).append(
                [timed(lambda q=q: numpy_top(matrix, q, args.limit)) for q in queries])
            rounds.setdefault("sqlite scan (peer)", []).append(
                [timed(lambda q=q: store._search_vector_scan(q, limit=args.limit))
                 for q in queries[: args.scan_queries]])
        results = {name: line(name, r) for name, r in rounds.items()}
        same = all(store.search_vector(q, f, limit=args.limit)
                   == store._search_vector_scan(q, f, limit=args.limit)
                   for q in queries[:5] for f in (None, half))
        for kernel in kernels:
            ours = results[f"index {kernel}"][0]
            print(f"  p50 ratios, {kernel}: numpy peer / index "
                  f"{results['numpy (peer)'][0] / ours:.2f}, sqlite scan / index "
                  f"{results['sqlite scan (peer)'][0] / ours:.1f}")
        print(f"  hits identical to the scan's (5 queries, with and without the filter): {same}")
        store.add_documents(documents(size // PER_DOC, 100, np.random.default_rng(2)))
        grown = timed(lambda: store.search_vector(queries[1], limit=args.limit))
        print(f"  query after 1,000 passages were added (index extended): {grown * 1000:.0f} ms")
    if not args.keep:
        for p in where.glob(f"corpus-{size}.db*"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--scan-queries", type=int, default=50,
                    help="queries per round for the sqlite scan peer (slow at 1M)")
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="keep (and reuse) the corpora in this folder")
    args = ap.parse_args()
    where = args.keep or Path(tempfile.mkdtemp(prefix="mv-semantic-index-"))
    where.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        run(size, args, where)
    if not args.keep:
        shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    main()
