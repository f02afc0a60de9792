"""Charts of the channels and of several countries side by side (altair, as :mod:`charts`).

Periods are drawn as ordered categories (edition ids or year ranges), with the vectors or
countries dodged within each; an estimate with too little evidence keeps its interval bar and
loses its point, so that no number is drawn where the report gives none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from multivector.report.charts import WIDTH, _finish, _values, vector_colors, vector_order

COUNTRY_COLORS = ("#1f5fa8", "#c62828", "#2e8b3a", "#e0a100", "#7b4fa8", "#17a2b8", "#8c564b",
                  "#e377c2", "#79706e", "#b8a22a")


def _period_axis(periods: Sequence[str], title: str | None = "Period") -> alt.Axis:
    """Period labels level when short, tilted when they would run into each other."""
    long = max((len(p) for p in periods), default=0) > 6
    return alt.Axis(title=title, labelAngle=-35 if long else 0,
                    labelAlign="right" if long else "center", labelLimit=120,
                    labelOverlap=False)


def _dodged(frame: pd.DataFrame, *, value: str, low: str, high: str, group: str,
            groups: Sequence[str], colours: Sequence[str], periods: Sequence[str],
            y_title: str, width: int, domain: tuple[float, float] = (0.0, 1.0),
            shown: str = "shown", percent: bool = True) -> Any:
    """Points with interval bars per period, one colour per group, dodged within a period;
    rows whose ``shown`` column is false draw the bar only."""
    colour = alt.Color(f"{group}:N", title=None, sort=list(groups),
                       scale=alt.Scale(domain=list(groups), range=list(colours)),
                       legend=alt.Legend(orient="bottom", columns=min(5, len(groups))))
    x = alt.X("period:N", sort=list(periods), axis=_period_axis(periods))
    offset = alt.XOffset(f"{group}:N", sort=list(groups))
    y_scale = alt.Scale(domain=list(domain))
    number = ".0%" if percent else ".2f"
    base = alt.Chart(_values(frame)).encode(x=x, xOffset=offset, color=colour)
    tooltip = [alt.Tooltip("period:N", title="Period"), alt.Tooltip(f"{group}:N", title=None),
               alt.Tooltip(f"{value}:Q", title="Estimate", format=number),
               alt.Tooltip(f"{low}:Q", title="95% low", format=number),
               alt.Tooltip(f"{high}:Q", title="95% high", format=number)]
    bars = base.mark_rule(strokeWidth=2.5, opacity=0.55).encode(
        y=alt.Y(f"{low}:Q", title=y_title, scale=y_scale,
                axis=alt.Axis(format="%" if percent else ".1f")),
        y2=f"{high}:Q", tooltip=tooltip,
    )
    points = base.mark_point(filled=True, size=45, opacity=1).encode(
        y=alt.Y(f"{value}:Q", scale=y_scale), tooltip=tooltip,
    ).transform_filter(f"datum.{shown} == true")
    return alt.layer(bars, points).properties(width=width, height=220)


def channels_chart(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> Any:
    """Two panels over the periods: the share of attention the statements give each main
    partner, and agreement with it in UN General Assembly votes, each with its interval."""
    labels = labels or {}
    df = frame.copy()
    vectors = sorted({str(v) for v in df["vector"]}, key=vector_order)
    colours = vector_colors(vectors)
    df["partner"] = [labels.get(str(v), str(v)) for v in df["vector"]]
    groups = [labels.get(v, v) for v in vectors]
    periods = list(dict.fromkeys(str(p) for p in df["period"]))
    said = df.assign(shown=df["rhetoric_share"].notna())
    voted = df[df["votes_low"].notna()].assign(shown=lambda x: x["votes"].notna())
    panel = (WIDTH - 70) // 2
    left = _dodged(said, value="rhetoric_share", low="rhetoric_low", high="rhetoric_high",
                   group="partner", groups=groups, colours=[colours[v] for v in vectors],
                   periods=periods, y_title="Share of attention in statements", width=panel,
                   domain=(0.0, max(0.3, float(said["rhetoric_high"].max() or 0) + 0.02)))
    left = left.properties(title=alt.TitleParams("What it says", anchor="start", fontSize=12))
    vote_periods = [p for p in periods if p in set(voted["period"])]
    if len(voted):
        right = _dodged(voted, value="votes", low="votes_low", high="votes_high",
                        group="partner", groups=groups, colours=[colours[v] for v in vectors],
                        periods=vote_periods, y_title="Agreement in UN votes", width=panel)
        right = right.properties(title=alt.TitleParams("How it votes (to 2019)", anchor="start",
                                                       fontSize=12))
        chart = alt.hconcat(left, right, spacing=30).resolve_scale(y="independent")
    else:
        chart = left
    return _finish(chart, "What it says and how it votes",
                   "Attention share and UN General Assembly agreement per partner, "
                   "with 95% intervals")


def _the(name: str) -> str:
    return f"the {name}" if name.startswith(("United ", "European ")) else name


def country_colors(countries: Sequence[str]) -> list[str]:
    return [COUNTRY_COLORS[i % len(COUNTRY_COLORS)] for i in range(len(countries))]


def comparison_balance_chart(frame: pd.DataFrame, names: Mapping[str, str]) -> Any:
    """Balance index per country and period with its interval (bar only where the evidence
    is insufficient)."""
    df = frame.copy()
    df["name"] = [names.get(str(c), str(c)) for c in df["country"]]
    countries = list(dict.fromkeys(df["name"]))
    periods = list(dict.fromkeys(df.sort_values("period_start")["period"].astype(str)))
    df["shown"] = df["entropy"].notna()
    chart = _dodged(df, value="entropy", low="entropy_lo", high="entropy_hi", group="name",
                    groups=countries, colours=country_colors(countries), periods=periods,
                    y_title="Balance index (0 = one vector, 1 = even)", width=WIDTH - 60,
                    percent=False)
    return _finish(chart, "Balance among vectors, country by country",
                   "Balance index per period with its 95% interval; bar without a dot: "
                   "insufficient evidence")


def comparison_votes_chart(frame: pd.DataFrame, names: Mapping[str, str]) -> Any:
    """Agreement in UN General Assembly votes of each country with each partner, per period."""
    df = frame.dropna(subset=["low"]).copy()
    df["name"] = [names.get(str(c), str(c)) for c in df["country"]]
    df["shown"] = df["value"].notna()
    countries = list(dict.fromkeys(df["name"]))
    periods = list(dict.fromkeys(df.sort_values("period_start")["period"].astype(str)))
    partners = list(dict.fromkeys(df["partner_name"].astype(str)))
    panels: list[Any] = []
    for partner in partners:
        part = df[df["partner_name"] == partner]
        panel = _dodged(part, value="value", low="low", high="high", group="name",
                        groups=countries, colours=country_colors(countries), periods=periods,
                        y_title="Agreement" if not panels else "", width=(WIDTH - 40) // 2,
                        domain=(0.0, 1.0))
        panels.append(panel.properties(height=150, title=alt.TitleParams(
            f"With {_the(partner)}", anchor="start", fontSize=12)))
    rows = [alt.hconcat(*panels[i:i + 2], spacing=24) for i in range(0, len(panels), 2)]
    chart = alt.vconcat(*rows, spacing=18) if len(rows) > 1 else rows[0]
    return _finish(chart, "Agreement in UN General Assembly votes",
                   "Per country and period, with 95% bootstrap intervals over roll calls")
