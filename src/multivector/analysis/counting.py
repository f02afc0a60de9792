"""Which actor mentions count toward which vector, and with what weight: the counting shared by
multi-vector balance and declared versus observed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from multivector.domain.vectors import MULTILATERAL, VectorScheme
from multivector.errors import UsageError

WEIGHTINGS = ("mention", "passage", "document")
N = "n"  # the mentions a row of a collapsed frame stands for


def scheme_vectors(
    vectors: VectorScheme | Sequence[str], include_multilateral: bool = False
) -> tuple[str, ...]:
    """The vector ids counted: a scheme's or a list (plus ``multilateral`` when asked)."""
    if isinstance(vectors, VectorScheme):
        ids = vectors.ids
    else:
        ids = tuple(dict.fromkeys(str(v) for v in vectors))
    if include_multilateral and MULTILATERAL not in ids:
        ids = (*ids, MULTILATERAL)
    if len(ids) < 2:
        raise UsageError(
            f"a balance needs at least two vectors, got {list(ids)}",
            hint="use a vector scheme with two or more vectors",
        )
    return ids


def counted_mentions(mentions: pd.DataFrame, vectors: Sequence[str]) -> pd.DataFrame:
    """The mentions that count: one reading per span (the most confident), of a counted
    vector. A frame of :func:`collapse_mentions` (with its ``n`` column) has had its spans
    resolved already: only its vectors are selected."""
    if mentions.empty:
        return mentions.copy()
    if N in mentions.columns:
        keep = mentions["vector"].isin(list(vectors))
        return mentions if keep.all() else mentions[keep]
    best = mentions.sort_values("score", ascending=False, kind="stable").drop_duplicates(
        ["doc_id", "start", "end"]
    )
    return best[best["vector"].isin(list(vectors))].sort_index()


def collapse_mentions(counted: pd.DataFrame) -> pd.DataFrame:
    """Counted mentions (:func:`counted_mentions`) as one row per passage, vector and actor:
    ``n`` mentions, the best ``score``, the span (``start``, ``end``) and other columns of the
    first mention, in the order of each group's first mention. Weights, shares, the actors
    behind them and the strongest passages come out as from the mentions themselves (every
    function here reads ``n``), from a fraction of the rows. The stores give the same rows
    aggregated in SQL (``mention_table``)."""
    if N in counted.columns:
        return counted
    return collapse(counted, ["doc_id", "passage", "vector", "actor"])


def collapse(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per group of ``keys``: the group's first row, with the best ``score`` and the
    number of rows ``n``, in the order of the groups' first rows."""
    rows = rows.reset_index(drop=True)
    if rows.empty:
        return rows.assign(**{N: pd.Series(dtype="int64")})
    groups = rows.groupby(keys, sort=False, dropna=False)
    first = rows.loc[groups.cumcount() == 0].copy()
    first["score"] = groups["score"].max().to_numpy()
    first[N] = groups.size().to_numpy().astype("int64")
    return first.reset_index(drop=True)


def mention_count(counted: pd.DataFrame) -> int:
    """How many mentions a counted frame holds (rows, or the sum of ``n`` when collapsed)."""
    return int(counted[N].sum()) if N in counted.columns else len(counted)


def document_weights(counted: pd.DataFrame, weighting: str, keys: Sequence[str]) -> pd.Series:
    """Weight per (``keys``..., doc_id, vector) under a weighting."""
    if weighting not in WEIGHTINGS:
        raise UsageError(
            f"unknown weighting {weighting!r}", hint="use mention, passage or document"
        )
    cols = [*keys, "doc_id", "vector"]
    if weighting == "mention" and N in counted.columns:
        return counted.groupby(cols, sort=False, dropna=False)[N].sum().astype("float64")
    if weighting == "passage":
        counted = counted.drop_duplicates(["doc_id", "passage", "vector"])
    elif weighting == "document":
        counted = counted.drop_duplicates(["doc_id", "vector"])
    return counted.groupby(cols, sort=False, dropna=False).size().astype("float64")
