"""The vector index beside the SQLite store: semantic search through it answers exactly what the
scan of every stored vector answers (same hits, same scores, same order), and the index follows
the store through appends, replacements, corruption, concurrent readers and read-only opening."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from multivector.domain.corpus import (
    Annotation,
    Document,
    DocumentMeta,
    Layer,
    Passage,
    Producer,
)
from multivector.store import vector_file, vector_index, vectors
from multivector.store.base import Filters
from multivector.store.sqlite import SQLiteStore
from tests.test_corpus import FAST

DIM = 24
PRODUCER = Producer("test", "1", "hand-made")
SOURCES = ("mfa", "tass", "akorda")


@pytest.fixture(params=["numpy", "simsimd"])
def kernel(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every store test runs with each dot product kernel (simsimd where installed)."""
    if request.param == "simsimd":
        pytest.importorskip("simsimd")
        monkeypatch.delenv(vector_index.ENV_KERNEL, raising=False)
    else:
        monkeypatch.setenv(vector_index.ENV_KERNEL, "numpy")
    assert vector_index.kernel_name() == request.param
    return str(request.param)


def add_docs(store: SQLiteStore, rng: np.random.Generator, first: int, count: int) -> None:
    """Documents ``first`` .. of 1-6 passages with metadata, annotations for the filters and
    awkward vectors: duplicates (exact ties), near-duplicates closer than the int8 steps, a
    zero vector and vectors far from unit length."""
    for i in range(first, first + count):
        n = int(rng.integers(1, 7))
        paras = [f"Passage {j} of document {i}." for j in range(n)]
        text = "\n\n".join(paras)
        doc = Document.create(text, DocumentMeta(
            title=f"d{i}", date=dt.date(2000 + i % 20, 1 + i % 12, 1), source=SOURCES[i % 3],
            language=("en", "ru")[i % 2], country=("KAZ", "RUS", "USA")[i % 3]))
        passages, annotations, pos = [], [], 0
        for j, para in enumerate(paras):
            passages.append(Passage(doc.id, j, pos, pos + len(para)))
            if (i + j) % 3 == 0:
                annotations.append(Annotation(doc.id, j, Layer.ACTOR, ("RUS", "CHN")[j % 2], pos,
                                              pos + 7, 0.9, PRODUCER,
                                              {"vector": ("russia", "china")[j % 2]}))
            if (i * j) % 4 == 1:
                annotations.append(Annotation(doc.id, j, Layer.THEME, "economy.trade", pos,
                                              pos + len(para), 0.8, PRODUCER))
            pos += len(para) + 2
        matrix = rng.normal(size=(n, DIM)).astype(np.float32)
        if i % 7 == 3:
            matrix[0] = matrix[-1]  # an exact tie
        if i % 5 == 1:  # closer to the first passage of document 1 than any int8 step
            matrix[0] = BASE + rng.normal(scale=1e-5, size=DIM).astype(np.float32)
        if i == 4:
            matrix[0] = 0  # scores 0
        if i == 6:  # tiny or huge: the scan's float32 norm underflows or overflows
            matrix[-1] *= np.float32(1e-21)
        if i == 8:
            matrix[-1] *= np.float32(1e21)
        store.add_document(doc, passages, annotations, embeddings=matrix)


BASE = np.random.default_rng(99).normal(size=DIM).astype(np.float32)

FILTERS = [
    None,
    Filters(sources=("mfa",)),
    Filters(sources=("tass", "akorda"), languages=("ru",)),
    Filters(date_from=dt.date(2005, 1, 1), date_to=dt.date(2012, 12, 31)),
    Filters(actors=("RUS",)),
    Filters(vectors=("china",)),
    Filters(themes=("economy",)),
    Filters(actors=("CHN",), themes=("economy",), countries=("KAZ",)),
    Filters(genres=("news",)),  # nothing passes
]


def queries(rng: np.random.Generator, store: SQLiteStore) -> list[Any]:
    stored = store.connection.execute(
        "SELECT vector FROM embeddings ORDER BY rowid LIMIT 1").fetchone()[0]
    return [rng.normal(size=DIM), BASE, -BASE, np.frombuffer(stored, dtype="<f4"),
            np.eye(DIM)[3]]


def assert_same(store: SQLiteStore, qs: list[Any], filters: list[Filters | None] = FILTERS,
                limits: tuple[int, ...] = (1, 3, 10, 1000)) -> None:
    for q in qs:
        for f in filters:
            for limit in limits:
                got = store.search_vector(q, f, limit)
                assert got == store._search_vector_scan(q, f, limit), (f, limit)


def index_file(db: Path) -> Path:
    return vector_file.folder_of(db) / f"d{DIM}.index"


