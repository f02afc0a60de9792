"""The PostgreSQL corpus store: documents, passages, annotations, embeddings, labels and a
full-text index of passage lemmas in one database, behind the
:class:`~multivector.store.base.CorpusRepository` contract (psycopg 3, synchronous).

Every write for one document or one batch is one transaction, as in SQLite; several clients may
ingest and query at once, each store object holding one connection. Full-text search is a
``tsvector`` over the same lemma string SQLite indexes (:mod:`.pg_search`); vector search is an
exact scan of embeddings kept in NumPy per process (:mod:`.pg_vectors`). See docs/postgres.md.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import numpy as np
import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from multivector.domain.corpus import (
    AnnotatedDocument,
    Annotation,
    Document,
    DocumentMeta,
    Genre,
    Layer,
    Passage,
    Producer,
)
from multivector.domain.labels import Label
from multivector.errors import NotFoundError
from multivector.store import fts, pg_search, vectors
from multivector.store.base import (
    CorpusRepository,
    Filters,
    QuerySyntaxError,
    SearchHit,
    StoreError,
    StoreUnavailable,
)
from multivector.store.pg_dsn import is_postgres, password_of, redact
from multivector.store.pg_migrations import foreign_tables, pg_migration
from multivector.store.pg_vectors import CACHE, top_k

# The checks and rows of a document are the SQLite store's, so that both refuse the same
# documents with the same messages.
from multivector.store.sqlite import (
    ENV_DB,
    FIRST_MATCHES,
    _annotation_row,
    _dumps,
    _Rows,
    _rows_of,
)
from multivector.text.lemmas import tokens

_FETCH = 512  # rows fetched at once from a server-side cursor
_CONNECT_TIMEOUT = 10  # seconds, unless the URL says otherwise
_cursor_names = count()
_CONNECT_HINT = ("check that the PostgreSQL server is running and reachable, and the URL in --db "
                 f"or ${ENV_DB} (postgresql://USER:PASSWORD@HOST:PORT/DATABASE)")
_ISO = "YYYY-MM-DD"


@dataclass
class _Tx:
    """A write transaction under way: whether it changed embeddings (the vector cache's key)."""

    conn: psycopg.Connection[Any]
    embeddings: bool = False


class PostgresStore:
    """A corpus in a PostgreSQL database (``postgresql://USER:PASSWORD@HOST:PORT/DATABASE``).

    The corpus's tables live in the connection's current schema (the first on its search path);
    a schema holding tables of the same names that multivector did not make is refused. Opening
    applies any missing schema migrations (:mod:`.pg_migrations`); with ``create=False`` a
    database holding no corpus is an error instead of a new, empty corpus. Messages name the
    database by its URL without the password.
    """

    def __init__(self, dsn: str, *, create: bool = True) -> None:
        if not is_postgres(dsn):
            raise StoreError(f"{redact(dsn)} is not a PostgreSQL URL",
                             hint="write postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
        self.dsn = dsn
        self.name = redact(dsn)
        self._secret = password_of(dsn)
        self._conn = self._connect()
        try:
            self._open(create)
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore({self.name!r})"

    def __str__(self) -> str:
        return self.name

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    @property
    def connection(self) -> psycopg.Connection[Any]:
        """The underlying connection (autocommit mode), for maintenance and tests."""
        return self._live()

    # connection and errors ----------------------------------------------------------------
    def _connect(self) -> psycopg.Connection[Any]:
        extra: dict[str, Any] = {}
        if "connect_timeout" not in self.dsn:
            extra["connect_timeout"] = _CONNECT_TIMEOUT
        if "application_name" not in self.dsn:
            extra["application_name"] = "multivector"
        try:
            conn = psycopg.connect(self.dsn, autocommit=True, **extra)
            # every server-side cursor here is read to its end (tables for analyses, exports):
            # plan for all rows, not the first 10% (at 100k passages the counted mentions took
            # 23 s as a cursor planned for its first rows, 1.2 s planned for all)
            conn.execute("SET cursor_tuple_fraction = 1.0")
            return conn
        except psycopg.Error as e:
            raise StoreUnavailable(
                f"cannot connect to the PostgreSQL database {self.name}: {self._scrub(e)}",
                hint=_CONNECT_HINT) from e

    def _live(self) -> psycopg.Connection[Any]:
        """The connection, opened again if the server dropped it (a restart, a timeout)."""
        if self._conn.closed or self._conn.broken:
            self._conn = self._connect()
        return self._conn

    def _open(self, create: bool) -> None:
        conn = self._conn
        try:
            if not pg_migration.applied(conn):
                foreign = foreign_tables(conn)
                if foreign:
                    raise StoreError(
                        f"{self.name} already has tables {', '.join(foreign)} that are not a "
                        "multivector corpus",
                        hint="give the corpus its own database, or its own schema: add "
                        "?options=-csearch_path%3DSCHEMA to the URL")
                if not create:
                    raise StoreError(
                        f"no corpus in the PostgreSQL database {self.name}",
                        hint="ingest documents first (`multivector ingest PATH --db URL`), or "
                        f"pass --db / set {ENV_DB} to the database that holds the corpus")
            pg_migration.apply(conn, where=self.name)
            row = conn.execute("SELECT corpus_id FROM corpus_state").fetchone()
        except psycopg.Error as e:
            raise self._error(e, "open the corpus") from e
        if row is None:
            raise StoreError(f"{self.name}: the corpus has lost its corpus_state row",
                             hint="restore the database from a backup")
        self._corpus_id = str(row[0])

    def _scrub(self, e: BaseException) -> str:
        text = " ".join(str(e).split())
        if self._secret:
            text = text.replace(self._secret, "***")
        return text

    def _error(self, e: psycopg.Error, doing: str) -> StoreError:
        """A psycopg error as the store's: data that do not fit (a StoreError), or a database
        that cannot be used (StoreUnavailable), with what to do about it."""
        text = self._scrub(e)
        if isinstance(e, pg_errors.IntegrityError | pg_errors.DataError |
                      pg_errors.RaiseException):
            return StoreError(f"{doing} in {self.name}: {text}",
                              hint="check that passages and annotations belong to the document "
                              "and that offsets are integers")
        state = e.sqlstate or ""
        if isinstance(e, pg_errors.ReadOnlySqlTransaction):
            hint = ("the database is read-only for this session (a standby, or a read-only "
                    "server): write to the primary, or choose another --db")
        elif isinstance(e, pg_errors.InsufficientPrivilege):
            hint = ("the database user lacks a privilege: connect as the corpus's owner, or grant "
                    "CREATE on the schema and SELECT, INSERT, UPDATE, DELETE on its tables")
        elif state.startswith("53"):
            hint = "the database server is out of disk space or memory: free some, then retry"
        elif state in ("40001", "40P01"):
            hint = "another client wrote the same rows at the same time: run the command again"
        elif state == "3F000" or isinstance(e, pg_errors.InvalidSchemaName):
            hint = "the schema on the URL's search_path does not exist: create it first"
        elif isinstance(e, psycopg.OperationalError | psycopg.InterfaceError):
            hint = _CONNECT_HINT
        else:
            hint = "see the PostgreSQL server's log, or choose another --db"
        return StoreUnavailable(f"cannot {doing} in {self.name}: {text}", hint=hint)

    @contextmanager
    def _reading(self, doing: str) -> Iterator[psycopg.Connection[Any]]:
        conn = self._live()
        try:
            yield conn
        except psycopg.Error as e:
            raise self._error(e, doing) from e

    @contextmanager
    def _write(self, where: str) -> Iterator[_Tx]:
        """One transaction: committed on success, rolled back on any error; the corpus's version
        counters are bumped last, so that caches see the write exactly when it commits."""
        conn = self._live()
        tx = _Tx(conn)
        try:
            with conn.transaction():
                yield tx
                conn.execute(
                    "UPDATE corpus_state SET data_version = data_version + 1"
                    + (", embeddings_version = embeddings_version + 1" if tx.embeddings else ""))
        except psycopg.Error as e:
            raise self._error(e, f"write {where}") from e

    @contextmanager
    def _snapshot(self, doing: str) -> Iterator[psycopg.Connection[Any]]:
        """A read-only repeatable-read transaction: the statements of one search see one state
        of the database (inside a transaction already under way, that one)."""
        conn = self._live()
        own = conn.info.transaction_status == TransactionStatus.IDLE
        try:
            if own:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield conn
            finally:
                if own and conn.info.transaction_status != TransactionStatus.IDLE:
                    conn.execute("ROLLBACK")  # nothing was written: the cheapest end
        except psycopg.Error as e:
            raise self._error(e, doing) from e

    def _rows(self, sql: str, params: Sequence[Any], doing: str) -> Iterator[tuple[Any, ...]]:
        """The rows of a query over the corpus, fetched in batches from a server-side cursor
        that outlives transactions (``WITH HOLD``), so that the caller may read and write on
        this store while it iterates."""
        with self._reading(doing) as conn:
            cursor = conn.cursor(f"multivector_{next(_cursor_names)}", withhold=True)
            try:
                cursor.execute(sql, params)
                while batch := cursor.fetchmany(_FETCH):
                    yield from batch
            finally:
                with suppress(psycopg.Error):  # a dropped connection took the cursor with it
                    cursor.close()

    # writes -------------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        with self._reading("read documents") as conn:
            row = conn.execute("SELECT 1 FROM documents WHERE id = %s", (doc_id,)).fetchone()
        return row is not None

    def add_document(
        self,
        document: Document,
        passages: Sequence[Passage],
        annotations: Sequence[Annotation],
        embeddings: Any | None = None,
        *,
        pipeline: dict[str, str] | None = None,
    ) -> bool:
        """Store a document with its passages, annotations, index rows and embeddings, in one
        transaction. Returns False, changing nothing, if a document with its id is stored."""
        item = AnnotatedDocument(document, list(passages), list(annotations), embeddings)
        result = self.add_documents([item], pipeline=pipeline)[0]
        if isinstance(result, StoreError):
            raise result
        return result

    def add_documents(
        self, items: Sequence[AnnotatedDocument], *, pipeline: dict[str, str] | None = None
    ) -> list[bool | StoreError]:
        """Store several documents in one transaction: for each, True (stored), False (already
        stored, or earlier in ``items``) or the :class:`StoreError` that kept it out (its data
        do not fit together; the others are stored). A store that cannot be written raises
        :class:`StoreUnavailable` and keeps nothing of the batch."""
        results: list[bool | StoreError] = []
        prepared: list[tuple[int, _Rows]] = []
        seen: set[str] = set()
        for n, item in enumerate(items):
            try:
                rows = _rows_of(item, pipeline)
                _check_storable(rows, f"document {item.document.id}")
            except StoreError as e:
                results.append(e)
                continue
            if rows.doc[0] in seen:
                results.append(False)
                continue
            seen.add(rows.doc[0])
            results.append(True)
            prepared.append((n, rows))
        if not prepared:
            return results
        where = (f"document {items[0].document.id[:12]}" if len(items) == 1
                 else f"{len(items)} documents")
        with self._write(where) as tx:
            docs = [rows.doc for _, rows in prepared]
            stored = {doc_id for (doc_id,) in tx.conn.execute(
                "INSERT INTO documents (id, text, title, date, source, author, language, genre,"
                " country, path, extra, ingested_at, pipeline)"
                " SELECT id, text, title, date::date, source, author, language, genre, country,"
                " path, extra::json, ingested_at::timestamptz, pipeline::json FROM unnest("
                + ", ".join(["%s::text[]"] * 13) + ") AS r(id, text, title, date, source,"
                " author, language, genre, country, path, extra, ingested_at, pipeline)"
                " ON CONFLICT (id) DO NOTHING RETURNING id",
                [list(column) for column in zip(*docs, strict=True)],
            ).fetchall()}
            kept = []
            for n, rows in prepared:
                if rows.doc[0] in stored:
                    kept.append(rows)
                else:
                    results[n] = False
            if kept:
                _insert_passages(tx.conn, kept)
                _insert_annotations(tx.conn, [a for rows in kept for a in rows.annotations])
                with_vectors = [rows for rows in kept if rows.matrix is not None]
                if with_vectors:
                    _insert_embeddings(tx.conn, with_vectors)
                    tx.embeddings = True
        return results

    def replace_annotations(
        self,
        doc_id: str,
        layers: Iterable[Layer],
        annotations: Sequence[Annotation],
        embeddings: Any | None = None,
        *,
        pipeline: dict[str, str] | None = None,
    ) -> None:
        """Drop the document's annotations of ``layers`` and store ``annotations`` (all of those
        layers) in one transaction; ``embeddings``, if given, replace the document's too, and
        ``pipeline`` the record of what coded it."""
        where = f"document {doc_id}"
        layer_values = sorted({Layer(x).value for x in layers})
        stray = sorted({str(a.layer) for a in annotations} - set(layer_values))
        if stray:
            raise StoreError(f"{where}: annotations of layers {stray} are not being replaced",
                             hint="name every layer of the new annotations in `layers`")
        with self._write(where) as tx:
            conn = tx.conn
            row = conn.execute("SELECT length(text) FROM documents WHERE id = %s FOR UPDATE",
                               (doc_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no stored document {doc_id}",
                                    hint="add the document before replacing its annotations")
            indices = [i for (i,) in conn.execute(
                "SELECT idx FROM passages WHERE doc_id = %s ORDER BY idx", (doc_id,))]
            rows = [_annotation_row(a, doc_id, set(indices), row[0], where) for a in annotations]
            _check_strings(rows, where)
            matrix = (vectors.as_matrix(embeddings, len(indices), where)
                      if embeddings is not None else None)
            conn.execute("DELETE FROM annotations WHERE doc_id = %s AND layer = ANY(%s::text[])",
                         (doc_id, layer_values))
            _insert_annotations(conn, rows)
            if matrix is not None:
                conn.execute("DELETE FROM embeddings WHERE doc_id = %s", (doc_id,))
                _insert_embeddings(conn, [_Rows((doc_id,), [], [], [], indices, matrix)])
                tx.embeddings = True
            if pipeline is not None:
                conn.execute("UPDATE documents SET pipeline = %s::json WHERE id = %s",
                             (_dumps(pipeline, where, "pipeline"), doc_id))

    def set_labels(self, items: Sequence[Label]) -> int:
        """Store human label sets (one transaction; a coder's earlier set for the same passage
        and layer is replaced). A label of a passage that is not stored is a StoreError."""
        rows = [(x.doc_id, x.passage, x.layer, x.coder, _json_list(x.values), x.codebook,
                 x.labelled_at.isoformat(), x.note) for x in items]
        _check_strings(rows, "labels")
        with self._write("labels") as tx, tx.conn.cursor() as cursor:
            cursor.executemany(  # in order: a later set for the same key replaces an earlier one
                f"INSERT INTO labels ({_LABEL_COLUMNS}) VALUES (%s, %s, %s, %s, %s::json, %s, %s,"
                " %s) ON CONFLICT (doc_id, passage, layer, coder) DO UPDATE SET"
                ' "values" = excluded."values", codebook = excluded.codebook,'
                " labelled_at = excluded.labelled_at, note = excluded.note", rows)
        return len(items)

    def labels(
        self, layer: str | None = None, coders: Sequence[str] = (), doc_id: str | None = None,
        passage: int | None = None,
    ) -> Iterator[Label]:
        """Stored label sets, by document, passage, layer and coder."""
        conds: list[str] = []
        params: list[Any] = []
        for column, value in (("layer", layer), ("doc_id", doc_id), ("passage", passage)):
            if value is not None:
                conds.append(f"{column} = %s")
                params.append(value)
        if coders:
            conds.append("coder = ANY(%s::text[])")
            params.append(list(coders))
        sql = (f"SELECT {_LABEL_COLUMNS} FROM labels {_where(conds)}"
               " ORDER BY doc_id, passage, layer, coder")
        for d, p, lay, coder, values, codebook, at, note in self._rows(sql, params,
                                                                        "read labels"):
            yield Label(d, p, lay, coder, tuple(values), codebook,
                        dt.datetime.fromisoformat(at), note)

    def unlabelled(
        self, coder: str, layer: str, doc_ids: Sequence[str] = (), limit: int = 1
    ) -> list[tuple[str, int]]:
        """(document, passage) pairs ``coder`` has not labelled on ``layer``, in date order."""
        conds = ["NOT EXISTS (SELECT 1 FROM labels l WHERE l.doc_id = p.doc_id AND"
                 " l.passage = p.idx AND l.layer = %s AND l.coder = %s)"]
        params: list[Any] = [layer, coder]
        if doc_ids:
            conds.append("p.doc_id = ANY(%s::text[])")
            params.append(list(doc_ids))
        sql = ("SELECT p.doc_id, p.idx FROM passages p JOIN documents d ON d.id = p.doc_id "
               f"{_where(conds)} ORDER BY d.date NULLS LAST, p.doc_id, p.idx LIMIT %s")
        with self._reading("read labels") as conn:
            return [(d, i) for d, i in conn.execute(sql, [*params, max(0, limit)])]

    def document_paths(self) -> dict[str, str]:
        """Source paths of stored documents -> document ids (to place labels made elsewhere)."""
        with self._reading("read documents") as conn:
            rows = conn.execute("SELECT id, path FROM documents WHERE path IS NOT NULL"
                                " ORDER BY ingested_at DESC, id").fetchall()
        return {path: doc_id for doc_id, path in rows}

    # reads --------------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document:
        with self._reading("read documents") as conn:
            row = conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents d WHERE d.id = %s",
                               (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no stored document {doc_id}",
                                hint="list stored documents with their ids first")
        return _document(row)

    def documents(self, filters: Filters | None = None) -> Iterator[Document]:
        """Documents matching ``filters``, by date (undated last), then id."""
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "fp.doc_id", "fp.idx")
        if pconds:
            conds.append("EXISTS (SELECT 1 FROM passages fp WHERE fp.doc_id = d.id AND "
                         + " AND ".join(pconds) + ")")
            params += pparams
        sql = (f"SELECT {_DOC_COLUMNS} FROM documents d {_where(conds)}"
               " ORDER BY d.date NULLS LAST, d.id")
        for row in self._rows(sql, params, "read documents"):
            yield _document(row)

    def passages(self, doc_id: str) -> list[Passage]:
        with self._reading("read passages") as conn:
            found = [Passage(doc_id, idx, start, end, unit) for idx, start, end, unit in
                     conn.execute('SELECT idx, start, "end", unit FROM passages'
                                  " WHERE doc_id = %s ORDER BY idx", (doc_id,))]
        if not found and not self.has_document(doc_id):
            raise NotFoundError(f"no stored document {doc_id}",
                                hint="list stored documents with their ids first")
        return found

    def annotations(
        self, doc_id: str | None = None, layers: Iterable[Layer] | None = None,
        filters: Filters | None = None, passages: Iterable[int] | None = None,
    ) -> Iterator[Annotation]:
        """Annotations of one document or all, of ``layers`` or all, in passages matching
        ``filters`` (and, of one document, in the passages numbered ``passages``); ordered by
        document id, then start offset."""
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        join = "JOIN documents d ON d.id = an.doc_id" if conds else ""
        if doc_id is not None:
            conds.append("an.doc_id = %s")
            params.append(doc_id)
            if passages is not None:
                conds.append("an.passage = ANY(%s::int[])")
                params.append(sorted({int(x) for x in passages}))
        elif passages is not None:
            raise ValueError("passages selects within one document: give doc_id too")
        if layers is not None:
            conds.append("an.layer = ANY(%s::text[])")
            params.append([Layer(x).value for x in layers])
        pconds, pparams = _passage_conditions(f, "an.doc_id", "an.passage")
        sql = ('SELECT an.doc_id, an.passage, an.layer, an.label, an.start, an."end", an.score,'
               f" an.component, an.version, an.rule, an.attrs FROM annotations an {join}"
               f' {_where(conds + pconds)} ORDER BY an.doc_id, an.start, an."end", an.id')
        if doc_id is not None:  # one document's: a plain query
            with self._reading("read annotations") as conn:
                rows: Iterable[tuple[Any, ...]] = conn.execute(sql, params + pparams).fetchall()
        else:
            rows = self._rows(sql, params + pparams, "read annotations")
        for d, p, layer, label, start, end, score, comp, ver, rule, attrs in rows:
            yield Annotation(d, p, Layer(layer), label, start, end, score,
                             Producer(comp, ver, rule), attrs)

    def embeddings(self, doc_id: str) -> vectors.Matrix | None:
        """The document's embeddings (passages x dimensions, by passage index), or None."""
        with self._reading("read embeddings") as conn:
            rows = conn.execute("SELECT dim, vector FROM embeddings WHERE doc_id = %s"
                                " ORDER BY passage", (doc_id,), binary=True).fetchall()
        if not rows:
            if not self.has_document(doc_id):
                raise NotFoundError(f"no stored document {doc_id}",
                                    hint="list stored documents with their ids first")
            return None
        dims = {dim for dim, _ in rows}
        if len(dims) != 1:
            raise StoreError(f"document {doc_id}: embeddings of several dimensions {sorted(dims)}",
                             hint="re-embed the document with one model")
        return vectors.from_blobs([bytes(blob) for _, blob in rows], dims.pop())

    def count(self) -> dict[str, int]:
        tables = ("documents", "passages", "annotations", "embeddings")
        with self._reading("count the corpus") as conn:
            row = conn.execute("SELECT " + ", ".join(
                f"(SELECT count(*) FROM {t})" for t in tables)).fetchone()
        assert row is not None
        return {t: int(n) for t, n in zip(tables, row, strict=True)}

    def pipelines(self, doc_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        with self._reading("read documents") as conn:
            for start in range(0, len(doc_ids), 5000):
                for doc_id, recorded in conn.execute(
                    "SELECT id, pipeline FROM documents WHERE id = ANY(%s::text[])",
                    (list(doc_ids[start:start + 5000]),),
                ):
                    out[doc_id] = {str(k): str(v) for k, v in recorded.items()}
        return out

    def document_ids(self, prefix: str, limit: int = 10) -> list[str]:
        """Ids starting with ``prefix``, in order (an index range scan, not a pass over all)."""
        if not prefix:
            return []
        with self._reading("read documents") as conn:
            rows = conn.execute(
                "SELECT id FROM documents WHERE id >= %s AND id < %s ORDER BY id LIMIT %s",
                (prefix, prefix + "\U0010ffff", max(0, limit)),
            ).fetchall()
        return [i for (i,) in rows]

    # tables for analyses ------------------------------------------------------------------
    def document_table(self, filters: Filters | None = None) -> Iterator[tuple[Any, ...]]:
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "p.doc_id", "p.idx")
        counted = "(SELECT count(*) FROM passages p WHERE p.doc_id = d.id" + "".join(
            f" AND {c}" for c in pconds) + ")"
        if pconds:  # documents with at least one passage that passes
            conds.append(f"{counted} > 0")
            params = [*params, *pparams]
        sql = (f"SELECT d.id, d.title, to_char(d.date, '{_ISO}'), d.source, d.genre, d.author,"
               f" d.country, d.language, {counted} FROM documents d {_where(conds)}"
               " ORDER BY d.date NULLS LAST, d.id")
        yield from self._rows(sql, [*pparams, *params], "read documents")

    def passage_table(self, filters: Filters | None = None) -> Iterator[tuple[Any, ...]]:
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "p.doc_id", "p.idx")
        sql = ('SELECT p.doc_id, p.idx, p.start, p."end", substr(d.text, p.start + 1,'
               f' p."end" - p.start), to_char(d.date, \'{_ISO}\'), d.country FROM passages p'
               f" JOIN documents d ON d.id = p.doc_id {_where(conds + pconds)}"
               " ORDER BY d.date NULLS LAST, p.doc_id, p.idx")
        yield from self._rows(sql, params + pparams, "read passages")

    def annotation_table(
        self,
        layer: Layer,
        attrs: Sequence[str] = (),
        filters: Filters | None = None,
        *,
        evidence: bool = False,
    ) -> Iterator[tuple[Any, ...]]:
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "an.doc_id", "an.passage")
        # `->` gives each value as JSON, which psycopg decodes: lists stay lists
        extracts = "".join(", an.attrs -> %s::text" for _ in attrs)
        text = ', substr(d.text, an.start + 1, an."end" - an.start)' if evidence else ""
        sql = (f'SELECT an.doc_id, an.passage, an.start, an."end", an.score, an.label{extracts}'
               f"{text}, to_char(d.date, '{_ISO}'), d.source, d.genre, d.author, d.country,"
               " d.language FROM annotations an JOIN documents d ON d.id = an.doc_id"
               f" {_where(['an.layer = %s', *conds, *pconds])}"
               ' ORDER BY d.date NULLS LAST, an.doc_id, an.start, an."end", an.id')
        yield from self._rows(sql, [*attrs, Layer(layer).value, *params, *pparams],
                              "read annotations")

    def prepare_search(self) -> None:
        """Nothing to build ahead: each process reads the vectors into memory on its first
        semantic search (see :mod:`.pg_vectors`)."""

    def mention_table(
        self, vectors: Sequence[str], filters: Filters | None = None
    ) -> Iterator[tuple[Any, ...]]:
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "an.doc_id", "an.passage")
        join = "JOIN documents d ON d.id = an.doc_id" if conds else ""
        # as SQLiteStore.mention_table: every reading of a span ranked, the counted grouped
        sql = ("WITH ranked AS (SELECT an.doc_id, an.passage, an.start, an.\"end\", an.score,"
               " an.label, an.attrs ->> 'vector' AS vector, row_number() OVER (PARTITION BY"
               " an.doc_id, an.start, an.\"end\" ORDER BY an.score DESC, an.id) AS rk"
               f" FROM annotations an {join} {_where(['an.layer = %s', *conds, *pconds])}),"
               " counted AS (SELECT doc_id, passage, min(start) AS start, min(\"end\") AS"
               " \"end\", max(score) AS score, label, vector, count(*) AS n FROM ranked"
               " WHERE rk = 1 AND vector = ANY(%s) GROUP BY doc_id, passage, vector, label)"
               " SELECT c.doc_id, c.passage, c.start, c.\"end\", c.score, c.label, c.vector, c.n,"
               f" to_char(d.date, '{_ISO}'), d.source, d.genre, d.author, d.country, d.language"
               " FROM counted c JOIN documents d ON d.id = c.doc_id"
               ' ORDER BY d.date NULLS LAST, c.doc_id, c.start, c."end"')
        yield from self._rows(sql, [Layer.ACTOR.value, *params, *pparams, list(vectors)],
                              "read mentions")

    # search -------------------------------------------------------------------------------
    def search(
        self, query: str, filters: Filters | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """Passages matching ``query`` (see :mod:`.fts` for the syntax), best ``ts_rank``
        first (normalised by passage length), then in the order they were stored.

        ``score`` is the rank: higher is better (not on the scale of SQLite's bm25)."""
        node = pg_search.parse(query)
        if limit <= 0:
            return []
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        join = "JOIN documents d ON d.id = p.doc_id" if conds else ""
        pconds, pparams = _passage_conditions(f, "p.doc_id", "p.idx")
        sql = (f"SELECT p.doc_id, p.idx, ts_rank(p.terms, q.query, 1) AS rank FROM passages p"
               f" {join} CROSS JOIN CAST(%s AS tsquery) AS q(query)"
               f" {_where(['p.terms @@ q.query', *conds, *pconds])}"
               " ORDER BY rank DESC, p.seq LIMIT %s")
        # a filtered search checks the best matches first (FIRST_MATCHES per hit asked), and
        # every match only when too few of those pass (as SQLite's, store.sqlite)
        first = ("WITH p AS MATERIALIZED (SELECT p.doc_id, p.idx, p.seq,"
                 " ts_rank(p.terms, q.query, 1) AS rank FROM passages p"
                 " CROSS JOIN CAST(%s AS tsquery) AS q(query) WHERE p.terms @@ q.query"
                 " ORDER BY rank DESC, p.seq LIMIT %s)"
                 f" SELECT p.doc_id, p.idx, p.rank FROM p {join}"
                 f" {_where([*conds, *pconds])} ORDER BY p.rank DESC, p.seq LIMIT %s")
        with self._snapshot("search") as conn:
            _stem(conn, (w for t in pg_search.terms(node) for w in t.words))
            tsquery = pg_search.tsquery(node)
            try:
                ranked = []
                if (conds or pconds) and not f.doc_ids:
                    ranked = conn.execute(first, [tsquery, FIRST_MATCHES * limit, *params,
                                                  *pparams, limit]).fetchall()
                if len(ranked) < limit:
                    ranked = conn.execute(sql, [tsquery, *params, *pparams, limit]).fetchall()
            except (pg_errors.SyntaxError, pg_errors.ProgramLimitExceeded) as e:
                raise QuerySyntaxError(f"search query {_clip(query)!r} failed: {e}",
                                       hint=fts.SYNTAX_HINT) from e
            return self._hits(conn, [(d, i, float(r)) for d, i, r in ranked], node)

    def search_vector(
        self, vector: Any, filters: Filters | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """Passages nearest ``vector`` by exact cosine similarity (``score``), best first.

        The corpus's embeddings of the query's dimension are read into memory on the first
        search of a process and again after a write changes them (:mod:`.pg_vectors`)."""
        q = vectors.query_vector(vector)
        if limit <= 0:
            return []
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        join = "JOIN documents d ON d.id = e.doc_id" if conds else ""
        pconds, pparams = _passage_conditions(f, "e.doc_id", "e.passage")
        dim = int(q.shape[0])
        with self._snapshot("search by vector") as conn:
            row = conn.execute("SELECT embeddings_version FROM corpus_state").fetchone()
            assert row is not None
            loaded = CACHE.get((f"{self.name}#{self._corpus_id}", dim), int(row[0]),
                               lambda: self._load_vectors(conn, dim))
            allowed = None
            if conds or pconds:
                allowed = np.array([i for (i,) in conn.execute(
                    f"SELECT e.id FROM embeddings e {join}"
                    f" {_where(['e.dim = %s', *conds, *pconds])}",
                    [dim, *params, *pparams])], dtype=np.int64)
            best = top_k(loaded, q, limit, allowed)
            where = dict(((i, (d, p)) for i, d, p in conn.execute(
                "SELECT id, doc_id, passage FROM embeddings WHERE id = ANY(%s::bigint[])",
                ([i for _, i in best],))))
            return self._hits(conn, [(*where[i], score) for score, i in best if i in where],
                              None)

    def _load_vectors(self, conn: psycopg.Connection[Any], dim: int
                      ) -> tuple[np.ndarray[Any, np.dtype[np.int64]], vectors.Matrix]:
        ids: list[int] = []
        blobs: list[bytes] = []
        with conn.cursor(f"multivector_{next(_cursor_names)}", binary=True) as cursor:
            cursor.execute("SELECT id, vector FROM embeddings WHERE dim = %s ORDER BY id", (dim,))
            while batch := cursor.fetchmany(vectors.CHUNK_ROWS):
                for i, blob in batch:
                    ids.append(i)
                    blobs.append(blob)
        matrix = vectors.from_blobs(blobs, dim) if blobs else np.zeros((0, dim), np.float32)
        return np.array(ids, dtype=np.int64), np.ascontiguousarray(matrix)

    def _hits(self, conn: psycopg.Connection[Any], page: list[tuple[str, int, float]],
              node: pg_search.Node | None) -> list[SearchHit]:
        """Search hits for ``page`` (document, passage, score): snippets, highlights for the
        text query ``node`` (computed for this page only) and the passages' labels."""
        if not page:
            return []
        keys = ([d for d, _, _ in page], [i for _, i, _ in page])
        details = {(r[0], r[1]): r[2:] for r in conn.execute(
            'SELECT p.doc_id, p.idx, p.start, p."end", substr(d.text, p.start + 1,'
            ' p."end" - p.start), d.title, d.date, d.source, d.country, p.lemmas'
            " FROM unnest(%s::text[], %s::int[]) AS k(doc_id, idx)"
            " JOIN passages p ON p.doc_id = k.doc_id AND p.idx = k.idx"
            " JOIN documents d ON d.id = p.doc_id", keys)}
        labels: dict[tuple[str, int], dict[str, list[str]]] = {}
        for doc_id, idx, layer, label in conn.execute(
            "SELECT an.doc_id, an.passage, an.layer, an.label FROM annotations an"
            " JOIN unnest(%s::text[], %s::int[]) AS k(doc_id, idx)"
            " ON an.doc_id = k.doc_id AND an.passage = k.idx"
            " ORDER BY an.doc_id, an.passage, an.start, an.id", keys,
        ):
            found = labels.setdefault((doc_id, idx), {}).setdefault(layer, [])
            if label not in found:
                found.append(label)
        marks = (self._marks(conn, node, [details[(d, i)][-1] for d, i, _ in page])
                 if node is not None else [None] * len(page))
        hits = []
        for (doc_id, idx, score), marked in zip(page, marks, strict=True):
            start, end, text, title, date, source, country, lemmas = details[(doc_id, idx)]
            spans: list[tuple[int, int]] = []
            if marked is not None:
                words = tokens(text)
                if len(lemmas.split(" ")) == len(words):  # else another tokeniser: no marks
                    spans = [words[i][:2] for i in marked]
            snippet = fts.kwic(text, spans)
            hits.append(SearchHit(
                doc_id=doc_id, passage=idx, score=score, snippet=snippet.text,
                highlights=snippet.highlights, start=start, end=end, title=title, date=date,
                source=source, country=country, labels=labels.get((doc_id, idx), {}),
            ))
        return hits

    def _marks(self, conn: psycopg.Connection[Any], node: pg_search.Node,
               lemma_strings: list[str]) -> list[list[int] | None]:
        """The words to highlight in each passage of a page."""
        words = [pg_search.words_of(s) for s in lemma_strings]
        _stem(conn, (w for ws, _ in words for w in ws))
        return [pg_search.marked_words(node, ws) for ws in words]


def _implements_the_contract(store: PostgresStore) -> CorpusRepository:
    return store  # mypy checks here that PostgresStore has every method of the protocol


# the corpus's version, for caches ----------------------------------------------------------
@dataclass
class _Probes:
    """One connection per database URL, kept to read versions cheaply (a web server asks on
    every request); safe across threads."""

    conns: dict[str, psycopg.Connection[Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_PROBES = _Probes()


def data_version(dsn: str) -> tuple[int, ...]:
    """A fingerprint of the corpus in the database ``dsn`` that changes with every committed
    write (the corpus's identity and its write counter): what ``store_version`` gives for a
    PostgreSQL store. A database that cannot be read gives a value never given before, so that
    no cache answers for it."""
    with _PROBES.lock:
        conn = _PROBES.conns.get(dsn)
        try:
            if conn is None or conn.closed or conn.broken:
                conn = psycopg.connect(dsn, autocommit=True, connect_timeout=_CONNECT_TIMEOUT,
                                       application_name="multivector")
                _PROBES.conns[dsn] = conn
            row = conn.execute("SELECT corpus_id, data_version FROM corpus_state").fetchone()
        except psycopg.Error:
            _PROBES.conns.pop(dsn, None)
            if conn is not None:
                conn.close()
            return (-1, time.monotonic_ns())
    if row is None:
        return (-1, time.monotonic_ns())
    return (uuid.UUID(str(row[0])).int, int(row[1]))


# rows --------------------------------------------------------------------------------------
_DOC_COLUMNS = ("d.id, d.text, d.title, d.date, d.source, d.author, d.language, d.genre,"
                " d.country, d.path, d.extra")
_LABEL_COLUMNS = 'doc_id, passage, layer, coder, "values", codebook, labelled_at, note'


def _document(row: tuple[Any, ...]) -> Document:
    doc_id, text, title, date, source, author, language, genre, country, path, extra = row
    meta = DocumentMeta(
        title=title, date=date, source=source, author=author, language=language,
        genre=Genre(genre) if genre else None, country=country, path=path, extra=extra,
    )
    return Document(doc_id, text, meta)


def _json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values))


def _check_strings(rows: Iterable[Sequence[Any]], where: str) -> None:
    """PostgreSQL text cannot hold NUL characters, which SQLite stores: refuse them here, for
    one document, rather than failing the whole batch in the database."""
    for row in rows:
        for value in row:
            if isinstance(value, str) and "\x00" in value:
                raise StoreError(f"{where}: a text holds a NUL character, which PostgreSQL "
                                 "cannot store", hint="remove control characters from the "
                                 "source text (or its metadata) and ingest it again")


def _check_storable(rows: _Rows, where: str) -> None:
    _check_strings([rows.doc, *rows.passages, *rows.annotations], where)


def _stem(conn: psycopg.Connection[Any], words: Iterable[str]) -> None:
    """Learn from the server the stems of the English words among ``words`` not known yet."""
    missing = pg_search.known_stems(words)
    if missing:
        pg_search.remember_stems(conn.execute(
            f"SELECT w, ts_lexize('{pg_search.STEMMER}', w) FROM unnest(%s::text[]) AS w",
            (missing,)).fetchall())


def _insert_passages(conn: psycopg.Connection[Any], kept: list[_Rows]) -> None:
    passages = [p for rows in kept for p in rows.passages]
    lemmas = [lem for rows in kept for lem, _, _ in rows.index]
    words = [pg_search.words_of(s)[0] for s in lemmas]
    _stem(conn, (w for ws in words for w in ws))
    vectors_text = [pg_search.tsvector([pg_search.lexeme(w) for w in ws]) for ws in words]
    conn.execute(
        'INSERT INTO passages (doc_id, idx, start, "end", unit, lemmas, terms)'
        " SELECT doc_id, idx, start, stop, unit, lemmas, terms::tsvector"
        " FROM unnest(%s::text[], %s::int[], %s::int[], %s::int[], %s::text[], %s::text[],"
        " %s::text[]) WITH ORDINALITY AS r(doc_id, idx, start, stop, unit, lemmas, terms, n)"
        " ORDER BY n",
        [*[list(c) for c in zip(*passages, strict=True)], lemmas, vectors_text],
    )


def _insert_annotations(conn: psycopg.Connection[Any], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    conn.execute(
        'INSERT INTO annotations (doc_id, passage, layer, label, start, "end", score, component,'
        " version, rule, attrs) SELECT doc_id, passage, layer, label, start, stop, score,"
        " component, version, rule, attrs::json FROM unnest(%s::text[], %s::int[], %s::text[],"
        " %s::text[], %s::int[], %s::int[], %s::float8[], %s::text[], %s::text[], %s::text[],"
        " %s::text[]) WITH ORDINALITY AS r(doc_id, passage, layer, label, start, stop, score,"
        " component, version, rule, attrs, n) ORDER BY n",
        [list(c) for c in zip(*rows, strict=True)],
    )


def _insert_embeddings(conn: psycopg.Connection[Any], kept: list[_Rows]) -> None:
    doc_ids: list[str] = []
    passages: list[int] = []
    dims: list[int] = []
    blobs: list[bytes] = []
    for rows in kept:
        assert rows.matrix is not None
        for i, row in zip(rows.indices, rows.matrix, strict=True):
            doc_ids.append(rows.doc[0])
            passages.append(i)
            dims.append(rows.matrix.shape[1])
            blobs.append(vectors.to_blob(row))
    conn.execute(
        "INSERT INTO embeddings (doc_id, passage, dim, vector) SELECT doc_id, passage, dim,"
        " vector FROM unnest(%s::text[], %s::int[], %s::int[], %s::bytea[]) WITH ORDINALITY"
        " AS r(doc_id, passage, dim, vector, n) ORDER BY n",
        [doc_ids, passages, dims, blobs], binary=True,
    )


# filters -----------------------------------------------------------------------------------
def _clip(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _where(conds: list[str]) -> str:
    return "WHERE " + " AND ".join(conds) if conds else ""


def _document_conditions(f: Filters, d: str) -> tuple[list[str], list[Any]]:
    """SQL conditions on the documents table (aliased ``d``) and their parameters."""
    conds: list[str] = []
    params: list[Any] = []
    if f.date_from is not None:
        conds.append(f"{d}.date >= %s")
        params.append(f.date_from)
    if f.date_to is not None:
        conds.append(f"{d}.date <= %s")
        params.append(f.date_to)
    for column, values in (("source", f.sources), ("genre", f.genres),
                           ("language", f.languages), ("country", f.countries),
                           ("id", f.doc_ids)):
        if values:
            conds.append(f"{d}.{column} = ANY(%s::text[])")
            params.append([str(v) for v in values])
    return conds, params


def _passage_conditions(f: Filters, doc: str, passage: str) -> tuple[list[str], list[Any]]:
    """Conditions that the passage ``(doc, passage)`` has annotations matching each of the
    annotation filters (any value within one filter, every filter given)."""
    conds: list[str] = []
    params: list[Any] = []

    def has(layer: Layer, condition: str) -> None:
        conds.append(f"EXISTS (SELECT 1 FROM annotations fa WHERE fa.doc_id = {doc} AND "
                     f"fa.passage = {passage} AND fa.layer = '{layer.value}' AND {condition})")

    if f.actors:
        has(Layer.ACTOR, "fa.label = ANY(%s::text[])")
        params.append(list(f.actors))
    if f.vectors:
        has(Layer.ACTOR, "(fa.attrs ->> 'vector') = ANY(%s::text[])")
        params.append(list(f.vectors))
    if f.themes:
        # a parent theme matches its sub-themes: "economy" matches "economy.trade" (labels
        # compare in code-point order, where '/' follows '.')
        has(Layer.THEME, "(" + " OR ".join(
            "fa.label = %s OR (fa.label > %s AND fa.label < %s)" for _ in f.themes) + ")")
        for t in f.themes:
            params += [t, f"{t}.", f"{t}/"]
    if f.elements:
        has(Layer.ELEMENT, "fa.label = ANY(%s::text[])")
        params.append(list(f.elements))
    if f.event_types:
        has(Layer.EVENT, "fa.label = ANY(%s::text[])")
        params.append(list(f.event_types))
    return conds, params
