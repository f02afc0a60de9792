"""Exports: documents, passages, annotations or events as CSV, JSON Lines or Parquet, streamed
(`multivector export`). The rows are written in one worker thread (SQLite reads stay in the
thread that opened the store) into a spooled file that is sent a chunk at a time."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from multivector.interfaces.web.api.common import filters_of
from multivector.interfaces.web.app import CorpusDep
from multivector.services.export import export_to
from multivector.store.base import Filters

router = APIRouter(tags=["exports"])
MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
         "parquet": "application/vnd.apache.parquet"}
SPOOL = 8_000_000  # bytes kept in memory before the export goes to a temporary file
CHUNK = 64 * 1024
EXPORTED: dict[int | str, dict[str, Any]] = {200: {
    "description": "The rows, as `multivector export --what WHAT --format FORMAT` writes them; "
    "X-Rows says how many.",
    "content": {MEDIA["csv"].split(";")[0]: {"schema": {"type": "string"}},
                MEDIA["jsonl"]: {"schema": {"type": "string"}},
                MEDIA["parquet"]: {"schema": {"type": "string", "format": "binary"}}},
}}


@router.get("/exports/{what}", response_class=StreamingResponse, responses=EXPORTED,
            summary="Documents, passages, annotations or events with the corpus filters, as "
            "CSV, JSON Lines or Parquet (`multivector export`)")
async def export(
    corpus: CorpusDep,
    what: Annotated[Literal["documents", "passages", "annotations", "events"],
                    Path(description="The rows to export.")],
    filters: Annotated[Filters, Depends(filters_of(
        "actor", "vector", "theme", "event", "from", "to", "source", "genre", "lang",
        "country"))],
    format: Annotated[Literal["csv", "jsonl", "parquet"], Query(
        description="csv, jsonl (JSON Lines) or parquet.")] = "csv",
) -> StreamingResponse:
    def write() -> tuple[IO[bytes], int]:
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (closed below)
        try:
            n = export_to(corpus.export_rows(what, filters), format, spool)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool, n

    spool, n = await run_in_threadpool(write)

    async def chunks() -> AsyncIterator[bytes]:
        try:
            while data := await run_in_threadpool(spool.read, CHUNK):
                yield data
        finally:
            spool.close()

    suffix = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}[format]
    headers = {"Content-Disposition": f'attachment; filename="{what}.{suffix}"',
               "X-Rows": str(n)}
    return StreamingResponse(chunks(), media_type=MEDIA[format], headers=headers)
