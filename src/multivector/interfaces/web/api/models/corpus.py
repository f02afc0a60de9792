"""Response models of the corpus: the document list, one document with its annotations, search
hits (with why each matched), events, and what a write did."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from multivector.interfaces.web.api.models import Strict

Scalar = int | float | str | bool | None
CURSOR = "Pass it as `cursor` for the next page; null on the last page."


class Root(Strict):
    """The API's version and what the corpus holds."""

    version: str
    corpus: dict[str, int] = Field(description="Documents, passages, annotations and "
                                   "embeddings stored.")


class DocumentRow(Strict):
    doc_id: str = Field(description="SHA-256 of the text; any unique prefix of 4+ characters "
                        "names the document.")
    title: str | None
    date: str | None
    source: str | None
    author: str | None
    language: str | None
    genre: str | None
    country: str | None = Field(description="ISO3 code of the speaker's country.")
    path: str | None = Field(description="Where the document came from: the upload's or the "
                             "sample's file name, or the path given to `multivector ingest`.")
    chars: int


class DocumentList(Strict):
    """The rows of `multivector export --what documents`, a page at a time."""

    documents: list[DocumentRow]
    next_cursor: str | None = Field(description=CURSOR)


class AnnotationRow(BaseModel):
    """An annotation: a span of the document's text, what produced it and why (``producer`` is
    ``component@version: rule``); scalar attributes of the annotation appear as ``attr_*``."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Scalar]

    doc_id: str
    passage: int
    layer: str
    label: str
    start: int = Field(description="Offset into the document's text.")
    end: int
    text: str
    score: float
    producer: str


class PassageSpan(Strict):
    passage: int
    start: int
    end: int
    unit: str


class DocumentDetail(Strict):
    """`multivector doc ID --format json`; with ``text=true`` also the document's text and each
    passage's offsets into it."""

    doc_id: str
    title: str | None
    date: str | None
    source: str | None
    author: str | None
    language: str | None
    genre: str | None
    country: str | None
    path: str | None
    chars: int
    passages: int = Field(description="Number of passages.")
    annotations: list[AnnotationRow]
    text: str | None = Field(None, description="With text=true only.")
    passage_spans: list[PassageSpan] | None = Field(None, description="With text=true only.")


class Expansion(Strict):
    typed: str
    actor: str
    names: list[str]


class MatchedWord(Strict):
    """A highlighted word of a snippet and why it matched."""

    start: int = Field(description="Offset into the snippet.")
    end: int
    text: str
    term: str | None = Field(description="The query term (or the actor's other name) it "
                             "answers.")
    rule: str | None = Field(description="as typed, word form (same lemma), prefix or alias.")
    actor: str | None = Field(description="With rule alias: the actor the query named.")


class Hit(Strict):
    doc_id: str
    passage: int
    score: float = Field(description="Negated bm25 rank (full text) or cosine similarity "
                         "(semantic): higher is better.")
    date: str | None
    country: str | None
    title: str | None
    snippet: str
    highlights: list[list[int]] = Field(description="[start, end] offsets into the snippet.")
    start: int = Field(description="The passage's offsets into the document's text.")
    end: int
    actors: list[str] | None = None
    dates: list[str] | None = None
    themes: list[str] | None = None
    elements: list[str] | None = None
    events: list[str] | None = None
    matched: list[MatchedWord] = Field(description="Why the hit matched (the API's addition "
                                       "to the CLI's hit): empty for a semantic search.")


class SearchResult(Strict):
    """`multivector search QUERY --format json`, a page at a time."""

    query: str
    semantic: bool
    expanded_query: str | None = Field(None, description="When the query named an actor: "
                                       "what went to the index.")
    expansions: list[Expansion] | None = None
    hits: list[Hit]
    next_cursor: str | None = Field(description=CURSOR)


class EventRow(Strict):
    doc_id: str
    passage: int
    type: str
    status: str
    status_cue: str | None
    plover: str | None
    actor: str | None
    counterpart: list[str | None]
    date: str | None
    date_source: str | None
    date_precision: str | None
    reported: str | None
    place: str | None
    score: float
    evidence: str
    start: int
    end: int
    title: str | None
    rule: str | None


class Events(Strict):
    """`multivector events --format json`."""

    events: list[EventRow]


class IngestSummary(Strict):
    ingested: int
    duplicates: int
    failed: int
    passages: int
    annotations: int
    interrupted: bool
    stopped: str | None
    seconds: float


class IngestRow(Strict):
    status: str = Field(description="ingested, duplicate or failed.")
    path: str = Field(description="The upload's file name.")
    row: int | None = Field(description="The row of a CSV or JSON Lines file.")
    doc_id: str | None = None
    title: str | None = None
    date: str | None = None
    language: str | None = None
    passages: int | None = None
    annotations: int | None = None
    reason: str | None = Field(None, description="Why it failed, and what to do.")


class IngestReport(Strict):
    """`multivector ingest --format json`, for the files uploaded."""

    summary: IngestSummary
    documents: list[IngestRow]


class Recoded(Strict):
    concept: str
    documents: int
    annotations: int
