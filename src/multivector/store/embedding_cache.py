"""The embedding cache of a corpus: its ``embedding_cache`` table (SQLite migrations 5 and 7,
PostgreSQL migration 4), read and written on a connection of its own per thread, so that it
never joins the store's transactions.

A cache that cannot be written (a read-only file or session, a lock held too long) is only
slower: the vectors are computed and used, not kept. A database in memory has none
(:func:`for_store` returns None).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

import numpy as np

from multivector.store.base import CorpusRepository
from multivector.store.sqlite import SQLiteStore, busy_timeout
from multivector.text.embedder import Matrix
from multivector.text.embedding_cache import EmbeddingCache

_CHUNK = 500  # keys per query (below SQLite's limit on bound parameters)


class SQLiteEmbeddingCache:
    """The ``embedding_cache`` table of the SQLite database at ``where`` (a path or URI)."""

    def __init__(self, where: str) -> None:
        self.where = where
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.where, isolation_level=None, timeout=busy_timeout(),
                                   uri=self.where.startswith("file:"))
            self._local.conn = conn
        return conn

    def get(self, embedder: str, keys: Sequence[str]) -> dict[str, Matrix]:
        out: dict[str, Matrix] = {}
        conn = self._conn()
        for i in range(0, len(keys), _CHUNK):
            part = list(keys[i : i + _CHUNK])
            rows = conn.execute(
                "SELECT text_key, vector FROM embedding_cache WHERE embedder = ? AND text_key IN"
                f" ({','.join('?' * len(part))})", [embedder, *part])
            for key, blob in rows:
                out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put(self, embedder: str, items: Sequence[tuple[str, Matrix]]) -> None:
        if not items:
            return
        rows = [(embedder, key, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
                for key, v in items]
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT OR IGNORE INTO embedding_cache (embedder, text_key, dim,"
                             " vector) VALUES (?, ?, ?, ?)", rows)
            conn.execute("COMMIT")
        except sqlite3.OperationalError:  # read-only or locked: the vectors are used, not kept
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")

    def close(self) -> None:
        """Close this thread's connection (other threads' close when they are collected)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class PostgresEmbeddingCache:
    """The ``embedding_cache`` table of the PostgreSQL database at ``dsn``."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._local = threading.local()

    def _conn(self) -> Any:
        import psycopg

        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = psycopg.connect(self.dsn, autocommit=True, application_name="multivector")
            self._local.conn = conn
        return conn

    def get(self, embedder: str, keys: Sequence[str]) -> dict[str, Matrix]:
        import psycopg

        try:
            rows = self._conn().execute(
                "SELECT text_key, vector FROM embedding_cache WHERE embedder = %s"
                " AND text_key = ANY(%s)", (embedder, list(keys))).fetchall()
        except psycopg.Error:  # the store reports a lost server; here it is only a miss
            return {}
        return {key: np.frombuffer(bytes(blob), dtype=np.float32) for key, blob in rows}

    def put(self, embedder: str, items: Sequence[tuple[str, Matrix]]) -> None:
        import psycopg

        if not items:
            return
        rows = [(embedder, key, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
                for key, v in items]
        try:
            conn = self._conn()
            with conn.transaction(), conn.cursor() as cur:
                cur.executemany("INSERT INTO embedding_cache (embedder, text_key, dim, vector)"
                                " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING", rows)
        except psycopg.Error:  # read-only session, lost server: the vectors are used, not kept
            pass

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def for_store(store: CorpusRepository) -> SQLiteEmbeddingCache | PostgresEmbeddingCache | None:
    """The cache kept in ``store``'s database (a SQLite file's or PostgreSQL's); None for a
    database in memory."""
    if type(store).__name__ == "PostgresStore":  # without importing psycopg for SQLite
        return PostgresEmbeddingCache(str(getattr(store, "dsn")))  # noqa: B009
    if not isinstance(store, SQLiteStore):
        return None
    where = str(store.path)
    if store.file.name in ("", ":memory:") or "mode=memory" in where:
        return None
    return SQLiteEmbeddingCache(where)


def _implements_the_protocol(
    cache: SQLiteEmbeddingCache | PostgresEmbeddingCache,
) -> EmbeddingCache:
    return cache
