"""Vector search in PostgreSQL without pgvector: a corpus's embeddings of one dimension are read
into NumPy once per process and kept while the corpus's embeddings version (bumped by every
write that changes embeddings) stays the same; each search is then an exact cosine scan in
memory, with filters applied as a mask of the rows the database allows.

Scores are computed as :func:`.vectors.top_k` computes them (ties go to the row stored first),
so both stores rank the same vectors alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from multivector.store.vectors import Matrix

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LoadedVectors:
    """One dimension's embeddings of one corpus at one version: row ids (ascending) and rows."""

    version: int
    ids: Ids
    matrix: Matrix
    norms: Matrix

    @classmethod
    def of(cls, version: int, ids: Ids, matrix: Matrix) -> LoadedVectors:
        norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix)) if len(matrix) else \
            np.zeros(0, dtype=np.float32)
        return cls(version, ids, matrix, norms.astype(np.float32, copy=False))

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.matrix.nbytes + self.norms.nbytes)


class VectorCache:
    """Loaded embeddings keyed by (corpus id, dimension), the newest version of each; shared by
    the stores of one process (one per thread under a web server), safe across threads."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, int], LoadedVectors] = {}
        self._locks: dict[tuple[str, int], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int], version: int,
            load: Callable[[], tuple[Ids, Matrix]]) -> LoadedVectors:
        """The vectors of ``key`` at ``version``, loaded with ``load`` unless kept already
        (``load`` must read the database in the snapshot ``version`` was read in)."""
        with self._lock:
            found = self._items.get(key)
            if found is not None and found.version == version:
                return found
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:  # one thread loads; the others wait for its result
            with self._lock:
                found = self._items.get(key)
            if found is not None and found.version == version:
                return found
            ids, matrix = load()
            loaded = LoadedVectors.of(version, ids, matrix)
            with self._lock:
                current = self._items.get(key)
                if current is None or current.version <= version:
                    self._items[key] = loaded
            return loaded

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(v.nbytes for v in self._items.values())


CACHE = VectorCache()
"""The process's loaded embeddings (one matrix per corpus and dimension)."""


def top_k(loaded: LoadedVectors, query: Matrix, k: int,
          allowed: Ids | None = None) -> list[tuple[float, int]]:
    """The ``k`` rows most cosine-similar to the unit ``query``, among the row ids ``allowed``
    (all if None): ``(similarity, row id)``, best first, ties to the smaller id."""
    if k <= 0 or len(loaded.ids) == 0:
        return []
    ids, matrix, norms = loaded.ids, loaded.matrix, loaded.norms
    if allowed is not None:
        mask = np.isin(ids, allowed, assume_unique=True)
        ids, matrix, norms = ids[mask], matrix[mask], norms[mask]
        if len(ids) == 0:
            return []
    # einsum, not BLAS: a threaded sgemv on a busy two-core machine is much slower (vectors.py)
    with np.errstate(divide="ignore", invalid="ignore"):
        sims = np.where(norms > 0, np.einsum("ij,j->i", matrix, query) / norms, 0.0)
    sims = np.nan_to_num(sims, nan=-1.0)
    keep = np.arange(len(sims))
    if len(sims) > k:  # the k-th best and every row tied with it; the smaller id wins a tie
        kth = -np.partition(-sims, k - 1)[k - 1]
        keep = np.flatnonzero(sims >= kth)
    best = sorted(((float(sims[i]), int(ids[i])) for i in keep), key=lambda t: (-t[0], t[1]))
    return best[:k]
