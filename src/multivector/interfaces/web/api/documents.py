"""Stored documents: the list (with the corpus filters, a page at a time) and one document with
its annotations and why each was made (`multivector doc`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

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
    many,
    next_cursor,
    request_key,
)
from multivector.interfaces.web.api.models import corpus as m
from multivector.interfaces.web.app import CorpusDep
from multivector.services.corpus_documents import (
    check_layers,
    document_document,
    document_text,
    documents_page,
)
from multivector.store.base import Filters

router = APIRouter(tags=["documents"])
MAX_PAGE = 1_000


@router.get("/documents", response_model=m.DocumentList, responses=CSV,
            summary="The stored documents matching the filters, by date, a page at a time "
            "(the rows of `multivector export --what documents`)")
async def documents(
    request: Request, corpus: CorpusDep,
    filters: Annotated[Filters, Depends(filters_of(*ALL_FILTERS))],
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")]
    = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Documents per page.")] = 50,
    format: FormatQuery = "json",
) -> Response:
    offset = cursor_offset(request, cursor)

    def build() -> Body:
        rows, more = documents_page(corpus.store, filters, offset=offset, limit=limit)
        if format == "csv":
            return csv_body(rows, "documents")
        after = next_cursor(request, offset + limit) if more else None
        return json_body({"documents": rows, "next_cursor": after}, m.DocumentList)

    return await answer(request, request_key(request, "documents"), build)


@router.get("/documents/{doc_id}", response_model=m.DocumentDetail, responses=CSV,
            summary="A document with every annotation and why it was made (`multivector doc`); "
            "with text=true also its text and passages, to show the annotations inline")
async def document(
    request: Request, corpus: CorpusDep,
    doc_id: Annotated[str, Path(description="The document's id, or its first characters (4 "
                                "or more, as search shows them).")],
    layer: Annotated[list[str] | None, Query(
        description="Only these annotation layers: actor, date, theme, element, event "
        "(repeatable or comma-separated); given blank, none (as the document page).")] = None,
    text: Annotated[bool, Query(description="Also the text and the passages' offsets.")]
    = False,
    format: FormatQuery = "json",
) -> Response:
    layers = check_layers(many(layer))
    none = layer is not None and not layers  # `layer=` left blank: no layer, not every one

    def build() -> Body:
        found, passages, annotations = corpus.document(doc_id)
        if none:
            annotations = []
        doc = document_document(found, passages, annotations, layers)
        if format == "csv":
            return csv_body(doc["annotations"], f"annotations_{found.id[:12]}")
        if text:
            doc.update(document_text(found, passages))
        return json_body(doc, m.DocumentDetail)

    return await answer(request, request_key(request, "document"), build)
