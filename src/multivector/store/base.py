"""The corpus repository contract: what services may ask of a store (SQLite, PostgreSQL, fakes).

Services depend on this protocol only; adapters implement it. Every write that belongs to one
document (the document, its passages, annotations, search index rows and embeddings) happens in
one transaction, so an interrupted ingest never leaves half a document behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from multivector.domain.corpus import AnnotatedDocument, Annotation, Document, Layer, Passage
from multivector.domain.labels import Label
from multivector.errors import MultivectorError, UsageError


class StoreError(MultivectorError):
    """The corpus store cannot do what was asked: a database file that is not a multivector
    corpus or is newer than this code, or data that does not fit together."""

    code = "MV400"


class StoreUnavailable(StoreError):
    """The store cannot be written at all (read-only, disk full, locked by another process):
    a batch stops here, keeping what was stored before."""

    code = "MV401"


class QuerySyntaxError(StoreError, UsageError):
    """A search query the full-text engine cannot parse: a usage error, not an empty result."""

    code = "MV402"


# The columns of the tables analyses read (see the ``*_table`` methods of the contract).
META_COLUMNS = ("date", "source", "genre", "author", "country", "language")
DOCUMENT_COLUMNS = ("doc_id", "title", *META_COLUMNS, "n_passages")
PASSAGE_COLUMNS = ("doc_id", "passage", "start", "end", "text", "date", "country")
ANNOTATION_COLUMNS = ("doc_id", "passage", "start", "end", "score", "label")
MENTION_COLUMNS = ("doc_id", "passage", "start", "end", "score", "actor", "vector", "n")


@dataclass(frozen=True)
class Filters:
    """Restrictions shared by search, events and export. Empty means no restriction."""

    actors: tuple[str, ...] = ()
    vectors: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()  # a parent theme matches its sub-themes
    elements: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sources: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # speaker's country
    doc_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Highlight:
    start: int  # offsets into the snippet
    end: int


@dataclass(frozen=True)
class SearchHit:
    doc_id: str
    passage: int
    score: float
    snippet: str  # keyword-in-context text around the match
    highlights: tuple[Highlight, ...]
    start: int  # passage offsets into the document text
    end: int
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    country: str | None = None
    labels: dict[str, list[str]] = field(default_factory=dict)  # layer -> labels in the passage


@dataclass(frozen=True)
class StoredPassage:
    passage: Passage
    text: str
    document: Document


class CorpusRepository(Protocol):
    """Storage of documents, passages, annotations and embeddings, with search."""

    # writes -------------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool: ...

    def add_document(
        self,
        document: Document,
        passages: Sequence[Passage],
        annotations: Sequence[Annotation],
        embeddings: Any | None = None,
        *,
        pipeline: dict[str, str] | None = None,
    ) -> bool:
        """Store a document with everything derived from it, atomically.

        Returns False (and changes nothing) if the document is already stored."""
        ...

    def add_documents(
        self, items: Sequence[AnnotatedDocument], *, pipeline: dict[str, str] | None = None
    ) -> list[bool | StoreError]:
        """Store several coded documents in one transaction: per item True (stored), False
        (already stored) or the :class:`StoreError` that kept it out; raises
        :class:`StoreUnavailable`, keeping nothing of the batch, when the store cannot be
        written."""
        ...

    def replace_annotations(
        self,
        doc_id: str,
        layers: Iterable[Layer],
        annotations: Sequence[Annotation],
        embeddings: Any | None = None,
        *,
        pipeline: dict[str, str] | None = None,
    ) -> None:
        """Drop a document's annotations of ``layers`` and store new ones, atomically;
        ``pipeline``, if given, replaces the record of what coded the document."""
        ...

    def pipelines(self, doc_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """What coded each of ``doc_ids`` (component versions and ``edition``), as recorded
        when it was stored or last re-coded (documents stored before this record was kept
        have no ``edition`` key)."""
        ...

    # human labels ---------------------------------------------------------------------------
    def set_labels(self, items: Sequence[Label]) -> int:
        """Store label sets in one transaction, each replacing the same coder's earlier set for
        its passage and layer; the number written."""
        ...

    def labels(
        self, layer: str | None = None, coders: Sequence[str] = (), doc_id: str | None = None,
        passage: int | None = None,
    ) -> Iterator[Label]: ...

    def unlabelled(
        self, coder: str, layer: str, doc_ids: Sequence[str] = (), limit: int = 1
    ) -> list[tuple[str, int]]: ...

    def document_paths(self) -> dict[str, str]:
        """Source paths of stored documents -> their ids."""
        ...

    # reads --------------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document: ...

    def documents(self, filters: Filters | None = None) -> Iterator[Document]: ...

    def passages(self, doc_id: str) -> list[Passage]: ...

    def annotations(
        self, doc_id: str | None = None, layers: Iterable[Layer] | None = None,
        filters: Filters | None = None, passages: Iterable[int] | None = None,
    ) -> Iterator[Annotation]: ...

    def embeddings(self, doc_id: str) -> Any | None: ...

    def count(self) -> dict[str, int]: ...

    def document_ids(self, prefix: str, limit: int = 10) -> list[str]:
        """Ids of stored documents that start with ``prefix`` (at most ``limit``, in order)."""
        ...

    # tables for analyses: plain rows, filtered and ordered by the store -----------------
    def document_table(self, filters: Filters | None = None) -> Iterator[tuple[Any, ...]]:
        """Rows of :data:`DOCUMENT_COLUMNS` for the documents matching ``filters``, by date
        (undated last), then id; ``n_passages`` counts the passages that pass the passage-level
        filters (actors, vectors, themes, elements, event types). Dates are ISO strings."""
        ...

    def passage_table(self, filters: Filters | None = None) -> Iterator[tuple[Any, ...]]:
        """Rows of :data:`PASSAGE_COLUMNS` for the passages matching ``filters``, by date
        (undated last), document, index."""
        ...

    def annotation_table(
        self,
        layer: Layer,
        attrs: Sequence[str] = (),
        filters: Filters | None = None,
        *,
        evidence: bool = False,
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of :data:`ANNOTATION_COLUMNS`, then the value of each of ``attrs`` (None when
        absent; lists and mappings decoded), then the annotated text when ``evidence``, then
        :data:`META_COLUMNS` of the document: the annotations of ``layer`` in passages matching
        ``filters``, by date (undated last), document, start, end, insertion."""
        ...

    def mention_table(
        self, vectors: Sequence[str], filters: Filters | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """The actor mentions that count toward ``vectors``, aggregated by the store: one
        reading per span (the highest score, then the first stored), of those the readings of a
        vector in ``vectors``, one row per passage, vector and actor. Rows of
        :data:`MENTION_COLUMNS` (``n`` mentions, the best ``score``, the span of the first
        mention) then :data:`META_COLUMNS`, by date (undated last), document, span."""
        ...

    # search -------------------------------------------------------------------------------
    def prepare_search(self) -> None:
        """Bring what searches read up to date after writes (the SQLite store's vector index
        beside the database), so that a large ingest pays for it, not the next search."""
        ...

    def search(
        self, query: str, filters: Filters | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """Full-text search over passages (Russian word forms folded to lemmas)."""
        ...

    def search_vector(
        self, vector: Any, filters: Filters | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """Passages nearest to ``vector`` by cosine similarity."""
        ...

    def close(self) -> None: ...
