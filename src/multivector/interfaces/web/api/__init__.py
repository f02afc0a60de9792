"""The REST API under ``/api/v1``: one router per resource, assembled here.

A read endpoint answers with the document its command prints with ``--format json``
(docs/json-output.md), the command's options as query parameters with the CLI's names; tables
also answer ``format=csv``. Errors are ``{"error": {"code", "message", "hint"}}``; a query
parameter an endpoint does not take is refused (400), never ignored.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from multivector import __version__
from multivector.interfaces.web.api import (
    analyses,
    documents,
    events,
    exports,
    knowledge,
    labels,
    review,
    search,
    theme_model,
    writes,
)
from multivector.interfaces.web.api.common import ERRORS, known_parameters
from multivector.interfaces.web.api.models.corpus import Root
from multivector.interfaces.web.app import CorpusDep

router = APIRouter(prefix="/api/v1", responses=ERRORS, dependencies=[Depends(known_parameters)])


@router.get("", response_model=Root, summary="The API's version and the corpus it serves",
            tags=["meta"])
def root(corpus: CorpusDep) -> dict[str, Any]:
    return {"version": __version__, "corpus": corpus.store.count()}


for module in (knowledge, review, documents, search, events, analyses, exports, writes, labels,
               theme_model):
    router.include_router(module.router)
