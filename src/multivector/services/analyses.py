"""The analysis use cases over a stored corpus: balance, declared versus observed, coverage, theme
trends and keyness. Each reads the frames it needs from the store (filtered there), passes the
knowledge base's vectors and editions explicitly, and returns the typed result; the CLI and the
REST API only parse arguments and render the result.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from multivector.domain.knowledge import Knowledge
from multivector.errors import UsageError
from multivector.store.base import CorpusRepository, Filters

if TYPE_CHECKING:
    import pandas as pd

    from multivector.analysis.balance import BalanceResult
    from multivector.analysis.channels import ChannelsResult
    from multivector.analysis.coverage import CoverageResult
    from multivector.analysis.gap import GapResult, MentionSummary
    from multivector.analysis.stats import Intervals
    from multivector.analysis.trends import KeynessResult, ThemeAttention

Period = str | list[int]
PERIOD_HELP = (
    "year, quarter, edition (the concept editions' validity periods), or cut years such as "
    "1992,2001,2014,2020"
)


def intervals(method: str = "posterior", draws: int = 2000, seed: int = 0) -> Intervals:
    """How the analyses draw their intervals (see :class:`multivector.analysis.stats.Intervals`)."""
    from multivector.analysis.stats import Intervals

    return Intervals(method=method.strip().lower(), draws=draws, seed=seed)


def parse_period(value: str) -> Period:
    """``year``, ``quarter``, ``edition`` or increasing cut years ``1992,2001,2014``."""
    text = value.strip().lower()
    if text in ("year", "quarter", "edition"):
        return text
    try:
        cuts = [int(x) for x in text.replace(" ", "").split(",") if x]
    except ValueError:
        raise UsageError(
            f"--period: {value!r} is not a period", hint=f"use {PERIOD_HELP}"
        ) from None
    if len(cuts) < 2 or cuts != sorted(cuts) or len(set(cuts)) < len(cuts):
        raise UsageError(
            f"--period: {value!r}: give at least two cut years in increasing order",
            hint="for example 1992,2001,2014,2020",
        )
    return cuts


def parse_years(value: str) -> tuple[int, int]:
    """``1992-2013`` (or one year) as (first, last)."""
    try:
        first, _, last = value.partition("-")
        span = int(first), int(last or first)
    except ValueError:
        raise UsageError(f"{value!r} is not a year range", hint="write 1992-2013") from None
    if span[0] > span[1]:
        raise UsageError(f"{value!r}: the first year is after the last", hint="write 1992-2013")
    return span


def records_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a result frame as plain JSON-ready dicts (see
    :func:`multivector.analysis.frames.records_of`)."""
    from multivector.analysis.frames import records_of as plain

    return plain(frame)


def frames(
    store: CorpusRepository, filters: Filters | None, *layers: str
) -> dict[str, pd.DataFrame]:
    """The documents frame and the frames of ``layers`` (mentions, themes, elements, events,
    passages), all read with ``filters``."""
    from multivector.analysis import frames as fr

    readers = {
        "mentions": fr.mentions_frame,
        "themes": fr.themes_frame,
        "elements": fr.elements_frame,
        "events": fr.events_frame,
        "passages": fr.passages_frame,
    }
    out = {"documents": fr.documents_frame(store, filters)}
    for layer in layers:
        out[layer] = readers[layer](store, filters)
    return out


def _editions(knowledge: Knowledge) -> dict[str, list[Any]]:
    from multivector.analysis.periods import editions_by_country

    return editions_by_country(knowledge.editions())


