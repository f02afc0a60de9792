"""Exact semantic search over int8 codes: a search scores every row of a matrix of quantised
unit vectors, keeps each row whose score could reach the k-th best given the error bound kept for
it, and leaves those to be re-scored with their float32 vectors from the store, so that the hits
and scores are those of a scan of every stored vector (:func:`.vectors.top_k`).

Dot products are integer and exact: SIMD from the optional ``simsimd`` package when installed,
NumPy otherwise. The file that holds an index beside the database is :mod:`.vector_file`.
"""

from __future__ import annotations

import functools
import importlib
import mmap
import os
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from multivector.store import vectors

ENV_KERNEL = "MULTIVECTOR_VECTOR_KERNEL"
QMAX = 127  # int8 codes in [-127, 127]
SCAN_ROWS = 65536  # rows given to the kernel at once (32 MB of codes at dimension 512)
CONVERT_ROWS = 2048  # rows the NumPy kernel widens to float at once
PROBE = 8  # a filtered search first asks which of the 8 x limit likeliest rows pass
PROBE_ROWS = 1 << 15  # ... growing 8-fold up to this many, then reads the rows that pass

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


# the state of the embeddings table ---------------------------------------------------------
@dataclass(frozen=True)
class TableState:
    """What an index was made from: the embeddings table's rows (of every dimension), its
    highest rowid and a digest of that row, so that a row replaced under a reused rowid shows."""

    rows: int
    max_rowid: int
    last: bytes


# quantisation and the error bounds ---------------------------------------------------------
@dataclass(frozen=True)
class Quantised:
    codes: npt.NDArray[np.int8]  # rows x dim
    scales: npt.NDArray[np.float32]  # a row is codes * scale (0 for a vector that scores 0)
    errors: npt.NDArray[np.float32]  # |unit row - codes * scale|, rounded up; inf: always re-score


def quantise(matrix: vectors.Matrix) -> Quantised:
    """Rows of ``matrix`` as int8 codes of their unit vectors, with scales and error bounds."""
    wide = matrix.astype(np.float64)
    with np.errstate(all="ignore"):
        # as the scan computes it: its norm is 0 (score 0) or accurate unless this over/underflows
        squares = np.einsum("ij,ij->i", matrix, matrix)
        norms = np.sqrt(np.einsum("ij,ij->i", wide, wide))
        usable = np.isfinite(wide).all(axis=1) & (squares > 1e-30) & (squares < 1e30)
        unit = np.where(usable[:, None], wide / np.where(usable, norms, 1.0)[:, None], 0.0)
    scales = (np.abs(unit).max(axis=1, initial=0.0) / QMAX).astype(np.float32)
    step = scales.astype(np.float64)
    codes = np.clip(np.rint(unit / np.where(step > 0, step, 1.0)[:, None]), -QMAX, QMAX)
    errors = np.linalg.norm(unit - codes * step[:, None], axis=1).astype(np.float32)
    errors = np.nextafter(errors, np.float32(np.inf))
    errors[~usable & (squares != 0)] = np.inf  # NaN, inf, overflowing or tiny rows
    return Quantised(codes.astype(np.int8), scales, errors)


def _query_codes(q: vectors.Matrix) -> tuple[npt.NDArray[np.int8], float, float]:
    """The unit query as int8 codes, their scale and the quantisation error's norm."""
    wide = q.astype(np.float64)
    scale = float(np.abs(wide).max()) / QMAX
    codes = np.clip(np.rint(wide / scale), -QMAX, QMAX)
    return codes.astype(np.int8), scale, float(np.linalg.norm(wide - codes * scale))


def _slack(dim: int) -> float:
    """What the scan's own float32 arithmetic may differ from the exact score by: dot product
    and norm (1.5 d u), the division and the rounding of this estimate, with room to spare."""
    return 2.0 * dim * 2.0**-24 + 2.0**-20


# dot product kernels -----------------------------------------------------------------------
@functools.cache
def _simsimd() -> Any | None:
    try:
        return importlib.import_module("simsimd")
    except ImportError:
        return None


def kernel_name() -> str:
    """The dot product kernel in use: ``simsimd`` when installed, unless
    ``$MULTIVECTOR_VECTOR_KERNEL`` says ``numpy``."""
    if os.environ.get(ENV_KERNEL) == "numpy" or _simsimd() is None:
        return "numpy"
    return "simsimd"


def int_dots(codes: npt.NDArray[np.int8], q: npt.NDArray[np.int8], kernel: str | None = None
             ) -> Floats:
    """Exact integer dot products of each row of ``codes`` with ``q``, as float64, by
    ``kernel`` (default :func:`kernel_name`)."""
    if len(codes) == 0:
        return np.zeros(0)
    lib = _simsimd() if (kernel or kernel_name()) == "simsimd" else None
    if lib is not None:
        out = lib.cdist(q[None, :], codes, metric="dot", threads=1)
        return np.asarray(out, dtype=np.float64).reshape(-1)
    # float32 sums of integers are exact while they stay under 2**24
    wide = np.float32 if codes.shape[1] * QMAX * QMAX < 2**24 else np.float64
    qw: Any = q.astype(wide)
    result = np.empty(len(codes))
    buffer: Any = np.empty((min(CONVERT_ROWS, len(codes)), codes.shape[1]), dtype=wide)
    for start in range(0, len(codes), CONVERT_ROWS):
        block = codes[start:start + CONVERT_ROWS]
        b = buffer[:len(block)]
        b[...] = block
        result[start:start + len(block)] = np.einsum("ij,j->i", b, qw)
    return result


