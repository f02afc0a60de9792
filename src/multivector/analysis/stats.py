"""Estimators shared by the analyses: balance indexes of share vectors, bootstrap resampling of
documents, and percentile intervals.

Balance and declared-versus-observed both resample documents and compare shares; the functions
they share live here rather than inside either feature.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from multivector.errors import UsageError

DECIMALS = 12  # rounding of indexes, so that the exact cases (0, 1) stay exact
_BLOCK = 4_000_000  # resample weights held in memory at once (bootstrap rows x documents)

Floats = npt.NDArray[np.float64]


def normalised_entropy(shares: npt.ArrayLike, k: int | None = None) -> Floats:
    """``H / ln K`` of share vectors (last axis); ``k`` defaults to the length of that axis.

    >>> float(normalised_entropy([0.25, 0.25, 0.25, 0.25]))
    1.0
    >>> float(normalised_entropy([1.0, 0.0, 0.0]))
    0.0
    """
    p = np.asarray(shares, dtype=np.float64)
    k = p.shape[-1] if k is None else k
    if k < 2:
        raise UsageError(
            f"a balance index needs at least two vectors, got {k}",
            hint="use a vector scheme with two or more vectors",
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    h = -terms.sum(axis=-1) / np.log(k)
    result: Floats = np.round(np.clip(h, 0.0, 1.0), DECIMALS) + 0.0  # no -0.0
    return result


def one_minus_hhi(shares: npt.ArrayLike) -> Floats:
    """One minus the Herfindahl-Hirschman index (sum of squared shares), last axis.

    >>> float(one_minus_hhi([0.5, 0.5]))
    0.5
    """
    p = np.asarray(shares, dtype=np.float64)
    result: Floats = np.round(1.0 - (p * p).sum(axis=-1), DECIMALS)
    return result


def bootstrap_totals(counts: npt.ArrayLike, bootstrap: int, rng: np.random.Generator) -> Floats:
    """Column totals of ``counts`` (documents x categories) over ``bootstrap`` resamples of its
    rows with replacement: an array (bootstrap x categories)."""
    c = np.asarray(counts, dtype=np.float64)
    n = c.shape[0]
    out = np.empty((bootstrap, c.shape[1]), dtype=np.float64)
    if n == 0:
        out.fill(0.0)
        return out
    block = max(1, _BLOCK // n)
    p = np.full(n, 1.0 / n)
    for lo in range(0, bootstrap, block):
        hi = min(bootstrap, lo + block)
        draws = rng.multinomial(n, p, size=hi - lo).astype(np.float64)
        out[lo:hi] = draws @ c
    return out


def shares_of(totals: Floats) -> Floats:
    """Rows of totals as shares (NaN where a row sums to 0)."""
    s = totals.sum(axis=-1, keepdims=True)
    out: Floats = np.divide(totals, s, out=np.full_like(totals, np.nan), where=s > 0)
    return out


def interval(values: Floats, level: float) -> tuple[Floats, Floats]:
    """Percentile interval over the first axis (NaN where every value is NaN)."""
    a = (1.0 - level) / 2.0
    if values.shape[0] == 0 or np.all(np.isnan(values)):
        nan = np.full(values.shape[1:], np.nan)
        return nan, nan
    low, high = np.nanquantile(values, [a, 1.0 - a], axis=0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
