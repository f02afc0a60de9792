"""Coding on Dask workers (`ingest --workers N`): the same store as coding in one process,
idempotent, completed after a SIGKILL, and a friendly error without the extra."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from multivector.errors import UsageError
from multivector.services import distributed
from multivector.services.corpus import Corpus
from multivector.services.distributed import DaskCoder, dask_coder
from multivector.store.base import CorpusRepository
from tests.test_corpus import EN_1, EN_2, FAST, RU_1

pytest.importorskip("dask.distributed")

EDITION = "kaz/2020-2030"


@pytest.fixture(scope="module")
def coder() -> Iterator[DaskCoder]:
    with dask_coder(workers=2, config=FAST, edition=EDITION, max_passages=50_000) as made:
        assert isinstance(made, DaskCoder)
        made.chunk_documents = 2  # several chunks in flight even for a few documents
        yield made


def write_docs(folder: Path, n: int) -> Path:
    folder.mkdir()
    texts = [EN_1, EN_2, RU_1]
    for i in range(n):
        (folder / f"d{i:03}.txt").write_text(f"Document {i}.\n\n" + texts[i % 3],
                                             encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")  # a failure, reported as one
    (folder / "fr.txt").write_text("Le Kazakhstan et la France ont signé un accord.",
                                   encoding="utf-8")  # a language the pipeline does not code
    return folder


def snapshot(store: CorpusRepository) -> dict[str, Any]:
    """Everything coded, per document: passages, annotations, embeddings."""
    out: dict[str, Any] = {}
    for d in store.documents():
        emb = store.embeddings(d.id)
        out[d.id] = (store.passages(d.id),
                     sorted(list(store.annotations(d.id)), key=repr),
                     None if emb is None else np.asarray(emb).round(6).tolist())
    return out


def test_workers_code_what_one_process_codes(coder: DaskCoder, tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs", 9)
    here = Corpus(tmp_path / "here.db", config=FAST, edition=EDITION)
    there = Corpus(tmp_path / "there.db", config=FAST, edition=EDITION)
    local = here.ingest([folder])
    remote = there.ingest_documents(_read(folder), coder=coder)
    assert local.records() == remote.records()
    assert len(remote.ingested) == 9 and len(remote.failures) == 2
    assert "language not supported" in str(remote.failures)
    assert snapshot(here.store) == snapshot(there.store)
    again = there.ingest_documents(_read(folder), coder=coder)
    assert not again.ingested and len(again.duplicates) == 9
    assert there.store.count() == here.store.count()


def test_workers_recode_what_one_process_recodes(coder: DaskCoder, tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs", 5)
    here = Corpus(tmp_path / "here.db", config=FAST, edition=EDITION)
    here.ingest([folder])
    here.close()
    import shutil

    shutil.copy(tmp_path / "here.db", tmp_path / "there.db")
    # the edition each document was coded against (no --concept), and another edition
    for edition in (None, "kaz/2014-2020"):
        here = Corpus(tmp_path / "here.db", config=FAST, edition=edition)
        there = Corpus(tmp_path / "there.db", config=FAST, edition=edition)
        with there.store.connection as c:  # and one document whose vectors are gone
            c.execute("DELETE FROM embeddings WHERE doc_id = "
                      "(SELECT id FROM documents ORDER BY id LIMIT 1)")
        with here.store.connection as c:
            c.execute("DELETE FROM embeddings WHERE doc_id = "
                      "(SELECT id FROM documents ORDER BY id LIMIT 1)")
        local = here.code()
        remote = there.code(recoders=coder.recoder)
        assert local == remote and remote["documents"] == 5
        assert snapshot(here.store) == snapshot(there.store)
        assert here.store.pipelines([d.id for d in here.store.documents()]) == \
            there.store.pipelines([d.id for d in there.store.documents()])
        here.close()
        there.close()


class DeadWorkerFuture:
    def result(self) -> Any:
        raise RuntimeError("worker killed")

    def cancel(self) -> None:
        pass


class DeadWorkers:
    def submit(self, *args: Any, **kwargs: Any) -> DeadWorkerFuture:
        return DeadWorkerFuture()


def test_a_failed_worker_stops_the_run_with_a_message(tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs", 3)
    corpus = Corpus(tmp_path / "c.db", config=FAST, edition=EDITION)
    dead = DaskCoder(DeadWorkers(), config=FAST, edition=EDITION, max_passages=10, window=2)
    with pytest.raises(distributed.WorkerFailed, match="RuntimeError: worker killed") as info:
        corpus.ingest_documents(_read(folder), coder=dead)
    assert "run the same command again" in str(info.value)
    assert corpus.store.count()["documents"] == 0


def _read(folder: Path) -> Any:
    from multivector.services.ingest import read_files

    return read_files([folder])


def test_one_worker_codes_here() -> None:
    with dask_coder(workers=1, config=FAST, edition=None, max_passages=10) as made:
        assert made is None
    with pytest.raises(UsageError, match="--workers: 0"), \
            dask_coder(workers=0, config=FAST, edition=None, max_passages=10):
        pass


def test_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if not installed
    with pytest.raises(UsageError) as info, \
            dask_coder(workers=2, config=FAST, edition=None, max_passages=10):
        pass
    assert "--workers" in str(info.value) and distributed.DASK_EXTRA in str(info.value)


def test_unreachable_scheduler_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"), \
            dask_coder(scheduler="tcp://127.0.0.1:9", config=FAST, edition=None,
                       max_passages=10, connect_timeout=1):
        pass


@pytest.mark.slow
def test_killed_distributed_ingest_is_completed_by_the_same_command(tmp_path: Path) -> None:
    """SIGKILL the client after its first batch is committed, run the command again, and
    compare with a clean run in one process."""
    folder = write_docs(tmp_path / "many", 200)
    config = tmp_path / "fast.json"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    db = tmp_path / "k.db"
    base = [sys.executable, "-m", "multivector", "ingest", str(folder), "--config", str(config),
            "--concept", EDITION, "--quiet"]
    cmd = [*base, "--db", str(db), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as c:
                    stored = c.execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.Error:
                continue
            if stored:
                break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = c.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 1 <= partial < 200
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # the two bad files are failures, as before
    clean = tmp_path / "clean.db"
    subprocess.run([*base, "--db", str(clean)], capture_output=True, check=False)
    from multivector.store.sqlite import SQLiteStore

    with SQLiteStore(db, create=False) as resumed, SQLiteStore(clean, create=False) as whole:
        assert resumed.count() == whole.count() and whole.count()["documents"] == 200
        assert snapshot(resumed) == snapshot(whole)


def test_workers_run_the_model_on_one_blas_thread_unless_told() -> None:
    from multivector.pipeline import DEFAULT_CONFIG
    from multivector.services.distributed import worker_config

    assert worker_config(DEFAULT_CONFIG)["settings"]["embed"] == {"threads": 1}
    assert worker_config(DEFAULT_CONFIG)["components"] == DEFAULT_CONFIG["components"]
    assert DEFAULT_CONFIG["settings"] == {}  # the caller's config is left as it was
    told = {"settings": {"embed": {"threads": 4}}}
    assert worker_config(told)["settings"]["embed"]["threads"] == 4
    hashing = {"settings": {"embed": {"embedder": "hashing", "dim": 64}}}
    assert worker_config(hashing) == hashing  # the stand-in has no threads to set
    # the workers build their pipeline from it: a threads setting it rejects would fail here
    annotator = distributed.worker_annotator(worker_config(hashing), None, 1000)
    assert annotator is distributed.worker_annotator(worker_config(hashing), None, 1000)


def test_a_long_run_keeps_no_coded_documents_in_the_command(coder: DaskCoder,
                                                             tmp_path: Path) -> None:
    """Distributed logs each connection's recent messages, and a task's message carries its
    documents: with its default (1,000 messages) a long run held tens of thousands of them."""
    import gc

    from multivector.domain.corpus import Document

    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(400):  # 200 tasks of 2 documents
        (folder / f"d{i:03}.txt").write_text(f"Statement {i} on trade with China.",
                                             encoding="utf-8")
    corpus = Corpus(tmp_path / "c.db", config=FAST, edition=EDITION)
    report = corpus.ingest_documents(_read(folder), coder=coder)
    assert len(report.ingested) == 400
    gc.collect()
    alive = sum(isinstance(o, Document) for o in gc.get_objects())
    # the messages logged (16 per connection, 2 documents each) and the tasks in flight
    assert alive <= 4 * distributed.MESSAGE_LOG * coder.chunk_documents + 50
