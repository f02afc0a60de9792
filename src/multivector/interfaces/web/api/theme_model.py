"""The card of the theme model the server shows (`multivector model-card`): its record
(training data, settings, cross-validated and held-out scores, failure modes), its themes and
thresholds, and the card as Markdown. A server whose model file is missing (the bundled model
is not shipped yet) answers 404 saying so."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response

from multivector.errors import NotFoundError, UsageError
from multivector.interfaces.web.api.cache import Body
from multivector.interfaces.web.api.common import answer, json_body
from multivector.interfaces.web.api.models import labels as m
from multivector.interfaces.web.app import ThemeModelDep, WebError
from multivector.services import model_card

log = logging.getLogger("multivector.web")
router = APIRouter(tags=["models"])


def card_of(ref: str | Path) -> dict[str, Any]:
    """The card document of the model ``ref`` names (a file, or ``bundled``); the server's
    paths are named in the log only."""
    path = model_card.model_file(ref)
    if not path.is_file():
        what = ("the bundled model is not installed yet" if str(ref) == "bundled"
                else "its model file is missing")
        raise NotFoundError(f"there is no theme model on this server: {what}",
                            hint="train one from the stored labels with `multivector train "
                            "--from annotations --out themes.json`, then serve it with "
                            "`multivector serve --theme-model themes.json`")
    try:
        model = model_card.load(path)
    except UsageError as exc:
        log.error("cannot read the theme model: %s", exc)
        raise WebError(503, "MV503", "the theme model cannot be read",
                       "the server logged why; ask its operator") from None
    return model_card.card_document(model)


def card_key(ref: str | Path) -> tuple[str, str, int] | None:
    """The cache key of the card: the model file and its modification time (None, not kept,
    while there is no file)."""
    path = model_card.model_file(ref)
    try:
        return ("theme-model", str(path), path.stat().st_mtime_ns)
    except OSError:
        return None


@router.get("/models/themes", response_model=m.ThemeModelCard,
            summary="The theme model's card: its record, themes and decision thresholds, and "
            "the card as Markdown (`multivector model-card`); 404 when the server has none")
async def theme_model(request: Request, ref: ThemeModelDep) -> Response:
    def build() -> Body:
        return json_body(card_of(ref), m.ThemeModelCard)

    return await answer(request, card_key(ref), build)
