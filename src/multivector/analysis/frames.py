"""The shared data layer of the analyses: annotations of a corpus as pandas frames, one row per
annotation joined with its document's metadata.

Every frame function takes ``(store, filters=None)`` where ``store`` is any
:class:`~multivector.store.base.CorpusRepository`: the store filters, joins and orders the rows
(its ``*_table`` methods, SQL in the SQLite store) and this module only types the columns.
Document metadata columns (:data:`META_COLUMNS`) are the same in every annotation frame:
``date`` (datetime64, NaT when undated), ``year`` (nullable Int64), ``source``, ``genre``,
``author`` (the speaker), ``country`` (ISO3 of the speaker) and ``language``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from multivector.domain.corpus import Layer
from multivector.store.base import (
    DOCUMENT_COLUMNS,
    MENTION_COLUMNS,
    PASSAGE_COLUMNS,
    CorpusRepository,
    Filters,
)
from multivector.store.base import META_COLUMNS as STORE_META

META_COLUMNS = ("date", "year", "source", "genre", "author", "country", "language")


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
        ("status", "status"),
        ("future", "future"),
        ("own_date_source", "date_source"),
        ("date_precision", "date_precision"),
    ),
)
CHUNK_ROWS = 20_000  # rows per frame read from the store (whole documents: a few more)
HAPPENED = ("happened",)  # what counts, charts and timelines show unless asked otherwise
_PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}


# ------------------------------------------------------------------------------ public frames


def documents_frame(store: CorpusRepository, filters: Filters | None = None) -> pd.DataFrame:
    """One row per document: doc_id, date, year, title, source, genre, author, country,
    language, n_passages."""
    frame = pd.DataFrame(list(store.document_table(filters)), columns=list(DOCUMENT_COLUMNS))
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
    return _mention_columns(_layer_frame(store, filters, _MENTIONS))


def counted_mentions_frame(
    store: CorpusRepository, filters: Filters | None, vectors: Sequence[str],
    meta: Sequence[str] = META_COLUMNS,
) -> pd.DataFrame:
    """The mentions that count toward ``vectors``
    (:func:`~multivector.analysis.counting.counted_mentions`), one row per passage, vector and
    actor with its ``n`` mentions (:func:`~multivector.analysis.counting.collapse_mentions`),
    aggregated by the store (``mention_table``) so that memory follows these rows, never the
    corpus's mentions: doc_id, passage, start, end (the first mention's span), metadata (the
    ``meta`` columns only), actor, vector, score (the best), n."""
    return _concat(list(counted_mention_chunks(store, filters, vectors, meta)))


def counted_mention_chunks(
    store: CorpusRepository, filters: Filters | None, vectors: Sequence[str],
    meta: Sequence[str] = META_COLUMNS,
) -> Iterator[pd.DataFrame]:
    """:func:`counted_mentions_frame` in chunks of whole documents, read from the store one at
    a time (at least one chunk, empty when there are none)."""
    columns = [*MENTION_COLUMNS, *STORE_META]
    for frame in _chunks(store.mention_table(tuple(vectors), filters), columns, CHUNK_ROWS):
        frame = _with_dates(frame)
        for column in ("passage", "start", "end", "n"):
            frame[column] = frame[column].astype("int64")
        frame["score"] = frame["score"].astype("float64")
        frame["vector"] = frame["vector"].astype("object")
        yield frame[["doc_id", "passage", "start", "end", *meta, "actor", "vector", "score",
                     "n"]]


def actor_vectors_frame(
    store: CorpusRepository, filters: Filters | None = None,
    wanted: Mapping[str, Collection[str]] | None = None,
) -> pd.DataFrame:
    """The vector each actor carries in each document, from its first mention there: doc_id,
    actor, vector, date, country; when ``wanted`` is given, only the actors it gives for each
    document. Read in chunks of whole documents, each reduced before the next is read (how
    declared versus observed places an event's counterparts)."""

    def chosen(chunk: pd.DataFrame) -> pd.DataFrame:
        if wanted is None:
            return chunk
        keep = np.fromiter((a in wanted.get(d, ()) for d, a in zip(chunk["doc_id"],
                                                                    chunk["actor"],
                                                                    strict=True)),
                           dtype=bool, count=len(chunk))
        return chunk[keep]

    return _concat([
        _mention_columns(chosen(chunk))[["doc_id", "actor", "vector", "date", "country"]]
        .drop_duplicates(["doc_id", "actor"])
        for chunk in _layer_chunks(store, filters, _MENTIONS)
    ])


def passage_labels_frame(
    store: CorpusRepository,
    filters: Filters | None,
    layer: str,
    keep: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The ``layer`` ("themes" or "elements") frame with one row per passage and label: the
    first annotation's columns (``columns`` only, when given), the best ``score`` and ``n``
    annotations. ``keep`` selects rows of each chunk before it is reduced. Read in chunks of
    whole documents, so that memory follows the passages and labels, not the annotations."""
    from multivector.analysis.counting import collapse

    spec, label = {"themes": (_THEMES, "theme"), "elements": (_ELEMENTS, "element")}[layer]
    parts = []
    for chunk in _layer_chunks(store, filters, spec):
        rows = keep(chunk) if keep is not None else chunk
        if columns is not None:
            rows = rows[list(dict.fromkeys(["doc_id", "passage", label, "score", *columns]))]
        parts.append(collapse(rows, ["doc_id", "passage", label]))
    return _concat(parts)


def _mention_columns(frame: pd.DataFrame) -> pd.DataFrame:
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


def theme_chunks(
    store: CorpusRepository, filters: Filters | None = None
) -> Iterator[pd.DataFrame]:
    """:func:`themes_frame` in chunks of whole documents, read from the store one at a time
    (about :data:`CHUNK_ROWS` rows each; at least one chunk, empty when there are no themes)."""
    for chunk in _layer_chunks(store, filters, _THEMES):
        yield chunk[["doc_id", "passage", "start", "end", *META_COLUMNS, "theme", "method",
                     "score"]]


def element_chunks(
    store: CorpusRepository, filters: Filters | None = None
) -> Iterator[pd.DataFrame]:
    """:func:`elements_frame` in chunks of whole documents, read from the store one at a time
    (at least one chunk, empty when there are no elements)."""
    for chunk in _layer_chunks(store, filters, _ELEMENTS):
        yield chunk[["doc_id", "passage", "start", "end", *META_COLUMNS, "element", "kind",
                     "route", "score", "edition"]]


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


def events_frame(
    store: CorpusRepository,
    filters: Filters | None = None,
    *,
    status: Collection[str] | None = HAPPENED,
) -> pd.DataFrame:
    """One row per event: doc_id, passage, start, end, metadata, type, status, plover, actor,
    counterpart (list of actor ids), place, score, evidence (the sentence), date_source,
    date_precision, event_date and reported.

    ``status`` keeps events of those statuses (happened, planned, proposed, hoped, negated,
    conditional; see :mod:`multivector.pipeline.components.events`): by default only what
    happened, so that counts, charts and timelines never take a plan for a fact; None keeps
    every event. Events stored without a status read as happened, or planned when flagged
    ``future``.

    ``date`` is the event's own date when its sentence gives one (``date_source`` "sentence";
    ``event_date`` the ISO date as written, partial or not, such as ``2015-06`` or ``2015``,
    which ``date`` reads as its first day; ``date_precision`` year, month or day), else the
    document's date (``date_source`` "document", ``event_date`` None): when the event was
    reported, not when it took place. ``reported`` is always the document's date; ``year``
    follows ``date``."""
    return _concat(list(event_chunks(store, filters, status=status)))


def event_chunks(
    store: CorpusRepository,
    filters: Filters | None = None,
    *,
    status: Collection[str] | None = HAPPENED,
    evidence: bool = True,
) -> Iterator[pd.DataFrame]:
    """:func:`events_frame` in chunks of whole documents, read from the store one at a time
    (at least one chunk, empty when there are no events); ``evidence=False`` leaves the
    sentences unread (the column holds None)."""
    for chunk in _layer_chunks(store, filters, _EVENTS, evidence=evidence):
        if not evidence:
            chunk["evidence"] = None
        yield _events_of(chunk, filters, status)


def _events_of(
    frame: pd.DataFrame, filters: Filters | None, status: Collection[str] | None
) -> pd.DataFrame:
    wanted = set(filters.event_types) if filters and filters.event_types else None
    if wanted is not None:  # the filter selects passages; keep only the events asked for
        frame = frame[frame["type"].isin(wanted)].reset_index(drop=True)
    frame["status"] = [
        _status_of(s, f) for s, f in zip(frame["status"], frame["future"], strict=True)
    ]
    if status is not None:
        frame = frame[frame["status"].isin(set(status))].reset_index(drop=True)
    from_sentence = frame["own_date_source"].map(lambda v: v is None or v == "sentence"
                                                 or (isinstance(v, float) and pd.isna(v)))
    own_value = frame["event_date"].where(from_sentence, None)
    own = pd.to_datetime(own_value.map(_pad_date), errors="coerce")
    has_own = own.notna()
    frame["reported"] = frame["date"]
    frame["event_date"] = own_value.where(has_own, None).astype("object")
    frame["date_source"] = (
        has_own.map({True: "sentence", False: "document"})
        .where(has_own | frame["date"].notna(), None)
        .astype("object")
    )
    frame["date_precision"] = [
        (p if isinstance(p, str) else _PRECISION_OF_LENGTH.get(len(str(v))))
        if o else ("day" if pd.notna(d) else None)
        for p, v, o, d in zip(frame["date_precision"], frame["event_date"], has_own,
                              frame["date"], strict=True)
    ]
    frame["date_precision"] = frame["date_precision"].astype("object")
    frame["date"] = own.where(has_own, frame["date"]).astype("datetime64[ns]")
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
            "status",
            "plover",
            "actor",
            "counterpart",
            "place",
            "score",
            "evidence",
            "date_source",
            "date_precision",
            "event_date",
            "reported",
        ]
    ]


def _status_of(status: Any, future: Any) -> str:
    """An event's status; events stored before statuses existed read from their future flag."""
    if isinstance(status, str):
        return status
    return "planned" if _truthy(future) else "happened"


def passages_frame(store: CorpusRepository, filters: Filters | None = None) -> pd.DataFrame:
    """One row per passage: doc_id, passage, start, end, text, date, year, country (with
    passage-level filters, only the passages that match them)."""
    frame = pd.DataFrame(list(store.passage_table(filters)), columns=list(PASSAGE_COLUMNS))
    frame = _with_dates(frame)
    for column in ("passage", "start", "end"):
        frame[column] = frame[column].astype("int64")
    return frame[["doc_id", "passage", "start", "end", "text", "date", "year", "country"]]


# ------------------------------------------------------------------------------ reading


def _layer_frame(
    store: CorpusRepository, filters: Filters | None, spec: _LayerSpec, *, evidence: bool = False
) -> pd.DataFrame:
    return _concat(list(_layer_chunks(store, filters, spec, evidence=evidence)))


def _layer_chunks(
    store: CorpusRepository,
    filters: Filters | None,
    spec: _LayerSpec,
    *,
    evidence: bool = False,
) -> Iterator[pd.DataFrame]:
    """The layer's rows as typed frames of whole documents, read from the store in batches."""
    attr_columns = [c for c, _ in spec.attrs]
    columns = [
        "doc_id",
        "passage",
        "start",
        "end",
        "score",
        spec.label,
        *attr_columns,
        *(["evidence"] if evidence else []),
        *STORE_META,
    ]
    rows = store.annotation_table(
        spec.layer, [k for _, k in spec.attrs], filters, evidence=evidence
    )
    for frame in _chunks(rows, columns, CHUNK_ROWS):
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
        yield frame


def _chunks(
    rows: Iterable[tuple[Any, ...]], columns: list[str], chunk_rows: int
) -> Iterator[pd.DataFrame]:
    """Frames of about ``chunk_rows`` rows each, never splitting a document (rows arrive
    grouped by document, its id first), at least one (empty when there are no rows). String
    columns share one object per distinct value within a frame, not one per row."""
    batch: list[tuple[Any, ...]] = []
    yielded = False
    for row in rows:
        if len(batch) >= chunk_rows and row[0] != batch[-1][0]:
            frame = _compact(pd.DataFrame(batch, columns=columns, dtype=object))
            batch = [row]  # the rows are let go before the frame is used, not after
            yielded = True
            yield frame
            del frame
            continue
        batch.append(row)
    if batch or not yielded:
        frame = _compact(pd.DataFrame(batch, columns=columns, dtype=object))
        batch = []
        yield frame


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and len(values):
            # factorize keeps lists apart; only hashable scalars are shared
            try:
                codes, uniques = pd.factorize(values, use_na_sentinel=True)
            except TypeError:
                continue
            shared = np.empty(len(uniques) + 1, dtype=object)
            shared[:-1] = uniques
            shared[-1] = None
            # an object Series: a bare array of strings would become pandas 3's str dtype, a
            # buffer of its own per chunk instead of pointers to one object per distinct value
            frame[column] = pd.Series(shared[codes], index=frame.index, dtype=object)
    return frame


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if len(parts) == 1:
        return parts[0]
    return pd.concat(parts, ignore_index=True)


def _with_dates(frame: pd.DataFrame) -> pd.DataFrame:
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce").astype("datetime64[ns]")
    frame["year"] = frame["date"].dt.year.astype("Int64")
    for column in ("title", "source", "genre", "author", "country", "language"):
        if column in frame.columns:
            frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    return frame


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
