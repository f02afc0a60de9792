"""Schema migrations of the SQLite corpus store, registered as functions and recorded in a table.

Each migration is a function of a connection, registered with ``@migration(N)``; the
``migrations`` table records the version, name and time of each one applied. Opening a database
applies the missing migrations in order, in one transaction; a database written by a newer
multivector (a version this code does not know) is refused rather than misread.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from multivector.store.base import StoreError
from multivector.text.lemmas import lemmas

C = TypeVar("C")  # the connection type a registry's migrations take


@dataclass(frozen=True)
class Migration(Generic[C]):
    version: int
    name: str
    apply: Callable[[C], None]


class Registry(Generic[C]):
    """An ordered set of migrations of one store; use an instance as a decorator:
    ``@migrations(3)``. Stores subclass it with how they record and apply them."""

    newer_hint = "upgrade multivector, or point MULTIVECTOR_DB at another database"

    def __init__(self) -> None:
        self._steps: dict[int, Migration[C]] = {}

    def __call__(self, version: int) -> Callable[[Callable[[C], None]], Callable[[C], None]]:
        def register(fn: Callable[[C], None]) -> Callable[[C], None]:
            if version in self._steps:
                raise ValueError(f"migration {version} is registered twice")
            self._steps[version] = Migration(version, fn.__name__, fn)
            return fn

        return register

    @property
    def latest(self) -> int:
        return max(self._steps, default=0)

    def steps(self) -> list[Migration[C]]:
        return [self._steps[v] for v in sorted(self._steps)]

    def _check_not_newer(self, done: dict[int, str], where: str) -> None:
        unknown = sorted(v for v in done if v not in self._steps)
        if unknown:
            raise StoreError(
                f"{where} has schema version {max(done)} ({done[unknown[-1]]}), newer than this "
                f"multivector knows (up to {self.latest})",
                hint=self.newer_hint,
            )


MigrationFn = Callable[[sqlite3.Connection], None]


class Migrations(Registry[sqlite3.Connection]):
    """The SQLite store's registry: recorded in the ``migrations`` table."""

    def applied(self, conn: sqlite3.Connection) -> dict[int, str]:
        """Versions and names recorded in the database (empty for a new database)."""
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
        ).fetchone()
        if not exists:
            return {}
        return dict(conn.execute("SELECT version, name FROM migrations ORDER BY version"))

    def apply(self, conn: sqlite3.Connection, *, upto: int | None = None,
              where: str = "database") -> list[int]:
        """Apply the missing migrations (up to ``upto``) in one transaction; their versions.

        ``conn`` must be in autocommit mode (``isolation_level=None``)."""
        if not conn.execute(  # a read first: an up-to-date corpus opens without a write
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
        ).fetchone():
            conn.execute(
                "CREATE TABLE IF NOT EXISTS migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        done = self.applied(conn)
        todo = [m for m in self.steps()
                if m.version not in done and (upto is None or m.version <= upto)]
        self._check_not_newer(done, where)
        if not todo:
            return []
        conn.execute("BEGIN IMMEDIATE")
        try:
            # another process may have migrated between our read and the write lock
            done = self.applied(conn)
            self._check_not_newer(done, where)
            applied: list[int] = []
            for m in todo:
                if m.version in done:
                    continue
                m.apply(conn)
                conn.execute(
                    "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (m.version, m.name, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
                )
                applied.append(m.version)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return applied


migration = Migrations()
"""The corpus store's migrations; ``@migration(N)`` registers one."""


@migration(1)
def documents_passages_annotations(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            title TEXT,
            date TEXT,
            source TEXT,
            author TEXT,
            language TEXT,
            genre TEXT,
            country TEXT,
            path TEXT,
            extra TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
            ingested_at TEXT NOT NULL,
            pipeline TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(pipeline))
        )"""
    )
    conn.execute("CREATE INDEX documents_date ON documents (date, id)")
    conn.execute(
        """CREATE TABLE passages (
            doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            unit TEXT NOT NULL,
            PRIMARY KEY (doc_id, idx)
        ) WITHOUT ROWID"""
    )
    conn.execute(
        """CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL,
            passage INTEGER NOT NULL,
            layer TEXT NOT NULL,
            label TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            score REAL NOT NULL,
            component TEXT NOT NULL,
            version TEXT NOT NULL,
            rule TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attrs)),
            FOREIGN KEY (doc_id, passage) REFERENCES passages (doc_id, idx) ON DELETE CASCADE
        )"""
    )
    conn.execute("CREATE INDEX annotations_layer_label ON annotations (layer, label)")
    # (doc_id, passage) serves lookups by document as well as the per-passage filters
    conn.execute("CREATE INDEX annotations_doc ON annotations (doc_id, passage)")


@migration(2)
def embeddings(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE embeddings (
            doc_id TEXT NOT NULL,
            passage INTEGER NOT NULL,
            dim INTEGER NOT NULL CHECK (dim > 0),
            vector BLOB NOT NULL CHECK (length(vector) = 4 * dim),
            PRIMARY KEY (doc_id, passage),
            FOREIGN KEY (doc_id, passage) REFERENCES passages (doc_id, idx) ON DELETE CASCADE
        )"""
    )


