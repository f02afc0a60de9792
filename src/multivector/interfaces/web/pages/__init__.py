"""The dashboard: server-rendered pages (Jinja2, auto-escaped) with small scripts from /static.

One module per area: :mod:`.concepts` (editions and their diff), :mod:`.review` (an imported
draft beside a held edition), :mod:`.corpus` (search and documents), :mod:`.analysis` (one
country's charts), :mod:`.compare` (countries side by side, UN votes), :mod:`.annotate`
(labelling passages, reconciling coders), :mod:`.theme_model` (the theme model's card);
:mod:`.figures` turns results into chart rows and :mod:`.base` holds what they share. Every
page reads its state from the query string and links its JSON twin under ``/api/v1``.
"""

from __future__ import annotations

from fastapi import APIRouter

from multivector.interfaces.web.pages import (
    analysis,
    annotate,
    compare,
    concepts,
    corpus,
    home,
    review,
    theme_model,
)

router = APIRouter(include_in_schema=False)
for _module in (home, concepts, review, corpus, analysis, compare, annotate, theme_model):
    router.include_router(_module.router)

__all__ = ["router"]
