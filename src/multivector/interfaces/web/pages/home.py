"""The home page (what the corpus holds and where to go) and the API docs page over the
bundled Swagger UI."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from multivector.interfaces.web.app import CorpusDep, KnowledgeDep
from multivector.interfaces.web.pages.base import (
    CENTRAL_ASIA,
    Labels,
    PageRoute,
    document_rows,
    render,
    twin,
)
from multivector.services import documents as docs

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, corpus: CorpusDep, kb: KnowledgeDep) -> HTMLResponse:
    counts = corpus.store.count()
    countries: dict[str, int] = {}
    years: list[str] = []
    for row in document_rows(corpus.store):
        country = row["country"] or "?"
        countries[country] = countries.get(country, 0) + 1
        if row["date"]:
            years.append(str(row["date"])[:4])
    labels = Labels(kb)
    return render(request, "home.html", {
        "counts": counts,
        "countries": sorted(((c, labels.actor(c), n) for c, n in countries.items()),
                            key=lambda x: -x[2]),
        "years": (min(years), max(years)) if years else None,
        "editions": docs.concepts_document(kb.editions())["editions"],
        "central_asia": CENTRAL_ASIA,
        "twins": [twin("The API's root", "", tables=())],
    })


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    return render(request, "docs.html", {})
