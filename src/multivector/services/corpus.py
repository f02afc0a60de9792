"""The corpus service: ingest files, code them, search them, list events, export tables.

``Corpus(path)`` opens (or creates) a store; :meth:`Corpus.ingest` reads files of any supported
kind, runs the annotation pipeline on each new document and stores it with everything derived
from it in one transaction, so that a batch interrupted at any point leaves the store consistent
and running it again completes it. Bad files and rows are reported, never fatal.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from multivector.domain.corpus import (
    AnnotatedDocument,
    Annotation,
    Document,
    DocumentMeta,
    Layer,
    Passage,
)
from multivector.domain.results import Tabular
from multivector.errors import MultivectorError, NotFoundError, UsageError
from multivector.ingest.readers import Failure, RawDocument, iter_paths, read_path
from multivector.pipeline import DEFAULT_CONFIG, Context, Pipeline
from multivector.services.knowledge import KnowledgeBase, default_knowledge
from multivector.services.search_terms import ExpandedQuery, NameExpander
from multivector.store.base import CorpusRepository, Filters, SearchHit
from multivector.store.sqlite import SQLiteStore

LANGUAGES = ("en", "ru", "kk")
CODED_LAYERS = (Layer.ACTOR, Layer.DATE, Layer.THEME, Layer.ELEMENT, Layer.EVENT)


@dataclass
class IngestReport(Tabular):
    """What an ingest did: documents stored, duplicates skipped, failures with their reasons."""

    ingested: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted

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
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class SearchResults(Tabular):
    query: str
    hits: tuple[SearchHit, ...]
    semantic: bool = False
    expanded: ExpandedQuery | None = None  # actor names searched in their other names too

    def __len__(self) -> int:
        return len(self.hits)

    def records(self) -> list[dict[str, Any]]:
        return [
            {
                "doc_id": h.doc_id,
                "passage": h.passage,
                "score": round(h.score, 4),
                "date": h.date.isoformat() if h.date else None,
                "country": h.country,
                "title": h.title,
                "snippet": h.snippet,
                "highlights": [[x.start, x.end] for x in h.highlights],
                "start": h.start,
                "end": h.end,
                **{f"{layer}s": labels for layer, labels in h.labels.items()},
            }
            for h in self.hits
        ]


@dataclass(frozen=True)
class EventTable(Tabular):
    rows: tuple[dict[str, Any], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        return list(self.rows)


Progress = Callable[[str, int], None]  # (message, files done) after each file


class Corpus:
    """A store of coded documents, with the pipeline that codes them."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        store: CorpusRepository | None = None,
        knowledge: KnowledgeBase | None = None,
        config: Mapping[str, Any] | None = None,
        edition: str | None = None,
    ) -> None:
        self.store: CorpusRepository = store if store is not None else SQLiteStore(path)
        self.knowledge = knowledge or default_knowledge()
        self.config = dict(config or DEFAULT_CONFIG)
        self.edition_id = edition
        self._pipeline: Pipeline | None = None
        self._context: Context | None = None
        self._expander: NameExpander | None = None

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    # ------------------------------------------------------------------ pipeline

    @property
    def context(self) -> Context:
        if self._context is None:
            edition = self.knowledge.edition(self.edition_id) if self.edition_id else None
            self._context = Context(self.knowledge, edition)
        return self._context

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline.from_config(self.config, self.context)
        return self._pipeline

    def annotate(self, document: Document) -> AnnotatedDocument:
        return self.pipeline(AnnotatedDocument(document))

    # ------------------------------------------------------------------ ingest

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        overrides: DocumentMeta | None = None,
        text_column: str | None = None,
        max_bytes: int = 50_000_000,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read, code and store documents; returns a report (also when interrupted)."""
        report = IngestReport()
        started = time.perf_counter()
        files = list(iter_paths(Path(p) for p in paths))
        try:
            for n, item in enumerate(files, 1):
                if isinstance(item, Failure):
                    report.failures.append(item)
                else:
                    for raw in read_path(
                        item, max_bytes=max_bytes, text_column=text_column, overrides=overrides
                    ):
                        self._ingest_one(raw, report)
                if progress is not None:
                    progress(str(item.path if isinstance(item, Failure) else item), n)
        except KeyboardInterrupt:
            report.interrupted = True
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_one(self, raw: RawDocument | Failure, report: IngestReport) -> None:
        if isinstance(raw, Failure):
            report.failures.append(raw)
            return
        where = raw.origin.path
        if raw.meta.language not in LANGUAGES:
            found = raw.meta.language or "none recognised"
            report.failures.append(
                Failure(
                    where,
                    raw.origin.row,
                    f"language not supported (detected: {found}); multivector codes English, "
                    "Russian and Kazakh text: pass --lang en|ru|kk if the detection is wrong",
                )
            )
            return
        document = Document.create(raw.text, raw.meta)
        if self.store.has_document(document.id):
            report.duplicates.append({"path": where, "row": raw.origin.row, "doc_id": document.id})
            return
        try:
            doc = self.annotate(document)
            added = self.store.add_document(
                document,
                doc.passages,
                doc.annotations,
                doc.embeddings,
                pipeline=self.pipeline.versions(),
            )
        except MultivectorError as exc:
            report.failures.append(Failure(where, raw.origin.row, str(exc)))
            return
        if not added:  # stored by a concurrent run between the check and the write
            report.duplicates.append({"path": where, "row": raw.origin.row, "doc_id": document.id})
            return
        report.ingested.append(
            {
                "path": where,
                "row": raw.origin.row,
                "doc_id": document.id,
                "title": document.meta.title,
                "date": document.meta.date,
                "language": document.meta.language,
                "passages": len(doc.passages),
                "annotations": len(doc.annotations),
            }
        )

    # ------------------------------------------------------------------ re-code

    def code(
        self, *, filters: Filters | None = None, progress: Progress | None = None
    ) -> dict[str, int]:
        """Re-run the coding components over stored passages (after a codebook or edition
        change); segmentation and stored embeddings are kept."""
        components = [c for c in self.pipeline.components if c.name != "segment"]
        recoder = Pipeline(components)
        n_docs = n_ann = 0
        for n, document in enumerate(list(self.store.documents(filters)), 1):
            emb = self.store.embeddings(document.id)
            doc = AnnotatedDocument(document, self.store.passages(document.id), [], emb)
            had_embeddings = emb is not None
            doc = recoder(doc)
            self.store.replace_annotations(
                document.id,
                CODED_LAYERS,
                doc.annotations,
                None if had_embeddings else doc.embeddings,
            )
            n_docs += 1
            n_ann += len(doc.annotations)
            if progress is not None:
                progress(document.meta.title or document.id[:12], n)
        return {"documents": n_docs, "annotations": n_ann}

    # ------------------------------------------------------------------ reads

    def search(
        self,
        query: str,
        *,
        semantic: bool = False,
        filters: Filters | None = None,
        limit: int = 20,
        expand: bool = True,
    ) -> SearchResults:
        """Passages by full text (default) or by meaning (``semantic``), best first.

        A full-text query finds an actor under all its names, in every language the registry
        knows ("Россия" finds "Russia"), unless ``expand`` is false; see
        :mod:`multivector.services.search_terms`."""
        if not query.strip():
            raise UsageError("empty search query", hint="give words to look for")
        if semantic:
            from multivector.pipeline.components.embed import shared_embedder

            vector = shared_embedder(self.context).encode([query])[0]
            return SearchResults(query, tuple(self.store.search_vector(vector, filters, limit)),
                                 True)
        expanded = None
        if expand:
            if self._expander is None:
                self._expander = NameExpander(self.knowledge.registry)
            expanded = self._expander.expand(query)
            if not expanded.expansions:
                expanded = None  # nothing named an actor: the query goes as typed
        text = expanded.query if expanded else query
        return SearchResults(query, tuple(self.store.search(text, filters, limit)), False,
                             expanded)

    def document(self, doc_id: str) -> tuple[Document, list[Passage], list[Annotation]]:
        full = self._resolve_id(doc_id)
        return (
            self.store.document(full),
            self.store.passages(full),
            list(self.store.annotations(full)),
        )

    def _resolve_id(self, doc_id: str) -> str:
        if self.store.has_document(doc_id):
            return doc_id
        matches = [d.id for d in self.store.documents() if d.id.startswith(doc_id)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UsageError(
                f"document id {doc_id!r} is ambiguous ({len(matches)} documents)",
                hint="give more characters of the id",
            )
        raise NotFoundError(
            f"no document {doc_id!r} in the store",
            hint="list documents with `multivector export --what documents`",
        )

    def events(self, filters: Filters | None = None) -> EventTable:
        docs: dict[str, Document] = {}
        rows = []
        wanted = set(filters.event_types) if filters and filters.event_types else None
        for a in self.store.annotations(layers=[Layer.EVENT], filters=filters):
            if wanted is not None and a.label not in wanted:
                continue  # the filter selects passages; keep only the events asked for
            d = docs.get(a.doc_id) or docs.setdefault(a.doc_id, self.store.document(a.doc_id))
            rows.append(event_row(a, d))
        rows.sort(key=lambda r: (r["date"] or "", r["doc_id"], r["start"]))
        return EventTable(tuple(rows))

    def export_rows(self, what: str, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
        """Rows of documents, passages, annotations or events, as plain dicts."""
        if what == "documents":
            for d in self.store.documents(filters):
                yield document_row(d)
        elif what == "passages":
            for d in self.store.documents(filters):
                for p in self.store.passages(d.id):
                    yield {
                        "doc_id": d.id,
                        "passage": p.index,
                        "start": p.start,
                        "end": p.end,
                        "unit": p.unit,
                        "text": d.text[p.start : p.end],
                        "date": _iso(d.meta.date),
                        "country": d.meta.country,
                    }
        elif what == "annotations":
            texts: dict[str, str] = {}
            for a in self.store.annotations(filters=filters):
                if a.doc_id not in texts:
                    texts = {a.doc_id: self.store.document(a.doc_id).text}
                yield annotation_row(a, texts[a.doc_id])
        elif what == "events":
            yield from self.events(filters).rows
        else:
            raise UsageError(
                f"cannot export {what!r}", hint="use documents, passages, annotations or events"
            )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def document_row(d: Document) -> dict[str, Any]:
    m = d.meta
    return {
        "doc_id": d.id,
        "title": m.title,
        "date": _iso(m.date),
        "source": m.source,
        "author": m.author,
        "language": m.language,
        "genre": m.genre.value if m.genre else None,
        "country": m.country,
        "path": m.path,
        "chars": len(d.text),
    }


def annotation_row(a: Annotation, text: str) -> dict[str, Any]:
    return {
        "doc_id": a.doc_id,
        "passage": a.passage,
        "layer": a.layer.value,
        "label": a.label,
        "start": a.start,
        "end": a.end,
        "text": text[a.start : a.end],
        "score": round(a.score, 4),
        "producer": str(a.producer),
        **{
            f"attr_{k}": v
            for k, v in a.attrs.items()
            if isinstance(v, (str, int, float, bool)) or v is None
        },
    }


def event_row(a: Annotation, d: Document) -> dict[str, Any]:
    at = a.attrs
    counterpart = at.get("counterpart") or []
    return {
        "doc_id": d.id,
        "passage": a.passage,
        "type": a.label,
        "plover": at.get("plover"),
        "actor": at.get("actor"),
        "counterpart": list(counterpart)
        if isinstance(counterpart, Sequence) and not isinstance(counterpart, str)
        else [counterpart],
        "date": at.get("date") or _iso(d.meta.date),
        "place": at.get("place"),
        "score": round(a.score, 3),
        "evidence": d.text[a.start : a.end].replace("\n", " "),
        "start": a.start,
        "end": a.end,
        "title": d.meta.title,
        "rule": a.producer.rule,
    }
