"""The shared data layer of the analyses: annotations of a corpus as pandas frames, one row per
annotation joined with its document's metadata, and the periods the analyses group by.

Every frame function takes ``(store, filters=None)`` where ``store`` is any
:class:`~multivector.store.base.CorpusRepository`. A SQLite store without filters is read with
one SQL query per frame; any other store, or any filter, goes through the repository's
``documents()``/``annotations()``/``passages()`` methods, so the frames mean the same either way.
Document metadata columns (:data:`META_COLUMNS`) are the same in every annotation frame:
``date`` (datetime64, NaT when undated), ``year`` (nullable Int64), ``source``, ``genre``,
``author`` (the speaker), ``country`` (ISO3 of the speaker) and ``language``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from multivector.domain.concept import Edition
from multivector.domain.corpus import Document, Layer
from multivector.errors import UsageError
from multivector.store.base import CorpusRepository, Filters

META_COLUMNS = ("date", "year", "source", "genre", "author", "country", "language")
UNDATED = "(undated)"
NO_PERIOD = "(none)"
PERIOD_KINDS = ("year", "quarter", "edition")

_PASSAGE_FILTERS = ("actors", "vectors", "themes", "elements", "event_types")


@dataclass(frozen=True)
class _LayerSpec:
    """How one annotation layer becomes frame columns: label column and attrs to extract."""

    layer: Layer
    label: str
    attrs: tuple[tuple[str, str], ...]  # (column, attrs key)


_MENTIONS = _LayerSpec(
    Layer.ACTOR,
    "actor",
    (("actor_type", "type"), ("vector", "vector"), ("own_country", "own_country")),
)
_THEMES = _LayerSpec(Layer.THEME, "theme", (("method", "method"),))
_ELEMENTS = _LayerSpec(
    Layer.ELEMENT, "element", (("kind", "kind"), ("route", "route"), ("edition", "edition"))
)
_EVENTS = _LayerSpec(
    Layer.EVENT,
    "type",
    (
        ("plover", "plover"),
        ("actor", "actor"),
        ("counterpart", "counterpart"),
        ("event_date", "date"),
        ("place", "place"),
    ),
)


# ------------------------------------------------------------------------------ public frames


def documents_frame(store: CorpusRepository, filters: Filters | None = None) -> pd.DataFrame:
    """One row per document: doc_id, date, year, title, source, genre, author, country,
    language, n_passages."""
    conn = _fast(store, filters)
    if conn is not None:
        rows = conn.execute(
            "SELECT d.id, d.title, d.date, d.source, d.genre, d.author, d.country, d.language,"
            " (SELECT count(*) FROM passages p WHERE p.doc_id = d.id)"
            " FROM documents d ORDER BY d.date NULLS LAST, d.id"
        ).fetchall()
    else:
        docs = list(store.documents(filters))
        keys = _passage_keys(store, filters)
        rows = []
        for d in docs:
            passages = store.passages(d.id)
            n = len(passages) if keys is None else sum((d.id, p.index) in keys for p in passages)
            m = d.meta
            rows.append(
                (
                    d.id,
                    m.title,
                    _iso(m.date),
                    m.source,
                    _genre(m.genre),
                    m.author,
                    m.country,
                    m.language,
                    n,
                )
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "doc_id",
            "title",
            "date",
            "source",
            "genre",
            "author",
            "country",
            "language",
            "n_passages",
        ],
    )
    frame = _with_dates(frame)
    frame["n_passages"] = frame["n_passages"].astype("int64")
    return frame[
        [
            "doc_id",
            "date",
            "year",
            "title",
            "source",
            "genre",
            "author",
            "country",
            "language",
            "n_passages",
        ]
    ]


def mentions_frame(store: CorpusRepository, filters: Filters | None = None) -> pd.DataFrame:
    """One row per actor mention: doc_id, passage, start, end, metadata, actor, actor_type,
    vector (None for the speaker's own country, multilateral organisations give
    ``"multilateral"``), own_country, score. Own-country mentions are kept with vector None."""
    frame = _layer_frame(store, filters, _MENTIONS)
    frame["own_country"] = frame["own_country"].map(_truthy).astype("bool")
    frame["vector"] = frame["vector"].astype("object").where(frame["vector"].notna(), None)
    return frame[
        [
            "doc_id",
            "passage",
            "start",
            "end",
            *META_COLUMNS,
            "actor",
            "actor_type",
            "vector",
            "own_country",
            "score",
        ]
    ]


def themes_frame(store: CorpusRepository, filters: Filters | None = None) -> pd.DataFrame:
    """One row per theme annotation: doc_id, passage, start, end, metadata, theme, method
    (lexicon or semantic), score."""
    frame = _layer_frame(store, filters, _THEMES)
    return frame[["doc_id", "passage", "start", "end", *META_COLUMNS, "theme", "method", "score"]]


def elements_frame(store: CorpusRepository, filters: Filters | None = None) -> pd.DataFrame:
    """One row per coded concept element: doc_id, passage, start, end, metadata, element,
    kind, route, score, edition (the edition the passage was coded against)."""
    frame = _layer_frame(store, filters, _ELEMENTS)
    return frame[
        [
            "doc_id",
            "passage",
            "start",
            "end",
            *META_COLUMNS,
            "element",
            "kind",
            "route",
            "score",
            "edition",
        ]
    ]


def events_frame(store: CorpusRepository, filters: Filters | None = None) -> pd.DataFrame:
    """One row per event: doc_id, passage, start, end, metadata, type, plover, actor,
    counterpart (list of actor ids), place, score, evidence (the sentence) and date_source.

    ``date`` is the event's own date when the events component resolved one (a partial date
    such as ``2015-06`` or ``2015`` is read as its first day), else the document date;
    ``date_source`` says which ("event" or "document"); ``year`` follows ``date``."""
    frame = _layer_frame(store, filters, _EVENTS, evidence=True)
    wanted = set(filters.event_types) if filters and filters.event_types else None
    if wanted is not None:  # the filter selects passages; keep only the events asked for
        frame = frame[frame["type"].isin(wanted)].reset_index(drop=True)
    own = pd.to_datetime(frame["event_date"].map(_pad_date), errors="coerce")
    frame["date_source"] = (
        own.notna()
        .map({True: "event", False: "document"})
        .where(own.notna() | frame["date"].notna(), None)
    )
    frame["date"] = own.where(own.notna(), frame["date"]).astype("datetime64[ns]")
    frame["year"] = frame["date"].dt.year.astype("Int64")
    frame["counterpart"] = frame["counterpart"].map(_as_list)
    return frame[
        [
            "doc_id",
            "passage",
            "start",
            "end",
            *META_COLUMNS,
            "type",
            "plover",
            "actor",
            "counterpart",
            "place",
            "score",
            "evidence",
            "date_source",
        ]
    ]


def passages_frame(store: CorpusRepository, filters: Filters | None = None) -> pd.DataFrame:
    """One row per passage: doc_id, passage, start, end, text, date, year, country (with
    passage-level filters, only the passages that match them)."""
    conn = _fast(store, filters)
    if conn is not None:
        rows = conn.execute(
            'SELECT p.doc_id, p.idx, p.start, p."end", substr(d.text, p.start + 1,'
            ' p."end" - p.start), d.date, d.country FROM passages p JOIN documents d'
            " ON d.id = p.doc_id ORDER BY d.date NULLS LAST, p.doc_id, p.idx"
        ).fetchall()
    else:
        keys = _passage_keys(store, filters)
        rows = []
        for d in store.documents(filters):
            for p in store.passages(d.id):
                if keys is None or (d.id, p.index) in keys:
                    rows.append(
                        (
                            d.id,
                            p.index,
                            p.start,
                            p.end,
                            d.text[p.start : p.end],
                            _iso(d.meta.date),
                            d.meta.country,
                        )
                    )
    frame = pd.DataFrame(
        rows, columns=["doc_id", "passage", "start", "end", "text", "date", "country"]
    )
    frame = _with_dates(frame)
    for column in ("passage", "start", "end"):
        frame[column] = frame[column].astype("int64")
    return frame[["doc_id", "passage", "start", "end", "text", "date", "year", "country"]]


# ------------------------------------------------------------------------------ periods


def assign_period(
    frame: pd.DataFrame,
    period: str | Sequence[int],
    *,
    editions: Iterable[Edition] | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` with a ``period`` column (strings) computed from its ``date``.

    ``period`` is one of

    - ``"year"``: ``"1996"``;
    - ``"quarter"``: ``"1996Q2"``;
    - ``"edition"``: the id of the concept edition in force on the date. An edition is in
      force from its adoption date (1 January of its first year when the date is unknown)
      until the next edition of the same country comes into force, and at the latest until
      31 December of its last year. Dates before the first edition, or after the last one
      has expired, get ``"(none)"``. ``editions`` are the editions to use; by default each
      row uses the shipped and user editions of its speaker's ``country``;
    - a list of cut years such as ``[1992, 2001, 2014, 2020]``: periods ``"1992-2000"``,
      ``"2001-2013"``, ``"2014-2019"``, ``"2020-"`` (the last one open), dates before the first
      cut ``"(none)"``.

    Undated rows get ``"(undated)"``. Order periods with :func:`period_order`.
    """
    out = frame.copy()
    dates: pd.Series = pd.Series(
        pd.to_datetime(out["date"]), index=out.index, dtype="datetime64[ns]"
    )
    if isinstance(period, str):
        if period == "year":
            labels = dates.dt.year.astype("Int64").astype("string")
        elif period == "quarter":
            labels = dates.dt.to_period("Q").astype("string")
        elif period == "edition":
            labels = _edition_labels(out, dates, editions)
        else:
            raise UsageError(
                f"unknown period {period!r}",
                hint="use year, quarter, edition or a list of cut years such as 1992,2001,2014",
            )
    else:
        labels = _cut_labels(dates, period)
    labels = labels.astype("object").where(dates.notna(), UNDATED)
    out["period"] = labels.where(labels.notna(), NO_PERIOD).astype("object")
    return out


