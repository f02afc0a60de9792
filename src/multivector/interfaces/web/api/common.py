"""What the API's routers share: the corpus filters as query parameters (the CLI's names, each
value checked as the CLI checks it), the error responses every operation documents, rendering a
document as JSON (validated against its model) or one of its tables as CSV, the response cache,
cursors, and the refusal of query parameters an endpoint does not take.

Handlers are ``async``: a cached answer costs no worker thread; anything that reads the store or
computes runs in the thread pool (:func:`answer`), in one thread per call.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import inspect
import json
import math
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, TypeAdapter

from multivector.errors import UsageError
from multivector.interfaces.common import _FILTERS, parse_filters, suggest
from multivector.interfaces.output import to_csv
from multivector.interfaces.web.api.cache import Body, ResponseCache
from multivector.interfaces.web.api.models import ErrorBody
from multivector.interfaces.web.app import settings_of
from multivector.services.stores import store_version
from multivector.store.base import Filters

ALL_FILTERS = ("country", "actor", "vector", "theme", "element", "event", "genre", "lang",
               "source", "from", "to")
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A parameter the command line would refuse (an "
          "unknown country, theme, edition kind ...): the hint names the nearest known values."},
    404: {"model": ErrorBody, "description": "No such edition, actor or document."},
    422: {"model": ErrorBody, "description": "A parameter of the wrong type or out of range."},
    503: {"model": ErrorBody, "description": "The corpus cannot be opened."},
}
CSV: dict[int | str, dict[str, Any]] = {200: {
    "content": {"text/csv": {"schema": {"type": "string"}}},
    "description": "The document (JSON), or one of its tables as CSV (`format=csv`).",
}}
Format = Literal["json", "csv"]
FormatQuery = Annotated[Format, Query(
    description="json: the document the CLI prints with --format json; csv: the rows of one "
    "of its tables (`section`), as the CLI's --format csv.")]


# ------------------------------------------------------------------------------ state


def cache_of(request: Request) -> ResponseCache:
    cache: ResponseCache = request.app.state.api_cache
    return cache


def corpus_version(request: Request) -> tuple[int, ...]:
    """What a key of a corpus read carries: the store's version, so that any write misses."""
    return store_version(settings_of(request).db)


async def answer(request: Request, key: Hashable | None, build: Callable[[], Body]) -> Response:
    """The cached body for ``key``, else ``build()`` run in the thread pool (and kept)."""
    cache = cache_of(request)
    if key is not None and (found := cache.get(key)) is not None:
        return found.response()
    body = await run_in_threadpool(build)
    if key is not None:
        cache.put(key, body)
    return body.response()


# ------------------------------------------------------------------------------ rendering


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum
        return value.value
    return str(value)