def index_rows(store: SQLiteStore, db: Path) -> int:
    index = vector_file.read_index(index_file(db), DIM)
    assert index is not None
    assert index.state == vector_file.table_state(store.connection)
    return len(index)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "corpus.db"
    with SQLiteStore(path) as store:
        add_docs(store, np.random.default_rng(1), 0, 60)
    yield path


# the same answers as the scan -----------------------------------------------------------------
def test_hits_and_scores_equal_the_scan_with_every_filter(db: Path, kernel: str) -> None:
    with SQLiteStore(db) as store:
        assert_same(store, queries(np.random.default_rng(2), store))
        (count,) = store.connection.execute("SELECT count(*) FROM embeddings").fetchone()
        assert index_rows(store, db) == count  # the index answered, not the scan


def test_doc_id_filters_and_other_dimensions(db: Path, kernel: str) -> None:
    with SQLiteStore(db) as store:
        ids = [d.id for d in store.documents()]
        qs = queries(np.random.default_rng(3), store)
        assert_same(store, qs, [Filters(doc_ids=(ids[5],)), Filters(doc_ids=tuple(ids[:9]))])
        assert store.search_vector(np.ones(DIM + 1)) == []  # no vector of that dimension


def test_a_memory_store_scans(kernel: str) -> None:
    with SQLiteStore(":memory:") as store:
        add_docs(store, np.random.default_rng(4), 0, 10)
        assert_same(store, queries(np.random.default_rng(5), store), [None, Filters(
            actors=("RUS",))], (5,))
    assert not Path(":memory:.vectors").exists()


@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.integers(1, 12))
def test_bounds_hold_and_candidates_contain_the_top_k(seed: int, k: int, probe: int) -> None:
    rng = np.random.default_rng(seed)
    n = 80
    scale = rng.choice([1e-21, 1e-3, 1, 1e3, 1e21], size=(n, 1))
    matrix = (rng.normal(size=(n, 9)) * scale).astype(np.float32)
    matrix[rng.integers(n)] = 0
    matrix[rng.integers(n)] = matrix[rng.integers(n)]
    matrix[rng.integers(n)] = np.nan
    matrix = matrix.astype(np.float32)
    rowids = np.sort(rng.choice(10 * n, size=n, replace=False)).astype(np.int64)
    index = vector_index.VectorIndex.of(rowids, matrix)
    q = vectors.query_vector(rng.normal(size=9))
    blobs = [(int(r), vectors.to_blob(row)) for r, row in zip(rowids, matrix, strict=True)]
    scores = dict((key, s) for s, key in vectors.top_k([blobs], q, n))
    lower, upper = index.bounds(q, kernel="numpy")
    for i, r in enumerate(rowids):
        assert lower[i] <= scores[int(r)] <= upper[i]
    allowed = set(rng.choice(rowids, size=int(rng.integers(0, n)), replace=False).tolist())

    class Passes:
        def among(self, ids: vector_index.Ints) -> Any:
            return np.isin(ids, list(allowed))

        def every(self) -> vector_index.Ints:
            return np.array(sorted(allowed), dtype=np.int64)

    for passes, rows in ((None, blobs), (Passes(), [b for b in blobs if b[0] in allowed])):
        found = set(index.candidates(q, k, passes, kernel="numpy", probe_rows=probe).tolist())
        want = vectors.top_k([rows], q, k)
        assert vectors.top_k([[b for b in blobs if b[0] in found]], q, k) == want


def test_the_kernels_agree_exactly() -> None:
    rng = np.random.default_rng(6)
    for dim in (1, 7, 512, 1100):  # 1100: beyond float32's exact integer sums
        codes = rng.integers(-127, 128, size=(300, dim), dtype=np.int8)
        q = rng.integers(-127, 128, size=dim, dtype=np.int8)
        want = codes.astype(np.int64) @ q.astype(np.int64)
        assert np.array_equal(vector_index.int_dots(codes, q, "numpy"), want)
        if vector_index.kernel_name() == "simsimd":
            assert np.array_equal(vector_index.int_dots(codes, q, "simsimd"), want)


# following the store ------------------------------------------------------------------------
def test_new_documents_are_appended_in_place(db: Path, kernel: str) -> None:
    rng = np.random.default_rng(7)
    with SQLiteStore(db) as store:
        qs = queries(rng, store)
        store.search_vector(qs[0])
        inode, rows = index_file(db).stat().st_ino, index_rows(store, db)
        add_docs(store, rng, 60, 5)
        assert_same(store, qs, FILTERS[:3], (3, 50))
        assert index_file(db).stat().st_ino == inode  # extended, not rebuilt
        assert index_rows(store, db) > rows
    with SQLiteStore(db) as other:  # another connection's writes show too
        add_docs(other, rng, 65, 3)
    with SQLiteStore(db) as store:
        assert_same(store, qs, FILTERS[:3], (3,))
        assert index_file(db).stat().st_ino == inode


