"""Priority coverage: the implementation scorecard of a concept edition.

For every element of an edition (principles, goals, priorities ...), the evidence a coded corpus
holds for it over time: passages coded to the element, events linked to it, the share of periods
with any evidence, and the strongest passages behind each figure. Elements the corpus never codes
are listed too, flagged ``silent``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from multivector.analysis.evidence import strongest
from multivector.analysis.frames import records_of
from multivector.analysis.periods import UNDATED, Editions, Period, periods_of, with_period
from multivector.domain.concept import Edition, Element
from multivector.domain.results import Tabular
from multivector.errors import UsageError

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
]


@dataclass(frozen=True, eq=False)
class CoverageResult(Tabular):
    """The evidence for each element of ``edition``.

    Frames (see the ``*_frame`` methods): the scorecard (one row per element, in the edition's
    order), the timeline (element x period, every period of the corpus, zeros included), the
    evidence (the ``top`` strongest coded passages of each element) and the linked events.
    ``warnings`` say when the corpus was coded against another edition.
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

    def records(self) -> list[dict[str, Any]]:
        return records_of(self.scorecard)

    def scorecard_frame(self) -> pd.DataFrame:
        """element, kind, domain, title, periods (observed), periods_with_evidence, share,
        passages, documents, events, mean_score, silent, last_seen, silent_since."""
        return self.scorecard.copy()

    def timeline_frame(self) -> pd.DataFrame:
        """element, kind, period, passages, documents, mean_score, events, evidence (bool)."""
        return self.timeline.copy()

    def evidence_frame(self) -> pd.DataFrame:
        """element, rank, doc_id, passage, start, end, period, date, score, route."""
        return self.evidence.copy()

    def events_frame(self) -> pd.DataFrame:
        """element, link (passage, partner or partner+passage), doc_id, passage, start, end,
        period, date, type, actor, counterpart, score, evidence."""
        return self.events.copy()

    def matrix(self, value: str = "passages") -> pd.DataFrame:
        """Elements as rows (edition order), periods as columns: passages, events or
        documents."""
        wide = self.timeline.pivot(index="element", columns="period", values=value)
        return wide.reindex(index=list(self.scorecard["element"]), columns=list(self.periods))

    def silent(self) -> list[str]:
        return [str(e) for e in self.scorecard.loc[self.scorecard["silent"], "element"]]


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
    in_force: bool = False,
    editions: Editions | None = None,
) -> CoverageResult:
    """The implementation scorecard of ``edition`` over a coded corpus.

    ``elements_frame`` and ``events_frame`` are the frames of :mod:`multivector.analysis.frames`
    (or any frames with their columns; a ``period`` column is used as is when ``period`` is
    None). A passage coded to an element counts once per element (its best annotation);
    annotations below ``min_score`` are ignored, and so are events below it.

    Periods: every period of ``documents`` (a documents frame: give it so that periods without
    any coded element count as periods without evidence) and of the coded passages and events;
    undated rows count in the totals but in no period. Events count in the period of the
    document that reports them (``event_dates="document"``: a 2024 statement promising a
    2026 summit is evidence of 2024; the document's date comes from ``documents`` or else from
    the other frames, and only when neither knows the document the event's own date is used)
    or in that of their own date when the events component resolved one ("event").

    An event is linked to an element when its passage is coded to the element (link
    "passage") or when its actor or one of its counterparts is a partner or an organisation the
    element names (link "partner"). An element has evidence in a period when a passage is coded
    to it or an event is linked to it there; ``share`` is the share of periods with evidence;
    ``silent`` elements have none at all; ``last_seen`` is the last period with evidence and
    ``silent_since`` the first period of the run of periods without evidence that ends the
    corpus (the first period for silent elements, None when the last period has evidence).

    Element ids are stable across editions, so a corpus coded against one edition is scored
    for another on the elements they share: the elements only the other edition has can then
    never be found (``warnings`` says so). ``strict_edition`` keeps only annotations coded
    against ``edition`` itself. ``in_force`` keeps only rows dated within the edition's years.
    ``editions`` place dates in edition periods (``period="edition"``; see
    :func:`~multivector.analysis.periods.assign_period`).
    """
    els = elements_frame[elements_frame["element"].isin({e.id for e in edition.elements})]
    els = els[els["score"] >= min_score]
    warnings: list[str] = []
    if "edition" in els.columns:
        coded_with = sorted({str(e) for e in elements_frame["edition"].dropna()})
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
    if in_force:
        els, ev, docs = (_in_force(f, edition) for f in (els, ev, docs))
    els, docs = with_period(els, period, editions), with_period(docs, period, editions)
    ev = with_period(ev, period if events_frame is not None else None, editions)
    periods = tuple(p for p in periods_of(docs, els, ev) if p != UNDATED)

    coded = _best_per_passage(els)
    linked = _linked_events(edition.elements, coded, ev)
    timeline = _timeline(edition, coded, linked, periods)
    scorecard = _scorecard(edition, coded, linked, timeline, periods)
    evidence = strongest(coded, ["element"], top, EVIDENCE_COLUMNS[2:])
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
        linked,
        tuple(warnings),
    )


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


