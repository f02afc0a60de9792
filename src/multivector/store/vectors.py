"""Passage embeddings as float32 blobs, and exact cosine top-k over them in bounded memory.

Vectors are read in chunks, scored with NumPy and merged into a running top-k, so a search holds
at most one chunk and ``limit`` candidates in memory however large the corpus is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from multivector.store.base import StoreError

Matrix = npt.NDArray[np.float32]
CHUNK_ROWS = 4096  # rows scored at once: 4096 x 384 float32 is 6 MB


def as_matrix(embeddings: Any, rows: int, where: str) -> Matrix:
    """``embeddings`` as a C-contiguous little-endian float32 matrix of ``rows`` rows."""
    try:
        matrix = np.ascontiguousarray(embeddings, dtype="<f4")
    except (TypeError, ValueError) as e:
        raise StoreError(f"{where}: embeddings are not a numeric matrix ({e})",
                         hint="pass a NumPy array of shape (passages, dimensions)") from e
    if matrix.ndim != 2 or matrix.shape[0] != rows or matrix.shape[1] == 0:
        raise StoreError(
            f"{where}: embeddings have shape {matrix.shape}, expected ({rows}, dimensions)",
            hint="give one row per passage, in the order of the passages",
        )
    return matrix


def to_blob(row: Matrix) -> bytes:
    return row.astype("<f4", copy=False).tobytes()


def from_blobs(blobs: list[bytes], dim: int) -> Matrix:
    return np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), dim)


def query_vector(vector: Any) -> Matrix:
    """The query as a unit float32 vector; :class:`StoreError` if it is not a non-zero vector."""
    try:
        q = np.asarray(vector, dtype=np.float32).reshape(-1)
    except (TypeError, ValueError) as e:
        raise StoreError(f"query vector is not numeric ({e})",
                         hint="pass a 1-D NumPy array") from e
    norm = float(np.linalg.norm(q))
    if q.size == 0 or not np.isfinite(norm) or norm == 0.0:
        raise StoreError("query vector is empty, zero or not finite",
                         hint="embed a non-empty text and search with that vector")
    return q / norm


def top_k(
    batches: Iterable[Sequence[tuple[int, bytes]]], query: Matrix, k: int
) -> list[tuple[float, int]]:
    """The ``k`` rows most cosine-similar to the unit ``query``, from batches of ``(key, blob)``.

    Returns ``(similarity, key)`` best first; ties go to the smaller key."""
    if k <= 0:
        return []
    dim = query.shape[0]
    best: list[tuple[float, int]] = []
    for batch in batches:
        if not batch:
            continue
        matrix = from_blobs([blob for _, blob in batch], dim)
        # einsum, not BLAS: a threaded sgemv on a busy two-core machine is 50x slower
        norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))
        with np.errstate(divide="ignore", invalid="ignore"):
            sims = np.where(norms > 0, np.einsum("ij,j->i", matrix, query) / norms, 0.0)
        sims = np.nan_to_num(sims, nan=-1.0)
        keep: list[int] = list(range(len(sims)))
        if len(sims) > k:  # every row tied with the k-th best too: argpartition picks among
            # ties arbitrarily, and the smaller key must win whatever k (pages of one search)
            kth = -np.partition(-sims, k - 1)[k - 1]
            keep = np.flatnonzero(sims >= kth).tolist()
        best.extend((float(sims[i]), batch[i][0]) for i in keep)
        best.sort(key=lambda t: (-t[0], t[1]))
        del best[k:]
    return best
