"""The card of the theme model the server shows: what it was trained on, its scores per theme
with intervals, its thresholds and where it fails, as `multivector model-card` prints it
(the card's Markdown rendered by :mod:`..markdown`, which escapes every piece of text). A server
without a model file says so, with a 404."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from multivector.interfaces.web import markdown
from multivector.interfaces.web.api.theme_model import card_of
from multivector.interfaces.web.app import ThemeModelDep
from multivector.interfaces.web.pages.base import PageRoute, Query, render, twin

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/models/themes", response_class=HTMLResponse)
def theme_model(request: Request, ref: ThemeModelDep) -> HTMLResponse:
    Query(request, takes=())
    card = card_of(ref)
    meta: dict[str, Any] = card["meta"]
    return render(request, "theme_model.html", {
        "card": card, "meta": meta, "cv": meta.get("cross_validation") or {},
        "rendered": markdown.render(card["markdown"]),
        "twins": [twin("This model card", "/models/themes", tables=())],
    })
