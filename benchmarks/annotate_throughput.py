"""Actor + lexicon-theme annotation throughput, against spaCy and a raw Aho-Corasick scan.

All three scan the same passages of the UN General Debate statements (replicated to --mb) for
the same term lists (every registry alias and every codebook label and negative label):

- multivector: the `actors` and `themes` components (semantic coder off), producing full
  annotations (offsets, scores, producers, vectors, date-aware actor resolution);
- spaCy: `spacy.blank("en")` with a `PhraseMatcher(attr="LOWER")`, via `nlp.pipe`;
- raw: one pyahocorasick automaton over the lower-cased passage texts, counting matches.

Targets (issue 3): multivector >= 5x spaCy, and within 3x of the raw scan.
Run: python benchmarks/annotate_throughput.py [--mb 50]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import ahocorasick
from _corpus import megabytes, passage_texts, replicated_documents

from multivector.pipeline import Context, Pipeline
from multivector.services.knowledge import KnowledgeBase


def term_lists(kb: KnowledgeBase) -> list[str]:
    terms = {a.text for a in kb.registry.aliases}
    for theme in kb.codebook:
        for labels in theme.labels.values():
            terms.update(labels.all)
        for negatives in theme.negative.values():
            terms.update(negatives)
    return sorted(t for t in terms if t.strip())


def run_multivector(docs, kb: KnowledgeBase) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    config = {"components": ["actors", "themes"], "settings": {"themes": {"semantic": False}}}
    pipe = Pipeline.from_config(config, Context(kb))
    pipe(docs[0])  # build the matchers outside the timed loop, as a long-running ingest does
    docs[0].annotations.clear()
    for d in docs:
        d.annotations.clear()
        d.cache.clear()
    start = time.perf_counter()
    n = 0
    for d in docs:
        n += len(pipe(d).annotations)
        # like the peers (and like ingest, which stores them), keep counts, not the objects
        d.annotations.clear()
        d.cache.clear()
    return time.perf_counter() - start, n


def run_spacy(texts: list[str], terms: list[str]) -> tuple[float, int]:
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for i in range(0, len(terms), 1000):
        matcher.add(f"T{i}", list(nlp.tokenizer.pipe(terms[i:i + 1000])))
    start = time.perf_counter()
    n = 0
    for doc in nlp.pipe(texts, batch_size=256):
        n += len(matcher(doc))
    return time.perf_counter() - start, n


def run_raw(texts: list[str], terms: list[str]) -> tuple[float, int]:
    auto = ahocorasick.Automaton()
    for t in terms:
        auto.add_word(t.lower(), len(t))
    auto.make_automaton()
    start = time.perf_counter()
    n = 0
    for text in texts:
        for _ in auto.iter(text.lower()):
            n += 1
    return time.perf_counter() - start, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    ap.add_argument("--json", action="store_true", help="print one JSON line instead")
    args = ap.parse_args()
    kb = KnowledgeBase()
    docs = replicated_documents(args.mb)
    texts = passage_texts(docs)
    mb = megabytes(docs)
    terms = term_lists(kb)
    t_mv, n_mv = run_multivector(docs, kb)
    t_sp, n_sp = run_spacy(texts, terms)
    t_raw, n_raw = run_raw(texts, terms)
    result = {
        "corpus_mb": round(mb, 1), "passages": len(texts), "terms": len(terms),
        "multivector_mb_s": round(mb / t_mv, 2), "spacy_mb_s": round(mb / t_sp, 2),
        "raw_ahocorasick_mb_s": round(mb / t_raw, 2),
        "multivector_vs_spacy": round(t_sp / t_mv, 2),
        "raw_vs_multivector": round(t_mv / t_raw, 2),
        "annotations": n_mv, "spacy_matches": n_sp, "raw_matches": n_raw,
        "targets": {"multivector_vs_spacy": ">= 5", "raw_vs_multivector": "<= 3"},
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"corpus: {mb:.1f} MB, {len(texts):,} passages, {len(terms):,} terms")
    print(f"{'multivector (actors + lexicon themes)':40s} {mb / t_mv:8.2f} MB/s  "
          f"({n_mv:,} annotations)")
    print(f"{'spaCy blank(en) + PhraseMatcher':40s} {mb / t_sp:8.2f} MB/s  ({n_sp:,} matches)")
    print(f"{'raw pyahocorasick scan':40s} {mb / t_raw:8.2f} MB/s  ({n_raw:,} matches)")
    print(f"ratio multivector / spaCy: {t_sp / t_mv:.2f}x (target >= 5)")
    print(f"ratio raw scan / multivector: {t_mv / t_raw:.2f}x slower (target <= 3)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