def period_order(frame: pd.DataFrame) -> list[str]:
    """The periods of a frame with a ``period`` column, in time order: by the earliest date
    in each period, ``"(none)"`` before the rest and ``"(undated)"`` last."""
    if "period" not in frame.columns:
        raise UsageError("the frame has no period column", hint="call assign_period first")
    if frame.empty:
        return []
    first = pd.to_datetime(frame["date"]).groupby(frame["period"]).min()

    def key(label: str) -> tuple[int, pd.Timestamp, str]:
        if label == UNDATED:
            return (2, pd.Timestamp.max, label)
        if label == NO_PERIOD:
            return (0, pd.Timestamp.min, label)
        when = first.get(label)
        return (
            1,
            when if isinstance(when, pd.Timestamp) and not pd.isna(when) else pd.Timestamp.max,
            label,
        )

    return sorted((str(p) for p in first.index), key=key)


def edition_spans(editions: Iterable[Edition]) -> list[tuple[str, dt.date, dt.date | None]]:
    """(edition id, first day in force, last day in force or None) for each edition, by the
    rule of :func:`assign_period` (editions of several countries are chained per country)."""
    by_country: dict[str, list[Edition]] = {}
    for e in editions:
        by_country.setdefault(e.country, []).append(e)
    spans = []
    for eds in by_country.values():
        eds.sort(key=_in_force_from)
        for i, e in enumerate(eds):
            end = dt.date(e.period_end, 12, 31) if e.period_end is not None else None
            if i + 1 < len(eds):
                before_next = _in_force_from(eds[i + 1]) - dt.timedelta(days=1)
                end = before_next if end is None else min(end, before_next)
            spans.append((e.id, _in_force_from(e), end))
    return spans


