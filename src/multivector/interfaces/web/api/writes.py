"""Writes, which need the server's bearer token (and a server not started read-only): uploading
files to ingest and code (`multivector ingest`), and coding stored documents again
(`multivector code`). Each clears the response cache."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from multivector.interfaces.common import parse_filters, selection
from multivector.interfaces.web.api.cache import Body
from multivector.interfaces.web.api.common import cache_of, json_body
from multivector.interfaces.web.api.models import ErrorBody
from multivector.interfaces.web.api.models import corpus as m
from multivector.interfaces.web.app import (
    CorpusDep,
    KnowledgeDep,
    WriterDep,
    public_message,
    settings_of,
)
from multivector.services.ingest import Limits, read_uploads, upload_name
from multivector.services.knowledge import edition_by_id

router = APIRouter(tags=["writes"])
REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No bearer token, or not the server's."},
    403: {"model": ErrorBody, "description": "The server is read-only, or has no token."},
}
UPLOAD: dict[int | str, dict[str, Any]] = {
    **REFUSED,
    413: {"model": ErrorBody, "description": "The upload is over the server's limit."},
}


@router.post("/documents", response_model=m.IngestReport, responses=UPLOAD,
             summary="Upload files to ingest and code (`multivector ingest`): txt, md, html, "
             "pdf, docx, jsonl, csv. A bad file or row is reported under its name and the rest "
             "goes on; a text stored already is not stored again.")
async def upload(
    request: Request, _writer: WriterDep, corpus: CorpusDep, kb: KnowledgeDep,
    files: Annotated[list[UploadFile], File(description="One or more files.")],
    concept: Annotated[str | None, Form(
        description="Concept edition to code the documents against (kaz/2020-2030).")] = None,
    source: Annotated[str | None, Form(description="Source name of every document.")] = None,
    genre: Annotated[str | None, Form(
        description="speech, statement, news, analysis, official_document or other.")] = None,
    lang: Annotated[str | None, Form(description="Language (en, ru, kk) if known.")] = None,
    country: Annotated[str | None, Form(
        description="Speaker's ISO3 country of every document.")] = None,
    date: Annotated[str | None, Form(description="Date of every document (YYYY-MM-DD).")]
    = None,
    text_column: Annotated[str | None, Form(
        alias="text-column", description="Text column of CSV and JSON Lines files.")] = None,
) -> Response:
    chosen = selection(None, None, countries=[country] if country else None, source=source,
                       genre=genre, lang=lang, date=date, text_column=text_column)
    edition = edition_by_id(kb, concept).id if concept else None
    received = [(upload_name(f.filename, n), await f.read()) for n, f in enumerate(files, 1)]
    settings = settings_of(request)

    def ingest() -> Body:
        coder = corpus.for_edition(edition) if edition else corpus
        limits = Limits()
        coder.max_passages = limits.max_passages
        docs = read_uploads(received, overrides=chosen.overrides,
                            text_column=chosen.text_column, limits=limits)
        report = coder.ingest_documents(docs)
        summary = report.summary()
        if summary["stopped"]:
            summary["stopped"] = public_message(summary["stopped"], settings)
        rows = [{**r, "reason": public_message(r["reason"], settings)} if "reason" in r else r
                for r in report.records()]
        return json_body({"summary": summary, "documents": rows}, m.IngestReport)

    try:
        return (await run_in_threadpool(ingest)).response()
    finally:
        cache_of(request).clear()


class Recode(BaseModel):
    """What to code again, and against which edition; filters as the CLI's options."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    concept: str = Field(description="Concept edition to code against.",
                         examples=["kaz/2014-2020"])
    country: list[str] | None = None
    actor: list[str] | None = None
    vector: list[str] | None = None
    theme: list[str] | None = None
    element: list[str] | None = None
    event: list[str] | None = None
    genre: list[str] | None = None
    lang: list[str] | None = None
    source: list[str] | None = None
    date_from: str | None = Field(None, alias="from")
    date_to: str | None = Field(None, alias="to")


@router.post("/recode", response_model=m.Recoded, responses=REFUSED,
             summary="Code the stored documents matching the filters again, against an "
             "edition (`multivector code --concept`)")
async def recode(
    request: Request, _writer: WriterDep, corpus: CorpusDep, kb: KnowledgeDep, body: Recode,
) -> dict[str, Any]:
    edition = edition_by_id(kb, body.concept).id
    filters = parse_filters(body.model_dump(by_alias=True, exclude={"concept"}))

    def code() -> dict[str, Any]:
        counts = corpus.for_edition(edition).code(filters=filters)
        return {"concept": edition, **counts}

    try:
        return await run_in_threadpool(code)
    finally:
        cache_of(request).clear()
