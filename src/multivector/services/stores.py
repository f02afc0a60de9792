"""Which store a command works on: the SQLite file named by ``--db`` or ``$MULTIVECTOR_DB``, or
``./multivector.db``; or a PostgreSQL database, when either names one by its URL
(``postgresql://USER:PASSWORD@HOST:PORT/DATABASE``, which needs the ``postgres`` extra).
Callers do not change: they pass ``--db`` on and get a
:class:`~multivector.store.base.CorpusRepository`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from multivector.domain.corpus import AnnotatedDocument, Annotation, Document, Layer, Passage
from multivector.domain.labels import Label
from multivector.errors import UsageError
from multivector.store.base import CorpusRepository, Filters, SearchHit, StoreError
from multivector.store.pg_dsn import is_postgres, read_only, redact
from multivector.store.sqlite import ENV_DB, SQLiteStore, database_file, default_db_path

__all__ = ["PerThreadStore", "describe_store", "is_postgres", "open_store", "read_only_postgres",
           "store_location", "store_version"]

POSTGRES_EXTRA = "pip install 'multivector[postgres]'"


def store_location(db: str | Path | None) -> str:
    """The store a command will open: ``db``, else ``$MULTIVECTOR_DB``, else
    ``./multivector.db``; a PostgreSQL URL comes back whole (its password too: this is what
    is opened; show :func:`describe_store` instead)."""
    if db is None:
        env = os.environ.get(ENV_DB)
        if env and is_postgres(env):  # a Path would fold the URL's "//"
            return env
        return str(default_db_path())
    return str(db)


def describe_store(db: str | Path | None) -> str:
    """The store as the user should see it: the file, or the URL without its password."""
    where = store_location(db)
    return redact(where) if is_postgres(where) else where


def read_only_postgres(dsn: str) -> str:
    """The PostgreSQL URL ``dsn`` with read-only sessions (every write refused by the server)."""
    return read_only(dsn)


def open_store(db: str | Path | None = None, *, create: bool = True) -> CorpusRepository:
    """Open the corpus store at ``db`` (default: ``$MULTIVECTOR_DB`` or ``./multivector.db``).

    With ``create`` a missing database is created, and removed again on close if nothing was
    stored in it, so that a run that fails before storing anything leaves no empty file behind.
    Without ``create`` a missing database is an error that says how to make one. A PostgreSQL
    URL opens a :class:`~multivector.store.postgres.PostgresStore` (the server's database must
    exist; ``create`` decides whether an empty one becomes a corpus)."""
    where = store_location(db)
    if is_postgres(where):
        return _open_postgres(where, create=create)
    if not create and where != ":memory:" and not database_file(where).exists():
        raise UsageError(
            f"no corpus at {where}",
            hint="ingest documents first (`multivector ingest PATH` or `multivector analyze "
            f"--sample ungd-central-asia ...`), or pass --db / set {ENV_DB}",
        )
    return SQLiteStore(where, create=create, discard_empty=create)


def _postgres_driver_missing(dsn: str) -> UsageError:
    return UsageError(
        f"{redact(dsn)} is a PostgreSQL database, and its driver (psycopg) is not installed",
        hint=f"install the extra: {POSTGRES_EXTRA}",
    )


def _open_postgres(dsn: str, *, create: bool) -> CorpusRepository:
    try:
        from multivector.store.postgres import PostgresStore
    except ImportError as e:
        if (e.name or "").split(".")[0] != "psycopg":
            raise
        raise _postgres_driver_missing(dsn) from None
    return PostgresStore(dsn, create=create)


def store_version(db: str | Path) -> tuple[int, ...]:
    """A fingerprint of the data in the store ``db`` that changes whenever anything is written
    to it, so that a reader can cache what it computed from the store until the next write,
    whoever makes it. For an SQLite file, the modification time and size of the file and of its
    write-ahead log (two stats, no connection); for PostgreSQL, the corpus's write counter,
    read over one connection kept per process (see
    :func:`multivector.store.postgres.data_version`)."""
    where = str(db)
    if is_postgres(where):
        try:
            from multivector.store.postgres import data_version
        except ImportError:
            return (-1, time.monotonic_ns())  # no driver: no cache can answer
        return data_version(where)
    file = database_file(where)
    out: list[int] = []
    for path in (file, Path(f"{file}-wal")):
        try:
            st = path.stat()
        except OSError:
            out += [0, 0]
        else:
            out += [st.st_mtime_ns, st.st_size]
    return tuple(out)


class PerThreadStore:
    """A store opened in each thread that uses it, on first use, by ``opener``.

    An SQLite connection may be used only in the thread that opened it, while a web server may
    run one request's dependencies, handler and clean-up in different worker threads: each of
    them gets its own store (a PostgreSQL store, its own connection). :meth:`close` closes the
    calling thread's store and lets the others go (SQLite and psycopg close a connection that
    is collected, in any thread). Everything else is
    the :class:`~multivector.store.base.CorpusRepository` of the store underneath."""

    def __init__(self, opener: Callable[[], CorpusRepository], name: str) -> None:
        self._opener = opener
        self._name = name
        self._stores: dict[int, CorpusRepository] = {}
        self._lock = threading.Lock()

    def __str__(self) -> str:
        return self._name

    def _here(self) -> CorpusRepository:
        key = threading.get_ident()
        store = self._stores.get(key)
        if store is None:
            store = self._opener()
            with self._lock:
                self._stores[key] = store
        return store

    def close(self) -> None:
        with self._lock:
            stores, self._stores = self._stores, {}
        own = stores.pop(threading.get_ident(), None)
        if own is not None:
            own.close()
        stores.clear()

    # writes -------------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        return self._here().has_document(doc_id)

    def add_document(
        self, document: Document, passages: Sequence[Passage], annotations: Sequence[Annotation],
        embeddings: Any | None = None, *, pipeline: dict[str, str] | None = None,
    ) -> bool:
        return self._here().add_document(document, passages, annotations, embeddings,
                                         pipeline=pipeline)

    def add_documents(
        self, items: Sequence[AnnotatedDocument], *, pipeline: dict[str, str] | None = None
    ) -> list[bool | StoreError]:
        return self._here().add_documents(items, pipeline=pipeline)

    def replace_annotations(
        self, doc_id: str, layers: Iterable[Layer], annotations: Sequence[Annotation],
        embeddings: Any | None = None, *, pipeline: dict[str, str] | None = None,
    ) -> None:
        self._here().replace_annotations(doc_id, layers, annotations, embeddings,
                                         pipeline=pipeline)

    def pipelines(self, doc_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        return self._here().pipelines(doc_ids)

    def set_labels(self, items: Sequence[Label]) -> int:
        return self._here().set_labels(items)

    def labels(
        self, layer: str | None = None, coders: Sequence[str] = (), doc_id: str | None = None,
        passage: int | None = None,
    ) -> Iterator[Label]:
        return self._here().labels(layer, coders, doc_id, passage)

    def unlabelled(
        self, coder: str, layer: str, doc_ids: Sequence[str] = (), limit: int = 1
    ) -> list[tuple[str, int]]:
        return self._here().unlabelled(coder, layer, doc_ids, limit)

    def document_paths(self) -> dict[str, str]:
        return self._here().document_paths()

    # reads --------------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document:
        return self._here().document(doc_id)

    def documents(self, filters: Filters | None = None) -> Iterator[Document]:
        return self._here().documents(filters)

    def passages(self, doc_id: str) -> list[Passage]:
        return self._here().passages(doc_id)

    def annotations(
        self, doc_id: str | None = None, layers: Iterable[Layer] | None = None,
        filters: Filters | None = None, passages: Iterable[int] | None = None,
    ) -> Iterator[Annotation]:
        return self._here().annotations(doc_id, layers, filters, passages)

    def embeddings(self, doc_id: str) -> Any | None:
        return self._here().embeddings(doc_id)

    def count(self) -> dict[str, int]:
        return self._here().count()

    def document_ids(self, prefix: str, limit: int = 10) -> list[str]:
        return self._here().document_ids(prefix, limit)

    def document_table(self, filters: Filters | None = None) -> Iterator[tuple[Any, ...]]:
        return self._here().document_table(filters)

    def passage_table(self, filters: Filters | None = None) -> Iterator[tuple[Any, ...]]:
        return self._here().passage_table(filters)

    def annotation_table(
        self, layer: Layer, attrs: Sequence[str] = (), filters: Filters | None = None, *,
        evidence: bool = False,
    ) -> Iterator[tuple[Any, ...]]:
        return self._here().annotation_table(layer, attrs, filters, evidence=evidence)

    def prepare_search(self) -> None:
        self._here().prepare_search()

    def mention_table(self, vectors: Sequence[str], filters: Filters | None = None
                      ) -> Iterator[tuple[Any, ...]]:
        return self._here().mention_table(vectors, filters)

    def search(self, query: str, filters: Filters | None = None, limit: int = 20
               ) -> list[SearchHit]:
        return self._here().search(query, filters, limit)

    def search_vector(self, vector: Any, filters: Filters | None = None, limit: int = 20
                      ) -> list[SearchHit]:
        return self._here().search_vector(vector, filters, limit)


def _implements_the_contract(store: PerThreadStore) -> CorpusRepository:
    return store  # mypy checks here that PerThreadStore has every method of the protocol
