"""The ASGI application: settings, shared state, error handling, security headers, routers."""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from multivector import __version__
from multivector.errors import MultivectorError, NotFoundError, UsageError
from multivector.interfaces.web.middleware import (
    PageCache,
    SecurityHeaders,
    UploadLimit,
    WriteGate,
    error_body,
)
from multivector.services.corpus import Corpus
from multivector.services.knowledge import KnowledgeBase, default_knowledge
from multivector.services.review import Embedder
from multivector.services.stores import (
    PerThreadStore,
    describe_store,
    is_postgres,
    open_store,
    read_only_postgres,
)

log = logging.getLogger("multivector.web")
HERE = Path(__file__).resolve().parent


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


def public_message(text: str, settings: WebSettings) -> str:
    """``text`` with the server's own paths (the corpus file and its folder) replaced by what
    they are, and the CLI's option names (``--from``) read as the query's parameters."""
    if is_postgres(settings.db):  # messages name the database by its URL without password
        text = text.replace(settings.db, "the corpus").replace(describe_store(settings.db),
                                                                "the corpus")
        return text[2:] if text.startswith("--") else text
    where = Path(settings.db)
    for path, name in ((str(where.resolve()), "the corpus"), (str(where), "the corpus"),
                       (str(where.resolve().parent), "the server's folder")):
        if len(path) > 1:
            text = text.replace(path, name)
    return text[2:] if text.startswith("--") else text


def status_of(exc: MultivectorError) -> int:
    if isinstance(exc, WebError):
        return exc.status
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, UsageError):
        return 400
    return 422  # data that does not fit: a bad file, a query the store refuses


class Application(FastAPI):
    """FastAPI with the security headers outside every other layer: Starlette's error
    middleware, which answers an unexpected error with a 500, sits outside every middleware
    ``add_middleware`` adds, so the headers are wrapped around the whole stack instead."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(settings: WebSettings, knowledge: KnowledgeBase | None = None, *,
               embedder: Embedder | None = None,
               theme_model: str | Path = "bundled") -> FastAPI:
    """The application over ``settings.db`` (which must exist) and ``knowledge``; the review
    of drafts matches with ``embedder`` (by default the model, loaded on the first review);
    ``theme_model`` is the theme coder whose card ``/models/themes`` shows (a model file, or
    ``bundled``, the one shipped with multivector)."""
    kb = knowledge or default_knowledge()
    app = Application(
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
    app.state.embedder = embedder
    app.state.theme_model = theme_model
    from multivector.interfaces.web.api.cache import ResponseCache

    app.state.api_cache = ResponseCache()

    @app.exception_handler(MultivectorError)
    async def multivector_error(_request: Request, exc: MultivectorError) -> JSONResponse:
        code = exc.code if isinstance(exc, WebError) else type(exc).code
        return JSONResponse(error_body(code, public_message(exc.message, settings),
                                       public_message(exc.hint, settings)),
                            status_code=status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        loc = list(first.get("loc", ()))
        if loc and loc[0] in ("query", "path", "body", "header", "cookie"):
            loc = loc[1:]  # "kind", not "query.kind": the name the client gave
        where = ".".join(str(p) for p in loc)
        message = f"{where}: {first.get('msg', 'invalid value')}" if where else "invalid request"
        return JSONResponse(error_body("MV301", message, "see /docs for what this endpoint takes"),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_page(request):  # a person following a link: the dashboard's error page
            from multivector.interfaces.web.pages.base import error_page

            return error_page(request, WebError(
                exc.status_code, f"HTTP{exc.status_code}",
                "there is no page at this address" if exc.status_code == 404 else str(exc.detail),
                "start again from the home page, or search the corpus"))
        hint = "see /docs for the API's paths" if exc.status_code == 404 else ""
        return JSONResponse(error_body(f"HTTP{exc.status_code}", str(exc.detail), hint),
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(error_body("MV999", "internal error",
                                       "the server logged it; please report it"), status_code=500)

    from multivector.services.stores import store_version

    app.add_middleware(PageCache, version=lambda: store_version(settings.db),
                       cache=app.state.api_cache)
    app.add_middleware(UploadLimit, max_bytes=int(settings.max_upload_mb * 1_000_000))

    def refuse(authorization: str) -> tuple[int, bytes] | None:
        scheme, _, token = authorization.partition(" ")
        given = token.strip() if scheme.lower() == "bearer" else ""
        refusal = writer_refusal(settings, given)
        if refusal is None:
            return None
        body = error_body(refusal.code, refusal.message, refusal.hint)
        return refusal.status, json.dumps(body).encode()

    # outside the upload limit: a write without the token is refused before its body is read,
    # so anonymous clients cannot make the server hold uploads of up to the limit
    app.add_middleware(WriteGate, routes=lambda: write_routes(app), refuse=refuse)

    from multivector.interfaces.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


# ---------------------------------------------------------------------------- dependencies


def wants_page(request: Request) -> bool:
    """Whether a request is a browser's for a page (HTML accepted, not under the API)."""
    path = request.url.path
    return (not path.startswith(("/api/", "/openapi.json"))
            and "text/html" in request.headers.get("accept", ""))


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def knowledge_of(request: Request) -> KnowledgeBase:
    kb: KnowledgeBase = request.app.state.knowledge
    return kb


