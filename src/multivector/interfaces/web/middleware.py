"""The application's ASGI middleware: security headers on every response, the gate that refuses
a write without the token before its body is read, the upload limit, and the cache of rendered
dashboard pages."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Hashable
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


# the error page, without the templates (the body was refused before any route ran)
TOO_LARGE_PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>413: {message} · '
    'multivector</title><link rel="stylesheet" href="/static/app.css"></head><body>'
    '<main id="main"><div class="error-page"><h1>That did not work</h1>'
    '<p class="error-message"><strong>{message}</strong></p><p class="error-hint">{hint}</p>'
    '<p class="muted">Error MV413 (HTTP 413). <a href="/">Start again from the home page</a>.'
    "</p></div></main></body></html>\n"
)


def error_body(code: str, message: str, hint: str = "") -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "hint": hint}}



class SecurityHeaders:
    """The security headers on every response (pure ASGI: no task or copy per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class WriteGate:
    """Refuse a write the token does not allow before its body is read: for the (method, path)
    pairs ``routes()`` names (found once, on the first request), ``refuse(authorization)``
    gives the status and JSON body of a refusal, or None to let the request through."""

    def __init__(self, app: ASGIApp, routes: Callable[[], frozenset[tuple[str, str]]],
                 refuse: Callable[[str], tuple[int, bytes] | None]) -> None:
        self.app = app
        self.routes = routes
        self.refuse = refuse
        self.known: frozenset[tuple[str, str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        if self.known is None:
            self.known = self.routes()
        if (scope["method"], scope.get("path", "")) in self.known:
            headers = dict(scope["headers"])
            refusal = self.refuse(headers.get(b"authorization", b"").decode("latin-1"))
            if refusal is not None:
                status, content = refusal
                await send({"type": "http.response.start", "status": status, "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(content)).encode()),
                    (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": content})
                return
        await self.app(scope, receive, send)


class UploadLimit:
    """Refuse a request body over ``max_bytes`` with 413 before anything parses it: by its
    declared length at once, else while it arrives (a body is held in memory up to the limit,
    then handed on whole)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        # a browser's form (the /review page) is answered with a page, an API client with JSON
        page = (not scope.get("path", "").startswith("/api/")
                and b"text/html" in headers.get(b"accept", b""))
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, page)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, page)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, page: bool = False) -> None:
        mb = f"{self.max_bytes / 1_000_000:g}"
        message = f"the upload is larger than this server takes ({mb} MB)"
        hint = ("send fewer or smaller files at a time, or start the server with a larger "
                "--max-upload-mb")
        if page:
            content = TOO_LARGE_PAGE.format(message=html.escape(message),
                                            hint=html.escape(hint)).encode()
            kind = b"text/html; charset=utf-8"
        else:
            content = json.dumps(error_body("MV413", message, hint)).encode()
            kind = b"application/json"
        headers = [(b"content-type", kind),
                   (b"content-length", str(len(content)).encode()), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": content})


class PageCache:
    """Rendered dashboard pages kept per process: a GET of a page (not ``/api``, ``/static`` or
    the OpenAPI description) answered 200 is kept under its path, its query string and
    ``version()`` (the store's fingerprint, which any write changes), and sent again as it was
    while those stay the same. A page depends on nothing else: its whole state is in the URL,
    and the knowledge base is fixed for the process."""

    SKIP = ("/api/", "/static/", "/openapi.json")

    def __init__(self, app: ASGIApp, version: Callable[[], Hashable], cache: Any) -> None:
        self.app = app
        self.version = version
        self.cache = cache  # api.cache.ResponseCache: bounded in bytes, thread-safe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or path.startswith(self.SKIP):
            await self.app(scope, receive, send)
            return
        key = ("page", path, scope.get("query_string", b""), self.version())
        kept = self.cache.get(key)
        if kept is not None:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(k.encode("latin-1"), v.encode("latin-1"))
                                    for k, v in kept.headers]})
            await send({"type": "http.response.body", "body": kept.content})
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start.get("status") == 200:
                    from multivector.interfaces.web.api.cache import Body

                    headers = tuple((k.decode("latin-1"), v.decode("latin-1"))
                                    for k, v in start.get("headers", ()))
                    self.cache.put(key, Body(b"".join(chunks), headers=headers))
            await send(message)

        await self.app(scope, receive, keep)