def dumps(doc: Any) -> bytes:
    """``doc`` as compact UTF-8 JSON: dates as ISO strings, non-finite numbers as null."""
    try:
        text = json.dumps(doc, default=_default, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"))
    except ValueError:
        text = json.dumps(_plain(doc), default=_default, ensure_ascii=False,
                          separators=(",", ":"))
    return text.encode()


def json_body(doc: Any, model: type[BaseModel] | TypeAdapter[Any]) -> Body:
    """``doc`` rendered, after checking the rendering against its response model (a field the
    model does not know fails here, in tests, not silently in a client)."""
    content = dumps(doc)
    if isinstance(model, TypeAdapter):
        model.validate_json(content)
    else:
        model.model_validate_json(content)
    return Body(content)


def csv_body(rows: Iterable[Mapping[str, Any]], name: str) -> Body:
    """Rows as the CLI's ``--format csv`` prints them, as a download named ``name.csv``."""
    return Body(to_csv(list(rows)).encode(), "text/csv; charset=utf-8",
                (("Content-Disposition", f'attachment; filename="{name}.csv"'),))


def check_section(section: str, tables: Iterable[str]) -> str:
    """``section`` if it names one of ``tables`` (a 400 naming the nearest otherwise)."""
    names = list(tables)
    if section not in names:
        raise suggest(section, names, "section", hint=f"use {', '.join(names)}")
    return section


def table(doc: Mapping[str, Any], section: str, tables: Iterable[str]) -> list[Any]:
    """The rows of the table ``section`` of ``doc`` (one of ``tables``)."""
    rows: list[Any] = doc[check_section(section, tables)]
    return rows


# ------------------------------------------------------------------------------ parameters


def filters_of(*names: str) -> Callable[..., Awaitable[Filters]]:
    """A dependency reading the corpus filters ``names`` from the query string with the CLI's
    names (repeated or comma-separated) into one validated :class:`Filters`: an unknown value
    is a 400 whose hint names the nearest known ones, never an empty result."""
    params = []
    for name in names:
        help_text, kind = _FILTERS[name]
        annotation: Any = (
            Annotated[list[str] | None, Query(alias=name, description=help_text)]
            if kind == "many"
            else Annotated[str | None, Query(alias=name, description=help_text)]
        )
        params.append(inspect.Parameter(f"filter_{name}", inspect.Parameter.KEYWORD_ONLY,
                                        default=None, annotation=annotation))

    async def read(**values: Any) -> Filters:
        return parse_filters({name: values.get(f"filter_{name}") for name in names})

    read.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return read


def many(values: Iterable[str] | None) -> list[str]:
    """A repeatable parameter's values, commas splitting them too."""
    return [x.strip() for v in values or [] for x in v.split(",") if x.strip()]


def _query_names(dependant: Any) -> set[str]:
    names = {f.alias for f in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def known_parameters(request: Request) -> None:
    """Refuse a query parameter the endpoint does not take (a misspelt filter would otherwise
    be ignored and answer for the whole corpus)."""
    route = request.scope.get("route")
    if route is None or not request.query_params:
        return
    known: frozenset[str] | None = getattr(route, "query_names", None)
    if known is None:  # once per route, kept on it
        known = frozenset(_query_names(route.dependant))
        route.query_names = known
    for name in request.query_params:
        if name not in known:
            hint = (f"this endpoint takes {', '.join(sorted(known))}" if known
                    else "this endpoint takes no parameters")
            raise suggest(name, sorted(known), "parameter", hint=hint)


# ------------------------------------------------------------------------------ cursors


def _fingerprint(request: Request) -> str:
    """The query a cursor belongs to: every parameter but the cursor, page size and format."""
    items = sorted((k, v) for k, v in request.query_params.multi_items()
                   if k not in ("cursor", "limit", "format"))
    return hashlib.sha256(f"{request.url.path}?{items}".encode()).hexdigest()[:12]


def next_cursor(request: Request, offset: int) -> str:
    """An opaque cursor for the page that starts at ``offset`` of this query's results."""
    raw = f"{offset}.{_fingerprint(request)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_offset(request: Request, cursor: str | None) -> int:
    """Where the page ``cursor`` names starts (0 without a cursor)."""
    if cursor is None:
        return 0
    refused = UsageError(f"cursor {cursor[:40]!r} is not a page of these results",
                         hint="pass the next_cursor of the previous page, with the same "
                         "parameters, or leave cursor out for the first page")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        offset, _, fingerprint = raw.partition(".")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise refused from None
    if not is_offset(offset) or fingerprint != _fingerprint(request):
        raise refused
    return int(offset)


def is_offset(text: str) -> bool:
    """Whether ``text`` is an offset a cursor may hold: ASCII digits (``isdigit`` alone takes
    '²', which ``int`` refuses), at most 12 of them (a larger one overflows the store's
    slicing; no corpus has a trillion results)."""
    return text.isascii() and text.isdigit() and len(text) <= 12


def request_key(request: Request, name: str, *, corpus: bool = True) -> Hashable:
    """The cache key of a read: its name, every query parameter as given, the path parameters
    and (for corpus reads) the store's version."""
    params = tuple(sorted(request.query_params.multi_items()))
    path = tuple(sorted(request.path_params.items()))
    return (name, corpus_version(request) if corpus else None, path, params)
