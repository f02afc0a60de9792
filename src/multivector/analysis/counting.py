"""Which actor mentions count toward which vector, and with what weight: the counting shared by
multi-vector balance and declared versus observed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from multivector.domain.vectors import MULTILATERAL, VectorScheme
from multivector.errors import UsageError

WEIGHTINGS = ("mention", "passage", "document")


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
    vector."""
    if mentions.empty:
        return mentions.copy()
    best = mentions.sort_values("score", ascending=False, kind="stable").drop_duplicates(
        ["doc_id", "start", "end"]
    )
    return best[best["vector"].isin(list(vectors))].sort_index()


def document_weights(counted: pd.DataFrame, weighting: str, keys: Sequence[str]) -> pd.Series:
    """Weight per (``keys``..., doc_id, vector) under a weighting."""
    if weighting not in WEIGHTINGS:
        raise UsageError(
            f"unknown weighting {weighting!r}", hint="use mention, passage or document"
        )
    cols = [*keys, "doc_id", "vector"]
    if weighting == "passage":
        counted = counted.drop_duplicates(["doc_id", "passage", "vector"])
    elif weighting == "document":
        counted = counted.drop_duplicates(["doc_id", "vector"])
    return counted.groupby(cols, sort=False, dropna=False).size().astype("float64")
