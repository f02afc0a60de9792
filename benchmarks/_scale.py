"""The scale corpus of issue 13: the bundled UN General Debate sample (156 statements of the five
Central Asian states, 3,569 passages), coded once by the real pipeline, then copied until it
holds the number of passages asked for.

Each copy of a statement gets a unique first line (``[copy N]`` and a blank line) before the
statement's text: the copy is a distinct document (its own content hash and id) and its passages
and annotations are the original's shifted by the prefix's length, so segmentation and coding
are unchanged and need not be run again. Copies keep the statement's metadata (date, country,
speaker), so analyses over the copies give the sample's shares with 1/k-th of the spread.

``embedder``: ``hashing`` (default) codes the sample with the deterministic stand-in embedder
(semantic themes and vectors are then those of the stand-in; every other layer is the real
coding), ``model`` with the bundled multilingual model (about 30 s more, once). Say which when
reporting figures.

Used by ``scale_analyses.py``; also a command that builds a store::

    python benchmarks/_scale.py --passages 1000000 --db /tmp/scale-1m.db [--embedder model]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from multivector.domain.corpus import AnnotatedDocument, Document
from multivector.store.base import CorpusRepository

SAMPLE = "ungd-central-asia"
CONCEPT = "kaz/2020-2030"


def coded_sample(embedder: str = "hashing") -> list[AnnotatedDocument]:
    """The sample's statements as coded by ``multivector ingest`` (in a child process, into a
    temporary store), read back with passages, annotations and embeddings."""
    from multivector.services.stores import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sample.db"
        cmd = [sys.executable, "-m", "multivector", "ingest", "--sample", SAMPLE, "--db",
               str(db), "--concept", CONCEPT, "--quiet"]
        if embedder == "hashing":
            config = Path(tmp) / "pipeline.json"
            config.write_text(json.dumps({"settings": {"embed": {"embedder": "hashing"}}}))
            cmd += ["--config", str(config)]
        elif embedder != "model":
            raise SystemExit(f"--embedder: {embedder!r} (use hashing or model)")
        subprocess.run(cmd, check=True)
        store = open_store(str(db))
        try:
            out = []
            for doc in store.documents():
                out.append(AnnotatedDocument(
                    doc,
                    passages=store.passages(doc.id),
                    annotations=list(store.annotations(doc.id)),
                    embeddings=store.embeddings(doc.id),
                ))
            return out
        finally:
            store.close()


def copy_of(doc: AnnotatedDocument, k: int) -> AnnotatedDocument:
    """Copy ``k`` of a coded statement: a unique first line, everything else shifted."""
    prefix = f"[copy {k}]\n\n"
    shift = len(prefix)
    document = Document.create(prefix + doc.document.text, doc.document.meta)
    new_id = document.id
    return AnnotatedDocument(
        document,
        passages=[replace(p, doc_id=new_id, start=p.start + shift, end=p.end + shift)
                  for p in doc.passages],
        annotations=[a._replace(doc_id=new_id, start=a.start + shift, end=a.end + shift)
                     for a in doc.annotations],
        embeddings=doc.embeddings,
    )


def copies(base: list[AnnotatedDocument], passages: int) -> Iterator[AnnotatedDocument]:
    """Copies of ``base``, statement after statement, until ``passages`` passages are reached
    (the last statement may overshoot by its own length)."""
    n = 0
    k = 0
    while True:
        for doc in base:
            if n >= passages:
                return
            yield copy_of(doc, k)
            n += len(doc.passages)
        k += 1


def fill(store: CorpusRepository, base: list[AnnotatedDocument], passages: int,
         batch: int = 200, progress: bool = False) -> dict[str, float]:
    """Write copies of ``base`` up to ``passages`` into ``store`` (``add_documents`` in batches
    of ``batch`` documents); documents, passages and seconds."""
    started = time.perf_counter()
    items: list[AnnotatedDocument] = []
    docs = n = 0
    pipeline = {"generator": "benchmarks/_scale.py", "edition": CONCEPT}
    for doc in copies(base, passages):
        items.append(doc)
        if len(items) >= batch:
            store.add_documents(items, pipeline=pipeline)
            docs += len(items)
            n += sum(len(d.passages) for d in items)
            items.clear()
            if progress:
                rate = n / (time.perf_counter() - started)
                print(f"  {n:,} passages, {rate:,.0f}/s", file=sys.stderr, flush=True)
    if items:
        store.add_documents(items, pipeline=pipeline)
        docs += len(items)
        n += sum(len(d.passages) for d in items)
    seconds = time.perf_counter() - started
    store.prepare_search()  # as ingest does at its end
    return {"documents": docs, "passages": n, "seconds": seconds,
            "index_seconds": time.perf_counter() - started - seconds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, required=True)
    ap.add_argument("--db", required=True, help="SQLite file or postgresql:// URL")
    ap.add_argument("--embedder", default="hashing", choices=["hashing", "model"])
    args = ap.parse_args()
    from multivector.services.stores import open_store

    base = coded_sample(args.embedder)
    store = open_store(args.db)
    try:
        done = fill(store, base, args.passages, progress=True)
    finally:
        store.close()
    print(f"{done['documents']:,} documents, {done['passages']:,} passages in "
          f"{done['seconds']:.0f} s ({done['passages'] / done['seconds']:,.0f} passages/s); "
          f"search index {done['index_seconds']:.1f} s")


if __name__ == "__main__":
    main()
