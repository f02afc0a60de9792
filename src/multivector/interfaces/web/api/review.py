"""The review of a draft edition (`multivector review DRAFT --against EDITION`): the draft is
uploaded, read in memory and matched to a held edition's elements. Nothing is stored, so it
needs no token and a read-only server answers it too; the upload limit applies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from multivector.interfaces.web.api.common import json_body
from multivector.interfaces.web.api.models import ErrorBody
from multivector.interfaces.web.api.models import knowledge as m
from multivector.interfaces.web.app import EmbedderDep, KnowledgeDep
from multivector.services.ingest import upload_name
from multivector.services.review import review_upload

router = APIRouter(tags=["knowledge"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorBody, "description": "The upload is over the server's limit."},
    422: {"model": ErrorBody, "description": "The draft is not a valid edition (not YAML, "
          "empty, or a field the schema refuses): the message names the upload and the field."},
}


@router.post("/review", response_model=m.Review, responses=RESPONSES,
             summary="Each item of a draft edition (from `multivector import`) beside the held "
             "element it matches, the score and the action: keep id, rename or new id "
             "(`multivector review DRAFT --against EDITION`). Stores nothing.")
async def review(
    kb: KnowledgeDep, embedder: EmbedderDep,
    draft: Annotated[UploadFile, File(description="The draft edition's YAML file.")],
    against: Annotated[str | None, Form(
        description="The held edition to match it to; left out, the latest held edition of "
        "the draft's country.", examples=["kaz/2020-2030"])] = None,
) -> Response:
    name = upload_name(draft.filename, 1)
    data = await draft.read()

    def run() -> Response:
        doc = review_upload(kb, data, name, against, embedder=embedder)
        return json_body(doc, m.Review).response()

    return await run_in_threadpool(run)
