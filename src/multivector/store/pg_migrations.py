"""Schema migrations of the PostgreSQL corpus store, registered as functions and recorded in a
table, as :mod:`.migrations` does for SQLite (a registry of its own: the two schemas differ).

Each migration is a function of a connection, registered with ``@pg_migration(N)``; the
``multivector_migrations`` table records the version, name and time of each one applied. Opening
a database applies the missing ones in one transaction, under an advisory lock so that clients
opening a new database at once migrate it once; a database written by a newer multivector is
refused rather than misread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import psycopg

from multivector.store.migrations import Registry
from multivector.store.pg_search import STEMMER

MigrationFn = Callable[[psycopg.Connection[Any]], None]
TABLE = "multivector_migrations"
_LOCK = 0x6D76_6D69_6772  # advisory lock key while migrating ("mvmigr")


class PgMigrations(Registry[psycopg.Connection[Any]]):
    """The PostgreSQL store's registry: recorded in the ``multivector_migrations`` table."""

    newer_hint = "upgrade multivector, or point --db / MULTIVECTOR_DB at another database"

    def applied(self, conn: psycopg.Connection[Any]) -> dict[int, str]:
        """Versions and names recorded in the current schema (empty for a new database)."""
        if not _table_exists(conn, TABLE):
            return {}
        rows = conn.execute(f"SELECT version, name FROM {TABLE} ORDER BY version").fetchall()
        return {int(v): str(n) for v, n in rows}

    def apply(self, conn: psycopg.Connection[Any], *, upto: int | None = None,
              where: str = "database") -> list[int]:
        """Apply the missing migrations (up to ``upto``) in one transaction; their versions.

        ``conn`` must be in autocommit mode. An up-to-date database opens without a write."""
        done = self.applied(conn)
        self._check_not_newer(done, where)
        if all(m.version in done for m in self.steps() if upto is None or m.version <= upto):
            return []
        applied: list[int] = []
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (version integer PRIMARY KEY,"
                " name text NOT NULL, applied_at timestamptz NOT NULL)"
            )
            done = self.applied(conn)  # another client may have migrated meanwhile
            self._check_not_newer(done, where)
            for m in self.steps():
                if m.version in done or (upto is not None and m.version > upto):
                    continue
                m.apply(conn)
                conn.execute(f"INSERT INTO {TABLE} (version, name, applied_at) VALUES (%s, %s, %s)",
                             (m.version, m.name, dt.datetime.now(dt.UTC)))
                applied.append(m.version)
        return applied


def _table_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    """Whether ``name`` is a table of the current schema (the first on the search path)."""
    row = conn.execute("SELECT to_regclass(quote_ident(current_schema()) || '.' || %s)",
                       (name,)).fetchone()
    return row is not None and row[0] is not None


def foreign_tables(conn: psycopg.Connection[Any]) -> list[str]:
    """Tables of the current schema that a multivector corpus would create, when the schema has
    no migrations table: another application's, which the store must not take over."""
    if _table_exists(conn, TABLE):
        return []
    ours = ("corpus_state", "documents", "passages", "annotations", "embeddings", "labels")
    return [t for t in ours if _table_exists(conn, t)]


pg_migration = PgMigrations()
"""The PostgreSQL store's migrations; ``@pg_migration(N)`` registers one."""


