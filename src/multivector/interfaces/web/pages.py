"""The dashboard: server-rendered pages (Jinja2, auto-escaped) with small scripts from /static."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from multivector import __version__
from multivector.interfaces.web.app import HERE, CorpusDep

router = APIRouter(include_in_schema=False)
# every template escapes (not only *.html): document text never reaches the page as markup
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, corpus: CorpusDep) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "home.html", {"version": __version__, "counts": corpus.store.count()}
    )