# searching ---------------------------------------------------------------------------------
class RowFilter(Protocol):
    """The rows a search may return, decided by the store (its filters in SQL)."""

    def among(self, rowids: Ints) -> npt.NDArray[np.bool_]:
        """Which of ``rowids`` pass."""
        ...

    def every(self) -> Ints:
        """Every rowid that passes."""
        ...


class VectorIndex:
    """The rows of one dimension: int8 codes with scales, error bounds and rowids (ascending)."""

    def __init__(self, dim: int, state: TableState, codes: npt.NDArray[np.int8],
                 rowids: Ints, scales: npt.NDArray[np.float32],
                 errors: npt.NDArray[np.float32], mapping: mmap.mmap | None = None) -> None:
        self.dim, self.state = dim, state
        self.codes, self.rowids, self.scales, self.errors = codes, rowids, scales, errors
        self._mapping = mapping  # kept open as long as the arrays that view it

    @classmethod
    def of(cls, rowids: Ints, matrix: vectors.Matrix) -> VectorIndex:
        """An index in memory of the rows of ``matrix`` under ascending ``rowids``."""
        q = quantise(matrix)
        state = TableState(len(rowids), int(rowids[-1]) if len(rowids) else 0, b"")
        return cls(matrix.shape[1], state, q.codes, np.asarray(rowids, dtype=np.int64),
                   q.scales, q.errors)

    def __len__(self) -> int:
        return len(self.rowids)

    def bounds(self, q: vectors.Matrix, kernel: str | None = None) -> tuple[Floats, Floats]:
        """For each row, a lower and an upper bound of the score the scan gives it for the unit
        query ``q`` (:func:`multivector.store.vectors.top_k`)."""
        q8, q_scale, q_error = _query_codes(q)
        estimate = np.empty(len(self))
        for start in range(0, len(self), SCAN_ROWS):
            end = min(len(self), start + SCAN_ROWS)
            estimate[start:end] = int_dots(self.codes[start:end], q8, kernel)
        estimate *= self.scales.astype(np.float64) * q_scale
        # |codes.q8 * scales - u.q| <= |u~ - u| |q| + |u~| |q~ - q| <= E (1 + 1e-6) + (1 + E) e_q
        # for a row u = u~ + error E and the query q (|q| within 1e-6 of 1) = q~ + error e_q
        bound = self.errors.astype(np.float64) * (1.0 + 1e-6 + q_error) + (
            q_error + _slack(self.dim))
        lower = estimate - bound
        return lower, np.add(estimate, bound, out=estimate)

    def candidates(self, q: vectors.Matrix, k: int, passes: RowFilter | None = None, *,
                   kernel: str | None = None, probe_rows: int = PROBE_ROWS) -> Ints:
        """Rowids (ascending) that include the ``k`` rows nearest the unit ``q`` among those that
        pass, and every row that ties with them: re-scored exactly, these give the exact top k.

        The k-th largest lower bound cannot exceed the k-th best score, so a row whose upper
        bound is below it cannot make the top k. With filters, the rows with the highest lower
        bounds are asked first (``PROBE`` x k of them, then 8 times more up to ``probe_rows``);
        if too few of them pass, every row that passes is read from the store."""
        n = len(self)
        if n == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64)
        lower, upper = self.bounds(q, kernel)
        if passes is None:
            return self.rowids[_reaching(lower, upper, k)]
        probe = PROBE * k
        while True:
            take = min(probe, n)
            top = np.argpartition(-lower, take - 1)[:take] if take < n else np.arange(n)
            ok = top[passes.among(self.rowids[top])]
            if len(ok) >= k:
                threshold = -np.partition(-lower[ok], k - 1)[k - 1]
                reach = np.flatnonzero(upper >= threshold)
                if len(reach) <= probe_rows:
                    return self.rowids[reach[passes.among(self.rowids[reach])]]
                break
            if take == n:  # every row asked: fewer than k pass
                return np.sort(self.rowids[ok])
            if probe >= probe_rows:
                break
            probe *= 8
        allowed = np.asarray(passes.every(), dtype=np.int64)  # a rare filter: read what passes
        at = np.searchsorted(self.rowids, allowed).clip(0, n - 1)
        rows: Ints = np.unique(at[self.rowids[at] == allowed])
        return self.rowids[rows[_reaching(lower[rows], upper[rows], k)]]


def _reaching(lower: Floats, upper: Floats, k: int) -> Ints:
    if len(lower) <= k:
        return np.arange(len(lower))
    threshold = np.partition(lower, len(lower) - k)[len(lower) - k]
    return np.flatnonzero(upper >= threshold)
