"""The file that keeps a vector index (:mod:`.vector_index`) beside an SQLite corpus, one per
dimension in ``<database>.vectors/``, memory-mapped by every reader.

Its header records the state of the embeddings table it was made from (rows, highest rowid, a
digest of that row). Rows stored since are appended in place and counted by the header, written
last, so a reader never sees a half-written row; rows deleted or replaced since make it rebuilt in
a temporary file renamed over the old one. A stale, corrupt or foreign file is rebuilt, and one
that cannot be written leaves the store to its scan: the index is never an error for the user.
Writers take a lock file in the folder; readers need none.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import secrets
import sqlite3
import struct
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from multivector.store import vectors
from multivector.store.vector_index import Ints, Quantised, TableState, VectorIndex, quantise

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, writers must not race
    fcntl = None  # type: ignore[assignment]

VERSION = 1
MAGIC = b"MVVECIX\x00"
PAGE = 4096
MIN_CAPACITY = 1024
READ_ROWS = 4096  # rows read from SQLite and quantised at once
SCAN_ROWS = 65536  # rows copied at once when the file grows
LOCK_WAIT = 120.0  # seconds to wait for another process writing the same index
_HEADER = struct.Struct("<8sIIqqqq16s")  # magic, version, dim, capacity, rows, table state
_CRC = struct.Struct("<I")


def folder_of(database: Path) -> Path:
    """Where the vector indexes of ``database`` live: ``corpus.db`` -> ``corpus.db.vectors``."""
    return database.with_name(database.name + ".vectors")


# the state of the embeddings table ---------------------------------------------------------
def table_state(conn: sqlite3.Connection) -> TableState:
    """The state of the embeddings table that ``conn`` sees (its count reads the narrowest
    index: tens of milliseconds at a million rows, paid once after each write)."""
    (rows,) = conn.execute("SELECT count(*) FROM embeddings").fetchone()
    last = conn.execute("SELECT rowid, doc_id, passage, dim, vector FROM embeddings"
                        " ORDER BY rowid DESC LIMIT 1").fetchone()
    return TableState(rows, last[0] if last else 0, _digest(last))


def _digest(row: tuple[Any, ...] | None) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    if row is not None:
        rowid, doc_id, passage, dim, vector = row
        h.update(f"{rowid}\x00{doc_id}\x00{passage}\x00{dim}\x00".encode())
        h.update(vector)
    return h.digest()


# the file ----------------------------------------------------------------------------------
def _pad(n: int) -> int:
    return -(-n // PAGE) * PAGE


@dataclass(frozen=True)
class _Layout:
    """Header page, then codes, rowids, scales and errors, each region sized for ``capacity``."""

    dim: int
    capacity: int

    @property
    def rowids_at(self) -> int:
        return PAGE + _pad(self.capacity * self.dim)

    @property
    def scales_at(self) -> int:
        return self.rowids_at + _pad(8 * self.capacity)

    @property
    def errors_at(self) -> int:
        return self.scales_at + _pad(4 * self.capacity)

    @property
    def size(self) -> int:
        return self.errors_at + _pad(4 * self.capacity)


def _header(layout: _Layout, rows: int, state: TableState) -> bytes:
    body = _HEADER.pack(MAGIC, VERSION, layout.dim, layout.capacity, rows, state.rows,
                        state.max_rowid, state.last)
    return body + _CRC.pack(zlib.crc32(body))


def _read_header(f: BinaryIO) -> tuple[_Layout, int, TableState] | None:
    for _ in range(3):  # a header read while another process writes it fails its checksum
        f.seek(0)
        data = f.read(_HEADER.size + _CRC.size)
        if len(data) < _HEADER.size + _CRC.size or not data.startswith(MAGIC):
            return None
        body = data[:_HEADER.size]
        if _CRC.unpack(data[_HEADER.size:])[0] == zlib.crc32(body):
            _, version, dim, capacity, rows, t_rows, t_max, last = _HEADER.unpack(body)
            if version != VERSION or not 0 <= rows <= capacity:
                return None
            return _Layout(dim, capacity), rows, TableState(t_rows, t_max, last)
        time.sleep(0.01)
    return None


def read_index(path: Path, dim: int) -> VectorIndex | None:
    """The index file at ``path`` if it is whole and of ``dim``; None if missing or unusable."""
    try:
        with path.open("rb") as f:
            found = _read_header(f)
            if found is None:
                return None
            layout, rows, state = found
            if layout.dim != dim or os.fstat(f.fileno()).st_size < layout.size:
                return None
            mapping = mmap.mmap(f.fileno(), layout.size, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None

    def view(dtype: type[np.generic], at: int, count: int) -> Any:
        return np.frombuffer(mapping, dtype=np.dtype(dtype).newbyteorder("<"), count=count,
                             offset=at)

    codes = view(np.int8, PAGE, rows * dim).reshape(rows, dim)
    return VectorIndex(dim, state, codes, view(np.int64, layout.rowids_at, rows),
                       view(np.float32, layout.scales_at, rows),
                       view(np.float32, layout.errors_at, rows), mapping)


def _write_rows(f: BinaryIO, layout: _Layout, at: int, rowids: Ints, rows: Quantised) -> None:
    for offset, array in ((PAGE + at * layout.dim, rows.codes),
                          (layout.rowids_at + 8 * at, rowids.astype("<i8")),
                          (layout.scales_at + 4 * at, rows.scales.astype("<f4")),
                          (layout.errors_at + 4 * at, rows.errors.astype("<f4"))):
        f.seek(offset)
        f.write(np.ascontiguousarray(array).tobytes())


def _new_rows(conn: sqlite3.Connection, dim: int, after: int) -> Iterator[tuple[Ints, Quantised]]:
    """Rows of ``dim`` with a rowid above ``after``, read and quantised in blocks."""
    cursor = conn.execute("SELECT rowid, vector FROM embeddings WHERE rowid > ? AND dim = ?"
                          " ORDER BY rowid", (after, dim))
    while batch := cursor.fetchmany(READ_ROWS):
        rowids = np.fromiter((r for r, _ in batch), dtype=np.int64, count=len(batch))
        yield rowids, quantise(vectors.from_blobs([b for _, b in batch], dim))


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not possible everywhere (Windows); the rename stands
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class IndexFolder:
    """The vector indexes of one database file, one per dimension, kept fresh for a reader."""

    def __init__(self, database: Path) -> None:
        self.folder = folder_of(database)

    def path(self, dim: int) -> Path:
        return self.folder / f"d{dim}.index"

    def fresh(self, conn: sqlite3.Connection, dim: int, state: TableState,
              current: VectorIndex | None = None) -> VectorIndex | None:
        """The index of ``dim`` for ``state`` (read in ``conn``'s snapshot): ``current`` or the
        file if up to date, else the file extended or rebuilt; None if it cannot be written."""
        if current is not None and current.state == state:
            return current
        found = read_index(self.path(dim), dim)
        if found is not None and found.state == state:
            return found
        if found is not None and found.state.max_rowid > state.max_rowid:
            return None  # written for a newer state than this snapshot's: scan this once
        try:
            with self._locked():
                # another process may have brought it up to date meanwhile
                found = read_index(self.path(dim), dim)
                if found is not None and found.state == state:
                    return found
                if found is not None and _extends(conn, found.state, state):
                    self._append(conn, found, state)
                else:
                    self._rebuild(conn, dim, state)
        except OSError:  # a read-only folder, a full disk, a lock never released
            return None
        found = read_index(self.path(dim), dim)
        return found if found is not None and found.state == state else None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(exist_ok=True)
        with (self.folder / "lock").open("a+b") as f:
            if fcntl is None:
                yield
                return
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{self.folder} stayed locked") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    def _rebuild(self, conn: sqlite3.Connection, dim: int, state: TableState,
                 keep: VectorIndex | None = None, rows_wanted: int = 0) -> None:
        """Write the index anew into a temporary file, then rename it over the old one: the rows
        of ``keep`` (still valid) and those stored after them, or every row of ``dim``."""
        capacity = max(MIN_CAPACITY, rows_wanted, state.rows + state.rows // 4)
        layout = _Layout(dim, capacity)
        tmp = self.folder / f".d{dim}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            with tmp.open("w+b") as f:
                f.truncate(layout.size)  # sparse: unused capacity takes no disk
                rows = 0
                if keep is not None:
                    for start in range(0, len(keep), SCAN_ROWS):
                        end = min(len(keep), start + SCAN_ROWS)
                        _write_rows(f, layout, start, keep.rowids[start:end], Quantised(
                            keep.codes[start:end], keep.scales[start:end],
                            keep.errors[start:end]))
                    rows = len(keep)
                after = keep.state.max_rowid if keep is not None else 0
                for rowids, quantised in _new_rows(conn, dim, after):
                    _write_rows(f, layout, rows, rowids, quantised)
                    rows += len(rowids)
                f.seek(0)
                f.write(_header(layout, rows, state))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path(dim))
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        _sync_folder(self.folder)

    def _append(self, conn: sqlite3.Connection, found: VectorIndex, state: TableState) -> None:
        """Add the rows stored after ``found`` was written, in place: rows past the header's
        count are invisible to readers until the header, written last, counts them."""
        (more,) = conn.execute("SELECT count(*) FROM embeddings WHERE rowid > ? AND dim = ?",
                               (found.state.max_rowid, found.dim)).fetchone()
        path = self.path(found.dim)
        with path.open("r+b") as f:
            checked = _read_header(f)
            if checked is None or len(found) + more > checked[0].capacity:
                layout = None
            else:
                layout = checked[0]
                rows = len(found)
                for rowids, quantised in _new_rows(conn, found.dim, found.state.max_rowid):
                    _write_rows(f, layout, rows, rowids, quantised)
                    rows += len(rowids)
                f.flush()
                os.fsync(f.fileno())
                f.seek(0)
                f.write(_header(layout, rows, state))
                f.flush()
                os.fsync(f.fileno())
        if layout is None:  # full: copy into a file twice the size
            self._rebuild(conn, found.dim, state, keep=found,
                          rows_wanted=2 * (len(found) + more))


def _extends(conn: sqlite3.Connection, old: TableState, new: TableState) -> bool:
    """Whether ``new`` is ``old`` with rows added and none deleted or replaced."""
    if old.max_rowid >= new.max_rowid:
        return False
    row = conn.execute("SELECT rowid, doc_id, passage, dim, vector FROM embeddings"
                       " WHERE rowid = ?", (old.max_rowid,)).fetchone()
    if old.max_rowid and _digest(row) != old.last:
        return False
    (added,) = conn.execute("SELECT count(*) FROM embeddings WHERE rowid > ?",
                            (old.max_rowid,)).fetchone()
    return bool(old.rows + added == new.rows)
