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

from multivector.domain.corpus import Annotation, Document, Layer, Passage
from multivector.errors import MultivectorError


class StoreError(MultivectorError):
    """The corpus store cannot do what was asked: a malformed search query, a database file that
    is not a multivector corpus or is newer than this code, or data that does not fit together."""

    code = "MV400"


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

    def replace_annotations(
        self,
        doc_id: str,
        layers: Iterable[Layer],
        annotations: Sequence[Annotation],
        embeddings: Any | None = None,
    ) -> None:
        """Drop a document's annotations of ``layers`` and store new ones, atomically."""
        ...

    # reads --------------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document: ...

    def documents(self, filters: Filters | None = None) -> Iterator[Document]: ...

    def passages(self, doc_id: str) -> list[Passage]: ...

    def annotations(
        self, doc_id: str | None = None, layers: Iterable[Layer] | None = None,
        filters: Filters | None = None,
    ) -> Iterator[Annotation]: ...

    def embeddings(self, doc_id: str) -> Any | None: ...

    def count(self) -> dict[str, int]: ...

    # search -------------------------------------------------------------------------------
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
