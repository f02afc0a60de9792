"""Periods the analyses group by: years, quarters, the concept edition in force, or spans between
cut years; their order in time; and the days each edition was in force.

Trends, coverage, balance and declared versus observed all group by these periods, so the rules
live here once.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from multivector.domain.concept import Edition
from multivector.errors import UsageError

UNDATED = "(undated)"
NO_PERIOD = "(none)"
PERIOD_KINDS = ("year", "quarter", "edition")

Period = str | Sequence[int] | None
# the editions to place dates in: one list for every row, or each country's own
Editions = Iterable[Edition] | Mapping[str, Sequence[Edition]]


def editions_by_country(editions: Iterable[Edition]) -> dict[str, list[Edition]]:
    """Editions grouped by their country, for :func:`assign_period` per speaker."""
    out: dict[str, list[Edition]] = {}
    for e in editions:
        out.setdefault(e.country, []).append(e)
    return out


def assign_period(
    frame: pd.DataFrame,
    period: str | Sequence[int],
    *,
    editions: Editions | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` with a ``period`` column (strings) computed from its ``date``.

    ``period`` is one of

    - ``"year"``: ``"1996"``;
    - ``"quarter"``: ``"1996Q2"``;
    - ``"edition"``: the id of the concept edition in force on the date. An edition is in
      force from its adoption date (1 January of its first year when the date is unknown)
      until the next edition of the same country comes into force, and at the latest until
      31 December of its last year. Dates before the first edition, or after the last one
      has expired, get ``"(none)"``. ``editions`` are the editions to use: a list applies to
      every row; a mapping of ISO3 country to its editions (:func:`editions_by_country`) gives
      each row the editions of its speaker's ``country``;
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


def _edition_labels(frame: pd.DataFrame, dates: pd.Series, editions: Editions | None) -> pd.Series:
    if editions is None:
        raise UsageError(
            "edition periods need the concept editions",
            hint="pass editions= (a list, or a mapping of country to its editions)",
        )
    labels = pd.Series(pd.NA, index=frame.index, dtype="object")
    groups: list[tuple[pd.Series, list[Edition]]]
    if isinstance(editions, Mapping):
        country = (
            frame["country"]
            if "country" in frame.columns
            else pd.Series(None, index=frame.index, dtype="object")
        )
        groups = [
            (country == code, list(editions.get(str(code), ())))
            for code in country.dropna().unique()
        ]
    else:
        groups = [(pd.Series(True, index=frame.index), list(editions))]
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


def with_period(
    frame: pd.DataFrame, period: Period, editions: Editions | None = None
) -> pd.DataFrame:
    """``frame`` with a ``period`` column: its own when ``period`` is None, else one assigned by
    :func:`assign_period` ("year", "quarter", "edition" or cut years)."""
    if period is None:
        if "period" not in frame.columns:
            raise UsageError(
                "the frame has no 'period' column and no period was given",
                hint='pass period="year", "quarter", "edition" or a list of cut years',
            )
        return frame
    return assign_period(frame, period, editions=editions)


def periods_of(*frames: pd.DataFrame) -> list[str]:
    """The periods found in ``frames`` (each with ``period`` and ``date``), in time order."""
    parts = [f[["period", "date"]] for f in frames if len(f)]
    if not parts:
        return []
    return period_order(pd.concat(parts, ignore_index=True))
