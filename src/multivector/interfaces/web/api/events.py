"""Diplomatic events found in the corpus, with actor, counterpart, date, status and evidence
(`multivector events`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from multivector.interfaces.web.api.cache import Body
from multivector.interfaces.web.api.common import (
    ALL_FILTERS,
    CSV,
    FormatQuery,
    answer,
    csv_body,
    filters_of,
    json_body,
    request_key,
)
from multivector.interfaces.web.api.models import corpus as m
from multivector.interfaces.web.app import CorpusDep
from multivector.services.corpus_documents import EVENT_STATUSES, event_statuses
from multivector.store.base import Filters

router = APIRouter(tags=["events"])


@router.get("/events", response_model=m.Events, responses=CSV,
            summary="Events by date: those that happened, unless status names others "
            "(`multivector events`)")
async def events(
    request: Request, corpus: CorpusDep,
    filters: Annotated[Filters, Depends(filters_of(*ALL_FILTERS))],
    status: Annotated[list[str] | None, Query(
        description=f"{', '.join(EVENT_STATUSES)} or all (repeatable or comma-separated; "
        "default happened).")] = None,
    limit: Annotated[int, Query(ge=0, description="The first N events by date (0: all).")]
    = 0,
    format: FormatQuery = "json",
) -> Response:
    chosen = event_statuses(status)

    def build() -> Body:
        rows = corpus.events(filters, status=chosen).records()
        if limit:
            rows = rows[:limit]
        if format == "csv":
            return csv_body(rows, "events")
        return json_body({"events": rows}, m.Events)

    return await answer(request, request_key(request, "events"), build)
