"""The API's response cache: rendered bodies of deterministic reads, kept per process.

What a read answers depends only on its parameters, the knowledge base (fixed for the process)
and, for corpus reads, the data in the store; keys of corpus reads carry the store's version
(:func:`multivector.services.stores.store_version`), so a write by anyone makes them miss. The
cache holds the most recently used bodies up to a byte budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from fastapi import Response

MAX_BYTES = 64_000_000
MAX_ITEM = 8_000_000  # a larger body (a whole export) is not worth keeping


@dataclass(frozen=True)
class Body:
    """A rendered response: its bytes, media type and extra headers."""

    content: bytes
    media_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()

    def response(self) -> Response:
        return Response(self.content, media_type=self.media_type, headers=dict(self.headers))


class ResponseCache:
    """A least-recently-used map of keys to bodies, bounded in bytes; safe across threads."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, Body] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> Body | None:
        with self._lock:
            body = self._items.get(key)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: Hashable, body: Body) -> None:
        size = len(body.content)
        if size > min(MAX_ITEM, self.max_bytes):
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old.content)
            self._items[key] = body
            self._size += size
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped.content)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