def test_an_index_that_outgrows_its_file_is_copied_into_a_larger_one(tmp_path: Path,
                                                                     kernel: str) -> None:
    path = tmp_path / "c.db"
    rng = np.random.default_rng(8)
    with SQLiteStore(path) as store:
        add_docs(store, rng, 0, 3)
        qs = queries(rng, store)
        store.search_vector(qs[0])
        inode = index_file(path).stat().st_ino
        add_docs(store, rng, 3, 400)  # past the file's capacity (1024 rows)
        assert_same(store, qs, FILTERS[:2], (10,))
        assert index_file(path).stat().st_ino != inode
        assert index_rows(store, path) == store.count()["embeddings"]


def test_replaced_embeddings_rebuild_the_index(db: Path, kernel: str) -> None:
    rng = np.random.default_rng(9)
    with SQLiteStore(db) as store:
        qs = queries(rng, store)
        store.search_vector(qs[0])
        ids = [d.id for d in store.documents()]
        last = store.connection.execute(
            "SELECT doc_id FROM embeddings ORDER BY rowid DESC LIMIT 1").fetchone()[0]
        for doc_id in (ids[10], last):  # the last document's rowids would be free for reuse
            inode = index_file(db).stat().st_ino
            n = len(store.passages(doc_id))
            store.replace_annotations(doc_id, [Layer.THEME], [],
                                      embeddings=np.tile(BASE, (n, 1)) * 3)
            assert_same(store, qs, FILTERS[:4], (2, 20))
            assert index_file(db).stat().st_ino != inode


def test_rows_rewritten_under_their_old_rowids_are_seen(db: Path, kernel: str) -> None:
    """A writer that is not this store (an older version, a hand-made fix) deletes the last
    document's vectors and inserts others under the same rowids, then documents are added:
    the digest of the last row the index holds tells that it was replaced."""
    rng = np.random.default_rng(10)
    with SQLiteStore(db) as store:
        qs = queries(rng, store)
        store.search_vector(qs[0])
    conn = sqlite3.connect(db, isolation_level=None)
    rows = conn.execute("SELECT rowid, doc_id, passage, dim FROM embeddings ORDER BY rowid DESC"
                        " LIMIT 3").fetchall()
    conn.execute("DELETE FROM embeddings WHERE rowid >= ?", (rows[-1][0],))
    for rowid, doc_id, passage, dim in sorted(rows):
        conn.execute("INSERT INTO embeddings (rowid, doc_id, passage, dim, vector)"
                     " VALUES (?,?,?,?,?)",
                     (rowid, doc_id, passage, dim, vectors.to_blob(BASE * -2)))
    conn.close()
    with SQLiteStore(db) as store:
        assert_same(store, qs, FILTERS[:2], (5,))
        assert index_rows(store, db) == store.count()["embeddings"]
    with SQLiteStore(db) as store:
        store.search_vector(qs[0])
        conn = store.connection
        top = conn.execute("SELECT max(rowid) FROM embeddings").fetchone()[0]
        target = rng.normal(size=DIM).astype(np.float32)
        conn.execute("UPDATE embeddings SET vector = ? WHERE rowid = ?",
                     (vectors.to_blob(target), top))
        add_docs(store, rng, 60, 2)
        assert store.search_vector(target, limit=1)[0].score == pytest.approx(1.0)
        assert_same(store, [target, *qs], FILTERS[:2], (5,))


@pytest.mark.parametrize("damage", ["header", "truncated", "garbage", "empty", "version"])
def test_a_corrupt_index_is_rebuilt(db: Path, kernel: str, damage: str) -> None:
    rng = np.random.default_rng(11)
    with SQLiteStore(db) as store:
        qs = queries(rng, store)
        want = [store.search_vector(q, limit=7) for q in qs]
    path = index_file(db)
    data = bytearray(path.read_bytes())
    if damage == "header":
        data[40] ^= 0xFF  # the checksum no longer matches
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data = bytearray(np.random.default_rng(0).bytes(len(data)))
    elif damage == "empty":
        data = bytearray()
    else:
        data[8] = 99  # a version this code does not know
    path.write_bytes(bytes(data))
    with SQLiteStore(db) as store:
        assert [store.search_vector(q, limit=7) for q in qs] == want
        assert_same(store, qs[:2], FILTERS[:3], (4,))
        assert index_rows(store, db) == store.count()["embeddings"]