def balance(
    store: CorpusRepository,
    knowledge: Knowledge,
    *,
    filters: Filters | None = None,
    period: Period = "year",
    by: str | None = None,
    weighting: str = "mention",
    multilateral: bool = False,
    intervals: Intervals | None = None,
) -> BalanceResult:
    """Multi-vector balance of the stored corpus (:func:`multivector.analysis.balance`); with
    several countries in ``filters`` and no ``by``, side by side per country."""
    from multivector.analysis.balance import balance as run
    from multivector.analysis.counting import scheme_vectors
    from multivector.analysis.frames import counted_mentions_frame

    if by is None and filters is not None and len(filters.countries) > 1:
        by = "country"
    # streamed: only the counted mentions, one row per passage, vector and actor, are kept
    ids = scheme_vectors(knowledge.vectors, multilateral)
    return run(
        counted_mentions_frame(store, filters, ids),
        period=period,
        by="author" if by == "speaker" else by,
        weighting=weighting,
        vectors=knowledge.vectors,
        include_multilateral=multilateral,
        editions=_editions(knowledge),
        intervals=intervals,
    )


def _window_filters(edition: Any, all_dates: bool) -> Filters:
    """Only the documents dated within the edition's window (what the gap keeps anyway),
    selected by the store so that the rest is never read."""
    from multivector.analysis.gap import edition_window

    start, end = edition_window(edition, "all" if all_dates else None)
    return Filters(date_from=start, date_to=end)


def _own_country(store: CorpusRepository, edition: Any, filters: Filters) -> Filters:
    """``filters`` that also keep to the edition's country, when that is what the gap keeps:
    it keeps that country's documents and those without a country, so the store selects by
    country only when every document in view has one (the usual case); otherwise everything
    in view is read and the gap selects."""
    from multivector.analysis.frames import documents_frame

    countries = documents_frame(store, filters)["country"]
    if countries.isna().any():
        return filters
    return replace(filters, countries=(edition.country,))


def gap(
    store: CorpusRepository,
    knowledge: Knowledge,
    edition: str,
    *,
    all_countries: bool = False,
    all_dates: bool = False,
    rule: Path | None = None,
    intervals: Intervals | None = None,
) -> GapResult:
    """Declared versus observed for an edition (:func:`multivector.analysis.gap`)."""

    ed = knowledge.edition(edition)
    f = _window_filters(ed, all_dates)
    if not all_countries:
        f = _own_country(store, ed, f)
    return _run_gap(store, knowledge, ed, f, "all" if all_dates else None, all_countries,
                    rule, intervals)


def _run_gap(store: CorpusRepository, knowledge: Knowledge, ed: Any, f: Filters,
             period: str | None, all_countries: bool, rule: Path | None,
             intervals: Intervals | None) -> GapResult:
    """The gap over what ``f`` selects in the store; the theme and mention rows behind its
    evidence read again when asked."""
    from multivector.analysis.gap import gap as run

    mentions, weights, elements, events, placed = _gap_frames(store, knowledge, ed, f, period,
                                                              all_countries)

    def read_source(name: str) -> pd.DataFrame:
        if name == "themes":
            return _gap_themes(store, ed, f, period, all_countries)
        if name == "mentions":
            return _gap_mentions(store, knowledge, ed, f, period, all_countries)
        raise UsageError(f"no source {name!r}", hint="mentions, themes or elements")

    res = run(ed, mentions, knowledge.vectors, theme_weights=weights, elements=elements,
              events=events, actor_vectors=placed, period=period,
              all_countries=all_countries, rule=rule, intervals=intervals)
    return replace(res, read_source=functools.cache(read_source))


def _gap_mentions(store: CorpusRepository, knowledge: Knowledge, edition: Any, filters: Filters,
                  period: str | None, all_countries: bool) -> pd.DataFrame:
    """The counted mentions a gap reads, one row per passage, vector and actor."""
    from multivector.analysis import frames as fr
    from multivector.analysis.counting import counted_mentions, scheme_vectors
    from multivector.analysis.gap import gap_selection

    vectors = scheme_vectors(knowledge.vectors)
    select = gap_selection(edition, period, all_countries)
    return counted_mentions(select(fr.counted_mentions_frame(store, filters, vectors)), vectors)


def _gap_themes(store: CorpusRepository, edition: Any, filters: Filters, period: str | None,
                all_countries: bool) -> pd.DataFrame:
    """The theme rows a gap reads, one per passage and theme, with their family."""
    from multivector.analysis import frames as fr
    from multivector.analysis.gap import gap_selection, with_families

    select = gap_selection(edition, period, all_countries)
    return with_families(fr.passage_labels_frame(store, filters, "themes", select,
                                                 columns=["date", "country"]))


