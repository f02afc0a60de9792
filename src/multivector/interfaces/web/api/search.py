"""Search: full text (word forms, an actor under all its names) or by meaning, with the CLI's
filters and caps, highlights, why each hit matched, and cursor pagination
(`multivector search`)."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from multivector.interfaces.web.api.cache import Body
from multivector.interfaces.web.api.common import (
    ALL_FILTERS,
    CSV,
    FormatQuery,
    answer,
    csv_body,
    cursor_offset,
    filters_of,
    json_body,
    next_cursor,
    request_key,
)
from multivector.interfaces.web.api.models import corpus as m
from multivector.interfaces.web.app import CorpusDep
from multivector.services.corpus import MAX_LIMIT, MAX_SEMANTIC_CHARS, Corpus, check_query
from multivector.services.corpus_documents import matched_terms, search_document
from multivector.store.base import Filters

router = APIRouter(tags=["search"])
_PIPELINE = threading.Lock()


def _by_meaning(request: Request, corpus: Corpus) -> Corpus:
    """``corpus`` with the application's one reading pipeline, built on the first search by
    meaning: the embedder's model (1-2 s to load) is loaded once per process, not per request."""
    state = request.app.state
    with _PIPELINE:
        shared = getattr(state, "search_pipeline", None)
        if shared is None:
            shared = state.search_pipeline = Corpus(knowledge=corpus.knowledge,
                                                    store=corpus.store).annotator
    return Corpus(store=corpus.store, knowledge=corpus.knowledge, annotator=shared)


@router.get("/search", response_model=m.SearchResult, responses=CSV,
            summary="Passages by full text or by meaning, best first, with highlights and "
            "why each matched (`multivector search`)")
async def search(
    request: Request, corpus: CorpusDep,
    filters: Annotated[Filters, Depends(filters_of(*ALL_FILTERS))],
    q: Annotated[str, Query(
        min_length=1, max_length=MAX_SEMANTIC_CHARS, examples=["Semipalatinsk"],
        description='Words (Russian forms are matched), "a phrase", OR, NOT, (groups), '
        "prefix*; with semantic=true, any text.")],
    semantic: Annotated[bool, Query(
        description="Nearest passages by meaning (multilingual embeddings).")] = False,
    exact: Annotated[bool, Query(
        description="Full text: the words as typed, without an actor's other names.")]
    = False,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")]
    = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Hits per page (the first "
                                f"{MAX_LIMIT:,} hits of a query can be paged through).")] = 20,
    format: FormatQuery = "json",
) -> Response:
    check_query(q, semantic=semantic, limit=limit)
    offset = cursor_offset(request, cursor)

    def build() -> Body:
        searcher = _by_meaning(request, corpus) if semantic else corpus
        res = searcher.search(q, semantic=semantic, filters=filters, expand=not exact,
                              limit=min(offset + limit + 1, MAX_LIMIT))
        more = len(res.hits) > offset + limit
        page = replace(res, hits=res.hits[offset:offset + limit])
        doc = search_document(page)
        if format == "csv":
            return csv_body(doc["hits"], "search")
        for hit, why in zip(doc["hits"], matched_terms(page), strict=True):
            hit["matched"] = why
        doc["next_cursor"] = next_cursor(request, offset + limit) if more else None
        return json_body(doc, m.SearchResult)

    return await answer(request, request_key(request, "search"), build)
