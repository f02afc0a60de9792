"""The review of a draft edition: a form to upload a draft (from `multivector import`) and choose
a held edition, and the listing of its items beside the elements they match, with the score
and the action (keep id, rename, new id), as `multivector review` prints it. Nothing is
stored: the draft is read in memory, for this request only."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from multivector.interfaces.web.app import KnowledgeDep, embedder_of
from multivector.interfaces.web.pages.base import PageRoute, Query, render, url
from multivector.services.ingest import upload_name
from multivector.services.knowledge import edition_by_id
from multivector.services.review import review_upload

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ACTIONS = ("keep id", "rename", "new id")


@router.get("/review", response_class=HTMLResponse)
def review_form(request: Request, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("against",))
    chosen = q.one("against")
    against = edition_by_id(kb, chosen).id if chosen else ""  # "": the draft's country's latest
    return render(request, "review.html", {
        "edition_ids": kb.edition_ids(), "against": against, "doc": None,
    })


@router.post("/review", response_class=HTMLResponse)
async def review_page(
    request: Request, kb: KnowledgeDep,
    draft: Annotated[UploadFile, File()], against: Annotated[str, Form()] = "",
) -> HTMLResponse:
    Query(request, takes=())
    name = upload_name(draft.filename, 1)
    data = await draft.read()
    embedder = embedder_of(request)
    doc: dict[str, Any] = await run_in_threadpool(
        review_upload, kb, data, name, against.strip() or None, embedder=embedder)
    counts = Counter(r["action"] for r in doc["review"])
    return render(request, "review.html", {
        "edition_ids": kb.edition_ids(), "against": doc["against"], "doc": doc,
        "counts": [(a, counts.get(a, 0)) for a in ACTIONS],
        "diff_url": url("/diff", {"a": doc["against"]}),
    })
