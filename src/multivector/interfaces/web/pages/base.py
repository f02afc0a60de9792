"""What every dashboard page shares: the templates, the HTML error page, reading the query
string (filters as the CLI takes them), links to the JSON twins under ``/api/v1``, and the
labels people read instead of ids.

A page reads its state only from the query string, so a copied URL reproduces the view. Errors
a user can cause (an unknown edition, a misspelt filter) become an HTML page with the message,
the hint and a 4xx status; the JSON handlers of the application stay for the API.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import math
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from multivector import __version__
from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.common import parse_filters, suggest
from multivector.interfaces.web.api.common import is_offset
from multivector.interfaces.web.app import HERE, WebError, public_message, status_of
from multivector.services.knowledge import KnowledgeBase, edition_by_id
from multivector.store.base import Filters

API = "/api/v1"
# every template escapes (not only *.html): document text never reaches the page as markup
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
)
FILTER_NAMES = ("country", "actor", "vector", "theme", "element", "event", "genre", "lang",
                "source", "from", "to")
CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
LEVELS = ("official", "secondary", "unverified")
# the columns of CorpusRepository.document_table (store.base.DOCUMENT_COLUMNS, which the
# interfaces may not import; tests/test_web_pages.py checks they agree)
DOCUMENT_COLUMNS = ("doc_id", "title", "date", "source", "genre", "author", "country",
                    "language", "n_passages")


# ------------------------------------------------------------------------------ rendering


def render(request: Request, template: str, context: Mapping[str, Any], *,
           status: int = 200) -> HTMLResponse:
    """The page ``template`` with ``context`` and what the frame needs (version, the path)."""
    frame = {"version": __version__, "path": request.url.path, "twins": [], "api": API}
    return templates.TemplateResponse(request, template, {**frame, **context},
                                      status_code=status)


def error_page(request: Request, exc: MultivectorError) -> HTMLResponse:
    """A friendly page for an error a user caused: what went wrong, what to do, a 4xx status."""
    status = status_of(exc)
    code = exc.code if isinstance(exc, WebError) else type(exc).code
    settings = request.app.state.settings
    return render(request, "error.html", {
        "status": status, "code": code, "message": public_message(exc.message, settings),
        "hint": public_message(exc.hint, settings),
    }, status=status)


class PageRoute(APIRoute):
    """A dashboard route: an error a user caused renders the HTML error page, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except MultivectorError as exc:
                return error_page(request, exc)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {}
                where = ".".join(str(p) for p in first.get("loc", ()) if p != "query")
                return error_page(request, UsageError(
                    f"{where}: {first.get('msg', 'invalid value')}" if where
                    else "invalid request", hint="check the address, or start again from the menu"))

        return route


# ------------------------------------------------------------------------------ the query


class Query:
    """The query string of a request, read the way the CLI reads its options: repeatable
    parameters may also be comma-separated (``country=KAZ,UZB``), blanks are absent. A
    parameter the page does not take (``takes``) is refused with the nearest names, as the API
    refuses it: a misspelt filter would otherwise show the whole corpus as if filtered."""

    def __init__(self, request: Request, *, takes: Iterable[str]) -> None:
        self.params = request.query_params
        known = sorted(set(takes))
        for name in self.params:
            if name not in known:
                raise suggest(name, known, "parameter", hint=(
                    f"this page takes {', '.join(known)}" if known
                    else "this page takes no parameters"))

    def one(self, name: str, default: str | None = None) -> str | None:
        values = [v.strip() for v in self.params.getlist(name) if v.strip()]
        return values[-1] if values else default

    def many(self, name: str) -> list[str]:
        return [x.strip() for v in self.params.getlist(name) for x in v.split(",") if x.strip()]

    def given(self, name: str) -> bool:
        return name in self.params

    def flag(self, name: str) -> bool:
        value = (self.one(name) or "").lower()
        return value in ("1", "true", "on", "yes")

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        text = self.one(name)
        if text is None:
            return default
        try:
            value = int(text)
        except ValueError:
            raise UsageError(f"{name}: {text!r} is not a whole number",
                             hint=f"use a number from {low} to {high}") from None
        if not low <= value <= high:
            raise UsageError(f"{name}: {value} is out of range", hint=f"use {low} to {high}")
        return value

    def choice(self, name: str, choices: Sequence[str], default: str | None = None
               ) -> str | None:
        value = self.one(name, default)
        if value is not None and value not in choices:
            raise suggest(value, choices, name, hint=f"use {', '.join(choices)}")
        return value

    def filters(self, names: Sequence[str] = FILTER_NAMES) -> Filters:
        """The corpus filters among ``names``, each value checked as the CLI checks it."""
        values: dict[str, Any] = {n: self.many(n) for n in names if n not in ("from", "to")}
        values["from"] = self.one("from") if "from" in names else None
        values["to"] = self.one("to") if "to" in names else None
        return parse_filters(values)

    def state(self, names: Iterable[str]) -> dict[str, Any]:
        """The values of ``names`` as given (lists for repeatable ones): the page's state."""
        return {n: (self.many(n) if n not in ("from", "to", "q") else self.one(n))
                for n in names}