def read_only_uri(path: str) -> str:
    """The SQLite URI that opens the file ``path`` read-only, with the characters a URI reads as
    its own escaped, so that a file name holding them still names that file and ``mode=ro``
    still applies (an unescaped ``#`` ends the name: SQLite would open, and create, another
    file beside the corpus, writable)."""
    escaped = path.replace("%", "%25").replace("?", "%3F").replace("#", "%23")
    return f"file:{escaped}?mode=ro"


async def corpus_of(request: Request) -> AsyncIterator[Corpus]:
    """The corpus for one request: a store opened for it (read-only in read-only mode), in
    each thread that reads it, when it first does (see
    :class:`~multivector.services.stores.PerThreadStore`)."""
    settings = settings_of(request)
    db = settings.db
    if settings.read_only:
        db = read_only_postgres(db) if is_postgres(db) else read_only_uri(db)

    def opener() -> Any:
        try:
            return open_store(db, create=False)
        except MultivectorError as exc:  # the message names the file: keep it in the log
            log.error("cannot open the corpus: %s", exc)
            raise WebError(503, "MV503", "the corpus cannot be opened",
                           "the server logged why; ask its operator") from None

    store = PerThreadStore(opener, "the corpus")
    try:
        yield Corpus(store=store, knowledge=knowledge_of(request))
    finally:
        store.close()


def theme_model_of(request: Request) -> str | Path:
    """The theme model the application shows: a model file, or ``bundled``."""
    ref: str | Path = request.app.state.theme_model
    return ref


_EMBEDDER = threading.Lock()


def embedder_of(request: Request) -> Embedder:
    """The application's embedder, which reviews of drafts share: the model is loaded once per
    process (on the first review), not per request."""
    state = request.app.state
    with _EMBEDDER:
        if state.embedder is None:
            from multivector.services.review import model_embedder

            state.embedder = model_embedder()
        embedder: Embedder = state.embedder
    return embedder


BEARER = HTTPBearer(auto_error=False, description="The server's token (--token or "
                    "$MULTIVECTOR_TOKEN); writes need it.")


def writer_refusal(settings: WebSettings, given: str) -> WebError | None:
    """Why a write with the bearer token ``given`` ("" for none) is refused, or None."""
    if settings.read_only:
        return WebError(403, "MV403", "this server is read-only",
                        "start it without --read-only to accept writes")
    if not settings.token:
        return WebError(403, "MV403", "writes are off: the server has no token",
                        "start it with --token or $MULTIVECTOR_TOKEN to accept writes")
    if not given or not hmac.compare_digest(given.encode(), settings.token.encode()):
        return WebError(401, "MV401", "a write needs the server's bearer token",
                        "send Authorization: Bearer <token>")
    return None


async def require_writer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> None:
    """Writes need ``Authorization: Bearer <token>``; read-only mode refuses them all. (The
    ``WriteGate`` middleware has refused them already, before their body was read; this keeps
    the route safe on its own and declares the scheme in the OpenAPI description.)"""
    given = credentials.credentials.strip() if credentials is not None else ""
    refusal = writer_refusal(settings_of(request), given)
    if refusal is not None:
        raise refusal


def write_routes(app: FastAPI) -> frozenset[tuple[str, str]]:
    """(method, path) of every operation that needs the bearer token: those the OpenAPI
    description marks with a security requirement, which only :func:`require_writer` adds."""
    return frozenset((method.upper(), path)
                     for path, operations in app.openapi().get("paths", {}).items()
                     for method, operation in operations.items()
                     if isinstance(operation, dict) and operation.get("security"))


CorpusDep = Annotated[Corpus, Depends(corpus_of)]
KnowledgeDep = Annotated[KnowledgeBase, Depends(knowledge_of)]
EmbedderDep = Annotated[Embedder, Depends(embedder_of)]
WriterDep = Annotated[None, Depends(require_writer)]
ThemeModelDep = Annotated[str | Path, Depends(theme_model_of)]
