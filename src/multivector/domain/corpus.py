"""Documents, passages and annotations: the corpus as offsets into source texts.

A :class:`Document` holds one source text and its metadata; its id is a hash of the text, so the
same text is stored once however often it is ingested. Passages (paragraphs or sentences) and
annotations (actor mentions, dates, themes, concept elements, events) never copy text: they are
character offsets into the document's text, with a score and the producer that made them, so
that "why was this coded" always has an answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


class Genre(StrEnum):
    SPEECH = "speech"
    STATEMENT = "statement"
    NEWS = "news"
    ANALYSIS = "analysis"
    OFFICIAL = "official_document"
    OTHER = "other"


class Layer(StrEnum):
    """Kinds of annotation."""

    ACTOR = "actor"
    DATE = "date"
    THEME = "theme"
    ELEMENT = "element"
    EVENT = "event"


def content_hash(text: str) -> str:
    """The id of a document: SHA-256 of its text with line endings unified."""
    canonical = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DocumentMeta:
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    author: str | None = None
    language: str | None = None
    genre: Genre | None = None
    country: str | None = None  # ISO3 of the speaker's (or publisher's) country
    path: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    meta: DocumentMeta

    @classmethod
    def create(cls, text: str, meta: DocumentMeta) -> Document:
        return cls(content_hash(text), text, meta)


@dataclass(frozen=True)
class Passage:
    """A paragraph or sentence: offsets into its document's text."""

    doc_id: str
    index: int
    start: int
    end: int
    unit: str = "paragraph"

    @property
    def id(self) -> str:
        return f"{self.doc_id[:16]}:{self.index}"

    def text_of(self, document_text: str) -> str:
        return document_text[self.start : self.end]


@dataclass(frozen=True)
class Producer:
    """What made an annotation: a pipeline component, its version, and the rule/alias/model."""

    component: str
    version: str
    rule: str

    def __str__(self) -> str:
        return f"{self.component}@{self.version}: {self.rule}"


class Annotation(NamedTuple):
    """A labelled span of a document, with its passage, score and producer.

    An immutable record (a named tuple: corpora hold millions of them, and a tuple is built
    several times faster than a frozen dataclass).

    ``start``/``end`` are offsets into the document text (the passage's own offsets follow by
    subtracting the passage start). ``attrs`` holds layer-specific values: the vector of an
    actor, the normalised ISO date of a date, the roles of an event.
    """

    doc_id: str
    passage: int
    layer: Layer
    label: str
    start: int
    end: int
    score: float
    producer: Producer
    attrs: Mapping[str, Any] = MappingProxyType({})


@dataclass
class AnnotatedDocument:
    """The working state a pipeline passes from component to component."""

    document: Document
    passages: list[Passage] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    embeddings: Any = None  # numpy array (n_passages x dim), set by the embedding component
    cache: dict[str, Any] = field(default_factory=dict)  # scratch space shared by components

    @property
    def text(self) -> str:
        return self.document.text

    def passage_text(self, p: Passage) -> str:
        return self.document.text[p.start : p.end]

    def iter_passages(self) -> Iterator[tuple[Passage, str]]:
        for p in self.passages:
            yield p, self.document.text[p.start : p.end]

    def place(
        self, spans: Iterable[tuple[int, int, T]]
    ) -> Iterator[tuple[Passage, int, int, T]]:
        """Each span whole inside one passage, with that passage; spans must come sorted by
        start (a linear walk, cheaper than a search per span). Spans across a boundary drop."""
        passages = self.passages
        n = len(passages)
        i = 0
        for start, end, item in spans:
            while i < n and passages[i].end <= start:
                i += 1
            if i == n:
                return
            p = passages[i]
            if p.start <= start and end <= p.end:
                yield p, start, end, item

    def layer(self, layer: Layer) -> list[Annotation]:
        return [a for a in self.annotations if a.layer is layer]

    def in_passage(self, index: int, layer: Layer | None = None) -> list[Annotation]:
        return [
            a for a in self.annotations
            if a.passage == index and (layer is None or a.layer is layer)
        ]