def _gap_frames(
    store: CorpusRepository, knowledge: Knowledge, edition: Any, filters: Filters,
    period: str | None, all_countries: bool,
) -> tuple[MentionSummary, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The gap's inputs, each reduced while it is read: counted mentions aggregated by the
    store then summed per document and vector, and each document's theme family weights (both
    from the rows the gap selects, chunk by chunk), elements one row per passage and label,
    events, and the vector of each counterpart's first mention per document
    (:func:`multivector.analysis.gap.gap`)."""
    import pandas as pd

    from multivector.analysis import frames as fr
    from multivector.analysis.counting import scheme_vectors
    from multivector.analysis.gap import family_weights, gap_selection, mention_summary
    from multivector.domain.concept import route_strength

    select = gap_selection(edition, period, all_countries)

    def strong_of_edition(chunk: pd.DataFrame) -> pd.DataFrame:
        chunk = chunk[chunk["edition"] == edition.id]
        return chunk[chunk["route"].map(route_strength) == "strong"]

    where = ["date", "country"]  # what the gap selects rows by
    events = pd.concat([chunk[["doc_id", *where, "counterpart"]]  # what the gap reads of them
                        for chunk in fr.event_chunks(store, filters, evidence=False)],
                       ignore_index=True)
    counterparts: dict[str, set[str]] = {}  # per document, the actors its events name
    for doc, cps in zip(events["doc_id"], events["counterpart"], strict=True):
        if cps:
            counterparts.setdefault(doc, set()).update(cps)
    weights = [family_weights(select(chunk[["doc_id", "passage", "theme", *where]]))
               for chunk in fr.theme_chunks(store, filters)]
    vectors = scheme_vectors(knowledge.vectors)
    mentions = mention_summary((select(chunk) for chunk in fr.counted_mention_chunks(
        store, filters, vectors, where)), vectors)
    return (
        mentions,
        pd.concat(weights, ignore_index=True),
        fr.passage_labels_frame(store, filters, "elements", strong_of_edition,
                                columns=[*where, "route", "edition"]),
        events,
        # only counterparts are placed by their mentions (see the gap's event rule)
        fr.actor_vectors_frame(store, filters, counterparts),
    )


def gap_by_country(
    store: CorpusRepository,
    knowledge: Knowledge,
    edition: str,
    countries: Sequence[str],
    *,
    all_dates: bool = False,
    rule: Path | None = None,
    intervals: Intervals | None = None,
) -> dict[str, GapResult]:
    """Declared versus observed for each of ``countries`` over the edition's window. Only the
    edition's own country has a declared profile: for the others the declared and gap columns
    are empty (a profile is never borrowed from another state's concept), and the observed
    shares stand alone."""

    ed = knowledge.edition(edition)
    out: dict[str, GapResult] = {}
    for code in dict.fromkeys(c.upper() for c in countries):
        f = replace(_window_filters(ed, all_dates), countries=(code,))
        res = _run_gap(store, knowledge, ed, f, "all" if all_dates else None, True, rule,
                       intervals)
        if code != ed.country:
            blank = ["declared_weight", "declared_share", "gap", "gap_low", "gap_high"]
            vectors = res.vectors.assign(**{c: float("nan") for c in blank}, differs=False)
            priorities = res.priorities.assign(**{c: float("nan") for c in blank},
                                               differs=False)
            vectors["note"] = f"no concept edition of {code} is encoded: observed only"
            res = replace(res, vectors=vectors, priorities=priorities)
        else:
            res = replace(res, vectors=res.vectors.assign(note=None))
        out[code] = res
    return out


def coverage(
    store: CorpusRepository,
    knowledge: Knowledge,
    edition: str,
    *,
    filters: Filters | None = None,
    period: Period = "year",
) -> CoverageResult:
    """The coverage scorecard of an edition (:func:`multivector.analysis.coverage`)."""
    from multivector.analysis import frames as fr
    from multivector.analysis.coverage import coverage_chunks

    ed = knowledge.edition(edition)
    editions = _editions(knowledge)

    def read(rows: bool) -> CoverageResult:
        # streamed: each chunk of documents reduced to counts before the next is read
        return coverage_chunks(
            ed,
            fr.element_chunks(store, filters),
            fr.event_chunks(store, filters, evidence=rows),
            period=period,
            documents=fr.documents_frame(store, filters),
            editions=editions,
            rows=rows,
        )

    def rows() -> tuple[pd.DataFrame, pd.DataFrame]:
        every = read(True)
        return every.passages_frame(), every.events_frame()

    # counts only; the rows behind them (passages_frame, events_frame) read again when asked
    return replace(read(False), rows=functools.cache(rows))


def trends(
    store: CorpusRepository,
    knowledge: Knowledge,
    *,
    filters: Filters | None = None,
    period: Period = "year",
    level: str = "family",
) -> ThemeAttention:
    """Theme attention over time (:func:`multivector.analysis.theme_attention`)."""
    from multivector.analysis.frames import documents_frame, theme_chunks
    from multivector.analysis.trends import theme_attention_chunks

    if level not in ("leaf", "family"):
        raise UsageError(f"--level: {level!r}", hint="use leaf or family")
    # streamed: each chunk of whole documents is reduced to counts before the next is read
    return theme_attention_chunks(
        theme_chunks(store, filters),
        documents_frame(store, filters),
        period=period,
        level="leaf" if level == "leaf" else "family",
        editions=_editions(knowledge),
    )


def keyness(
    store: CorpusRepository,
    *,
    a: str,
    b: str,
    by: str = "year",
    what: str = "terms",
    top: int = 30,
    min_freq: int = 5,
) -> KeynessResult:
    """Keyness of terms or themes between two sides (:mod:`multivector.analysis.trends`)."""
    from multivector.analysis.trends import Split, keyness_terms, keyness_themes

    if by == "year":
        split = Split.years(parse_years(a), parse_years(b))
    elif by in ("country", "source"):
        split = Split.values(by, a, b)
    else:
        raise UsageError(f"--by: {by!r}", hint="use year, country or source")
    if what == "terms":
        fr = frames(store, None, "passages")
        return keyness_terms(
            fr["passages"], split, min_freq=min_freq, top=top, documents=fr["documents"]
        )
    if what == "themes":
        fr = frames(store, None, "themes")
        return keyness_themes(fr["themes"], split, top=top)
    raise UsageError(f"--what: {what!r}", hint="use terms or themes")


def channels(
    store: CorpusRepository,
    knowledge: Knowledge,
    *,
    countries: Sequence[str] = ("KAZ",),
    filters: Filters | None = None,
    intervals: Intervals | None = None,
) -> ChannelsResult:
    """Declared tiers and shares, attention, events and UN votes side by side per country and
    edition period (:mod:`multivector.analysis.channels`). Votes come from the bundled unvotes
    tables (1946-2019): periods after 2019 have none, and say so."""
    from multivector.analysis.channels import VOTE_PARTNERS
    from multivector.analysis.channels import channels as run
    from multivector.analysis.counting import counted_mentions
    from multivector.analysis.gap import declared_profile
    from multivector.errors import MultivectorError
    from multivector.services import votes as vote_service

    codes = [c.upper() for c in countries]
    f = replace(filters or Filters(), countries=tuple(codes))
    scheme = knowledge.vectors
    fr = frames(store, f, "mentions", "events")
    mentions = counted_mentions(fr["mentions"], scheme.ids)
    editions = [e for c in codes for e in knowledge.editions(c)]
    declared = {e.id: declared_profile(e, scheme).shares() for e in editions}
    try:
        votes = vote_service.agreement(codes, list(VOTE_PARTNERS.values()), by="edition",
                                       knowledge=knowledge).to_frame()
    except MultivectorError:
        votes = None  # e.g. a country that cast no recorded vote
    return run(mentions, fr["events"], votes, scheme=scheme, editions=editions,
               declared=declared, intervals=intervals)
