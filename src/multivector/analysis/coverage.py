"""Priority coverage: the implementation scorecard of a concept edition.

For every element of an edition (principles, goals, priorities ...), the evidence a coded corpus
holds for it over time: passages coded to the element, events linked to it, the share of periods
with any evidence, and the strongest passages behind each figure. Elements the corpus never codes
are listed too, flagged ``silent``.

Evidence is counted where it holds up: by default only inside the edition's validity period
(what came before or after it is counted apart, in ``before`` and ``after``) and only strong
evidence, i.e. passages coded from the element's own words (its cues; see
:mod:`multivector.pipeline.components.elements`). Weak evidence (a theme plus a named partner, a
state of the region, semantic similarity; events linked only through a partner) is counted
apart, in ``weak_passages`` and ``weak_events``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from multivector.analysis.evidence import strongest
from multivector.analysis.frames import records_of
from multivector.analysis.periods import (
    UNDATED,
    Editions,
    Period,
    edition_spans,
    period_order,
    with_period,
)
from multivector.domain.concept import Edition, Element, route_strength
from multivector.domain.results import Tabular
from multivector.errors import UsageError

WINDOWS = ("before", "in_force", "after")  # where a date falls against the validity period

SCORECARD_COLUMNS = [
    "element",
    "kind",
    "domain",
    "title",
    "periods",
    "periods_with_evidence",
    "share",
    "passages",
    "documents",
    "events",
    "mean_score",
    "silent",
    "last_seen",
    "silent_since",
    "weak_passages",
    "weak_events",
    "before",
    "after",
]
TIMELINE_COLUMNS = [
    "element",
    "kind",
    "period",
    "passages",
    "documents",
    "mean_score",
    "events",
    "evidence",
    "weak_passages",
    "weak_events",
    "window",
]
EVIDENCE_COLUMNS = [
    "element",
    "rank",
    "doc_id",
    "passage",
    "start",
    "end",
    "period",
    "date",
    "score",
    "route",
    "strength",
]
PASSAGE_COLUMNS = [
    "element",
    "doc_id",
    "passage",
    "start",
    "end",
    "date",
    "period",
    "score",
    "route",
    "strength",
    "window",
    "counted",
]
EVENT_COLUMNS = [
    "element",
    "link",
    "doc_id",
    "passage",
    "start",
    "end",
    "period",
    "date",
    "type",
    "actor",
    "counterpart",
    "score",
    "evidence",
    "strength",
    "window",
    "counted",
]


@dataclass(frozen=True, eq=False)
class CoverageResult(Tabular):
    """The evidence for each element of ``edition``.

    Frames (see the ``*_frame`` methods): the scorecard (one row per element, in the edition's
    order), the timeline (element x period, every period counted, zeros included), the evidence
    (the ``top`` strongest counted passages of each element), the linked events, and every
    coded passage with its strength, window and whether it counted (``passages_frame``).
    ``valid_from`` and ``valid_to`` bound the edition's validity period (``valid_to`` None: open);
    ``in_force`` says whether the counts keep to it, ``weak`` whether weak evidence counts.
    ``warnings`` say when the corpus was coded against another edition, or holds no document
    of the validity period.
    """

    edition: str
    period: Period
    min_score: float
    top: int
    periods: tuple[str, ...]
    scorecard: pd.DataFrame
    timeline: pd.DataFrame
    evidence: pd.DataFrame
    events: pd.DataFrame | None
    warnings: tuple[str, ...] = ()
    coded: pd.DataFrame | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    in_force: bool = True
    weak: bool = False
    rows: Callable[[], tuple[pd.DataFrame, pd.DataFrame]] | None = field(
        default=None, repr=False, compare=False)

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.scorecard)

    def scorecard_frame(self) -> pd.DataFrame:
        """element, kind, domain, title, periods (counted), periods_with_evidence, share,
        passages, documents, events, mean_score, silent, last_seen, silent_since (all of
        counted evidence), weak_passages, weak_events (weak evidence, not counted unless
        ``weak``), before, after (counted-strength passages dated before or after the validity
        period)."""
        return self.scorecard.copy()

    def timeline_frame(self) -> pd.DataFrame:
        """element, kind, period, passages, documents, mean_score, events, evidence (bool),
        weak_passages, weak_events, window (where the period's documents fall against the
        validity period: before, in_force, after, or several joined by '+')."""
        return self.timeline.copy()

    def evidence_frame(self) -> pd.DataFrame:
        """element, rank, doc_id, passage, start, end, period, date, score, route, strength."""
        return self.evidence.copy()

    def events_frame(self) -> pd.DataFrame:
        """element, link (passage, partner or partner+passage), doc_id, passage, start, end,
        period, date, type, actor, counterpart, score, evidence, strength (strong when linked
        through a strong passage), window, counted."""
        events = self.events if self.events is not None else self._read_rows()[1]
        return events.copy() if events is not None else pd.DataFrame(columns=EVENT_COLUMNS)

    def passages_frame(self) -> pd.DataFrame:
        """Every coded (element, passage) pair, whichever its window and strength: element,
        doc_id, passage, start, end, date, period, score, route, strength, window, counted.
        The rows behind every count of the scorecard."""
        coded = self.coded if self.coded is not None else self._read_rows()[0]
        return coded.copy() if coded is not None else pd.DataFrame(columns=PASSAGE_COLUMNS)

    def _read_rows(self) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
        """The row-level frames of a result that keeps counts only, read by ``rows`` (the
        service reads them from the store again: it must still be open)."""
        return self.rows() if self.rows is not None else (None, None)

    def matrix(self, value: str = "passages") -> pd.DataFrame:
        """Elements as rows (edition order), periods as columns: passages, events or
        documents."""
        wide = self.timeline.pivot(index="element", columns="period", values=value)
        return wide.reindex(index=list(self.scorecard["element"]), columns=list(self.periods))

    def silent(self) -> list[str]:
        return [str(e) for e in self.scorecard.loc[self.scorecard["silent"], "element"]]


def validity(
    edition: Edition, editions: Editions | None = None
) -> tuple[dt.date, dt.date | None]:
    """First and last day ``edition`` is in force: from its adoption (1 January of its first
    year when the date is unknown) to 31 December of its last year, or, when ``editions`` hold
    a later edition of the same country, to the day before that one comes into force (the rule
    of :func:`~multivector.analysis.periods.assign_period`)."""
    pool: list[Edition] = [edition]
    if editions is not None:
        same = (
            editions.get(edition.country, ())
            if isinstance(editions, Mapping)
            else [e for e in editions if e.country == edition.country]
        )
        pool += [e for e in same if e.id != edition.id]
    for ident, start, end in edition_spans(pool):
        if ident == edition.id:
            return start, end
    raise AssertionError("edition_spans lost an edition")  # pragma: no cover


def coverage(
    edition: Edition,
    elements_frame: pd.DataFrame,
    events_frame: pd.DataFrame | None = None,
    *,
    period: Period = "year",
    min_score: float = 0.0,
    top: int = 3,
    documents: pd.DataFrame | None = None,
    event_dates: Literal["document", "event"] = "document",
    strict_edition: bool = False,
    in_force: bool = True,
    weak: bool = False,
    editions: Editions | None = None,
    coded_with: Collection[str] | None = None,
) -> CoverageResult:
    """The implementation scorecard of ``edition`` over a coded corpus.

    ``elements_frame`` and ``events_frame`` are the frames of :mod:`multivector.analysis.frames`
    (or any frames with their columns; a ``period`` column is used as is when ``period`` is
    None). A passage coded to an element counts once per element (its best annotation: a
    strong one before any weak one); annotations below ``min_score`` are ignored, and so are
    events below it.

    What counts. A passage is strong evidence when the element was coded from its own words
    (route cue or title, "lexicon" in corpora coded before cues), weak otherwise (see
    :func:`~multivector.domain.concept.route_strength`). By default only strong evidence
    counts; ``weak=True`` counts weak evidence too. Either way ``weak_passages`` and
    ``weak_events`` show the weak evidence apart. With ``in_force`` (the default) only rows
    dated within the edition's validity period count (:func:`validity`; ``editions`` also end
    it where the next edition of the country begins); ``before`` and ``after`` count the
    passages of counted strength dated outside it. ``in_force=False`` counts every date (the
    periods are then every period of the corpus) and still shows ``before`` and ``after``.
    Undated rows fall in no window: they count only with ``in_force=False``.

    Periods: every period of ``documents`` (a documents frame: give it so that periods without
    any coded element count as periods without evidence) and of the coded passages and events,
    within the validity period with ``in_force``. Events count in the period of the document
    that reports them (``event_dates="document"``: a 2024 statement promising a 2026 summit is
    evidence of 2024; the document's date comes from ``documents`` or else from the other
    frames, and only when neither knows the document the event's own date is used) or in that
    of their own date when the events component resolved one ("event").

    An event is linked to an element when its passage is coded to the element (link
    "passage": strong when that passage is strong evidence) or when its actor or one of its
    counterparts is a partner or an organisation the element names (link "partner": weak, since
    it shows relations with the partner, not the element's content). An element has evidence in
    a period when a counted passage or a counted event is there; ``share`` is the share of
    periods with evidence; ``silent`` elements have none at all; ``last_seen`` is the last
    period with evidence and ``silent_since`` the first period of the run of periods without
    evidence that ends the counted periods (the first period for silent elements, None when the
    last period has evidence).

    Element ids are stable across editions, so a corpus coded against one edition is scored
    for another on the elements they share: the elements only the other edition has can then
    never be found (``warnings`` says so). ``strict_edition`` keeps only annotations coded
    against ``edition`` itself. ``editions`` also place dates in edition periods
    (``period="edition"``; see :func:`~multivector.analysis.periods.assign_period`).
    """
    tally = _Tally(edition, period=period, min_score=min_score, top=top,
                   event_dates=event_dates, strict_edition=strict_edition, in_force=in_force,
                   weak=weak, editions=editions, rows=True)
    if documents is not None:
        tally.documents(documents)
    tally.elements(elements_frame)
    if events_frame is not None:
        tally.events(events_frame)
    return tally.result(coded_with)


def coverage_chunks(
    edition: Edition,
    element_chunks: Iterable[pd.DataFrame],
    event_chunks: Iterable[pd.DataFrame],
    *,
    documents: pd.DataFrame,
    period: Period = "year",
    top: int = 3,
    editions: Editions | None = None,
    rows: bool = True,
) -> CoverageResult:
    """:func:`coverage` of frames given in chunks of whole documents (as
    :func:`multivector.analysis.frames.element_chunks` and ``event_chunks`` read them), the
    other settings at their defaults. Each chunk is reduced to counts before the next is read:
    memory follows the elements and periods (and an index of the coded passages, 11 bytes
    each, to link events to them), not the corpus. ``rows=False`` keeps no row-level frame:
    ``passages_frame()`` and ``events_frame()`` of the result are then empty unless a reader
    is given to it (``rows``; the service reads them again from the store when asked)."""
    tally = _Tally(edition, period=period, min_score=0.0, top=top, event_dates="document",
                   strict_edition=False, in_force=True, weak=False, editions=editions,
                   rows=rows)
    tally.documents(documents)
    for chunk in element_chunks:
        tally.elements(chunk)
    for chunk in event_chunks:
        tally.events(chunk)
    return tally.result()


class _Tally:
    """Coverage added up over chunks of whole documents: documents first, then every chunk of
    elements, then every chunk of events. Each chunk leaves counts per element and period
    (and per element), the windows each period's rows fall in, the earliest date of each
    period, the strongest counted passages so far and, for linking events, the coded passages
    as sorted integer keys (document number and passage)."""

    def __init__(
        self,
        edition: Edition,
        *,
        period: Period,
        min_score: float,
        top: int,
        event_dates: str,
        strict_edition: bool,
        in_force: bool,
        weak: bool,
        editions: Editions | None,
        rows: bool,
    ) -> None:
        if event_dates not in ("document", "event"):
            raise UsageError(f"unknown event_dates {event_dates!r}", hint="document or event")
        self.edition = edition
        self.ids = [e.id for e in edition.elements]
        self.code = {e: i for i, e in enumerate(self.ids)}  # an element's number in the index
        self.period, self.editions = period, editions
        self.min_score, self.top, self.event_dates = min_score, top, event_dates
        self.strict, self.in_force, self.weak = strict_edition, in_force, weak
        self.counted_strengths = {"strong", "weak"} if weak else {"strong"}
        self.start, self.end = validity(edition, editions)
        self.keep_rows = rows
        self.firsts: list[pd.Series] = []  # earliest date of each period, rows in scope
        self.windows: dict[str, set[str]] = {}
        self.cells: list[pd.DataFrame] = []  # counts per element and period
        self.cards: list[pd.DataFrame] = []  # counts per element
        self.best: pd.DataFrame | None = None  # candidates for the evidence
        self.coded_rows: list[pd.DataFrame] = []
        self.event_rows: list[pd.DataFrame] = []
        self.doc_ids: list[str] = []
        self.doc_number: dict[str, int] = {}
        self.doc_dates: dict[str, Any] = {}
        self.coded_editions: set[str] = set()
        self.has_editions = False
        self.n_rows = 0  # documents and coded rows
        self.n_scoped = 0  # of which (and of the events) in scope
        self.parts: tuple[list[npt.NDArray[Any]], ...] = ([], [], [])
        self.index: tuple[npt.NDArray[Any], ...] | None = None

    # -------------------------------------------------------------------- reading

    def documents(self, docs: pd.DataFrame) -> None:
        for doc, when in zip(docs["doc_id"], docs["date"], strict=True):
            self.doc_dates.setdefault(doc, when)
        docs = self._placed(docs)
        self.n_rows += len(docs)
        self._add_windows(self._scope(docs))

    def elements(self, chunk: pd.DataFrame) -> None:
        if "edition" in chunk.columns:
            self.has_editions = True
            self.coded_editions.update(str(e) for e in chunk["edition"].dropna())
        els = chunk[chunk["element"].isin(set(self.ids)) & (chunk["score"] >= self.min_score)]
        if self.strict and "edition" in els.columns:
            els = els[els["edition"] == self.edition.id]
        for doc, when in zip(els["doc_id"], els["date"], strict=True):
            self.doc_dates.setdefault(doc, when)
        els = self._placed(els)
        self.n_rows += len(els)
        self._scope(els)
        coded = _best_per_passage(els)
        coded = self._judged(coded)
        self._add_windows(coded[coded["in_scope"]])
        counted = coded[coded["counted"]]
        weak = coded[coded["in_scope"] & (coded["strength"] == "weak")]
        outside = coded.loc[coded["strength"].isin(self.counted_strengths), "window"]
        self.cells.append(pd.concat([
            counted.groupby(["element", "period"]).agg(
                passages=("doc_id", "size"), documents=("doc_id", "nunique"),
                score=("score", "sum")),
            weak.groupby(["element", "period"]).size().rename("weak_passages"),
        ], axis=1).reset_index())
        self.cards.append(pd.concat([
            counted.groupby("element").agg(passages=("doc_id", "size"),
                                           documents=("doc_id", "nunique"),
                                           score=("score", "sum")),
            weak.groupby("element").size().rename("weak_passages"),
            (outside == "before").groupby(coded["element"]).sum().rename("before"),
            (outside == "after").groupby(coded["element"]).sum().rename("after"),
        ], axis=1).reset_index())
        candidates = counted[["element", *EVIDENCE_COLUMNS[2:]]]
        if self.best is not None:
            candidates = pd.concat([self.best, candidates], ignore_index=True)
        self.best = strongest(candidates, ["element"], self.top,
                              EVIDENCE_COLUMNS[2:]).drop(columns="rank")
        numbers = np.fromiter((self._number(d) for d in coded["doc_id"]), dtype=np.int64,
                              count=len(coded))
        self.parts[0].append((numbers << 32) | coded["passage"].to_numpy(np.int64))
        self.parts[1].append(coded["element"].map(self.code).to_numpy(np.int16))
        self.parts[2].append((coded["strength"] == "strong").to_numpy(bool))
        if self.keep_rows:
            self.coded_rows.append(coded)

    def events(self, chunk: pd.DataFrame) -> None:
        ev = chunk[chunk["score"] >= self.min_score]
        if self.event_dates == "document":
            ev = self._document_dates(ev)
        ev = self._placed(ev)
        self._scope(ev)
        linked = self._judged(_linked_events(self.edition.elements, self._coded_at(ev), ev))
        self._add_windows(linked[linked["in_scope"]])
        counted = linked[linked["counted"]]
        weak = linked[linked["in_scope"] & (linked["strength"] == "weak")]
        self.cells.append(pd.concat([
            counted.groupby(["element", "period"]).size().rename("events"),
            weak.groupby(["element", "period"]).size().rename("weak_events"),
        ], axis=1).reset_index())
        self.cards.append(pd.concat([
            counted.groupby("element").size().rename("events"),
            weak.groupby("element").size().rename("weak_events"),
        ], axis=1).reset_index())
        if self.keep_rows:
            self.event_rows.append(linked)

    # -------------------------------------------------------------------- helpers

    def _placed(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with its window against the validity period and its period."""
        return with_period(_with_window(frame, self.start, self.end), self.period,
                           self.editions)

    def _scope(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``frame`` that count toward the periods; their periods' first dates."""
        scoped = frame[frame["window"] == "in_force"] if self.in_force else frame
        self.n_scoped += len(scoped)
        if len(scoped):
            dates = pd.Series(pd.to_datetime(scoped["date"]), index=scoped.index)
            self.firsts.append(dates.groupby(scoped["period"]).min())
        return scoped

    def _judged(self, frame: pd.DataFrame) -> pd.DataFrame:
        in_scope = frame["window"] == "in_force" if self.in_force else True
        frame = frame.assign(in_scope=in_scope)
        return frame.assign(counted=frame["strength"].isin(self.counted_strengths)
                            & frame["in_scope"])

    def _add_windows(self, frame: pd.DataFrame) -> None:
        if not len(frame):
            return
        pairs = frame[["period", "window"]].drop_duplicates()
        for p, w in zip(pairs["period"], pairs["window"], strict=True):
            if isinstance(w, str):
                self.windows.setdefault(str(p), set()).add(w)

    def _number(self, doc: str) -> int:
        number = self.doc_number.get(doc)
        if number is None:
            number = self.doc_number[doc] = len(self.doc_ids)
            self.doc_ids.append(doc)
        return number

    def _document_dates(self, ev: pd.DataFrame) -> pd.DataFrame:
        """Events re-dated (``date``, ``year``) by the date of the document that reports them:
        from the documents, else the coded passages, else the chunk's own events dated by
        their document."""
        if not len(ev):
            return ev
        own: dict[str, Any] = {}
        if "date_source" in ev.columns:
            mine = ev[ev["date_source"] == "document"]
            for doc, when in zip(mine["doc_id"], mine["date"], strict=True):
                own.setdefault(doc, when)
        known = self.doc_dates
        when = [known[d] if d in known else own.get(d, pd.NaT) for d in ev["doc_id"]]
        dates = pd.Series(pd.to_datetime(pd.Series(when, dtype=object)).to_numpy(),
                          index=ev.index).astype("datetime64[ns]")
        ev = ev.assign(date=dates.where(dates.notna(), pd.to_datetime(ev["date"])))
        return ev.assign(year=ev["date"].dt.year.astype("Int64"))

    def _coded_at(self, ev: pd.DataFrame) -> pd.DataFrame:
        """The coded (element, passage) pairs at the passages of ``ev``: element, doc_id,
        passage, strength."""
        if self.index is None:
            keys, codes, strong = (np.concatenate(p) if p else np.empty(0, dtype=t)
                                   for p, t in zip(self.parts, (np.int64, np.int16, bool),
                                                   strict=True))
            order = np.argsort(keys, kind="stable")
            self.index = (keys[order], codes[order], strong[order],
                          np.asarray(self.ids, dtype=object),
                          np.asarray(self.doc_ids, dtype=object))
            self.parts = ([], [], [])
        keys, codes, strong, element_ids, doc_ids = self.index
        numbers = np.fromiter((self.doc_number.get(d, -1) for d in ev["doc_id"]),
                              dtype=np.int64, count=len(ev))
        wanted = (numbers << 32) | ev["passage"].to_numpy(np.int64)
        wanted = np.unique(wanted[numbers >= 0])
        left = np.searchsorted(keys, wanted, "left")
        counts = np.searchsorted(keys, wanted, "right") - left
        at = np.repeat(left - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        return pd.DataFrame({
            "element": element_ids[codes[at]],
            "doc_id": doc_ids[keys[at] >> 32],
            "passage": keys[at] & 0xFFFFFFFF,
            "strength": np.where(strong[at], "strong", "weak").astype(object),
        })

    # -------------------------------------------------------------------- result

    def result(self, coded_with: Collection[str] | None = None) -> CoverageResult:
        edition = self.edition
        warnings: list[str] = []
        if self.has_editions:
            coded_with = sorted(self.coded_editions if coded_with is None else coded_with)
            if coded_with and edition.id not in coded_with:
                warnings.append(
                    f"the corpus was coded against {', '.join(coded_with)}, not {edition.id}: "
                    f"elements of {edition.id} that the coded edition lacks cannot be found; "
                    f"run `multivector code --concept {edition.id}` to code against it"
                )
        if self.in_force and self.n_rows and not self.n_scoped:
            warnings.append(
                f"no document of the corpus falls within the validity period of {edition.id} "
                f"({_span(self.start, self.end)}): every count is 0; see the before and after "
                "columns"
            )
        firsts = pd.concat(self.firsts) if self.firsts else pd.Series(dtype="datetime64[ns]")
        periods = tuple(p for p in period_order(pd.DataFrame(
            {"period": firsts.index.astype(object), "date": firsts.to_numpy()}))
            if p != UNDATED)
        timeline = self._timeline(periods)
        scorecard = self._scorecard(timeline, periods)
        evidence = (strongest(self.best, ["element"], self.top, EVIDENCE_COLUMNS[2:])
                    if self.best is not None else pd.DataFrame(columns=EVIDENCE_COLUMNS))
        order = {e: i for i, e in enumerate(self.ids)}
        evidence = (
            evidence.assign(_order=evidence["element"].map(order))
            .sort_values(["_order", "rank"], kind="mergesort")
            .drop(columns="_order")
            .reset_index(drop=True)
        )
        coded = events = None
        if self.keep_rows:
            coded = (pd.concat(self.coded_rows, ignore_index=True)
                     .sort_values(["element", "doc_id", "passage"], kind="mergesort")
                     .reset_index(drop=True)[PASSAGE_COLUMNS]
                     if self.coded_rows else pd.DataFrame(columns=PASSAGE_COLUMNS))
            linked = [f for f in self.event_rows if len(f)]
            events = (pd.concat(linked, ignore_index=True)
                      .sort_values(["element", "date", "doc_id", "start", "_event"],
                                   kind="mergesort")
                      .reset_index(drop=True)[EVENT_COLUMNS]
                      if linked else pd.DataFrame(columns=EVENT_COLUMNS))
        return CoverageResult(
            edition.id, self.period, self.min_score, self.top, periods, scorecard, timeline,
            evidence, events, tuple(warnings), coded, self.start, self.end, self.in_force,
            self.weak,
        )

    def _timeline(self, periods: tuple[str, ...]) -> pd.DataFrame:
        grid = pd.MultiIndex.from_product([self.ids, list(periods)], names=["element", "period"])
        counts = ["passages", "documents", "score", "weak_passages", "events", "weak_events"]
        table = _summed(self.cells, ["element", "period"], grid, counts).reset_index()
        for column in counts:
            table[column] = table[column].fillna(0)
        table["mean_score"] = (table["score"] / table["passages"]).where(table["passages"] > 0)
        for column in ("passages", "documents", "events", "weak_passages", "weak_events"):
            table[column] = table[column].astype(int)
        table["evidence"] = (table["passages"] > 0) | (table["events"] > 0)
        kinds = {e.id: e.kind.value for e in self.edition.elements}
        table["kind"] = table["element"].map(kinds)
        windows = {p: "+".join(w for w in WINDOWS if w in ws) for p, ws in self.windows.items()}
        table["window"] = table["period"].map(windows)
        return table[TIMELINE_COLUMNS]

    def _scorecard(self, timeline: pd.DataFrame, periods: tuple[str, ...]) -> pd.DataFrame:
        counts = ["passages", "documents", "score", "weak_passages", "before", "after",
                  "events", "weak_events"]
        cards = _summed(self.cards, ["element"], pd.Index(self.ids, name="element"),
                             counts).fillna(0)
        by_element: dict[str, dict[str, float]] = cards.to_dict("index")  # type: ignore[assignment]
        rows = []
        for el in self.edition.elements:
            card = by_element[el.id]
            line = timeline[timeline["element"] == el.id]
            seen = [p for p, has in zip(line["period"], line["evidence"], strict=True) if has]
            passages, n_events = int(card["passages"]), int(card["events"])
            last_seen = seen[-1] if seen else None
            if not periods:
                since = None
            elif last_seen is None:
                since = periods[0]
            else:
                after = periods.index(last_seen) + 1
                since = periods[after] if after < len(periods) else None
            rows.append(
                {
                    "element": el.id,
                    "kind": el.kind.value,
                    "domain": el.domain.value,
                    "title": el.title,
                    "periods": len(periods),
                    "periods_with_evidence": len(seen),
                    "share": len(seen) / len(periods) if periods else 0.0,
                    "passages": passages,
                    "documents": int(card["documents"]),
                    "events": n_events,
                    "mean_score": float(card["score"] / passages) if passages else None,
                    "silent": not passages and not n_events,
                    "last_seen": last_seen,
                    "silent_since": since,
                    "weak_passages": int(card["weak_passages"]),
                    "weak_events": int(card["weak_events"]),
                    "before": int(card["before"]),
                    "after": int(card["after"]),
                }
            )
        return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def _summed(frames: list[pd.DataFrame], keys: list[str], index: pd.Index,
            columns: list[str]) -> pd.DataFrame:
    """The ``columns`` of ``frames`` summed per ``keys``, on ``index`` (NaN where none)."""
    parts = [f for f in frames if len(f)]
    if parts:
        whole = pd.concat(parts, ignore_index=True)
        total = whole.groupby(keys)[[c for c in columns if c in whole.columns]].sum()
    else:
        total = pd.DataFrame(columns=columns, index=index, dtype=float)
    for column in columns:
        if column not in total.columns:
            total[column] = np.nan
    return total.reindex(index)


def _span(start: dt.date, end: dt.date | None) -> str:
    return f"{start.isoformat()} to {end.isoformat() if end else 'open'}"


def _with_window(frame: pd.DataFrame, start: dt.date, end: dt.date | None) -> pd.DataFrame:
    """``frame`` with a ``window`` column: where its ``date`` falls against the validity
    period (before, in_force, after; None when undated)."""
    dates = pd.Series(pd.to_datetime(frame["date"]), index=frame.index, dtype="datetime64[ns]")
    window = pd.Series("in_force", index=frame.index, dtype="object")
    window = window.where(dates >= pd.Timestamp(start), "before")
    if end is not None:
        window = window.where(dates <= pd.Timestamp(end), "after")
    return frame.assign(window=window.where(dates.notna(), None))


def _best_per_passage(els: pd.DataFrame) -> pd.DataFrame:
    """One row per (element, passage): the strongest annotation, strong evidence first."""
    if "route" not in els.columns:
        els = els.assign(route=None)
    els = els.assign(strength=els["route"].map(route_strength).astype("object"))
    ordered = els.assign(_weak=els["strength"] == "weak").sort_values(
        ["_weak", "score"], ascending=[True, False], kind="mergesort"
    )
    best = ordered.drop_duplicates(["element", "doc_id", "passage"]).drop(columns="_weak")
    return best.sort_values(["element", "doc_id", "passage"]).reset_index(drop=True)


def _linked_events(
    elements: Iterable[Element], coded: pd.DataFrame, ev: pd.DataFrame
) -> pd.DataFrame:
    """Each (element, event) link: by the event's passage coded to the element, by a partner
    or organisation the element names, or both ("partner+passage"); the event's columns and
    its number in ``ev`` (``_event``, to keep a document's events in their order)."""
    columns = [*EVENT_COLUMNS, "_event"]
    if not len(ev):
        return pd.DataFrame(columns=columns)
    ev = ev.reset_index(drop=True).assign(_event=lambda f: range(len(f)))
    # the links carry the event's number only; its columns are joined once, at the end
    by_passage = ev[["doc_id", "passage", "_event"]].merge(
        coded[["element", "doc_id", "passage", "strength"]], on=["doc_id", "passage"]
    )
    named = pd.DataFrame([(el.id, a) for el in elements for a in sorted(_named_by(el))],
                         columns=["element", "actor"])
    actors = pd.concat([
        ev[["_event", "actor"]],
        ev[["_event", "counterpart"]].explode("counterpart").rename(
            columns={"counterpart": "actor"}),
    ], ignore_index=True).dropna()
    by_partner = actors.merge(named, on="actor")[["element", "_event"]].drop_duplicates()
    both = pd.concat([
        by_passage.assign(link="passage")[["element", "_event", "link", "strength"]],
        by_partner.assign(link="partner", strength="weak"),
    ], ignore_index=True)
    if not len(both):
        return pd.DataFrame(columns=columns)
    flags = (
        both.assign(passage=both["link"] == "passage", partner=both["link"] == "partner",
                    strong=both["strength"] == "strong")
        .groupby(["element", "_event"], sort=False)[["passage", "partner", "strong"]]
        .any()
        .reset_index()
    )
    link = np.where(flags["passage"], np.where(flags["partner"], "partner+passage", "passage"),
                    "partner")
    both = pd.DataFrame({
        "element": flags["element"].to_numpy(dtype=object),
        "_event": flags["_event"].to_numpy(),
        "link": link.astype(object),
        "strength": np.where(flags["strong"], "strong", "weak").astype(object),
    }).merge(ev, on="_event")
    for column in columns:
        if column not in both.columns:
            both[column] = None
    return (
        both[columns]
        .sort_values(["element", "date", "doc_id", "start", "_event"], kind="mergesort")
        .reset_index(drop=True)
    )


def _named_by(element: Element) -> set[str]:
    """The partners and organisations an element names: the actors an event links it by."""
    return {p.actor for p in element.partners} | set(element.organisations)


__all__ = ["CoverageResult", "coverage", "validity"]
