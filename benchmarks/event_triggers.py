"""Event triggers: one automaton scan per sentence against every rule on every sentence.

Issue 13: the `events` component ran each of its ~70 trigger rules (regular expressions) on
every sentence. Its ``prefilter`` (the default) scans a sentence once for the words each rule
needs (:class:`multivector.text.prefilter.Prefilter`) and runs only the candidate rules. The
peer, measured in the same run and interleaved with it, is the same component with
``prefilter: false``, the path before: every rule on every sentence.

- events: the `events` component alone, on documents already segmented and annotated with
  actors and dates (untimed), over the bundled sample ``ungd-central-asia`` (156 UN General
  Debate statements) and over the sample replicated to ``--mb`` (benchmarks/_corpus.py);
- annotate: the whole annotate step from the text, as ingest runs it without the embedder
  (segment, actors, dates, themes with the semantic coder off, elements of kaz/2020-2030,
  events), on the bundled sample, with the filter and without.

Each is run ``--repeat`` times; wall and CPU time (this process, user + system) are reported as
min / median / max, with passages per second and the ratio of the medians (peer / filter). The
events of the two paths are compared on every run of the events step: they must be identical.

Run: nice python benchmarks/event_triggers.py [--repeat 5] [--mb 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from _corpus import SAMPLE, load_texts, replicated_documents

from multivector.domain.corpus import AnnotatedDocument, Annotation, Document, Layer
from multivector.pipeline import Annotator, Context, Pipeline
from multivector.pipeline.components.events import EventFinder
from multivector.pipeline.components.segment import Segmenter
from multivector.services.knowledge import KnowledgeBase

T = TypeVar("T")

EDITION = "kaz/2020-2030"
COMPONENTS = ["segment", "actors", "dates", "themes", "elements", "events"]
PEER = "peer (every rule)"
PATHS = {"filter": True, PEER: False}  # name -> the events component's setting prefilter
Runs = dict[str, tuple[list[float], list[float]]]  # path -> (wall seconds, CPU seconds)


def timed(run: Callable[[], T]) -> tuple[float, float, T]:
    """(wall seconds, CPU seconds, result) of ``run()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def sample_documents() -> list[AnnotatedDocument]:
    """The sample's documents as ingest reads and segments them."""
    segment = Segmenter()
    return [segment(AnnotatedDocument(Document.create(text, meta))) for text, meta in load_texts()]


def prepared(docs: list[AnnotatedDocument], kb: KnowledgeBase) -> list[AnnotatedDocument]:
    """The documents with actors and dates, as the events component finds them in a run."""
    pipe = Pipeline.from_config({"components": ["actors", "dates"]}, Context(kb))
    return [pipe(d) for d in docs]


def events_of(docs: list[AnnotatedDocument], prefilter: bool) -> list[list[Annotation]]:
    finder = EventFinder(prefilter=prefilter)
    out = []
    for d in docs:
        copy = AnnotatedDocument(d.document, d.passages, list(d.annotations))
        out.append(finder(copy).layer(Layer.EVENT))
    return out


def annotate_all(annotator: Annotator, documents: list[Document]) -> int:
    return sum(len(annotator(d).annotations) for d in documents)


def spread(values: list[float]) -> str:
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def report(title: str, passages: int, runs: Runs) -> None:
    walls = {name: statistics.median(w) for name, (w, _) in runs.items()}
    cpus = {name: statistics.median(c) for name, (_, c) in runs.items()}
    print(f"\n{title}: {passages:,} passages; seconds min / median / max")
    print(f"{'path':18} {'wall':>24} {'CPU':>24} {'passages/s':>11} {'peer/this: wall':>15} "
          f"{'CPU':>5}")
    for name, (w, c) in runs.items():
        print(f"{name:18} {spread(w):>24} {spread(c):>24} {passages / walls[name]:>11,.0f} "
              f"{walls[PEER] / walls[name]:>15.2f} {cpus[PEER] / cpus[name]:>5.2f}")


def bench_events(title: str, docs: list[AnnotatedDocument], repeat: int) -> None:
    runs: Runs = {name: ([], []) for name in PATHS}
    events_of(docs[:5], True)  # build the automaton outside the timed runs
    found: dict[str, list[list[Annotation]]] = {}
    for _ in range(repeat):
        for name, prefilter in PATHS.items():
            wall, cpu, found[name] = timed(partial(events_of, docs, prefilter))
            runs[name][0].append(wall)
            runs[name][1].append(cpu)
        if found["filter"] != found[PEER]:
            raise SystemExit(f"{title}: the two paths found different events")
    n_events = sum(len(e) for e in found["filter"])
    report(f"events component, {title} ({n_events:,} events, identical on both paths)",
           sum(len(d.passages) for d in docs), runs)


def bench_annotate(kb: KnowledgeBase, docs: list[AnnotatedDocument], repeat: int) -> None:
    documents = [d.document for d in docs]
    annotators = {}
    for name, prefilter in PATHS.items():
        config: dict[str, Any] = {"components": COMPONENTS, "settings": {
            "themes": {"semantic": False}, "events": {"prefilter": prefilter}}}
        annotators[name] = Annotator(kb, config, edition=EDITION)
        annotators[name](documents[0])  # warm: matchers and automata built
    runs: Runs = {name: ([], []) for name in PATHS}
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for name, annotator in annotators.items():
            wall, cpu, counts[name] = timed(partial(annotate_all, annotator, documents))
            runs[name][0].append(wall)
            runs[name][1].append(cpu)
    if counts["filter"] != counts[PEER]:
        raise SystemExit("annotate: the two paths made different numbers of annotations")
    report(f"whole annotate step without the embedder, {SAMPLE} ({counts['filter']:,} "
           "annotations on both paths)", sum(len(d.passages) for d in docs), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each path (default 5)")
    parser.add_argument("--mb", type=float, default=10.0,
                        help="size of the replicated corpus in MB (default 10; 0 skips it)")
    parser.add_argument("--no-annotate", action="store_true", help="skip the whole annotate step")
    args = parser.parse_args()
    kb = KnowledgeBase()
    sample = sample_documents()
    print(f"corpus: {SAMPLE}, {len(sample)} documents, {sum(len(d.passages) for d in sample):,}"
          f" passages; --repeat {args.repeat}, the two paths interleaved")
    bench_events(SAMPLE, prepared(sample, kb), args.repeat)
    sys.stdout.flush()
    if args.mb > 0:
        big = prepared(replicated_documents(args.mb), kb)
        bench_events(f"{SAMPLE} replicated to {args.mb:g} MB", big, args.repeat)
        sys.stdout.flush()
        del big
    if not args.no_annotate:
        bench_annotate(kb, sample, args.repeat)


if __name__ == "__main__":
    main()
