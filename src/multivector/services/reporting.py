"""The report use cases: ``report`` writes the HTML, PDF or Markdown report of a stored corpus;
``analyze`` (the main job) ingests and codes documents first, then reports on them.

Both take a :class:`~multivector.services.corpus.Corpus` (its store, knowledge base and pipeline)
and plain values, and return what they did; the command line only parses and prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from multivector.domain.corpus import Layer
from multivector.errors import UsageError
from multivector.ingest.readers import Failure, RawDocument
from multivector.services.analyses import Period
from multivector.services.corpus import Corpus
from multivector.services.ingest import IngestReport, Progress
from multivector.store.base import Filters

if TYPE_CHECKING:
    from multivector.report.model import ReportData

Step = Callable[[str], None]
REPORT_SUFFIXES = (".html", ".htm", ".pdf", ".md")


def check_report_path(out: Path) -> None:
    """Refuse a report file name whose format cannot be told, before any work is done."""
    if out.suffix.lower() not in REPORT_SUFFIXES:
        raise UsageError(
            f"--out: cannot write {out.suffix or 'a file without a suffix'}",
            hint="name a .html, .pdf or .md file",
        )


def report(
    corpus: Corpus,
    edition: str,
    out: Path,
    *,
    filters: Filters | None = None,
    period: Period = "edition",
    bootstrap: int = 1000,
    seed: int = 0,
    step: Step | None = None,
) -> ReportData:
    """Write the report of the stored corpus (the documents matching ``filters``) against
    ``edition`` to ``out``; nothing is ingested or re-coded. Returns the report's data."""
    from multivector.report import render_report
    from multivector.services.report_builder import build_report

    check_report_path(out)
    say = step or (lambda _m: None)
    ed = corpus.knowledge.edition(edition)
    if not corpus.store.count()["documents"]:
        raise UsageError(
            f"the corpus at {corpus.store} holds no documents",
            hint="ingest some first, or run `multivector analyze`",
        )
    doc_ids = [row[0] for row in corpus.store.document_table(filters)] if filters else None
    if doc_ids is not None and not doc_ids:
        raise UsageError(
            "no stored document matches the filters", hint="widen --country, --from or --to"
        )
    data = build_report(
        corpus, ed, doc_ids=doc_ids, period=period, bootstrap=bootstrap, seed=seed, step=say
    )
    say(f"rendering {out}")
    render_report(data, out)
    return data


@dataclass(frozen=True)
class AnalyzeResult:
    """What the main job did: the ingest report, the documents re-coded, the report's data."""

    ingest: IngestReport
    recoded: int
    data: ReportData
    out: Path


def analyze(
    corpus: Corpus,
    documents: Iterable[RawDocument | Failure],
    edition: str,
    out: Path,
    *,
    period: Period = "edition",
    bootstrap: int = 1000,
    seed: int = 0,
    step: Step | None = None,
    progress: Progress | None = None,
) -> AnalyzeResult:
    """Ingest and code ``documents`` against ``edition``, re-code those stored earlier against
    another edition, and write the report on exactly these documents to ``out``."""
    check_report_path(out)
    say = step or (lambda _m: None)
    ed = corpus.knowledge.edition(edition)
    if corpus.edition_id is None or corpus.knowledge.edition(corpus.edition_id).id != ed.id:
        corpus = Corpus(
            store=corpus.store, knowledge=corpus.knowledge, config=corpus.config, edition=ed.id
        )
    say(f"ingesting into {corpus.store}")
    result = corpus.ingest_documents(documents, progress=progress)
    if result.stopped is not None:
        raise result.stopped
    ids = result.doc_ids
    if not ids:
        first = f": {result.failures[0]}" if result.failures else ""
        others = len(result.failures) - 1
        more = f" (and {others} more failures)" if others > 0 else ""
        raise UsageError(
            f"no document could be read from the sources given{first}{more}",
            hint="check the paths; `multivector ingest` lists every failure",
        )
    say(
        f"{len(result.ingested)} new, {len(result.duplicates)} already stored, "
        f"{len(result.failures)} failed"
    )
    chosen = Filters(doc_ids=tuple(ids))
    coded = {
        a.doc_id
        for a in corpus.store.annotations(layers=[Layer.ELEMENT], filters=chosen)
        if a.attrs.get("edition") == ed.id
    }
    stale = [d for d in ids if d not in coded]
    if stale:
        say(f"coding {len(stale)} documents against {ed.id}")
        corpus.code(filters=replace(chosen, doc_ids=tuple(stale)))
    from multivector.report import render_report
    from multivector.services.report_builder import build_report

    data = build_report(
        corpus, ed, doc_ids=ids, period=period, bootstrap=bootstrap, seed=seed, step=say
    )
    say(f"rendering {out}")
    render_report(data, out)
    return AnalyzeResult(result, len(stale), data, out)