def test_a_stale_index_is_brought_up_to_date(db: Path, kernel: str) -> None:
    rng = np.random.default_rng(12)
    old = db.with_name("old.index")
    with SQLiteStore(db) as store:
        qs = queries(rng, store)
        store.search_vector(qs[0])
        shutil.copy(index_file(db), old)
        add_docs(store, rng, 60, 4)
        store.search_vector(qs[0])
    shutil.copy(old, index_file(db))  # the index as it was before those documents
    with SQLiteStore(db) as store:
        assert_same(store, qs, FILTERS[:3], (6,))
        ids = [d.id for d in store.documents()]
        store.replace_annotations(ids[3], [Layer.THEME], [],
                                  embeddings=np.ones((len(store.passages(ids[3])), DIM)))
    shutil.copy(old, index_file(db))  # ... and before a replacement
    with SQLiteStore(db) as store:
        assert_same(store, qs, FILTERS[:3], (6,))
        assert index_rows(store, db) == store.count()["embeddings"]


def test_concurrent_readers_build_one_index_and_agree(db: Path, kernel: str) -> None:
    with SQLiteStore(db) as store:
        qs = queries(np.random.default_rng(13), store)
        want = [store._search_vector_scan(q, f, 8) for q in qs for f in FILTERS[:3]]
    start = threading.Barrier(4)
    results: list[Any] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            with SQLiteStore(db) as mine:
                start.wait()
                for _ in range(3):
                    results.append([mine.search_vector(q, f, 8) for q in qs for f in FILTERS[:3]])
        except BaseException as e:  # reported below, in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 12 and all(r == want for r in results)
    leftovers = [p.name for p in vector_file.folder_of(db).iterdir()]
    assert sorted(leftovers) == ["d24.index", "lock"]  # no temporary file left behind


# read-only databases --------------------------------------------------------------------------
def test_a_read_only_database_gets_its_index_beside_it(db: Path, kernel: str) -> None:
    with SQLiteStore(f"file:{db}?mode=ro", create=False) as store:
        assert_same(store, queries(np.random.default_rng(14), store), FILTERS[:3], (5,))
        assert index_rows(store, db) == store.count()["embeddings"]


@pytest.mark.parametrize("blocked", ["folder", "lock"])
def test_an_index_that_cannot_be_written_leaves_the_scan(db: Path, kernel: str,
                                                         blocked: str) -> None:
    """The folder cannot be made (a file is in the way), or the index is stale and cannot be
    locked for writing: searches scan, without an error."""
    rng = np.random.default_rng(15)
    folder = vector_file.folder_of(db)
    if blocked == "folder":
        folder.write_text("not a folder")
    else:
        with SQLiteStore(db) as store:
            store.search_vector(BASE)
            add_docs(store, rng, 60, 2)  # the index is now stale
        (folder / "lock").unlink()
        (folder / "lock").mkdir()
    with SQLiteStore(f"file:{db}?mode=ro", create=False) as store:
        assert_same(store, queries(rng, store), FILTERS[:4], (1, 9))
    if blocked == "folder":
        assert folder.read_text() == "not a folder"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="permissions do not bind root")
def test_a_folder_without_write_permission_leaves_the_scan(db: Path, kernel: str) -> None:
    db.parent.chmod(0o555)
    try:
        with SQLiteStore(f"file:{db}?mode=ro", create=False) as store:
            assert_same(store, queries(np.random.default_rng(16), store), FILTERS[:2], (4,))
    finally:
        db.parent.chmod(0o755)


# built ahead of the first search ---------------------------------------------------------------
def test_prepare_search_builds_the_index_before_any_search(db: Path, kernel: str) -> None:
    with SQLiteStore(db) as store:
        assert not index_file(db).exists()
        store.prepare_search()
        assert index_rows(store, db) == store.count()["passages"]
        inode = index_file(db).stat().st_ino
        add_docs(store, np.random.default_rng(3), 60, 4)
        store.prepare_search()  # extended in place to the new rows
        assert index_rows(store, db) == store.count()["passages"]
        assert index_file(db).stat().st_ino == inode
        assert_same(store, queries(np.random.default_rng(4), store), FILTERS[:2], (3,))


def test_ingest_leaves_the_index_built(tmp_path: Path) -> None:
    from multivector.services.corpus import Corpus
    from multivector.services.knowledge import default_knowledge
    from multivector.services.stores import open_store

    folder = tmp_path / "texts"
    folder.mkdir()
    for i in range(3):  # made-up statements
        (folder / f"s{i}.txt").write_text(
            f"Statement {i}. Kazakhstan and China discussed transit corridors.\n\n"
            f"Russia and Kazakhstan signed a treaty on water {i}.", encoding="utf-8")
    db = tmp_path / "corpus.db"
    with Corpus(store=open_store(db), knowledge=default_knowledge(), config=FAST) as corpus:
        assert corpus.ingest([folder]).ok
        files = list(vector_file.folder_of(db).glob("*.index"))
        assert len(files) == 1
        with SQLiteStore(db) as other:
            (dim,) = {d for (d,) in other.connection.execute("SELECT dim FROM embeddings")}
        index = vector_file.read_index(files[0], dim)
        assert index is not None and len(index) == corpus.store.count()["passages"] == 6
