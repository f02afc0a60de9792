"""The SQLite corpus store: one file holds documents, passages, annotations, embeddings and an FTS5
index of passage lemmas, behind the :class:`~multivector.store.base.CorpusRepository` contract.

Every write for one document is one ``BEGIN IMMEDIATE ... COMMIT`` transaction, so a killed
ingest leaves whole documents or none; WAL journaling lets readers work while a writer writes.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np

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
from multivector.store import fts, vector_file, vector_index, vectors
from multivector.store import labels as label_rows
from multivector.store.base import (
    CorpusRepository,
    Filters,
    QuerySyntaxError,
    SearchHit,
    StoreError,
    StoreUnavailable,
)
from multivector.store.migrations import migration
from multivector.text.lemmas import lemmas, tokens

ENV_DB = "MULTIVECTOR_DB"
BUSY_TIMEOUT = 5.0  # seconds to wait for another writer before saying the database is locked


def database_file(where: str | Path) -> Path:
    """The file a database name or SQLite URI (``file:corpus.db?mode=ro``) names."""
    text = str(where)
    if text.startswith("file:"):
        return Path(unquote(text[5:].split("?", 1)[0]))
    return Path(text)


def busy_timeout() -> float:
    """Seconds to wait for another writer (``$MULTIVECTOR_BUSY_TIMEOUT``, default 5)."""
    try:
        return max(0.0, float(os.environ.get("MULTIVECTOR_BUSY_TIMEOUT", BUSY_TIMEOUT)))
    except ValueError:
        return BUSY_TIMEOUT
_FETCH = 512


def default_db_path() -> Path:
    """Where the corpus lives unless told: ``$MULTIVECTOR_DB`` if set, else ``./multivector.db``
    (in the current directory)."""
    return Path(os.environ.get(ENV_DB) or "multivector.db")


class SQLiteStore:
    """A corpus in one SQLite file (stdlib ``sqlite3``; WAL, foreign keys, ``synchronous=NORMAL``).

    ``path`` defaults to :func:`default_db_path`, read when the store is opened; ``":memory:"``
    gives a private in-memory corpus; an SQLite URI such as ``file:corpus.db?mode=ro`` opens
    the file as the URI says (read-only there). With ``create=False`` a missing file is an error
    instead of a new corpus; with ``discard_empty`` a file this store created is removed on close
    if no document was stored in it. Opening applies any missing schema migrations
    (:mod:`.migrations`).

    >>> store = SQLiteStore(":memory:")
    >>> store.count()
    {'documents': 0, 'passages': 0, 'annotations': 0, 'embeddings': 0}
    """

    def __init__(
        self, path: str | Path | None = None, *, create: bool = True, discard_empty: bool = False
    ) -> None:
        self.path = default_db_path() if path is None else path
        where = str(self.path)
        uri = where.startswith("file:")
        self.file = database_file(where)
        exists = where == ":memory:" or self.file.exists()
        if not exists and not create:
            raise StoreError(f"no corpus database at {where}",
                             hint=f"ingest documents first, or set {ENV_DB} to the database")
        # a file this store created and nothing was stored in: removed on close (discard_empty)
        self._discard = discard_empty and not exists
        # semantic search scans a vector index kept beside the file (a memory database: no index)
        in_memory = self.file.name in ("", ":memory:") or "mode=memory" in where
        self._vectors = None if in_memory else vector_file.IndexFolder(self.file)
        # per dimension: the index (None: scan) and the (data_version, writes) it was checked at
        self._indexes: dict[int, tuple[tuple[int, int], vector_index.VectorIndex | None]] = {}
        self._writes = 0  # commits on this connection, which its data_version does not count
        try:
            self._conn = sqlite3.connect(where, isolation_level=None, timeout=busy_timeout(),
                                         uri=uri)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the corpus database {where}: {e}",
                             hint="check that the folder exists and is writable") from e
        try:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            if not migration.applied(self._conn) and self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name != 'migrations'"
            ).fetchone():
                raise StoreError(f"{where} is an SQLite database but not a multivector corpus",
                                 hint=f"choose another file (or set {ENV_DB})")
            migration.apply(self._conn, where=where)
        except sqlite3.OperationalError as e:  # locked by a writer, read-only, disk full
            self._conn.close()
            raise self._unavailable(e, "the schema") from e
        except sqlite3.DatabaseError as e:
            self._conn.close()
            raise StoreError(f"{where} is not a usable corpus database: {e}",
                             hint="restore it from a backup or choose another file") from e
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def __str__(self) -> str:
        return str(self.path)

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        discard = False
        if self._discard:
            try:
                discard = self._conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None
            except sqlite3.Error:
                discard = False
        self._conn.close()
        self._indexes.clear()
        if discard:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with suppress(OSError):
                    Path(f"{self.file}{suffix}").unlink()
            shutil.rmtree(vector_file.folder_of(self.file), ignore_errors=True)

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection (autocommit mode), for maintenance and tests."""
        return self._conn

    # writes -------------------------------------------------------------------------------
    @contextmanager
    def _write(self, where: str) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on any error.
        A database that cannot be written raises :class:`StoreUnavailable`."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise self._unavailable(e, where) from e
        try:
            yield conn
            conn.execute("COMMIT")
            self._writes += 1
        except BaseException as e:
            if conn.in_transaction:
                with suppress(sqlite3.Error):  # SQLite may have rolled back itself (disk full)
                    conn.execute("ROLLBACK")
            if isinstance(e, sqlite3.IntegrityError):
                raise StoreError(f"{where}: {e}",
                                 hint="check that passages and annotations belong to the "
                                 "document and that offsets are integers") from e
            if isinstance(e, sqlite3.OperationalError | sqlite3.DatabaseError):
                raise self._unavailable(e, where) from e
            raise

    def _unavailable(self, e: sqlite3.Error, where: str) -> StoreUnavailable:
        """A write that failed for the database's sake, with what to do about it."""
        text = str(e).lower()
        if "readonly" in text or "read-only" in text or "permission" in text:
            hint = "the database file or its folder is read-only: fix its permissions or " \
                   "choose another --db"
        elif "full" in text or "disk i/o" in text or "no space" in text:
            hint = "the disk is full or failing: free some space or choose another --db"
        elif "locked" in text or "busy" in text:
            hint = "another process is writing to it: wait until it finishes or use another --db"
        else:
            hint = "check the database file, or choose another --db"
        return StoreUnavailable(f"cannot write {where} to {self.path}: {e}", hint=hint)

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: the statements of one search see one state of the database."""
        conn = self._conn
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN DEFERRED")
        try:
            yield conn
        finally:
            if own and conn.in_transaction:
                conn.execute("COMMIT")

    def has_document(self, doc_id: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone()
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
        for n, item in enumerate(items):
            try:
                prepared.append((n, _rows_of(item, pipeline)))
                results.append(True)
            except StoreError as e:
                results.append(e)
        if not prepared:
            return results
        where = (f"document {items[0].document.id[:12]}" if len(items) == 1
                 else f"{len(items)} documents")
        with self._write(where) as conn:
            for n, rows in prepared:
                if conn.execute("SELECT 1 FROM documents WHERE id = ?", (rows.doc[0],)).fetchone():
                    results[n] = False
                    continue
                conn.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows.doc)
                conn.executemany(
                    'INSERT INTO passages (doc_id, idx, start, "end", unit) VALUES (?,?,?,?,?)',
                    rows.passages,
                )
                conn.executemany(
                    "INSERT INTO passages_fts (lemmas, doc_id, idx) VALUES (?,?,?)", rows.index
                )
                _insert_annotations(conn, rows.annotations)
                if rows.matrix is not None:
                    _insert_embeddings(conn, rows.doc[0], rows.indices, rows.matrix)
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
        with self._write(where) as conn:
            row = conn.execute("SELECT length(text) FROM documents WHERE id = ?",
                               (doc_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no stored document {doc_id}",
                                    hint="add the document before replacing its annotations")
            indices = [i for (i,) in conn.execute(
                "SELECT idx FROM passages WHERE doc_id = ? ORDER BY idx", (doc_id,))]
            rows = [_annotation_row(a, doc_id, set(indices), row[0], where) for a in annotations]
            matrix = (vectors.as_matrix(embeddings, len(indices), where)
                      if embeddings is not None else None)
            conn.execute(
                "DELETE FROM annotations WHERE doc_id = ? AND layer IN (SELECT value FROM "
                "json_each(?))", (doc_id, json.dumps(layer_values)),
            )
            _insert_annotations(conn, rows)
            if matrix is not None:
                # new rowids above every earlier one, never reused: the vector index sees the
                # replaced rows as deleted (see vector_file.table_state)
                (top,) = conn.execute("SELECT max(rowid) FROM embeddings").fetchone()
                conn.execute("DELETE FROM embeddings WHERE doc_id = ?", (doc_id,))
                _insert_embeddings(conn, doc_id, indices, matrix, after=top or 0)
            if pipeline is not None:
                conn.execute("UPDATE documents SET pipeline = ? WHERE id = ?",
                             (_dumps(pipeline, where, "pipeline"), doc_id))

    def set_labels(self, items: Sequence[Label]) -> int:
        """Store human label sets (one transaction; a coder's earlier set for the same passage
        and layer is replaced). A label of a passage that is not stored is a StoreError."""
        with self._write("labels") as conn:
            return label_rows.upsert(conn, items)

    def labels(
        self, layer: str | None = None, coders: Sequence[str] = (), doc_id: str | None = None,
        passage: int | None = None,
    ) -> Iterator[Label]:
        """Stored label sets, by document, passage, layer and coder."""
        with self._snapshot() as conn:
            yield from label_rows.select(conn, layer=layer, coders=coders, doc_id=doc_id,
                                         passage=passage)

    def unlabelled(
        self, coder: str, layer: str, doc_ids: Sequence[str] = (), limit: int = 1
    ) -> list[tuple[str, int]]:
        """(document, passage) pairs ``coder`` has not labelled on ``layer``, in date order."""
        return label_rows.unlabelled(self._conn, coder, layer, doc_ids=doc_ids, limit=limit)

    def document_paths(self) -> dict[str, str]:
        """Source paths of stored documents -> document ids (to place labels made elsewhere)."""
        return label_rows.document_paths(self._conn)

    # reads --------------------------------------------------------------------------------
    def document(self, doc_id: str) -> Document:
        row = self._conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents d WHERE d.id = ?",
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
        for row in self._rows(sql, params):
            yield _document(row)

    def passages(self, doc_id: str) -> list[Passage]:
        found = [
            Passage(doc_id, idx, start, end, unit)
            for idx, start, end, unit in self._conn.execute(
                'SELECT idx, start, "end", unit FROM passages WHERE doc_id = ? ORDER BY idx',
                (doc_id,),
            )
        ]
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
            conds.append("an.doc_id = ?")
            params.append(doc_id)
            if passages is not None:
                conds.append("an.passage IN (SELECT value FROM json_each(?))")
                params.append(json.dumps(sorted({int(x) for x in passages})))
        elif passages is not None:
            raise ValueError("passages selects within one document: give doc_id too")
        if layers is not None:
            conds.append("an.layer IN (SELECT value FROM json_each(?))")
            params.append(json.dumps([Layer(x).value for x in layers]))
        pconds, pparams = _passage_conditions(f, "an.doc_id", "an.passage")
        sql = (f"SELECT an.doc_id, an.passage, an.layer, an.label, an.start, an.\"end\", an.score,"
               f" an.component, an.version, an.rule, an.attrs FROM annotations an {join}"
               f" {_where(conds + pconds)} ORDER BY an.doc_id, an.start, an.\"end\", an.id")
        for d, p, layer, label, start, end, score, comp, ver, rule, attrs in self._rows(
            sql, params + pparams
        ):
            yield Annotation(d, p, Layer(layer), label, start, end, score,
                             Producer(comp, ver, rule), json.loads(attrs))

    def embeddings(self, doc_id: str) -> vectors.Matrix | None:
        """The document's embeddings (passages x dimensions, by passage index), or None."""
        rows = self._conn.execute(
            "SELECT dim, vector FROM embeddings WHERE doc_id = ? ORDER BY passage", (doc_id,)
        ).fetchall()
        if not rows:
            if not self.has_document(doc_id):
                raise NotFoundError(f"no stored document {doc_id}",
                                    hint="list stored documents with their ids first")
            return None
        dims = {dim for dim, _ in rows}
        if len(dims) != 1:
            raise StoreError(f"document {doc_id}: embeddings of several dimensions {sorted(dims)}",
                             hint="re-embed the document with one model")
        return vectors.from_blobs([blob for _, blob in rows], dims.pop())

    def count(self) -> dict[str, int]:
        return {
            table: self._conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("documents", "passages", "annotations", "embeddings")
        }

    def pipelines(self, doc_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for start in range(0, len(doc_ids), 500):
            chunk = list(doc_ids[start:start + 500])
            for doc_id, recorded in self._conn.execute(
                "SELECT id, pipeline FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(chunk),),
            ):
                out[doc_id] = {str(k): str(v) for k, v in json.loads(recorded).items()}
        return out

    def document_ids(self, prefix: str, limit: int = 10) -> list[str]:
        """Ids starting with ``prefix``, in order (an index range scan, not a pass over all)."""
        if not prefix:
            return []
        rows = self._conn.execute(
            "SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (prefix, prefix + "\U0010ffff", max(0, limit)),
        )
        return [i for (i,) in rows]

    # tables for analyses ------------------------------------------------------------------
    def document_table(self, filters: Filters | None = None) -> Iterator[tuple[Any, ...]]:
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "p.doc_id", "p.idx")
        count = "(SELECT count(*) FROM passages p WHERE p.doc_id = d.id" + "".join(
            f" AND {c}" for c in pconds) + ")"
        if pconds:  # documents with at least one passage that passes
            conds.append(f"{count} > 0")
            params = [*params, *pparams]
        sql = (f"SELECT d.id, d.title, d.date, d.source, d.genre, d.author, d.country,"
               f" d.language, {count} FROM documents d {_where(conds)}"
               " ORDER BY d.date NULLS LAST, d.id")
        yield from self._rows(sql, [*pparams, *params])

    def passage_table(self, filters: Filters | None = None) -> Iterator[tuple[Any, ...]]:
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "p.doc_id", "p.idx")
        sql = ('SELECT p.doc_id, p.idx, p.start, p."end", substr(d.text, p.start + 1,'
               ' p."end" - p.start), d.date, d.country FROM passages p JOIN documents d'
               f" ON d.id = p.doc_id {_where(conds + pconds)}"
               " ORDER BY d.date NULLS LAST, p.doc_id, p.idx")
        yield from self._rows(sql, params + pparams)

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
        # `->` gives each value as JSON text (strings quoted), decoded below: lists stay lists
        extracts = "".join(", an.attrs -> ?" for _ in attrs)
        text = ', substr(d.text, an.start + 1, an."end" - an.start)' if evidence else ""
        sql = (f'SELECT an.doc_id, an.passage, an.start, an."end", an.score, an.label{extracts}'
               f"{text}, d.date, d.source, d.genre, d.author, d.country, d.language"
               " FROM annotations an JOIN documents d ON d.id = an.doc_id"
               f" {_where(['an.layer = ?', *conds, *pconds])}"
               ' ORDER BY d.date NULLS LAST, an.doc_id, an.start, an."end", an.id')
        paths = [f"$.{_json_key(k)}" for k in attrs]
        first, last = 6, 6 + len(attrs)
        for row in self._rows(sql, [*paths, Layer(layer).value, *params, *pparams]):
            if first == last:
                yield row
            else:
                yield (*row[:first], *(_json_value(v) for v in row[first:last]), *row[last:])

    def mention_table(
        self, vectors: Sequence[str], filters: Filters | None = None
    ) -> Iterator[tuple[Any, ...]]:
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "an.doc_id", "an.passage")
        join = "JOIN documents d ON d.id = an.doc_id" if conds else ""
        marks = ", ".join("?" for _ in vectors) or "NULL"
        # every reading of a span is ranked (so that a span whose best reading is of another
        # vector, or of the speaker's own country, does not count), then the counted ones
        # are grouped per passage, vector and actor
        sql = ("WITH ranked AS (SELECT an.doc_id, an.passage, an.start, an.\"end\", an.score,"
               " an.label, an.attrs ->> '$.vector' AS vector, row_number() OVER (PARTITION BY"
               " an.doc_id, an.start, an.\"end\" ORDER BY an.score DESC, an.id) AS rk"
               f" FROM annotations an {join} {_where(['an.layer = ?', *conds, *pconds])}),"
               " counted AS (SELECT doc_id, passage, min(start) AS start, min(\"end\") AS"
               " \"end\", max(score) AS score, label, vector, count(*) AS n FROM ranked"
               f" WHERE rk = 1 AND vector IN ({marks}) GROUP BY doc_id, passage, vector, label)"
               " SELECT c.doc_id, c.passage, c.start, c.\"end\", c.score, c.label, c.vector, c.n,"
               " d.date, d.source, d.genre, d.author, d.country, d.language FROM counted c"
               " JOIN documents d ON d.id = c.doc_id"
               ' ORDER BY d.date NULLS LAST, c.doc_id, c.start, c."end"')
        return self._rows(sql, [Layer.ACTOR.value, *params, *pparams, *vectors])

    def _rows(self, sql: str, params: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        cursor = self._conn.execute(sql, params)
        while batch := cursor.fetchmany(_FETCH):
            yield from batch

    # search -------------------------------------------------------------------------------
    def search(
        self, query: str, filters: Filters | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """Passages matching ``query`` (see :mod:`.fts` for the syntax), best bm25 first.

        ``score`` is the negated bm25 rank: higher is better. One query ranks, filters and cuts
        the page and reads its rows with their highlights and documents (a filtered search
        checks the best matches first, and every match in a second query only when too few of
        those pass: :func:`_filtered_page`); one more reads the page's labels. Only the page's
        passages are tokenised (for the snippets)."""
        expr = fts.compile_query(query)
        if limit <= 0:
            return []
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "fc.c1", "fc.c2")
        with self._snapshot() as conn:
            try:
                # a document's passages are few: rank them all (the filter comes first)
                page = _filtered_page if (conds or pconds) and not f.doc_ids else _ranked_page
                rows = page(conn, expr, conds, pconds, [*params, *pparams], limit)
            except sqlite3.OperationalError as e:
                raise QuerySyntaxError(f"search query {_clip(query)!r} failed: {e}",
                                       hint=fts.SYNTAX_HINT) from e
            labels = _page_labels(conn, [(doc_id, idx) for _, doc_id, idx, *_ in rows])
        hits = []
        for rank, doc_id, idx, marked, start, end, text, title, date, source, country in rows:
            snippet = fts.highlighted(text, marked)
            hits.append(SearchHit(
                doc_id=doc_id, passage=idx, score=float(-rank), snippet=snippet.text,
                highlights=snippet.highlights, start=start, end=end, title=title,
                date=dt.date.fromisoformat(date) if date else None, source=source,
                country=country, labels=labels.get((doc_id, idx), {}),
            ))
        return hits

    def _search_per_hit(
        self, query: str, filters: Filters | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """:meth:`search` as before issue 13: the page ranked, then its highlights, then three
        queries and a tokenisation per hit (the reference of the page query's tests and
        benchmark)."""
        expr = fts.compile_query(query)
        if limit <= 0:
            return []
        f = filters or Filters()
        conds, params = _document_conditions(f, "d")
        join = "JOIN documents d ON d.id = f.doc_id" if conds else ""
        pconds, pparams = _passage_conditions(f, "f.doc_id", "f.idx")
        sql = (f"SELECT f.rowid, f.rank FROM passages_fts f {join}"
               f" {_where(['passages_fts MATCH ?', *conds, *pconds])}"
               " ORDER BY f.rank, f.rowid LIMIT ?")
        with self._snapshot() as conn:
            try:
                ranked = conn.execute(sql, [expr, *params, *pparams, limit]).fetchall()
                marked = dict(conn.execute(
                    "SELECT rowid, highlight(passages_fts, 0, char(1), char(2)) FROM"
                    " passages_fts WHERE passages_fts MATCH ? AND rowid IN"
                    " (SELECT value FROM json_each(?))",
                    (expr, json.dumps([r for r, _ in ranked])),
                ))
            except sqlite3.OperationalError as e:
                raise QuerySyntaxError(f"search query {_clip(query)!r} failed: {e}",
                                       hint=fts.SYNTAX_HINT) from e
            hits = []
            for rowid, rank in ranked:
                doc_id, idx = conn.execute(
                    "SELECT doc_id, idx FROM passages_fts WHERE rowid = ?", (rowid,)).fetchone()
                hits.append(self._hit(doc_id, idx, -rank, marked[rowid]))
        return hits

    def search_vector(
        self, vector: Any, filters: Filters | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """Passages nearest ``vector`` by exact cosine similarity (``score``), best first.

        A file database keeps a vector index beside it (:mod:`.vector_file`), built on the
        first search and kept up to date by the searches after writes; the hits and scores are
        those of a scan of every stored vector, which a memory database (or an index that
        cannot be written) still does."""
        q = vectors.query_vector(vector)
        f = filters or Filters()
        with self._snapshot() as conn:
            ranked = self._ranked_by_index(conn, q, f, limit)
            if ranked is None:
                ranked = self._ranked_by_scan(conn, q, f, limit)
            return [self._hit(*self._passage_of(rowid), score, None) for score, rowid in ranked]

    def prepare_search(self) -> None:
        """Bring the vector index beside the database up to date with the stored embeddings
        (what the first semantic search after writes would do: 14-42 s at a million passages),
        for every dimension stored."""
        if self._vectors is None:
            return
        with self._snapshot() as conn:
            state = vector_file.table_state(conn)
            if state.rows == 0:
                return
            (version,) = conn.execute("PRAGMA data_version").fetchone()
            dims = [d for (d,) in conn.execute("SELECT DISTINCT dim FROM embeddings")]
            for dim in dims:
                checked = self._indexes.get(dim)
                index = self._vectors.fresh(conn, dim, state, checked[1] if checked else None)
                self._indexes[dim] = ((version, self._writes), index)

    def _search_vector_scan(
        self, vector: Any, filters: Filters | None = None, limit: int = 20
    ) -> list[SearchHit]:
        """:meth:`search_vector` without the index: every stored vector read out of SQLite, as
        before issue 13 (the reference of the index's tests and benchmark)."""
        q = vectors.query_vector(vector)
        with self._snapshot() as conn:
            ranked = self._ranked_by_scan(conn, q, filters or Filters(), limit)
            return [self._hit(*self._passage_of(rowid), score, None) for score, rowid in ranked]

    def _passage_of(self, rowid: int) -> tuple[str, int]:
        doc_id, idx = self._conn.execute(
            "SELECT doc_id, passage FROM embeddings WHERE rowid = ?", (rowid,)).fetchone()
        return doc_id, idx

    def _ranked_by_scan(
        self, conn: sqlite3.Connection, q: vectors.Matrix, f: Filters, limit: int
    ) -> list[tuple[float, int]]:
        conds, params = _document_conditions(f, "d")
        join = "JOIN documents d ON d.id = e.doc_id" if conds else ""
        pconds, pparams = _passage_conditions(f, "e.doc_id", "e.passage")
        sql = (f"SELECT e.rowid, e.vector FROM embeddings e {join}"
               f" {_where(['e.dim = ?', *conds, *pconds])}")
        cursor = conn.execute(sql, [q.shape[0], *params, *pparams])
        return vectors.top_k(iter(lambda: cursor.fetchmany(vectors.CHUNK_ROWS), []), q, limit)

    def _ranked_by_index(
        self, conn: sqlite3.Connection, q: vectors.Matrix, f: Filters, limit: int
    ) -> list[tuple[float, int]] | None:
        """The scan's ranking from the index's candidates re-scored with their stored vectors;
        None when there is no usable index (the caller scans)."""
        if self._vectors is None or limit <= 0:
            return None
        dim = q.shape[0]
        (version,) = conn.execute("PRAGMA data_version").fetchone()
        key = (version, self._writes)
        checked = self._indexes.get(dim)
        if checked is not None and checked[0] == key:
            index = checked[1]
        else:
            state = vector_file.table_state(conn)
            index = None if state.rows == 0 else self._vectors.fresh(
                conn, dim, state, checked[1] if checked else None)
            self._indexes[dim] = (key, index)
        if index is None:
            return None
        conds, params = _document_conditions(f, "d")
        pconds, pparams = _passage_conditions(f, "e.doc_id", "e.passage")
        passes = (_PassingRows(conn, conds, [*params, *pparams], pconds)
                  if conds or pconds else None)
        rowids = index.candidates(q, limit, passes)
        cursor = conn.execute(
            "SELECT rowid, vector FROM embeddings WHERE rowid IN (SELECT value FROM"
            " json_each(?)) AND dim = ? ORDER BY rowid", (json.dumps(rowids.tolist()), dim))
        return vectors.top_k(iter(lambda: cursor.fetchmany(vectors.CHUNK_ROWS), []), q, limit)

    def _hit(self, doc_id: str, idx: int, score: float, marked: str | None) -> SearchHit:
        start, end, text, title, date, source, country = self._conn.execute(
            'SELECT p.start, p."end", substr(d.text, p.start + 1, p."end" - p.start), d.title,'
            " d.date, d.source, d.country FROM passages p JOIN documents d ON d.id = p.doc_id"
            " WHERE p.doc_id = ? AND p.idx = ?", (doc_id, idx),
        ).fetchone()
        spans: list[tuple[int, int]] = []
        if marked is not None:
            words = tokens(text)
            column = marked.replace(fts.OPEN_MARK, "").replace(fts.CLOSE_MARK, "")
            lemma_list = column.split(" ")
            if len(lemma_list) == len(words):  # else indexed by another tokeniser: no marks
                spans = [words[i][:2] for i in fts.marked_tokens(marked, lemma_list)]
        snippet = fts.kwic(text, spans)
        labels: dict[str, list[str]] = {}
        for layer, label in self._conn.execute(
            "SELECT layer, label FROM annotations WHERE doc_id = ? AND passage = ?"
            " ORDER BY start, id", (doc_id, idx),
        ):
            if label not in labels.setdefault(layer, []):
                labels[layer].append(label)
        return SearchHit(
            doc_id=doc_id, passage=idx, score=float(score), snippet=snippet.text,
            highlights=snippet.highlights, start=start, end=end, title=title,
            date=dt.date.fromisoformat(date) if date else None, source=source,
            country=country, labels=labels,
        )


# the page's rows: rank, passage, highlighted lemmas, offsets, text and document metadata
_PAGE_ROWS = (" SELECT page.rank, f.doc_id, f.idx,"
              " highlight(passages_fts, 0, char(1), char(2)),"
              ' p.start, p."end", substr(d.text, p.start + 1, p."end" - p.start), d.title,'
              " d.date, d.source, d.country FROM page"
              " CROSS JOIN passages_fts f ON f.rowid = page.hit"
              " JOIN passages p ON p.doc_id = f.doc_id AND p.idx = f.idx"
              " JOIN documents d ON d.id = f.doc_id"
              " WHERE passages_fts MATCH ? ORDER BY page.rank, page.hit")


def _filter_join(on: str, conds: list[str], pconds: list[str]) -> str:
    """Filters read each matching row's passage from the index's content table (its doc_id
    and idx are the columns c1 and c2) by rowid, twice as fast as through the FTS5 table,
    and the document only for document filters."""
    return ((f"CROSS JOIN passages_fts_content fc ON fc.id = {on}" if conds or pconds else "")
            + (" JOIN documents d ON d.id = fc.c1" if conds else ""))


def _ranked_page(conn: sqlite3.Connection, expr: str, conds: list[str], pconds: list[str],
                 params: list[Any], limit: int) -> list[Any]:
    """One query: the matches ranked by bm25, filtered by ``conds`` (each matching row checked
    before the page is cut), cut to ``limit`` in a materialised CTE, and the page's rows read
    for those only (so highlight() and the passage text are computed for its rows alone)."""
    join = _filter_join("f.rowid", conds, pconds)
    sql = ("WITH page AS MATERIALIZED (SELECT f.rowid AS hit, f.rank AS rank"
           f" FROM passages_fts f {join} {_where(['passages_fts MATCH ?', *conds, *pconds])}"
           " ORDER BY f.rank, f.rowid LIMIT ?)" + _PAGE_ROWS)
    return conn.execute(sql, [expr, *params, limit, expr]).fetchall()


FIRST_MATCHES = 25  # per hit of the page: the best ranked matches a filtered search checks first


def _filtered_page(conn: sqlite3.Connection, expr: str, conds: list[str], pconds: list[str],
                   params: list[Any], limit: int) -> list[Any]:
    """The page of a filtered search. The best ranked matches (25 per hit asked: 500 for a
    page of 20) are checked first, in one statement: where a filter lets through one match in
    25 or more, that page is the page, after a few hundred checks instead of one per match
    (every match of a common word at a million passages, in a database far larger than
    SQLite's cache). Otherwise :func:`_ranked_page` checks every match while ranking them.
    The first matches are cut by (rank, rowid), the order of the page, so the page is exactly
    :func:`_ranked_page`'s when it is full."""
    window = FIRST_MATCHES * limit
    sql = ("WITH first AS MATERIALIZED (SELECT rowid AS hit, rank FROM passages_fts"
           " WHERE passages_fts MATCH ? ORDER BY rank, rowid LIMIT ?),"
           " page AS MATERIALIZED (SELECT f.hit AS hit, f.rank AS rank FROM first f"
           f" {_filter_join('f.hit', conds, pconds)} {_where([*conds, *pconds])}"
           " ORDER BY f.rank, f.hit LIMIT ?)" + _PAGE_ROWS)
    rows = conn.execute(sql, [expr, window, *params, limit, expr]).fetchall()
    if len(rows) == limit:
        return rows
    return _ranked_page(conn, expr, conds, pconds, params, limit)


def _page_labels(
    conn: sqlite3.Connection, page: list[tuple[str, int]]
) -> dict[tuple[str, int], dict[str, list[str]]]:
    """The labels of each passage of a search page, per layer in the order they occur
    (start, then insertion) and each once: one query for the whole page."""
    out: dict[tuple[str, int], dict[str, list[str]]] = {}
    if not page:
        return out
    for doc_id, idx, layer, label in conn.execute(
        "SELECT a.doc_id, a.passage, a.layer, a.label FROM json_each(?) j"
        " JOIN annotations a ON a.doc_id = json_extract(j.value, '$[0]')"
        " AND a.passage = json_extract(j.value, '$[1]')"
        " ORDER BY j.key, a.start, a.id", (json.dumps(page),),
    ):
        labels = out.setdefault((doc_id, idx), {}).setdefault(layer, [])
        if label not in labels:
            labels.append(label)
    return out


def _implements_the_contract(store: SQLiteStore) -> CorpusRepository:
    return store  # mypy checks here that SQLiteStore has every method of the protocol


class _PassingRows:
    """The embeddings rows that pass a search's filters, asked of SQLite by the vector index
    (:class:`~multivector.store.vector_index.RowFilter`)."""

    def __init__(self, conn: sqlite3.Connection, conds: list[str], params: list[Any],
                 pconds: list[str]) -> None:
        self._conn, self._conds, self._params = conn, [*conds, *pconds], params
        self._join = "JOIN documents d ON d.id = e.doc_id" if conds else ""

    def among(self, rowids: vector_index.Ints) -> Any:
        ids = rowids.tolist()
        sql = (f"SELECT e.rowid FROM embeddings e {self._join} WHERE e.rowid IN"
               f" (SELECT value FROM json_each(?)) AND {' AND '.join(self._conds)}")
        passing = [r for (r,) in self._conn.execute(sql, [json.dumps(ids), *self._params])]
        return np.isin(rowids, np.asarray(passing, dtype=np.int64))

    def every(self) -> vector_index.Ints:
        sql = f"SELECT e.rowid FROM embeddings e {self._join} {_where(self._conds)}"
        rows = self._conn.execute(sql, self._params).fetchall()
        return np.sort(np.fromiter((r for (r,) in rows), dtype=np.int64, count=len(rows)))


# rows and checks ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Rows:
    """Everything one document writes, checked and converted before the transaction."""

    doc: tuple[Any, ...]
    passages: list[tuple[Any, ...]]
    index: list[tuple[str, str, int]]
    annotations: list[tuple[Any, ...]]
    indices: list[int]
    matrix: vectors.Matrix | None


def _rows_of(item: AnnotatedDocument, pipeline: dict[str, str] | None) -> _Rows:
    document, passages = item.document, item.passages
    where = f"document {document.id}"
    _check_passages(document, passages, where)
    indices = {p.index for p in passages}
    annotations = [_annotation_row(a, document.id, indices, len(document.text), where)
                   for a in item.annotations]
    matrix = (vectors.as_matrix(item.embeddings, len(passages), where)
              if item.embeddings is not None else None)
    meta = document.meta
    doc_row = (
        document.id, document.text, meta.title,
        meta.date.isoformat() if meta.date else None, meta.source, meta.author,
        meta.language, Genre(meta.genre).value if meta.genre else None, meta.country,
        meta.path, _dumps(meta.extra, where, "meta.extra"),
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        _dumps(pipeline or {}, where, "pipeline"),
    )
    return _Rows(
        doc=doc_row,
        passages=[(document.id, p.index, p.start, p.end, p.unit) for p in passages],
        index=[(" ".join(lemmas(p.text_of(document.text))), document.id, p.index)
               for p in passages],
        annotations=annotations,
        indices=[p.index for p in passages],
        matrix=matrix,
    )


_DOC_COLUMNS = ("d.id, d.text, d.title, d.date, d.source, d.author, d.language, d.genre,"
                " d.country, d.path, d.extra")


def _document(row: tuple[Any, ...]) -> Document:
    doc_id, text, title, date, source, author, language, genre, country, path, extra = row
    meta = DocumentMeta(
        title=title, date=dt.date.fromisoformat(date) if date else None, source=source,
        author=author, language=language, genre=Genre(genre) if genre else None,
        country=country, path=path, extra=json.loads(extra),
    )
    return Document(doc_id, text, meta)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(value: Mapping[str, Any], where: str, what: str) -> str:
    try:
        return json.dumps(dict(value), ensure_ascii=False, sort_keys=True,
                          default=_json_default, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise StoreError(f"{where}: {what} cannot be stored as JSON ({e})",
                         hint="use strings, numbers, booleans, lists, dicts and dates") from e


def _check_passages(document: Document, passages: Sequence[Passage], where: str) -> None:
    seen: set[int] = set()
    for p in passages:
        if p.doc_id != document.id:
            raise StoreError(f"{where}: passage {p.index} belongs to document {p.doc_id}",
                             hint="build passages from the document being added")
        if p.index in seen:
            raise StoreError(f"{where}: passage index {p.index} occurs twice",
                             hint="number passages 0, 1, 2, ... once each")
        if not 0 <= p.start <= p.end <= len(document.text):
            raise StoreError(
                f"{where}: passage {p.index} spans {p.start}-{p.end}, outside the text "
                f"(length {len(document.text)})", hint="passage offsets index the document text")
        seen.add(p.index)


def _annotation_row(
    a: Annotation, doc_id: str, passages: set[int], text_length: int, where: str
) -> tuple[Any, ...]:
    if a.doc_id != doc_id:
        raise StoreError(f"{where}: an annotation {a.label!r} belongs to document {a.doc_id}",
                         hint="annotate the document being stored")
    if a.passage not in passages:
        raise StoreError(f"{where}: annotation {a.label!r} names passage {a.passage}, which the "
                         "document does not have", hint="annotations point at stored passages")
    if not 0 <= a.start <= a.end <= text_length:
        raise StoreError(f"{where}: annotation {a.label!r} spans {a.start}-{a.end}, outside "
                         f"the text (length {text_length})",
                         hint="annotation offsets index the document text")
    return (doc_id, a.passage, Layer(a.layer).value, a.label, a.start, a.end, float(a.score),
            a.producer.component, a.producer.version, a.producer.rule,
            _dumps(a.attrs, where, f"attrs of annotation {a.label!r}"))


def _insert_annotations(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    conn.executemany(
        'INSERT INTO annotations (doc_id, passage, layer, label, start, "end", score, component,'
        " version, rule, attrs) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows,
    )


def _insert_embeddings(
    conn: sqlite3.Connection, doc_id: str, indices: list[int], matrix: vectors.Matrix,
    after: int | None = None,
) -> None:
    """Insert a document's embeddings; with ``after``, under the rowids that follow it."""
    rows = [(doc_id, i, matrix.shape[1], vectors.to_blob(row))
            for i, row in zip(indices, matrix, strict=True)]
    if after is None:
        conn.executemany(
            "INSERT INTO embeddings (doc_id, passage, dim, vector) VALUES (?,?,?,?)", rows)
    else:
        conn.executemany(
            "INSERT INTO embeddings (rowid, doc_id, passage, dim, vector) VALUES (?,?,?,?,?)",
            [(after + 1 + n, *row) for n, row in enumerate(rows)])


# filters -----------------------------------------------------------------------------------
def _clip(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _json_value(text: str | None) -> Any:
    """A value as SQLite's ``->`` gives it (JSON text), decoded: a plain string without
    escapes directly (most attributes: actor ids, types, routes), anything else by ``json``.
    About 5x faster than ``json.loads`` on such a string (timeit): the analyses read
    millions of them."""
    if text is None:
        return None
    if text[:1] == '"' and "\\" not in text:
        return text[1:-1]
    return json.loads(text)


def _json_key(key: str) -> str:
    """A key of ``attrs`` as a JSON path step (quoted unless a plain identifier)."""
    return key if key.isidentifier() else json.dumps(key)


def _where(conds: list[str]) -> str:
    return "WHERE " + " AND ".join(conds) if conds else ""


def _listed(column: str, values: Sequence[str], params: list[Any]) -> str:
    params.append(json.dumps(list(values)))
    return f"{column} IN (SELECT value FROM json_each(?))"


def _document_conditions(f: Filters, d: str) -> tuple[list[str], list[Any]]:
    """SQL conditions on the documents table (aliased ``d``) and their parameters."""
    conds: list[str] = []
    params: list[Any] = []
    if f.date_from is not None:
        conds.append(f"{d}.date >= ?")
        params.append(f.date_from.isoformat())
    if f.date_to is not None:
        conds.append(f"{d}.date <= ?")
        params.append(f.date_to.isoformat())
    for column, values in (("source", f.sources), ("genre", f.genres),
                           ("language", f.languages), ("country", f.countries),
                           ("id", f.doc_ids)):
        if values:
            conds.append(_listed(f"{d}.{column}", [str(v) for v in values], params))
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
        has(Layer.ACTOR, _listed("fa.label", f.actors, params))
    if f.vectors:
        has(Layer.ACTOR, _listed("json_extract(fa.attrs, '$.vector')", f.vectors, params))
    if f.themes:
        # a parent theme matches its sub-themes: "economy" matches "economy.trade"
        # ('/' follows '.' in code order, so the range holds exactly the "theme." labels)
        has(Layer.THEME, "(" + " OR ".join(
            "fa.label = ? OR (fa.label > ? AND fa.label < ?)" for _ in f.themes) + ")")
        for t in f.themes:
            params += [t, f"{t}.", f"{t}/"]
    if f.elements:
        has(Layer.ELEMENT, _listed("fa.label", f.elements, params))
    if f.event_types:
        has(Layer.EVENT, _listed("fa.label", f.event_types, params))
    return conds, params