def document_rows(store: Any, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
    """The documents matching ``filters`` as dicts (by date, then id), without their text."""
    for row in store.document_table(filters):
        yield dict(zip(DOCUMENT_COLUMNS, row, strict=True))


# A page and its JSON twin page alike: the cursor of a page is the API's own (base64 of
# "offset.fingerprint", the fingerprint hashing the twin's path and its parameters but the
# cursor, page size and format), so the twin of page 3 is page 3 as JSON.


def _fingerprint(api_path: str, params: Mapping[str, Any]) -> str:
    items = sorted((k, v) for k, v in pairs(params) if k not in ("cursor", "limit", "format"))
    return hashlib.sha256(f"{API}{api_path}?{items}".encode()).hexdigest()[:12]


def make_cursor(api_path: str, params: Mapping[str, Any], offset: int) -> str:
    """The cursor of the page of results (of ``api_path`` with ``params``) from ``offset``."""
    raw = f"{offset}.{_fingerprint(api_path, params)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_offset(query: Query, api_path: str, params: Mapping[str, Any]) -> int:
    """Where the page the ``cursor`` parameter names starts (0 without one)."""
    cursor = query.one("cursor")
    if cursor is None:
        return 0
    refused = UsageError(f"cursor {cursor[:40]!r} is not a page of these results",
                         hint="follow the Next and Previous links, or start from the first page")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise refused from None
    offset, _, fingerprint = raw.partition(".")
    if not is_offset(offset) or fingerprint != _fingerprint(api_path, params):
        raise refused
    return int(offset)


def pages(path: str, api_path: str, params: Mapping[str, Any], offset: int, limit: int,
          more: bool) -> tuple[str | None, str | None]:
    """The links to the previous and the next page (None where there is none)."""
    prev = None
    if offset:
        back = max(offset - limit, 0)
        prev = url(path, {**params, "cursor": make_cursor(api_path, params, back)
                          if back else None})
    after = url(path, {**params, "cursor": make_cursor(api_path, params, offset + limit)}) \
        if more else None
    return prev, after


# ------------------------------------------------------------------------------ links


def pairs(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """``params`` as query pairs: empty and None values left out, lists repeating the
    parameter, True as 1."""
    out: list[tuple[str, str]] = []
    for k, v in (params or {}).items():
        if v is None or v == "" or v is False:
            continue
        if isinstance(v, (list, tuple)):
            out += [(k, str(x)) for x in v if x not in (None, "")]
        else:
            out.append((k, "1" if v is True else str(v)))
    return out


def url(path: str, params: Mapping[str, Any] | None = None) -> str:
    """``path`` with ``params`` as its query string (see :func:`pairs`)."""
    found = pairs(params)
    return f"{path}?{urlencode(found)}" if found else path


def api(path: str, params: Mapping[str, Any] | None = None) -> str:
    return url(API + path, params)


def doc_url(doc_id: str, passage: int | None = None, **params: Any) -> str:
    target = url(f"/documents/{quote(doc_id)}", params)
    return f"{target}#p-{passage}" if passage is not None else target


def edition_url(edition_id: str, **params: Any) -> str:
    return url("/editions/" + "/".join(quote(p) for p in edition_id.split("/", 1)), params)


@dataclass(frozen=True)
class Twin:
    """A JSON twin of (part of) the page, and its tables as CSV: (table, link) pairs."""

    label: str
    json: str
    csv: tuple[tuple[str, str], ...] = ()


def twin(label: str, path: str, params: Mapping[str, Any] | None = None, *,
         tables: Sequence[str] = ("",)) -> Twin:
    """The API twin at ``path``; the CSV of each of ``tables`` (its ``section``; "" for the
    endpoint's one table, none for a document that is no table)."""
    base = dict(params or {})
    return Twin(label, api(path, base), tuple(
        (t or "CSV", api(path, {**base, **({"section": t} if t else {}), "format": "csv"}))
        for t in tables))


# ------------------------------------------------------------------------------ values


def edition_of(kb: KnowledgeBase, ref: str) -> str:
    """The id of the held edition ``ref`` names (in any case): ids only, a request never
    names a file on the server."""
    return edition_by_id(kb, ref).id


class Labels:
    """Names for ids: actors, countries, themes, vectors, elements (ids unknown stay ids)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._elements: dict[str, str] | None = None

    def actor(self, actor_id: str | None) -> str:
        if not actor_id:
            return ""
        reg = self.kb.registry
        return reg.get(actor_id).name if actor_id in reg else actor_id

    def theme(self, theme_id: str) -> str:
        cb = self.kb.codebook
        return cb.get(theme_id).label("en") if theme_id in cb else theme_id

    def vector(self, vector_id: str) -> str:
        if vector_id == "multilateral":
            return "Multilateral bodies"
        try:
            return self.kb.vectors.get(vector_id).label
        except (KeyError, MultivectorError):
            return vector_id

    def element(self, element_id: str) -> str:
        if self._elements is None:
            self._elements = {e.id: e.title for ed in self.kb.editions() for e in ed}
        return self._elements.get(element_id, element_id)


def pct(value: Any, digits: int = 0) -> str:
    """0.125 -> '13%'; a dash when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


def span(low: Any, high: Any) -> str:
    """An interval of shares: '3–29%'."""
    if low is None or high is None:
        return "—"
    return f"{pct(low).rstrip('%')}–{pct(high)}"


def num(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value):.{digits}f}"


def iso(value: dt.date | str | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


templates.env.filters.update(pct=pct, num=num, span=span)
templates.env.globals.update(url=url, doc_url=doc_url, edition_url=edition_url)