@pg_migration(1)
def documents_passages_annotations(conn: psycopg.Connection[Any]) -> None:
    # Lemmas, not the text, are indexed (as in SQLite), as words the store splits itself
    # (pg_search); English words are stemmed with this dictionary (Snowball, no stop words), as
    # SQLite's porter tokenizer stems them in its lemma index.
    conn.execute(f"CREATE TEXT SEARCH DICTIONARY {STEMMER} (TEMPLATE = snowball,"
                 " Language = english)")
    # one row: the corpus's identity (keys the per-process vector cache) and version counters,
    # bumped by every write transaction just before it commits (caches compare them)
    conn.execute(
        """CREATE TABLE corpus_state (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            corpus_id uuid NOT NULL DEFAULT gen_random_uuid(),
            data_version bigint NOT NULL DEFAULT 0,
            embeddings_version bigint NOT NULL DEFAULT 0
        )"""
    )
    conn.execute("INSERT INTO corpus_state DEFAULT VALUES")
    # ids, labels and codes compare in code-point order whatever the database's collation,
    # so that both stores sort alike
    conn.execute(
        """CREATE TABLE documents (
            id text COLLATE "C" PRIMARY KEY,
            text text NOT NULL,
            title text,
            date date,
            source text COLLATE "C",
            author text,
            language text COLLATE "C",
            genre text COLLATE "C",
            country text COLLATE "C",
            path text,
            extra json NOT NULL DEFAULT '{}',
            ingested_at timestamptz NOT NULL,
            pipeline json NOT NULL DEFAULT '{}'
        )"""
    )
    conn.execute("CREATE INDEX documents_date ON documents (date, id)")
    conn.execute(
        """CREATE TABLE passages (
            doc_id text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            idx integer NOT NULL,
            start integer NOT NULL,
            "end" integer NOT NULL,
            unit text NOT NULL,
            lemmas text NOT NULL,  -- as SQLite indexes them; highlights are found in them
            terms tsvector NOT NULL,  -- the lemmas' words (pg_search.tsvector)
            seq bigint GENERATED ALWAYS AS IDENTITY,
            PRIMARY KEY (doc_id, idx)
        )"""
    )
    conn.execute("CREATE INDEX passages_terms ON passages USING gin (terms)")
    conn.execute(
        """CREATE TABLE annotations (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            doc_id text COLLATE "C" NOT NULL,
            passage integer NOT NULL,
            layer text COLLATE "C" NOT NULL,
            label text COLLATE "C" NOT NULL,
            start integer NOT NULL,
            "end" integer NOT NULL,
            score double precision NOT NULL,
            component text NOT NULL,
            version text NOT NULL,
            rule text NOT NULL,
            attrs json NOT NULL DEFAULT '{}',
            FOREIGN KEY (doc_id, passage) REFERENCES passages (doc_id, idx) ON DELETE CASCADE
        )"""
    )
    conn.execute("CREATE INDEX annotations_layer_label ON annotations (layer, label)")
    conn.execute("CREATE INDEX annotations_doc ON annotations (doc_id, passage)")


@pg_migration(2)
def embeddings(conn: psycopg.Connection[Any]) -> None:
    # little-endian float32 rows, as in SQLite; searched by an exact scan in NumPy (pgvector is
    # not available everywhere; see docs/postgres.md)
    conn.execute(
        """CREATE TABLE embeddings (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            doc_id text COLLATE "C" NOT NULL,
            passage integer NOT NULL,
            dim integer NOT NULL CHECK (dim > 0),
            vector bytea NOT NULL CHECK (length(vector) = 4 * dim),
            UNIQUE (doc_id, passage),
            FOREIGN KEY (doc_id, passage) REFERENCES passages (doc_id, idx) ON DELETE CASCADE
        )"""
    )
    conn.execute("CREATE INDEX embeddings_dim ON embeddings (dim, id)")


@pg_migration(3)
def passage_labels(conn: psycopg.Connection[Any]) -> None:
    # one row per passage, layer and coder: the coder's label set (a JSON array, maybe empty)
    conn.execute(
        """CREATE TABLE labels (
            doc_id text COLLATE "C" NOT NULL,
            passage integer NOT NULL,
            layer text COLLATE "C" NOT NULL CHECK (layer IN ('themes', 'elements', 'events')),
            coder text COLLATE "C" NOT NULL,
            "values" json NOT NULL CHECK (json_typeof("values") = 'array'),
            codebook text NOT NULL,
            labelled_at text NOT NULL,
            note text,
            PRIMARY KEY (doc_id, passage, layer, coder),
            FOREIGN KEY (doc_id, passage) REFERENCES passages (doc_id, idx) ON DELETE CASCADE
        )"""
    )
    conn.execute("CREATE INDEX labels_coder ON labels (coder, layer)")


@pg_migration(4)
def embedding_cache(conn: psycopg.Connection[Any]) -> None:
    # vectors by the hash of the text they embed, as SQLite's migration 5
    # (multivector.text.embedding_cache): re-coding reads them instead of running the model
    conn.execute(
        """CREATE TABLE embedding_cache (
            embedder text COLLATE "C" NOT NULL,
            text_key text COLLATE "C" NOT NULL,
            dim integer NOT NULL CHECK (dim > 0),
            vector bytea NOT NULL CHECK (length(vector) = 4 * dim),
            PRIMARY KEY (embedder, text_key)
        )"""
    )