def _in_force(frame: pd.DataFrame, edition: Edition) -> pd.DataFrame:
    if not len(frame):
        return frame
    year = pd.to_datetime(frame["date"]).dt.year
    end = edition.period_end if edition.period_end is not None else 9999
    return frame[(year >= edition.period_start) & (year <= end)]


def _best_per_passage(els: pd.DataFrame) -> pd.DataFrame:
    """One row per (element, passage): the strongest annotation."""
    if "route" not in els.columns:
        els = els.assign(route=None)
    ordered = els.sort_values(["score"], ascending=False, kind="mergesort")
    best = ordered.drop_duplicates(["element", "doc_id", "passage"])
    return best.sort_values(["element", "doc_id", "passage"]).reset_index(drop=True)


def _linked_events(
    elements: Iterable[Element], coded: pd.DataFrame, ev: pd.DataFrame
) -> pd.DataFrame:
    if not len(ev):
        return pd.DataFrame(columns=EVENT_COLUMNS)
    ev = ev.reset_index(drop=True).assign(_event=lambda f: range(len(f)))
    links = []
    by_passage = ev.merge(coded[["element", "doc_id", "passage"]], on=["doc_id", "passage"])
    links.append(by_passage.assign(link="passage"))
    for el in elements:
        partners = {p.actor for p in el.partners} | set(el.organisations)
        if not partners:
            continue
        hit = [
            actor in partners or any(c in partners for c in (counterpart or []))
            for actor, counterpart in zip(ev["actor"], ev["counterpart"], strict=True)
        ]
        links.append(ev[hit].assign(element=el.id, link="partner"))
    both = pd.concat(links, ignore_index=True)
    if not len(both):
        return pd.DataFrame(columns=EVENT_COLUMNS)
    both = (
        both[["element", "_event", "link"]]
        .drop_duplicates()
        .sort_values("link")
        .groupby(["element", "_event"], sort=False)["link"]
        .agg("+".join)
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


def _timeline(
    edition: Edition, coded: pd.DataFrame, linked: pd.DataFrame, periods: tuple[str, ...]
) -> pd.DataFrame:
    ids = [e.id for e in edition.elements]
    grid = pd.MultiIndex.from_product([ids, list(periods)], names=["element", "period"])
    stats = coded.groupby(["element", "period"]).agg(
        passages=("doc_id", "size"), documents=("doc_id", "nunique"), mean_score=("score", "mean")
    )
    events = linked.groupby(["element", "period"]).size().rename("events")
    table = stats.reindex(grid).join(events.reindex(grid)).reset_index()
    for column in ("passages", "documents", "events"):
        table[column] = table[column].fillna(0).astype(int)
    table["evidence"] = (table["passages"] > 0) | (table["events"] > 0)
    kinds = {e.id: e.kind.value for e in edition.elements}
    table["kind"] = table["element"].map(kinds)
    return table[TIMELINE_COLUMNS]


def _scorecard(
    edition: Edition,
    coded: pd.DataFrame,
    linked: pd.DataFrame,
    timeline: pd.DataFrame,
    periods: tuple[str, ...],
) -> pd.DataFrame:
    rows = []
    for el in edition.elements:
        mine = coded[coded["element"] == el.id]
        line = timeline[timeline["element"] == el.id]
        seen = [p for p, has in zip(line["period"], line["evidence"], strict=True) if has]
        n_events = int((linked["element"] == el.id).sum())
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
            }
        )
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


__all__ = ["CoverageResult", "coverage"]
