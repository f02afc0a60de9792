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
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
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
    periods_of,
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
    events: pd.DataFrame
    warnings: tuple[str, ...] = ()
    coded: pd.DataFrame | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    in_force: bool = True
    weak: bool = False

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
        return self.events.copy()

    def passages_frame(self) -> pd.DataFrame:
        """Every coded (element, passage) pair, whichever its window and strength: element,
        doc_id, passage, start, end, date, period, score, route, strength, window, counted.
        The rows behind every count of the scorecard."""
        if self.coded is None:
            return pd.DataFrame(columns=PASSAGE_COLUMNS)
        return self.coded.copy()

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
    els = elements_frame[elements_frame["element"].isin({e.id for e in edition.elements})]
    els = els[els["score"] >= min_score]
    warnings: list[str] = []
    if "edition" in els.columns:
        if coded_with is None:
            coded_with = {str(e) for e in elements_frame["edition"].dropna()}
        coded_with = sorted(coded_with)
        if strict_edition:
            els = els[els["edition"] == edition.id]
        if coded_with and edition.id not in coded_with:
            warnings.append(
                f"the corpus was coded against {', '.join(coded_with)}, not {edition.id}: "
                f"elements of {edition.id} that the coded edition lacks cannot be found; "
                f"run `multivector code --concept {edition.id}` to code against it"
            )
    ev = (
        events_frame[events_frame["score"] >= min_score]
        if events_frame is not None
        else pd.DataFrame(
            columns=[
                "doc_id",
                "passage",
                "start",
                "end",
                "date",
                "type",
                "actor",
                "counterpart",
                "score",
                "evidence",
                "period",
            ]
        )
    )
    docs = documents if documents is not None else els.iloc[0:0]
    if event_dates == "document":
        ev = _document_dates(ev, docs, els)
    elif event_dates != "event":
        raise UsageError(f"unknown event_dates {event_dates!r}", hint="document or event")
    start, end = validity(edition, editions)
    els, ev, docs = (_with_window(f, start, end) for f in (els, ev, docs))
    els, docs = with_period(els, period, editions), with_period(docs, period, editions)
    ev = with_period(ev, period if events_frame is not None else None, editions)
    if in_force:
        scope = [f[f["window"] == "in_force"] for f in (docs, els, ev)]
        if len(docs) + len(els) and not any(len(f) for f in scope):
            warnings.append(
                f"no document of the corpus falls within the validity period of {edition.id} "
                f"({_span(start, end)}): every count is 0; see the before and after columns"
            )
    else:
        scope = [docs, els, ev]
    periods = tuple(p for p in periods_of(*scope) if p != UNDATED)

    counted_strengths = {"strong", "weak"} if weak else {"strong"}
    coded = _best_per_passage(els)
    linked = _linked_events(edition.elements, coded, ev)
    for frame in (coded, linked):
        frame["in_scope"] = frame["window"] == "in_force" if in_force else True
        frame["counted"] = frame["strength"].isin(counted_strengths) & frame["in_scope"]
    timeline = _timeline(edition, coded, linked, periods, scope[0])
    scorecard = _scorecard(edition, coded, linked, timeline, periods, counted_strengths)
    evidence = strongest(coded[coded["counted"]], ["element"], top, EVIDENCE_COLUMNS[2:])
    order = {e.id: i for i, e in enumerate(edition.elements)}
    evidence = (
        evidence.assign(_order=evidence["element"].map(order))
        .sort_values(["_order", "rank"], kind="mergesort")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    return CoverageResult(
        edition.id,
        period,
        min_score,
        top,
        periods,
        scorecard,
        timeline,
        evidence,
        linked[EVENT_COLUMNS],
        tuple(warnings),
        coded[PASSAGE_COLUMNS],
        start,
        end,
        in_force,
        weak,
    )


def coverage_chunks(
    edition: Edition,
    element_chunks: Iterable[pd.DataFrame],
    event_chunks: Iterable[pd.DataFrame],
    *,
    documents: pd.DataFrame,
    period: Period = "year",
    top: int = 3,
    editions: Editions | None = None,
) -> CoverageResult:
    """:func:`coverage` of frames given in chunks of whole documents (as
    :func:`multivector.analysis.frames.element_chunks` and ``event_chunks`` read them), each
    reduced before the next is read: elements to the best annotation per element and passage
    of the edition, events to those that can be linked to one of its elements (in a coded
    passage, or with a partner or organisation an element names). Events count in their
    documents' periods (``event_dates="document"``) and ``documents`` gives every period, so
    the events left out change nothing: the result equals :func:`coverage` of the whole frames
    with the other settings at their defaults."""
    ids = {e.id for e in edition.elements}
    seen: set[str] = set()
    parts = []
    for chunk in element_chunks:
        seen.update(str(e) for e in chunk["edition"].dropna())
        chosen = chunk.loc[chunk["element"].isin(ids), _ELEMENT_KEEP]
        parts.append(_best_per_passage(chosen).drop(columns="strength"))
    els = pd.concat(parts, ignore_index=True)  # the readers give one chunk at least
    passages = set(zip(els["doc_id"], els["passage"], strict=True))
    partners: set[str] = set().union(*(_named_by(el) for el in edition.elements))
    kept = []
    for chunk in event_chunks:
        in_coded = [(d, p) in passages for d, p in zip(chunk["doc_id"], chunk["passage"],
                                                         strict=True)]
        kept.append(chunk[np.asarray(in_coded, dtype=bool) | _naming(chunk, partners)])
    events = pd.concat(kept, ignore_index=True)
    return coverage(edition, els, events, period=period, top=top, documents=documents,
                    editions=editions, coded_with=seen)


_ELEMENT_KEEP = ["doc_id", "passage", "start", "end", "date", "year", "element", "route",
                 "score", "edition"]


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


def _document_dates(ev: pd.DataFrame, docs: pd.DataFrame, els: pd.DataFrame) -> pd.DataFrame:
    """Events re-dated (``date``, ``year``) by the date of the document that reports them."""
    if not len(ev):
        return ev
    known = pd.concat(
        [f[["doc_id", "date"]] for f in (docs, els) if len(f)]
        + (
            [ev.loc[ev["date_source"] == "document", ["doc_id", "date"]]]
            if "date_source" in ev.columns
            else []
        ),
        ignore_index=True,
    )
    when = known.drop_duplicates("doc_id").set_index("doc_id")["date"]
    dates = pd.to_datetime(ev["doc_id"].map(when)).astype("datetime64[ns]")
    ev = ev.assign(date=dates.where(dates.notna(), pd.to_datetime(ev["date"])))
    return ev.assign(year=ev["date"].dt.year.astype("Int64"))


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
    if not len(ev):
        return pd.DataFrame(columns=EVENT_COLUMNS)
    ev = ev.reset_index(drop=True).assign(_event=lambda f: range(len(f)))
    # the links carry the event's number only; its columns are joined once, at the end
    links = []
    by_passage = ev[["doc_id", "passage", "_event"]].merge(
        coded[["element", "doc_id", "passage", "strength"]], on=["doc_id", "passage"]
    )
    links.append(by_passage.assign(link="passage")[["element", "_event", "link", "strength"]])
    for el in elements:
        partners = _named_by(el)
        if not partners:
            continue
        hit = _naming(ev, partners)
        links.append(pd.DataFrame({"element": el.id, "_event": ev["_event"].to_numpy()[hit],
                                   "link": "partner", "strength": "weak"}))
    both = pd.concat(links, ignore_index=True)
    if not len(both):
        return pd.DataFrame(columns=EVENT_COLUMNS)
    keyed = both[["element", "_event", "link", "strength"]].drop_duplicates()
    grouped = keyed.sort_values("link").groupby(["element", "_event"], sort=False)
    both = (
        grouped.agg(
            link=("link", "+".join),
            strength=("strength", lambda s: "strong" if (s == "strong").any() else "weak"),
        )
        .reset_index()
        .merge(ev, on="_event")
    )
    for column in EVENT_COLUMNS:
        if column not in both.columns:
            both[column] = None
    return (
        both[EVENT_COLUMNS]
        .sort_values(["element", "date", "doc_id", "start"], kind="mergesort")
        .reset_index(drop=True)
    )


def _named_by(element: Element) -> set[str]:
    """The partners and organisations an element names: the actors an event links it by."""
    return {p.actor for p in element.partners} | set(element.organisations)


def _naming(events: pd.DataFrame, actors: set[str]) -> npt.NDArray[np.bool_]:
    """Per event: whether its actor or one of its counterparts is among ``actors``."""
    return np.fromiter(
        (actor in actors or any(c in actors for c in (counterpart or []))
         for actor, counterpart in zip(events["actor"], events["counterpart"], strict=True)),
        dtype=bool, count=len(events),
    )


def _timeline(
    edition: Edition,
    coded: pd.DataFrame,
    linked: pd.DataFrame,
    periods: tuple[str, ...],
    docs: pd.DataFrame,
) -> pd.DataFrame:
    ids = [e.id for e in edition.elements]
    grid = pd.MultiIndex.from_product([ids, list(periods)], names=["element", "period"])
    stats = (
        coded[coded["counted"]]
        .groupby(["element", "period"])
        .agg(passages=("doc_id", "size"), documents=("doc_id", "nunique"),
             mean_score=("score", "mean"))
    )

    def count(frame: pd.DataFrame, name: str) -> pd.Series:
        return frame.groupby(["element", "period"]).size().rename(name).reindex(grid)

    weak_p = coded[coded["in_scope"] & (coded["strength"] == "weak")]
    weak_ev = linked[linked["in_scope"] & (linked["strength"] == "weak")]
    table = (
        stats.reindex(grid)
        .join(count(linked[linked["counted"]], "events"))
        .join(count(weak_p, "weak_passages"))
        .join(count(weak_ev, "weak_events"))
        .reset_index()
    )
    for column in ("passages", "documents", "events", "weak_passages", "weak_events"):
        table[column] = table[column].fillna(0).astype(int)
    table["evidence"] = (table["passages"] > 0) | (table["events"] > 0)
    kinds = {e.id: e.kind.value for e in edition.elements}
    table["kind"] = table["element"].map(kinds)
    scoped = [f[f["in_scope"]] for f in (coded, linked)]
    table["window"] = table["period"].map(_period_windows(docs, *scoped))
    return table[TIMELINE_COLUMNS]


def _period_windows(*frames: pd.DataFrame) -> dict[str, str]:
    """Each period's windows (before, in_force, after) joined by '+', from the rows in it."""
    seen: dict[str, set[str]] = {}
    for f in frames:
        if len(f) and "window" in f.columns:
            for p, w in zip(f["period"], f["window"], strict=True):
                if isinstance(w, str):
                    seen.setdefault(str(p), set()).add(w)
    return {p: "+".join(w for w in WINDOWS if w in ws) for p, ws in seen.items()}


def _scorecard(
    edition: Edition,
    coded: pd.DataFrame,
    linked: pd.DataFrame,
    timeline: pd.DataFrame,
    periods: tuple[str, ...],
    counted_strengths: set[str],
) -> pd.DataFrame:
    rows = []
    for el in edition.elements:
        own = coded[coded["element"] == el.id]
        mine = own[own["counted"]]
        outside = own[own["strength"].isin(counted_strengths)]["window"]
        events_mine = linked[linked["element"] == el.id]
        line = timeline[timeline["element"] == el.id]
        seen = [p for p, has in zip(line["period"], line["evidence"], strict=True) if has]
        n_events = int(events_mine["counted"].sum())
        silent = not len(mine) and not n_events
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
                "passages": len(mine),
                "documents": int(mine["doc_id"].nunique()),
                "events": n_events,
                "mean_score": float(mine["score"].mean()) if len(mine) else None,
                "silent": silent,
                "last_seen": last_seen,
                "silent_since": since,
                "weak_passages": int((own["in_scope"] & (own["strength"] == "weak")).sum()),
                "weak_events": int(
                    (events_mine["in_scope"] & (events_mine["strength"] == "weak")).sum()
                ),
                "before": int((outside == "before").sum()),
                "after": int((outside == "after").sum()),
            }
        )
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


__all__ = ["CoverageResult", "coverage", "validity"]
