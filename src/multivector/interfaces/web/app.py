"""The ASGI application: settings, shared state, error handling, security headers, routers."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from multivector import __version__
from multivector.errors import MultivectorError, NotFoundError, UsageError
from multivector.services.corpus import Corpus
from multivector.services.knowledge import KnowledgeBase, default_knowledge
from multivector.services.stores import open_store

log = logging.getLogger("multivector.web")
HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class WebSettings:
    """What a server serves: the corpus database, whether writes are refused, the bearer token
    writes need (None: writes refused too), and the largest upload accepted."""

    db: str
    read_only: bool = False
    token: str | None = None
    max_upload_mb: float = 20.0


class WebError(MultivectorError):
    """A request the API refuses, with the HTTP status to answer."""

    def __init__(self, status: int, code: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code


def error_body(code: str, message: str, hint: str = "") -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "hint": hint}}


def status_of(exc: MultivectorError) -> int:
    if isinstance(exc, WebError):
        return exc.status
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, UsageError):
        return 400
    return 422  # data that does not fit: a bad file, a query the store refuses


def create_app(settings: WebSettings, knowledge: KnowledgeBase | None = None) -> FastAPI:
    """The application over ``settings.db`` (which must exist) and ``knowledge``."""
    kb = knowledge or default_knowledge()
    app = FastAPI(
        title="multivector",
        version=__version__,
        description="Foreign-policy concepts as sourced data, and a coded corpus of what states "
        "say and do: the REST API of the dashboard. Every dashboard page has a JSON twin here.",
        openapi_url="/openapi.json",
        docs_url=None,  # /docs is a dashboard page over bundled Swagger UI assets (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.knowledge = kb

    @app.exception_handler(MultivectorError)
    async def multivector_error(_request: Request, exc: MultivectorError) -> JSONResponse:
        code = exc.code if isinstance(exc, WebError) else type(exc).code
        return JSONResponse(error_body(code, exc.message, exc.hint), status_code=status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid value')}" if where else "invalid request"
        return JSONResponse(error_body("MV301", message, "see /docs for what this endpoint takes"),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        hint = "see /docs for the API's paths" if exc.status_code == 404 else ""
        return JSONResponse(error_body(f"HTTP{exc.status_code}", str(exc.detail), hint),
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(error_body("MV999", "internal error",
                                       "the server logged it; please report it"), status_code=500)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    from multivector.interfaces.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


# ---------------------------------------------------------------------------- dependencies


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def knowledge_of(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.knowledge
    return kb


def corpus_of(request: Request) -> Iterator[Corpus]:
    """The corpus for one request: a store opened for it (read-only in read-only mode)."""
    settings = settings_of(request)
    db = f"file:{settings.db}?mode=ro" if settings.read_only else settings.db
    store = open_store(db, create=False)
    try:
        yield Corpus(store=store, knowledge=knowledge_of(request))
    finally:
        store.close()


def require_writer(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Writes need ``Authorization: Bearer <token>``; read-only mode refuses them all."""
    settings = settings_of(request)
    if settings.read_only:
        raise WebError(403, "MV403", "this server is read-only",
                       "start it without --read-only to accept writes")
    if not settings.token:
        raise WebError(403, "MV403", "writes are off: the server has no token",
                       "start it with --token or $MULTIVECTOR_TOKEN to accept writes")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not given or not hmac.compare_digest(given, settings.token):
        raise WebError(401, "MV401", "a write needs the server's bearer token",
                       "send Authorization: Bearer <token>")


CorpusDep = Annotated[Corpus, Depends(corpus_of)]
KnowledgeDep = Annotated[KnowledgeBase, Depends(knowledge_of)]
WriterDep = Annotated[None, Depends(require_writer)]