def _in_force_from(e: Edition) -> dt.date:
    return e.adopted or dt.date(e.period_start, 1, 1)


def _edition_labels(
    frame: pd.DataFrame, dates: pd.Series, editions: Iterable[Edition] | None
) -> pd.Series:
    labels = pd.Series(pd.NA, index=frame.index, dtype="object")
    if editions is not None:
        groups: list[tuple[pd.Series, list[Edition]]] = [
            (pd.Series(True, index=frame.index), list(editions))
        ]
    else:
        from multivector.services.knowledge import default_knowledge

        kb = default_knowledge()
        country = (
            frame["country"]
            if "country" in frame.columns
            else pd.Series(None, index=frame.index, dtype="object")
        )
        groups = [(country == code, kb.editions(str(code))) for code in country.dropna().unique()]
    for mask, eds in groups:
        for ident, start, end in edition_spans(eds):
            inside = mask & (dates >= pd.Timestamp(start))
            if end is not None:
                inside &= dates <= pd.Timestamp(end)
            labels = labels.where(~inside, ident)
    return labels


def _cut_labels(dates: pd.Series, cuts: Sequence[int]) -> pd.Series:
    years = sorted({int(c) for c in cuts})
    if not years:
        raise UsageError("no cut years given", hint="give cut years such as 1992,2001,2014")
    names = [f"{a}-{b - 1}" for a, b in itertools.pairwise(years)] + [f"{years[-1]}-"]
    labels = pd.Series(pd.NA, index=dates.index, dtype="object")
    year = dates.dt.year
    for name, start in zip(names, years, strict=True):
        labels = labels.where(~(year >= start), name)
    return labels


# ------------------------------------------------------------------------------ reading


def _fast(store: CorpusRepository, filters: Filters | None) -> sqlite3.Connection | None:
    """The SQLite connection when the frame can be read by one SQL query (no filters)."""
    conn = getattr(store, "connection", None)
    if isinstance(conn, sqlite3.Connection) and (filters is None or filters == Filters()):
        return conn
    return None


