"""The passages behind a figure: the strongest rows of a group, for the evidence tables every
analysis attaches to its numbers."""

from __future__ import annotations

import pandas as pd


def strongest(frame: pd.DataFrame, keys: list[str], n: int, cols: list[str]) -> pd.DataFrame:
    """The ``n`` highest-scoring rows of each group of ``keys`` (ties: earlier doc, passage)."""
    ordered = frame.sort_values(
        [*keys, "score", "doc_id", "passage"],
        ascending=[True] * len(keys) + [False, True, True],
        kind="mergesort",
    )
    top = ordered.groupby(keys, sort=False).head(n).copy()
    top["rank"] = top.groupby(keys, sort=False).cumcount() + 1
    return top[[*keys, "rank", *cols]].reset_index(drop=True)


def strongest_passages(rows: pd.DataFrame, k: int, *, label: str, count: str = "n") -> pd.DataFrame:
    """The ``k`` passages of ``rows`` with the most annotations (rows, or the sum of their ``n``
    when rows stand for several), then the best score:
    doc_id, passage, ``count``, score, and the distinct ``label`` values (comma-separated)."""
    columns = ["doc_id", "passage", count, "score", label + "s"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    grouped = (
        rows.groupby(["doc_id", "passage"], sort=False)
        .agg(
            n=("n", "sum") if "n" in rows.columns else (label, "size"),
            score=("score", "max"),
            labels=(label, lambda s: ", ".join(sorted({str(x) for x in s}))),
        )
        .reset_index()
    )
    grouped = grouped.sort_values(
        ["n", "score", "doc_id", "passage"], ascending=[False, False, True, True], kind="stable"
    )
    grouped = grouped.rename(columns={"n": count, "labels": label + "s"})
    return grouped.head(k).reset_index(drop=True)[columns]
