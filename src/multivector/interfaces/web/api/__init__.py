"""The REST API under ``/api/v1``: one router, assembled from the resource modules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from multivector import __version__
from multivector.interfaces.web.app import CorpusDep

router = APIRouter(prefix="/api/v1")


@router.get("", summary="The API's version and the corpus it serves", tags=["meta"])
def root(corpus: CorpusDep) -> dict[str, Any]:
    return {"version": __version__, "corpus": corpus.store.count()}