def _passage_keys(store: CorpusRepository, filters: Filters | None) -> set[tuple[str, int]] | None:
    """The (doc_id, passage) pairs that pass passage-level filters, or None without them
    (such filters need an annotation in the passage, so annotations find every match)."""
    if filters is None or not any(getattr(filters, f) for f in _PASSAGE_FILTERS):
        return None
    return {(a.doc_id, a.passage) for a in store.annotations(filters=filters)}


def _layer_frame(
    store: CorpusRepository, filters: Filters | None, spec: _LayerSpec, *, evidence: bool = False
) -> pd.DataFrame:
    attr_columns = [c for c, _ in spec.attrs]
    columns = ["doc_id", "passage", "start", "end", "score", spec.label, *attr_columns]
    conn = _fast(store, filters)
    if conn is not None:
        extracts = "".join(f", json_extract(an.attrs, '$.{k}')" for _, k in spec.attrs)
        text = ', substr(d.text, an.start + 1, an."end" - an.start)' if evidence else ""
        sql = (
            f'SELECT an.doc_id, an.passage, an.start, an."end", an.score, an.label{extracts}'
            f"{text}, d.title, d.date, d.source, d.genre, d.author, d.country, d.language"
            " FROM annotations an JOIN documents d ON d.id = an.doc_id WHERE an.layer = ?"
            ' ORDER BY d.date NULLS LAST, an.doc_id, an.start, an."end", an.id'
        )
        rows = conn.execute(sql, (spec.layer.value,)).fetchall()
        frame = pd.DataFrame(
            rows,
            columns=[
                *columns,
                *(["evidence"] if evidence else []),
                "title",
                "date",
                "source",
                "genre",
                "author",
                "country",
                "language",
            ],
        )
        for column, key in spec.attrs:
            if key == "counterpart":  # json_extract gives arrays as JSON text
                frame[column] = frame[column].map(
                    lambda v: json.loads(v) if isinstance(v, str) and v.startswith("[") else v
                )
        frame = frame.drop(columns="title")
    else:
        docs: dict[str, Document] = {d.id: d for d in store.documents(filters)}
        rows = []
        for a in store.annotations(layers=[spec.layer], filters=filters):
            d = docs.get(a.doc_id)
            if d is None:
                continue
            m = d.meta
            row = [
                a.doc_id,
                a.passage,
                a.start,
                a.end,
                a.score,
                a.label,
                *(_plain(a.attrs.get(k)) for _, k in spec.attrs),
            ]
            if evidence:
                row.append(d.text[a.start : a.end])
            rows.append(
                (*row, _iso(m.date), m.source, _genre(m.genre), m.author, m.country, m.language)
            )
        frame = pd.DataFrame(
            rows,
            columns=[
                *columns,
                *(["evidence"] if evidence else []),
                "date",
                "source",
                "genre",
                "author",
                "country",
                "language",
            ],
        )
        if len(frame):
            frame = frame.sort_values(
                ["date", "doc_id", "start", "end"], kind="stable", na_position="last"
            ).reset_index(drop=True)
    if evidence:
        frame["evidence"] = (
            frame["evidence"]
            .astype("object")
            .map(lambda s: s.replace("\n", " ") if isinstance(s, str) else s)
        )
    frame = _with_dates(frame)
    for column in ("passage", "start", "end"):
        frame[column] = frame[column].astype("int64")
    frame["score"] = frame["score"].astype("float64")
    for column in attr_columns:
        frame[column] = frame[column].astype("object")
    return frame


def _with_dates(frame: pd.DataFrame) -> pd.DataFrame:
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce").astype("datetime64[ns]")
    frame["year"] = frame["date"].dt.year.astype("Int64")
    for column in ("title", "source", "genre", "author", "country", "language"):
        if column in frame.columns:
            frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    return frame


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _truthy(value: Any) -> bool:
    return bool(value) and not (isinstance(value, float) and pd.isna(value))


def _as_list(value: Any) -> list[Any]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


def _pad_date(value: Any) -> str | None:
    """An ISO date, month (``2015-06``) or year (``2015``) as its first day."""
    if not isinstance(value, str):
        return None
    if len(value) == 4 and value.isdigit():
        return f"{value}-01-01"
    if len(value) == 7:
        return f"{value}-01"
    return value


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _genre(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def records_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts ready for JSON: missing values (NaN, NA, NaT) as None, timestamps
    as ISO dates, numpy scalars as Python ones."""
    out = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if isinstance(v, (list, tuple, dict, np.ndarray)):
                clean[str(k)] = list(v) if isinstance(v, np.ndarray) else v
                continue
            if pd.isna(v):
                v = None
            elif isinstance(v, pd.Timestamp):
                v = v.date().isoformat()
            elif isinstance(v, np.generic):
                v = v.item()
            clean[str(k)] = v
        out.append(clean)
    return out
