"""The report use cases: ``report`` writes the HTML, PDF or Markdown report of a stored corpus;
``analyze`` (the main job) ingests and codes documents first, then reports on them.

Both take a :class:`~multivector.services.corpus.Corpus` (its store, knowledge base and pipeline)
and plain values, and return what they did; the command line only parses and prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from multivector.domain.concept import Edition
from multivector.domain.corpus import Layer
from multivector.errors import MultivectorError, UsageError
from multivector.ingest.readers import Failure, RawDocument
from multivector.services.analyses import Period
from multivector.services.corpus import Corpus
from multivector.services.ingest import IngestReport, Progress
from multivector.store.base import Filters

if TYPE_CHECKING:
    from multivector.analysis.stats import Intervals
    from multivector.report.model import ReportData

Step = Callable[[str], None]
REPORT_SUFFIXES = (".html", ".htm", ".pdf", ".md")


def check_report_path(out: Path) -> None:
    """Refuse, before any work is done, a report path that cannot be written: a format that
    cannot be told from the suffix, a folder, or a folder that does not exist."""
    if out.suffix.lower() not in REPORT_SUFFIXES:
        raise UsageError(
            f"--out: cannot write {out.suffix or 'a file without a suffix'}",
            hint="name a .html, .pdf or .md file",
        )
    if out.is_dir():
        raise UsageError(f"--out: {out} is a folder", hint="name a file inside it")
    parent = out.parent
    if not parent.is_dir():
        raise UsageError(
            f"--out: the folder {parent} does not exist" if not parent.exists()
            else f"--out: {parent} is not a folder",
            hint="create the folder first, or write the report elsewhere",
        )
    if out.suffix.lower() == ".md" and (parent / f"{out.stem}_files").is_file():
        raise UsageError(
            f"--out: a Markdown report keeps its charts in {parent / (out.stem + '_files')}, "
            "which is a file", hint="move that file, or name the report otherwise")


def _write_report(data: ReportData, out: Path) -> None:
    from multivector.report import render_report

    try:
        render_report(data, out)
    except OSError as exc:
        raise MultivectorError(
            f"cannot write the report {out}: {exc.strerror or exc}",
            hint="check the folder's permissions and free space",
        ) from exc


def summary(data: ReportData) -> list[str]:
    """The report's summary of findings as printed in it (channels first, figures numbered)."""
    from multivector.report import summary as written

    return written(data)


def code_for(corpus: Corpus, edition: Edition, doc_ids: Sequence[str], step: Step) -> int:
    """Re-code the documents of ``doc_ids`` that were not coded against ``edition`` (their
    concept elements belong to another edition); how many were."""
    chosen = Filters(doc_ids=tuple(doc_ids))
    recorded = corpus.store.pipelines(doc_ids)
    coded = {d for d, stamp in recorded.items() if stamp.get("edition") == edition.id}
    unknown = [d for d in doc_ids if "edition" not in recorded.get(d, {})]
    if unknown:  # stored before the record was kept: read the elements' own edition
        coded |= {
            a.doc_id
            for a in corpus.store.annotations(
                layers=[Layer.ELEMENT], filters=replace(chosen, doc_ids=tuple(unknown)))
            if a.attrs.get("edition") == edition.id
        }
    stale = [d for d in doc_ids if d not in coded]
    if stale:
        step(f"coding {len(stale)} documents against {edition.id}")
        corpus.for_edition(edition.id).code(filters=replace(chosen, doc_ids=tuple(stale)))
    return len(stale)


def report(
    corpus: Corpus,
    edition: str,
    out: Path,
    *,
    filters: Filters | None = None,
    period: Period = "edition",
    intervals: Intervals | None = None,
    step: Step | None = None,
) -> ReportData:
    """Write the report of the stored corpus (the documents matching ``filters``) against
    ``edition`` to ``out``. Nothing is ingested; documents coded against another edition are
    coded against this one first (the elements of one edition cannot be found with another's
    coding). Returns the report's data."""
    from multivector.services.report_builder import build_report

    check_report_path(out)
    say = step or (lambda _m: None)
    ed = corpus.knowledge.edition(edition)
    if not corpus.store.count()["documents"]:
        raise UsageError(
            f"the corpus at {corpus.store} holds no documents",
            hint="ingest some first, or run `multivector analyze`",
        )
    doc_ids = [row[0] for row in corpus.store.document_table(filters)]
    if not doc_ids:
        raise UsageError(
            "no stored document matches the filters", hint="widen --country, --from or --to"
        )
    code_for(corpus, ed, doc_ids, say)
    data = build_report(
        corpus, ed, doc_ids=doc_ids if filters else None, period=period, intervals=intervals,
        step=say,
    )
    say(f"rendering {out}")
    _write_report(data, out)
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
    intervals: Intervals | None = None,
    step: Step | None = None,
    progress: Progress | None = None,
) -> AnalyzeResult:
    """Ingest and code ``documents`` against ``edition``, re-code those stored earlier against
    another edition, and write the report on exactly these documents to ``out``."""
    check_report_path(out)
    say = step or (lambda _m: None)
    ed = corpus.knowledge.edition(edition)
    corpus = corpus.for_edition(ed.id)
    say(f"ingesting into {corpus.store}")
    result = corpus.ingest_documents(documents, progress=progress)
    if result.stopped is not None:
        raise result.stopped
    if result.interrupted:
        raise KeyboardInterrupt  # what was stored is kept; the same command completes it
    ids = result.doc_ids
    if not ids:
        first = f": {result.failures[0]}" if result.failures else ""
        others = len(result.failures) - 1
        more = f" (and {others} more failures)" if others > 0 else ""
        raise MultivectorError(
            f"no document could be read from the sources given{first}{more}",
            hint="check the paths; `multivector ingest` lists every failure",
        )
    say(
        f"{len(result.ingested)} new, {len(result.duplicates)} already stored, "
        f"{len(result.failures)} failed"
    )
    recoded = code_for(corpus, ed, ids, say)
    from multivector.services.report_builder import build_report

    data = build_report(
        corpus, ed, doc_ids=ids, period=period, intervals=intervals, step=say
    )
    say(f"rendering {out}")
    _write_report(data, out)
    return AnalyzeResult(result, recoded, data, out)