@migration(3)
def passage_search_index(conn: sqlite3.Connection) -> None:
    # Lemmas, not the text, are indexed: Russian case forms fold to one dictionary form.
    conn.execute(
        """CREATE VIRTUAL TABLE passages_fts USING fts5 (
            lemmas, doc_id UNINDEXED, idx UNINDEXED,
            tokenize = 'porter unicode61 remove_diacritics 2'
        )"""
    )
    rows = conn.execute(
        'SELECT p.doc_id, p.idx, substr(d.text, p.start + 1, p."end" - p.start)'
        " FROM passages p JOIN documents d ON d.id = p.doc_id"
    )
    conn.executemany(
        "INSERT INTO passages_fts (lemmas, doc_id, idx) VALUES (?, ?, ?)",
        ((" ".join(lemmas(text)), doc_id, idx) for doc_id, idx, text in rows),
    )


@migration(4)
def passage_labels(conn: sqlite3.Connection) -> None:
    # one row per passage, layer and coder: the coder's label set (a JSON array, maybe empty)
    conn.execute(
        """CREATE TABLE labels (
            doc_id TEXT NOT NULL,
            passage INTEGER NOT NULL,
            layer TEXT NOT NULL CHECK (layer IN ('themes', 'elements', 'events')),
            coder TEXT NOT NULL,
            "values" TEXT NOT NULL CHECK (json_valid("values") AND json_type("values") = 'array'),
            codebook TEXT NOT NULL,
            labelled_at TEXT NOT NULL,
            note TEXT,
            PRIMARY KEY (doc_id, passage, layer, coder),
            FOREIGN KEY (doc_id, passage) REFERENCES passages (doc_id, idx) ON DELETE CASCADE
        ) WITHOUT ROWID"""
    )
    conn.execute("CREATE INDEX labels_coder ON labels (coder, layer)")


@migration(5)
def embedding_cache(conn: sqlite3.Connection) -> None:
    # vectors by the hash of the text they embed (multivector.text.embedding_cache): re-coding
    # and ingesting known passages read them instead of running the model again
    conn.execute(
        """CREATE TABLE embedding_cache (
            embedder TEXT NOT NULL,
            text_key TEXT NOT NULL,
            dim INTEGER NOT NULL CHECK (dim > 0),
            vector BLOB NOT NULL CHECK (length(vector) = 4 * dim),
            PRIMARY KEY (embedder, text_key)
        ) WITHOUT ROWID"""
    )


@migration(6)
def covering_passage_index(conn: sqlite3.Connection) -> None:
    # The filters of search and the tables ask, for each candidate passage, whether it has an
    # annotation of a layer and label: with the layer and label in the index the question is
    # answered from the index alone, without reading the annotation's row (filtered search on
    # 100k passages, A/B in one process: p95 90 -> 57 ms). It serves every lookup of the index it
    # replaces, whose columns it begins with.
    conn.execute("CREATE INDEX annotations_passage ON annotations (doc_id, passage, layer, label)")
    conn.execute("DROP INDEX annotations_doc")


@migration(7)
def embedding_cache_rows(conn: sqlite3.Connection) -> None:
    # Migration 5 made the cache a WITHOUT ROWID table, which keeps whole rows in its B-tree:
    # each vector (1 KB at dimension 256) spilled to an overflow page of its own, 4.7 KB of file
    # per cached vector (at 1M passages, 4.7 GB of a 12 GB database). A rowid table with a unique
    # key stores the vector in its row, as the embeddings table does; the rows are copied.
    conn.execute(
        """CREATE TABLE embedding_cache_rows (
            embedder TEXT NOT NULL,
            text_key TEXT NOT NULL,
            dim INTEGER NOT NULL CHECK (dim > 0),
            vector BLOB NOT NULL CHECK (length(vector) = 4 * dim),
            UNIQUE (embedder, text_key)
        )"""
    )
    conn.execute("INSERT INTO embedding_cache_rows (embedder, text_key, dim, vector)"
                 " SELECT embedder, text_key, dim, vector FROM embedding_cache")
    conn.execute("DROP TABLE embedding_cache")
    conn.execute("ALTER TABLE embedding_cache_rows RENAME TO embedding_cache")
