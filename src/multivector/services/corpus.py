"""The corpus service: ingest files, code them, search them, list events, export tables.

``Corpus(path)`` opens (or creates) a store and holds what the use cases need beside it: the
knowledge base and the pipeline config. :meth:`Corpus.ingest` reads files of any supported kind
and codes and stores each new document (see :mod:`multivector.services.ingest`: coding is a
pure step, writing is batched and atomic, so a batch interrupted at any point leaves the store
consistent and running it again completes it). Bad files and rows are reported, never fatal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from multivector.domain.concept import Edition
from multivector.domain.corpus import Annotation, Document, DocumentMeta, Layer, Passage
from multivector.domain.knowledge import Knowledge
from multivector.domain.results import Tabular
from multivector.errors import NotFoundError, UsageError
from multivector.ingest.limits import MAX_BYTES, MAX_CHARS
from multivector.ingest.readers import Failure, RawDocument
from multivector.pipeline import DEFAULT_CONFIG, MAX_PASSAGES, Annotator, Context, Pipeline
from multivector.services.ingest import Coder, IngestReport, Progress, ingest, read_files
from multivector.services.knowledge import default_knowledge
from multivector.services.search_terms import ExpandedQuery, NameExpander
from multivector.services.stores import open_store
from multivector.store.base import CorpusRepository, Filters, SearchHit

if TYPE_CHECKING:
    from multivector.analysis.alignment import AlignmentResult, Method
    from multivector.services.coding import Recoder
    from multivector.store.embedding_cache import PostgresEmbeddingCache, SQLiteEmbeddingCache

MAX_QUERY_CHARS = 2_000  # a full-text query longer than this is a text to search by meaning
MAX_QUERY_TERMS = 64
MAX_SEMANTIC_CHARS = 20_000
MAX_LIMIT = 10_000


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


class Corpus:
    """A store of coded documents, with the knowledge base and pipeline that code them."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        store: CorpusRepository | None = None,
        knowledge: Knowledge | None = None,
        config: Mapping[str, Any] | None = None,
        edition: str | None = None,
        max_passages: int = MAX_PASSAGES,
        annotator: Annotator | None = None,
    ) -> None:
        self.store: CorpusRepository = store if store is not None else open_store(path)
        self.max_passages = max_passages
        self.knowledge: Knowledge = knowledge or default_knowledge()
        self.config = dict(config or DEFAULT_CONFIG)
        self.edition_id = edition
        # a pipeline built for the same knowledge base, config and edition may be shared
        # (a server's searches by meaning load the embedder once, not per request)
        self._annotator: Annotator | None = annotator
        self._expander: NameExpander | None = None
        self._embedding_cache: SQLiteEmbeddingCache | PostgresEmbeddingCache | None = None

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._embedding_cache is not None:
            self._embedding_cache.close()
        self.store.close()

    def __str__(self) -> str:
        return str(self.store)

    def for_edition(self, edition: str) -> Corpus:
        """This corpus coding against ``edition``: itself, or one sharing its store, knowledge
        base and config."""
        if self.edition_id is not None and (
            self.knowledge.edition(self.edition_id).id == self.knowledge.edition(edition).id
        ):
            return self
        return Corpus(store=self.store, knowledge=self.knowledge, config=self.config,
                      edition=self.knowledge.edition(edition).id,
                      max_passages=self.max_passages)

    # ------------------------------------------------------------------ pipeline

    @property
    def annotator(self) -> Annotator:
        """The assembled pipeline (built on first use: reads need none)."""
        if self._annotator is None:
            from multivector.pipeline.components.embed import EMBEDDING_CACHE_KEY
            from multivector.store.embedding_cache import for_store

            # vectors of texts embedded before are read from the store, not computed again
            self._embedding_cache = for_store(self.store)
            seeds = ({EMBEDDING_CACHE_KEY: self._embedding_cache}
                     if self._embedding_cache is not None else {})
            self._annotator = Annotator(
                self.knowledge, self.config, edition=self.edition_id,
                max_passages=self.max_passages, cache=seeds,
            )
        return self._annotator

    @property
    def context(self) -> Context:
        return self.annotator.context

    @property
    def pipeline(self) -> Pipeline:
        return self.annotator.pipeline

    # ------------------------------------------------------------------ ingest

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        overrides: DocumentMeta | None = None,
        text_column: str | None = None,
        max_bytes: int = MAX_BYTES,
        max_chars: int = MAX_CHARS,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read, code and store documents; returns a report (also when interrupted)."""
        documents = read_files(
            paths, overrides=overrides, text_column=text_column, max_bytes=max_bytes,
            max_chars=max_chars,
        )
        return self.ingest_documents(documents, progress=progress)

    def ingest_documents(
        self, documents: Iterable[RawDocument | Failure], *, progress: Progress | None = None,
        coder: Coder | None = None,
    ) -> IngestReport:
        """Code and store documents already read (e.g. a bundled sample's); ``coder`` codes
        them elsewhere (:func:`multivector.services.distributed.dask_coder`), else here."""
        return ingest(documents, store=self.store, annotator=self.annotator, progress=progress,
                      coder=coder)

    # ------------------------------------------------------------------ re-code

    def code(
        self, *, filters: Filters | None = None, progress: Progress | None = None,
        recoders: Callable[[str | None], Recoder] | None = None,
    ) -> dict[str, int]:
        """Re-run the coding components over stored passages (after a codebook or edition
        change); segmentation and stored embeddings are kept. Without an edition of its own,
        each document is coded against the edition it was coded against before (none if it
        had none), so its concept elements are not lost. ``recoders`` gives, per edition, a
        recoder that codes elsewhere (:meth:`multivector.services.distributed.DaskCoder.
        recoder`); else documents are coded here."""
        from multivector.services.coding import code

        if self.edition_id is not None:
            return code(self.store, self.annotator, filters=filters, progress=progress,
                        recoder=recoders(self.edition_id) if recoders else None)
        from multivector.services.coding import coded_editions

        ids = [row[0] for row in self.store.document_table(filters)]
        groups: dict[str, list[str]] = {}
        for doc_id, edition in coded_editions(self.store, ids).items():
            groups.setdefault(edition, []).append(doc_id)
        total = {"documents": 0, "annotations": 0}
        done = 0
        for edition, members in groups.items():
            coder = self.for_edition(edition) if edition else self

            def step(name: str, n: int, offset: int = done) -> None:
                if progress is not None:
                    progress(name, offset + n)

            counts = code(self.store, coder.annotator,
                          filters=Filters(doc_ids=tuple(members)), progress=step,
                          recoder=recoders(coder.edition_id) if recoders else None)
            done += counts["documents"]
            total = {k: total[k] + counts[k] for k in total}
        return total

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
        :mod:`multivector.services.search_terms`. Queries are capped (characters and terms)
        before any expansion, so a pasted book cannot stall the search."""
        check_query(query, semantic=semantic, limit=limit)
        if not semantic:
            from multivector.store.fts import compile_query

            compile_query(query)  # a syntax error names the query as typed, not as expanded
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
        """A document by id or unique id prefix, with its passages and annotations."""
        full = self.resolve_id(doc_id)
        return (
            self.store.document(full),
            self.store.passages(full),
            list(self.store.annotations(full)),
        )

    def resolve_id(self, doc_id: str) -> str:
        """The full id of the one stored document whose id starts with ``doc_id``."""
        prefix = doc_id.strip().lower()
        if len(prefix) < 4 or any(c not in "0123456789abcdef" for c in prefix):
            raise UsageError(
                f"{doc_id!r} is not a document id",
                hint="give at least 4 hexadecimal characters of an id, as `search` shows them",
            )
        matches = self.store.document_ids(prefix, limit=6)
        if len(matches) == 1:
            return matches[0]
        if matches:
            shown = ", ".join(m[:16] for m in matches[:5])
            raise UsageError(
                f"document id {doc_id!r} is ambiguous: {shown}"
                + (" and more" if len(matches) > 5 else ""),
                hint="give more characters of the id",
            )
        raise NotFoundError(
            f"no document {doc_id!r} in the store",
            hint="find ids with `multivector search` or `multivector export --what documents`",
        )

    def alignment(
        self,
        editions: Sequence[Edition | str],
        *,
        method: Method = "profile",
        filters: Filters | None = None,
        min_score: float = 0.0,
        relative: bool = False,
    ) -> AlignmentResult:
        """Each stored document scored against each edition
        (:func:`multivector.analysis.alignment.edition_alignment`), with the corpus's own
        knowledge base and, for the embedding method, its own embedder."""
        from multivector.analysis.alignment import edition_alignment

        embedder = None
        if method in ("embedding", "both"):
            from multivector.pipeline.components.embed import shared_embedder

            settings = dict(self.config.get("settings", {}).get("embed", {}))
            kind = settings.pop("embedder", None)
            settings.pop("enabled", None)
            embedder = shared_embedder(self.context, kind, **settings)
        return edition_alignment(
            self.store, editions, method=method, embedder=embedder, knowledge=self.knowledge,
            filters=filters, min_score=min_score, relative=relative,
        )

    def events(
        self, filters: Filters | None = None, status: Sequence[str] | None = ("happened",)
    ) -> EventTable:
        """Events of the stored documents, by date: only those that happened unless ``status``
        names others (planned, proposed, hoped, negated, conditional) or is None (all)."""
        docs: dict[str, Document] = {}
        rows = []
        wanted = set(filters.event_types) if filters and filters.event_types else None
        statuses = None if status is None else set(status)
        for a in self.store.annotations(layers=[Layer.EVENT], filters=filters):
            if wanted is not None and a.label not in wanted:
                continue  # the filter selects passages; keep only the events asked for
            if statuses is not None and event_status(a) not in statuses:
                continue
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


def check_query(query: str, *, semantic: bool, limit: int) -> None:
    """Refuse queries no search should take: empty, too long, too many terms, a bad limit."""
    if not query.strip():
        raise UsageError("empty search query", hint="give words to look for")
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"--limit: {limit} is out of range", hint=f"use 1 to {MAX_LIMIT}")
    cap = MAX_SEMANTIC_CHARS if semantic else MAX_QUERY_CHARS
    if len(query) > cap:
        raise UsageError(
            f"the query is {len(query):,} characters, above the {cap:,} a "
            f"{'semantic' if semantic else 'full-text'} search takes",
            hint="search a shorter passage"
            + ("" if semantic else ", or use --semantic to search by meaning"),
        )
    if not semantic and len(query.split()) > MAX_QUERY_TERMS:
        raise UsageError(
            f"the query has {len(query.split()):,} terms, above the {MAX_QUERY_TERMS} a "
            "full-text search takes",
            hint="keep the words that matter, or use --semantic to search by meaning",
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


def event_status(a: Annotation) -> str:
    """An event's status; events coded before statuses existed read from their future flag."""
    status = a.attrs.get("status")
    if isinstance(status, str):
        return status
    return "planned" if a.attrs.get("future") else "happened"


def event_row(a: Annotation, d: Document) -> dict[str, Any]:
    """An event as a flat row. ``date`` is the event's own date when its sentence gives one
    (``date_source`` "sentence", ISO at ``date_precision`` year, month or day), else the
    document's (``date_source`` "document": when it was reported); ``reported`` is always the
    document's date."""
    at = a.attrs
    counterpart = at.get("counterpart") or []
    source = at.get("date_source")
    own = at.get("date") if source in (None, "sentence") else None
    precision = at.get("date_precision") or (
        {4: "year", 7: "month", 10: "day"}.get(len(own)) if isinstance(own, str) else None)
    return {
        "doc_id": d.id,
        "passage": a.passage,
        "type": a.label,
        "status": event_status(a),
        "status_cue": at.get("status_cue"),
        "plover": at.get("plover"),
        "actor": at.get("actor"),
        "counterpart": list(counterpart)
        if isinstance(counterpart, Sequence) and not isinstance(counterpart, str)
        else [counterpart],
        "date": own or _iso(d.meta.date),
        "date_source": "sentence" if own else ("document" if d.meta.date else None),
        "date_precision": precision if own else ("day" if d.meta.date else None),
        "reported": _iso(d.meta.date),
        "place": at.get("place"),
        "score": round(a.score, 3),
        "evidence": d.text[a.start : a.end].replace("\n", " "),
        "start": a.start,
        "end": a.end,
        "title": d.meta.title,
        "rule": a.producer.rule,
    }
