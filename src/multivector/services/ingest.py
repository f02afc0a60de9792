"""The ingest use case: read documents, code each one (the pure step of
:func:`multivector.pipeline.annotate`), and write them to the store in batches.

Reading, coding and writing are separate steps: documents are read lazily, coded one by one by an
:class:`~multivector.pipeline.Annotator`, and written a batch at a time in one transaction, so
that a run killed at any point leaves whole documents or none, and the same command completes it.
A bad file, row or document becomes a failure in the report and the rest goes on; a store that
cannot be written at all (read-only, disk full, locked) stops the run with the summary so far.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta
from multivector.domain.results import Tabular
from multivector.errors import MultivectorError, NotFoundError, UsageError
from multivector.ingest.limits import MAX_BYTES, MAX_CHARS, MAX_UNPACKED_BYTES
from multivector.ingest.readers import Failure, RawDocument, iter_paths, read_paths
from multivector.pipeline import MAX_PASSAGES, Annotator
from multivector.store.base import CorpusRepository, StoreError, StoreUnavailable

if TYPE_CHECKING:
    from multivector.samples import Sample

Progress = Callable[[str, int], None]  # (file or document name, files done) after each file
BATCH_DOCUMENTS = 16  # documents written per transaction ...
BATCH_PASSAGES = 4_000  # ... or fewer when they are long


@dataclass
class IngestReport(Tabular):
    """What an ingest did: documents stored, duplicates skipped, failures with their reasons,
    and, when the store refused a write, why the run stopped."""

    ingested: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    stopped: StoreUnavailable | None = None  # the store could not be written: the run stopped
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted and self.stopped is None

    @property
    def doc_ids(self) -> list[str]:
        """Every document the sources hold that is in the store now (new or already stored)."""
        return [r["doc_id"] for r in self.ingested + self.duplicates]

    def records(self) -> list[dict[str, Any]]:
        rows = [{"status": "ingested", **r} for r in self.ingested]
        rows += [{"status": "duplicate", **r} for r in self.duplicates]
        rows += [
            {"status": "failed", "path": f.path, "row": f.row, "reason": f.reason}
            for f in self.failures
        ]
        return rows

    def summary(self) -> dict[str, Any]:
        return {
            "ingested": len(self.ingested),
            "duplicates": len(self.duplicates),
            "failed": len(self.failures),
            "passages": sum(r.get("passages", 0) for r in self.ingested),
            "annotations": sum(r.get("annotations", 0) for r in self.ingested),
            "interrupted": self.interrupted,
            "stopped": str(self.stopped) if self.stopped else None,
            "seconds": round(self.seconds, 2),
        }

    def describe(self) -> str:
        """One line: what was stored, skipped and failed."""
        s = self.summary()
        return (
            f"{s['ingested']} ingested, {s['duplicates']} duplicates skipped, {s['failed']} "
            f"failed; {s['passages']} passages, {s['annotations']} annotations in "
            f"{s['seconds']} s"
        )


@dataclass(frozen=True)
class Limits:
    """The caps on one input: bytes on disk, bytes a DOCX unpacks to, characters of text,
    passages of one document. Each must be positive."""

    max_bytes: int = MAX_BYTES
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    max_chars: int = MAX_CHARS
    max_passages: int = MAX_PASSAGES

    def __post_init__(self) -> None:
        for option, value in (("--max-mb", self.max_bytes),
                              ("--max-unpacked-mb", self.max_unpacked_bytes),
                              ("--max-chars", self.max_chars),
                              ("--max-passages", self.max_passages)):
            if value <= 0:
                raise UsageError(f"{option}: {value} is not a positive limit",
                                 hint=f"see `multivector ingest --help` for {option}")


@dataclass(frozen=True)
class Selection:
    """What to ingest: files and folders, or a bundled sample (part of it: ``countries``,
    ``years``); ``overrides`` set metadata of every document, ``text_column`` the text field of
    CSV and JSON Lines files."""

    paths: tuple[Path, ...] = ()
    sample: str | None = None
    countries: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    overrides: DocumentMeta | None = None
    text_column: str | None = None


def bundled_samples() -> list[Sample]:
    """The samples bundled in the package (:mod:`multivector.samples`)."""
    from multivector.samples import list_samples

    return list_samples()


def documents_from(
    selection: Selection, limits: Limits | None = None
) -> tuple[Iterable[RawDocument | Failure], int]:
    """The documents a selection names, read lazily from files (or from the sample's archive),
    and how many files they come from (for progress)."""
    lim = limits or Limits()
    if selection.sample and selection.paths:
        raise UsageError("give paths or --sample, not both", hint="drop one of them")
    if selection.sample:
        return _sample_documents(selection)
    if not selection.paths:
        raise UsageError("nothing to ingest", hint="give files or folders, or --sample NAME "
                         "(list them with `multivector samples`)")
    if selection.countries or selection.years:
        raise UsageError("--country and --from/--to select documents of a --sample",
                         hint="for files, pass only the files you want")
    docs = read_files(
        selection.paths, overrides=selection.overrides, text_column=selection.text_column,
        max_bytes=lim.max_bytes, max_chars=lim.max_chars,
        max_unpacked_bytes=lim.max_unpacked_bytes,
    )
    return docs, count_files(selection.paths)


def _sample_documents(selection: Selection) -> tuple[list[RawDocument | Failure], int]:
    from multivector import samples

    assert selection.sample is not None
    if selection.text_column:
        raise UsageError("--text-column reads CSV and JSON Lines files, not a sample",
                         hint="drop --text-column")
    try:
        sample = samples.get_sample(selection.sample)
    except NotFoundError as exc:  # an unknown value of an option: a usage error
        raise UsageError(exc.message, hint=exc.hint) from None
    unknown = [c for c in selection.countries if c not in sample.countries]
    if unknown:
        raise UsageError(
            f"--country: the sample {sample.name} holds no statements of {', '.join(unknown)}",
            hint=f"it holds {', '.join(sample.countries)}",
        )
    # a bundled sample is small (hundreds of documents): read it whole to count what is chosen
    docs = [
        _override(raw, selection.overrides)
        for raw in samples.iter_documents(
            sample.name, countries=selection.countries or None, years=selection.years
        )
    ]
    return docs, len(docs)


def _override(raw: RawDocument | Failure, overrides: DocumentMeta | None) -> RawDocument | Failure:
    """``raw`` with the fields ``overrides`` sets (what the user said wins, as for files)."""
    if overrides is None or isinstance(raw, Failure):
        return raw
    changed = {f.name: getattr(overrides, f.name) for f in fields(DocumentMeta)
               if f.name not in ("extra", "path") and getattr(overrides, f.name) is not None}
    if not changed:
        return raw
    sources = {**raw.meta.extra.get("meta_sources", {}), **dict.fromkeys(changed, "option")}
    meta = replace(raw.meta, **changed, extra={**raw.meta.extra, "meta_sources": sources})
    return replace(raw, meta=meta)


def read_files(
    paths: Iterable[str | Path],
    *,
    overrides: DocumentMeta | None = None,
    text_column: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_chars: int = MAX_CHARS,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
) -> Iterator[RawDocument | Failure]:
    """The documents of files and folders (folders expanded), a failure for each problem; the
    caps bound each file's size on disk, unpacked (DOCX) and as text."""
    return read_paths(
        (Path(p) for p in paths), max_bytes=max_bytes, max_chars=max_chars,
        max_unpacked_bytes=max_unpacked_bytes, text_column=text_column, overrides=overrides,
    )


def upload_name(name: str | None, n: int) -> str:
    """The name an uploaded file is known by: its base name as the client gave it (no folder,
    no control characters, at most 200 characters), else ``upload-N``. It is what reports and
    the stored document name; no path of the server ever is."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip()[:200]
    return base if base.strip(". ") else f"upload-{n}"


def read_uploads(
    files: Iterable[tuple[str, bytes]],
    *,
    overrides: DocumentMeta | None = None,
    text_column: str | None = None,
    limits: Limits | None = None,
) -> Iterator[RawDocument | Failure]:
    """The documents of files received in memory, as :func:`read_files` reads files on disk:
    ``(name, bytes)`` pairs (name them with :func:`upload_name`), each read by the reader its
    suffix picks, with the same caps, the naming convention's metadata (no sidecar table) and
    a failure per bad file or row, reported under its name."""
    from pathlib import PurePosixPath

    from multivector.ingest.metadata import meta_from_name
    from multivector.ingest.readers import TABLE_SUFFIXES, read_bytes

    lim = limits or Limits()
    for name, data in files:
        if len(data) > lim.max_bytes:
            yield Failure(name, None, f"file is {len(data):,} bytes, over the limit of "
                          f"{lim.max_bytes:,}: split the file")
            continue
        path = PurePosixPath(name)
        meta = (None if path.suffix.lower() in TABLE_SUFFIXES
                else meta_from_name(path, speakers=("", {})))
        yield from read_bytes(data, name, name_meta=meta, max_chars=lim.max_chars,
                              max_unpacked_bytes=lim.max_unpacked_bytes,
                              text_column=text_column, overrides=overrides)


def count_files(paths: Iterable[str | Path]) -> int:
    """How many files :func:`read_files` will read (for a progress bar)."""
    return sum(1 for _ in iter_paths(Path(p) for p in paths))


Coded = tuple[RawDocument, AnnotatedDocument | str]  # a document coded, or why it was not
Coder = Callable[[Iterable[tuple[RawDocument, Document]]], Iterator[Coded]]
"""Codes documents in the order given: in this process (:func:`in_process`) or on workers
(:mod:`multivector.services.distributed`); a failure comes back as its reason."""


def in_process(annotator: Annotator) -> Coder:
    """The coder that runs ``annotator`` here, one document after the other."""

    def run(items: Iterable[tuple[RawDocument, Document]]) -> Iterator[Coded]:
        for raw, document in items:
            try:
                yield raw, annotator(document)
            except MultivectorError as exc:
                yield raw, str(exc)

    return run


def ingest(
    documents: Iterable[RawDocument | Failure],
    *,
    store: CorpusRepository,
    annotator: Annotator,
    progress: Progress | None = None,
    batch_documents: int = BATCH_DOCUMENTS,
    batch_passages: int = BATCH_PASSAGES,
    coder: Coder | None = None,
) -> IngestReport:
    """Code and store ``documents`` (from :func:`read_files` or a bundled sample); a report,
    also when interrupted (Ctrl-C: what was coded is written first) or stopped by the store.

    ``coder`` codes the new documents (default: ``annotator`` in this process); whatever codes
    them, writes happen here, a batch per transaction, with ``annotator``'s stamp."""
    report = IngestReport()
    started = time.perf_counter()
    batch: list[tuple[AnnotatedDocument, RawDocument]] = []
    pending: set[str] = set()  # read and not yet written: being coded, or in the batch
    files = 0
    current: str | None = None

    def flush() -> None:
        if not batch:
            return
        try:
            results = store.add_documents([doc for doc, _ in batch], pipeline=annotator.stamp())
        finally:
            items = list(batch)
            batch.clear()
            pending.difference_update(doc.document.id for doc, _ in items)
        for (doc, raw), result in zip(items, results, strict=True):
            where = {"path": raw.origin.path, "row": raw.origin.row, "doc_id": doc.document.id}
            if isinstance(result, StoreError):
                report.failures.append(Failure(raw.origin.path, raw.origin.row, str(result)))
            elif result:
                report.ingested.append(_ingested_row(doc, where))
            else:  # stored by a concurrent run between the check and the write
                report.duplicates.append(where)

    def new_documents() -> Iterator[tuple[RawDocument, Document]]:
        nonlocal files, current
        for raw in documents:
            path = raw.path if isinstance(raw, Failure) else raw.origin.path
            if path != current:
                if current is not None:
                    files += 1
                    if progress is not None:
                        progress(current, files)
                current = path
            if isinstance(raw, Failure):
                report.failures.append(raw)
                continue
            document = Document.create(raw.text, raw.meta)
            if document.id in pending or store.has_document(document.id):
                report.duplicates.append(
                    {"path": raw.origin.path, "row": raw.origin.row, "doc_id": document.id}
                )
                continue
            pending.add(document.id)
            yield raw, document

    code = coder or in_process(annotator)
    try:
        for raw, coded in code(new_documents()):
            if isinstance(coded, str):
                pending.discard(Document.create(raw.text, raw.meta).id)
                report.failures.append(Failure(raw.origin.path, raw.origin.row, coded))
                continue
            batch.append((coded, raw))
            if len(batch) >= batch_documents or sum(
                len(d.passages) for d, _ in batch
            ) >= batch_passages:
                flush()
        flush()
        if current is not None:
            files += 1
            if progress is not None:
                progress(current, files)
    except KeyboardInterrupt:
        report.interrupted = True
        with suppress(StoreUnavailable, KeyboardInterrupt):
            flush()  # keep what was coded: the same command completes the rest
    except StoreUnavailable as exc:
        report.stopped = exc
    if report.ingested and report.stopped is None and not report.interrupted:
        with suppress(StoreUnavailable):  # a search would build it later
            store.prepare_search()
    report.seconds = time.perf_counter() - started
    return report


def _ingested_row(doc: AnnotatedDocument, where: dict[str, Any]) -> dict[str, Any]:
    meta = doc.document.meta
    return {
        **where,
        "title": meta.title,
        "date": meta.date,
        "language": meta.language,
        "passages": len(doc.passages),
        "annotations": len(doc.annotations),
    }
