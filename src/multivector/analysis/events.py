"""One event however many documents report it: rows of an events frame merged, evidence kept.

:func:`merge_events` groups the rows of :func:`~multivector.analysis.frames.events_frame` by
type, status, actor, the set of counterparts and the date at its precision: "chaired the OSCE
in 2010" in a 2010 statement and in a 2011 one is one chairmanship (KAZ, OSCE, 2010). An event
whose sentence gives no date is grouped by the year of the document that reports it
(``date_source`` "document", ``date_precision`` "year"), so that "we chaired the OSCE" said in
2010 and in 2015 stays two reports of what can be two events, never one event of a made-up
date. Each merged event keeps every report that makes it: the document, passage, offsets and
sentence (``evidence``), so each count traces back to its sentences.

Dates of different precision are not merged ("in 2010" and "in June 2010" stay apart), nor
are statuses (a planned chairmanship and the one that happened are two rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

MERGED_COLUMNS = (
    "type",
    "status",
    "actor",
    "counterpart",
    "date",
    "date_precision",
    "date_source",
    "reports",
    "documents",
    "first_reported",
    "last_reported",
    "score",
    "evidence",
)
EVIDENCE_KEYS = ("doc_id", "passage", "start", "end", "reported", "sentence")


def merge_events(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per event in ``frame`` (an events frame, any statuses it holds).

    Columns: type, status, actor, counterpart (sorted list), date (ISO at its precision:
    ``2010``, ``2010-06``, ``2010-06-05``), date_precision, date_source, reports (rows merged),
    documents (distinct documents), first_reported and last_reported (document dates), score
    (the highest) and evidence (a list of dicts with doc_id, passage, start, end, reported and
    sentence, in the order of the reports). Rows are ordered by date, then type.
    """
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in frame.to_dict(orient="records"):
        date, precision, source = _date_key(row)
        counterpart = sorted({str(c) for c in (row.get("counterpart") or [])})
        actor = row.get("actor") if isinstance(row.get("actor"), str) else None
        key = (row["type"], row.get("status", "happened"), actor, tuple(counterpart), date,
               precision, source)
        reported = _timestamp(row.get("reported", row.get("date")))
        group = groups.setdefault(key, {
            "type": row["type"], "status": key[1], "actor": actor, "counterpart": counterpart,
            "date": date, "date_precision": precision, "date_source": source,
            "score": float(row["score"]), "evidence": [], "_docs": set(), "_when": [],
        })
        group["score"] = max(group["score"], float(row["score"]))
        group["_docs"].add(row["doc_id"])
        if reported is not None:
            group["_when"].append(reported)
        group["evidence"].append({
            "doc_id": row["doc_id"], "passage": int(row["passage"]), "start": int(row["start"]),
            "end": int(row["end"]),
            "reported": reported.date().isoformat() if reported is not None else None,
            "sentence": row.get("evidence"),
        })
    rows = []
    for g in groups.values():
        when = g.pop("_when")
        docs = g.pop("_docs")
        g["reports"] = len(g["evidence"])
        g["documents"] = len(docs)
        g["first_reported"] = min(when) if when else pd.NaT
        g["last_reported"] = max(when) if when else pd.NaT
        rows.append(g)
    out = pd.DataFrame(rows, columns=list(MERGED_COLUMNS))
    if len(out):
        order = out["date"].fillna("").astype(str)
        out = out.assign(_order=order).sort_values(["_order", "type"], kind="mergesort")
        out = out.drop(columns="_order").reset_index(drop=True)
    for column in ("first_reported", "last_reported"):
        out[column] = pd.to_datetime(out[column]).astype("datetime64[ns]")
    for column in ("reports", "documents"):
        out[column] = out[column].astype("int64")
    out["score"] = out["score"].astype("float64")
    return out


def _date_key(row: Mapping[Any, Any]) -> tuple[str | None, str | None, str | None]:
    """(date at its precision, precision, source) that identifies when the event took place."""
    own = row.get("event_date")
    if row.get("date_source") == "sentence" and isinstance(own, str):
        return own, row.get("date_precision") or None, "sentence"
    reported = _timestamp(row.get("reported", row.get("date")))
    if reported is None:
        return None, None, None
    return f"{reported.year:04d}", "year", "document"


def _timestamp(value: Any) -> pd.Timestamp | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    stamp = pd.Timestamp(value)
    return None if pd.isna(stamp) else stamp
