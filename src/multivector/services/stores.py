"""Which store a command works on: the SQLite file named by ``--db`` or ``$MULTIVECTOR_DB``, or
``./multivector.db``. (Issue 10 adds ``postgresql://`` URLs here; callers do not change.)
"""

from __future__ import annotations

from pathlib import Path

from multivector.errors import UsageError
from multivector.store.base import CorpusRepository
from multivector.store.sqlite import ENV_DB, SQLiteStore, database_file, default_db_path


def store_location(db: str | Path | None) -> str:
    """The store a command will open, as the user should see it."""
    return str(db if db is not None else default_db_path())


def open_store(db: str | Path | None = None, *, create: bool = True) -> CorpusRepository:
    """Open the corpus store at ``db`` (default: ``$MULTIVECTOR_DB`` or ``./multivector.db``).

    With ``create`` a missing database is created, and removed again on close if nothing was
    stored in it, so that a run that fails before storing anything leaves no empty file behind.
    Without ``create`` a missing database is an error that says how to make one."""
    where = store_location(db)
    if not create and where != ":memory:" and not database_file(where).exists():
        raise UsageError(
            f"no corpus at {where}",
            hint="ingest documents first (`multivector ingest PATH` or `multivector analyze "
            f"--sample ungd-central-asia ...`), or pass --db / set {ENV_DB}",
        )
    return SQLiteStore(where, create=create, discard_empty=create)
