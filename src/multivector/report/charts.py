"""Static charts of the report (altair), exported to SVG and PNG by vl-convert with no browser.

Every chart takes plain frames (columns as in :class:`~multivector.report.model.ReportData`) and
optional ``links``: cell key -> ``#anchor`` of the passage behind the cell, drawn as SVG links.
A vector has the same colour in every chart (:data:`VECTOR_COLORS`, keyed by vector id).
Years are drawn as decimal numbers (2014.25 = April 2014): no time zone can shift a date.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import altair as alt
import pandas as pd

from multivector.report.model import cell_key

FONT = "DejaVu Sans"
WIDTH = 500

# Fixed colours per vector id of the default scheme; other ids get EXTRA_COLORS in order.
VECTOR_COLORS: dict[str, str] = {
    "russia": "#c62828",
    "china": "#f28e2b",
    "usa": "#1f5fa8",
    "europe": "#7b4fa8",
    "central_asia": "#2e8b3a",
    "post_soviet": "#8c564b",
    "middle_east": "#b8a22a",
    "south_asia": "#e377c2",
    "asia_pacific": "#17a2b8",
    "africa": "#9ccf7a",
    "americas": "#f7b87a",
    "multilateral": "#5a5a8a",
}
EXTRA_COLORS = ("#a0cbe8", "#ff9d9a", "#d4a6c8", "#79706e", "#bab0ac", "#86bcb6", "#d37295")
OTHER_COLOR = "#bdbdbd"
CHANGE_COLORS: dict[str, str] = {
    "added": "#2e8b3a",
    "removed": "#c62828",
    "reworded": "#e0a100",
    "reclassified": "#7b4fa8",
    "moved": "#17a2b8",
    "recoded": "#1f5fa8",
    "unchanged": "#bdbdbd",
}
KIND_COLORS: dict[str, str] = {
    "principle": "#1f4e79",
    "goal": "#2e8b3a",
    "objective": "#7fb069",
    "priority": "#4f8fd6",
    "mechanism": "#8c6bb1",
    "assessment": "#9e9e9e",
    "threat": "#e08214",
    "expected_result": "#17a2b8",
}
ACCENT = "#1f4e79"
FLAG = "#d62728"
BREAK: Final = "break-paths-show-domains"  # how a line passes a missing value: it stops there


def vector_colors(vectors: Sequence[str]) -> dict[str, str]:
    """Colours for vector ids: the fixed palette first, then extra colours in a stable order."""
    out: dict[str, str] = {}
    extra = iter(EXTRA_COLORS)
    for v in sorted(set(vectors), key=vector_order):
        out[v] = VECTOR_COLORS.get(v) or next(extra, OTHER_COLOR)
    return out


def vector_order(vector: str) -> tuple[int, str]:
    order = list(VECTOR_COLORS)
    return (order.index(vector), "") if vector in order else (len(order), vector)


def decimal_year(value: object) -> float | None:
    """2014 -> 2014.0; a date -> year plus the fraction of the year gone (no time zone)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if re.fullmatch(r"-?\d{1,4}", text):
        return float(text)
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None
    if pd.isna(stamp):
        return None
    day = stamp.date()
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _values(frame: pd.DataFrame) -> alt.Data:
    """Inline data with JSON-safe values (dates as ISO text, missing as null)."""
    rows: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        row: dict[str, Any] = {}
        for k, v in record.items():
            if isinstance(v, dt.datetime | dt.date):
                row[str(k)] = v.isoformat()[:10]
            elif isinstance(v, list | tuple | set) or getattr(v, "ndim", 0) > 0:
                row[str(k)] = ", ".join(str(x) for x in v)
            elif v is None or (not isinstance(v, str) and pd.isna(v)):
                row[str(k)] = None
            elif hasattr(v, "item"):  # numpy scalar
                row[str(k)] = v.item()
            else:
                row[str(k)] = v
        rows.append(row)
    return _inline(rows)


def _inline(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def _year_axis(title: str = "Year") -> alt.Axis:
    return alt.Axis(title=title, format="d", tickMinStep=1, labelOverlap=True, labelSeparation=8)


def _finish(chart: Any, title: str, subtitle: str = "") -> Any:
    heading = alt.TitleParams(
        text=title, subtitle=subtitle or alt.Undefined, anchor="start", fontSize=14,
        subtitleFontSize=11, subtitleColor="#555555", offset=10,
    )
    return (
        chart.properties(title=heading)
        .configure(font=FONT, background="white", padding=8)
        .configure_axis(labelFontSize=11, titleFontSize=12, titleFontWeight="normal",
                        gridColor="#e6e6e6", domainColor="#888888", tickColor="#888888")
        .configure_legend(labelFontSize=11, titleFontSize=11, symbolSize=90, labelLimit=220,
                          symbolOpacity=1)
        .configure_view(stroke=None)
    )


def _link(links: Mapping[str, str] | None, key_of: Callable[[dict[Any, Any]], str]) -> Any:
    """A function adding an ``href`` column from the links of each row's cell key."""

    def add(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame["href"] = [
            (links or {}).get(key_of(row)) for row in frame.to_dict("records")
        ] if len(frame) else []
        return frame

    return add


def _href(frame: pd.DataFrame) -> Any:
    return alt.Href("href:N") if frame["href"].notna().any() else alt.Undefined


# --- balance ---------------------------------------------------------------------------------


def balance_chart(frame: pd.DataFrame, links: Mapping[str, str] | None = None) -> Any:
    """Balance index per period with its 95% band, 1 - HHI beside it, and flagged shifts."""
    df = frame.copy()
    df["x"] = [decimal_year(v) for v in df["period_start"]]
    df = _link(links, lambda r: str(r["period"]))(df.sort_values("x"))
    index_name, hhi_name, flag_name = "Balance index (entropy)", "1 − HHI", "Shift vs previous"
    colours = alt.Scale(domain=[index_name, hhi_name, flag_name], range=[ACCENT, "#888888", FLAG])
    base = alt.Chart(_values(df)).encode(
        x=alt.X("x:Q", axis=_year_axis(), scale=alt.Scale(zero=False, nice=False, padding=12))
    )
    y_title = "Index (0 = one vector, 1 = even)"
    # 0-1 unless every interval sits high: then start near the data so changes stay visible
    low = float(df["entropy_lo"].min()) if df["entropy_lo"].notna().any() else 0.0
    floor = 0.0 if low < 0.5 else math.floor(low * 10) / 10 - 0.1
    y_scale = alt.Scale(domain=[floor, 1])
    y = alt.Y("entropy:Q", title=y_title, scale=y_scale)
    tooltip = [
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("entropy:Q", title="Balance index", format=".2f"),
        alt.Tooltip("entropy_lo:Q", title="95% low", format=".2f"),
        alt.Tooltip("entropy_hi:Q", title="95% high", format=".2f"),
        alt.Tooltip("one_minus_hhi:Q", title="1 − HHI", format=".2f"),
        alt.Tooltip("n_documents:Q", title="Documents"),
    ]
    band = base.mark_area(opacity=0.18, color=ACCENT).encode(
        y=alt.Y("entropy_lo:Q", title=y_title, scale=y_scale),
        y2="entropy_hi:Q",
    )
    # a period without an index (insufficient evidence) breaks the line, never drawn as 0
    index_line = base.mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=40),
                                invalid=BREAK).encode(
        y=y, color=alt.Color("m:N", scale=colours, title=None), tooltip=tooltip,
        href=_href(df),
    ).transform_calculate(m=f"'{index_name}'")
    thin = base.mark_text(angle=270, fontSize=9, color="#555555").encode(
        y=alt.Y("mid:Q", scale=y_scale), text=alt.value("insufficient evidence"),
    ).transform_filter("!isValid(datum.entropy) && isValid(datum.entropy_lo)").transform_calculate(
        mid="(datum.entropy_lo + datum.entropy_hi) / 2")
    hhi_line = base.mark_line(strokeWidth=1.5, strokeDash=[5, 3], invalid=BREAK).encode(
        y="one_minus_hhi:Q", color=alt.Color("m:N", scale=colours, title=None),
    ).transform_calculate(m=f"'{hhi_name}'")
    flagged = base.mark_point(size=160, shape="diamond", filled=True).encode(
        y="entropy:Q", color=alt.Color("m:N", scale=colours, title=None), tooltip=tooltip,
    ).transform_filter("datum.flag == true").transform_calculate(m=f"'{flag_name}'")
    chart = alt.layer(band, hhi_line, index_line, flagged, thin).properties(width=WIDTH,
                                                                             height=260)
    return _finish(chart, "Balance among vectors",
                   "Normalised Shannon entropy with its 95% interval band; 1 − HHI dashed")


# --- vector shares ---------------------------------------------------------------------------


def shares_chart(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    links: Mapping[str, str] | None = None,
) -> Any:
    """Share of attention per vector and period: stacked bars (few periods) or areas (many)."""
    labels = labels or {}
    df = frame.copy()
    df["x"] = [decimal_year(v) for v in df["period_start"]]
    df["label"] = [labels.get(str(v), str(v)) for v in df["vector"]]
    colours = vector_colors([str(v) for v in df["vector"]])
    ordered = sorted(colours, key=vector_order)
    rank = {v: i for i, v in enumerate(ordered)}
    df["order"] = [rank[str(v)] for v in df["vector"]]
    df = _link(links, lambda r: cell_key(r["period"], r["vector"]))(df.sort_values(["x", "order"]))
    colour = alt.Color(
        "label:N", title="Vector",
        scale=alt.Scale(domain=[labels.get(v, v) for v in ordered],
                        range=[colours[v] for v in ordered]),
        sort=[labels.get(v, v) for v in ordered],
    )
    tooltip = [alt.Tooltip("period:N", title="Period"), alt.Tooltip("label:N", title="Vector"),
               alt.Tooltip("share:Q", title="Share", format=".1%")]
    y = alt.Y("share:Q", title="Share of attention", axis=alt.Axis(format="%"), stack="zero")
    periods = df.drop_duplicates("period").sort_values("x")["period"].astype(str).tolist()
    if len(periods) <= 8:
        chart = alt.Chart(_values(df)).mark_bar().encode(
            # long labels (edition ids, "before kaz/1995") run into each other level: tilt them
            x=alt.X("period:N", title="Period", sort=periods, axis=alt.Axis(
                labelAngle=-30 if max(map(len, periods), default=0) > 8 else 0,
                labelAlign="right" if max(map(len, periods), default=0) > 8 else "center")),
            y=y, color=colour, order=alt.Order("order:Q"), tooltip=tooltip, href=_href(df),
        )
    else:
        chart = alt.Chart(_values(df)).mark_area(opacity=0.9, interpolate="monotone").encode(
            x=alt.X("x:Q", axis=_year_axis(), scale=alt.Scale(zero=False, nice=False)),
            y=y, color=colour, order=alt.Order("order:Q"), tooltip=tooltip,
        )
    return _finish(chart.properties(width=WIDTH - 80, height=260), "Attention by vector",
                   "Share of actor mentions per period, by vector")


# --- themes ----------------------------------------------------------------------------------


def heatmap_chart(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    links: Mapping[str, str] | None = None,
) -> Any:
    """Theme-by-period heatmap of attention shares, themes sorted by total attention."""
    labels = labels or {}
    df = frame.copy()
    if "label" not in df:
        df["label"] = [labels.get(str(t), str(t)) for t in df["theme"]]
    if "period_start" in df:
        df["x"] = [decimal_year(v) for v in df["period_start"]]
        periods = df.sort_values("x")["period"].astype(str).drop_duplicates().tolist()
    else:
        periods = sorted(df["period"].astype(str).unique())
    df["period"] = df["period"].astype(str)
    themes = df.groupby("label")["share"].sum().sort_values(ascending=False).index.tolist()
    df = _link(links, lambda r: cell_key(r["theme"], r["period"]))(df)
    many = len(periods) > 12
    cell = max(14, min(48, (WIDTH - 60) // max(1, len(periods))))
    # a label wider than its cell runs into the next one: tilt it (7 px a character at 11 px)
    tilt = -90 if many else (-35 if max(map(len, periods), default=0) * 7 > cell else 0)
    base = alt.Chart(_values(df)).encode(
        x=alt.X("period:O", title="Period", sort=periods,
                axis=alt.Axis(labelAngle=tilt, labelOverlap=False,
                              labelAlign="right" if tilt == -35 else alt.Undefined)),
        y=alt.Y("label:N", title=None, sort=themes, axis=alt.Axis(labelLimit=230)),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("share:Q", title="Share", scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format="%",
                                          gradientLength=max(40, min(120, 18 * len(themes))))),
        tooltip=[alt.Tooltip("label:N", title="Theme"), alt.Tooltip("period:N", title="Period"),
                 alt.Tooltip("share:Q", title="Share", format=".1%")],
        href=_href(df),
    )
    layers: list[Any] = [rect]
    if not many and len(df) <= 200:
        top = float(df["share"].max() or 0)
        layers.append(base.mark_text(fontSize=9).encode(
            text=alt.Text("share:Q", format=".0%"),
            color=alt.condition(f"datum.share > {top * 0.55}", alt.value("white"),
                                alt.value("#333333")),
        ))
    chart = alt.layer(*layers).properties(width=cell * len(periods), height=18 * len(themes))
    return _finish(chart, "Themes over time", "Share of coded theme passages per period")


# --- coverage --------------------------------------------------------------------------------


def coverage_chart(frame: pd.DataFrame, links: Mapping[str, str] | None = None) -> Any:
    """Share of periods with evidence per element of the edition; silent elements in red."""
    df = frame.copy()
    df["label"] = [f"{t}" if t else str(e) for t, e in zip(df["title"], df["element"],
                                                            strict=True)]
    df["status"] = ["silent" if s else "evidence" for s in df["silent"]]
    df = _link(links, lambda r: str(r["element"]))(df)
    order = df.sort_values(["share", "passages"], ascending=False)["label"].tolist()
    kinds = sorted({str(k) for k in df["kind"]},
                   key=lambda k: (list(KIND_COLORS).index(k) if k in KIND_COLORS else 99, k))
    silent_labels = [str(x) for x in df.loc[df["silent"].astype(bool), "label"]]
    label_colour = (
        {"condition": {"test": f"indexof({silent_labels!r}, datum.value) >= 0", "value": FLAG},
         "value": "#222222"}
        if silent_labels else "#222222"
    )
    base = alt.Chart(_values(df)).encode(
        y=alt.Y("label:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=300, labelColor=label_colour)),
    )
    tooltip = [alt.Tooltip("title:N", title="Element"), alt.Tooltip("kind:N", title="Kind"),
               alt.Tooltip("periods_with_evidence:Q", title="Periods with evidence"),
               alt.Tooltip("passages:Q", title="Passages"),
               alt.Tooltip("last_seen:N", title="Last seen")]
    bars = base.mark_bar(height=9).encode(
        x=alt.X("share:Q", title="Share of periods with evidence",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%", orient="top", values=[0, 0.25, 0.5, 0.75, 1])),
        color=alt.Color("kind:N", title="Element kind", scale=alt.Scale(
            domain=kinds, range=[KIND_COLORS.get(k, OTHER_COLOR) for k in kinds])),
        tooltip=tooltip, href=_href(df),
    )
    silent = base.mark_text(align="left", dx=3, color=FLAG, fontSize=9,
                            fontWeight="bold").encode(
        x=alt.datum(0), text=alt.value("silent: no evidence"),
    ).transform_filter("datum.status == 'silent'")
    chart = alt.layer(bars, silent).properties(width=WIDTH - 240, height=13 * len(df))
    return _finish(chart, "Priority coverage",
                   "Elements of the edition: share of periods with coded evidence")


# --- events ----------------------------------------------------------------------------------


def events_chart(frame: pd.DataFrame, links: Mapping[str, str] | None = None) -> Any:
    """Events by date (x) and type (y); each point links to the passage it was read from."""
    df = frame.copy()
    df["x"] = [decimal_year(v) for v in df["date"]]
    df["date"] = [str(v)[:10] for v in df["date"]]
    df["evidence"] = [shorten(str(v or ""), 140) for v in df["evidence"]]
    df = _link(links, lambda r: cell_key(r["doc_id"], int(r["passage"])))(df)
    df["type"] = [str(t).replace("_", " ") for t in df["type"]]
    types = df["type"].value_counts().index.tolist()
    own, reported = "date from its sentence", "date of the document"
    df["dated"] = [reported if s == "document" else own
                   for s in (df["date_source"] if "date_source" in df else [None] * len(df))]
    chart = alt.Chart(_values(df.dropna(subset=["x"]))).mark_point(size=60, opacity=0.7,
                                                                   filled=True).encode(
        x=alt.X("x:Q", axis=_year_axis("Date"), scale=alt.Scale(zero=False, nice=False,
                                                                padding=10)),
        y=alt.Y("type:N", title=None, sort=types, axis=alt.Axis(labelLimit=200)),
        color=alt.Color("type:N", legend=None, scale=alt.Scale(scheme="tableau10")),
        shape=alt.Shape("dated:N", title=None, scale=alt.Scale(domain=[own, reported],
                                                               range=["circle", "triangle-up"]),
                        legend=alt.Legend(orient="bottom", symbolFillColor="#777777")),
        tooltip=[alt.Tooltip("date:N", title="Date"), alt.Tooltip("type:N", title="Type"),
                 alt.Tooltip("actor:N", title="Actor"),
                 alt.Tooltip("counterpart:N", title="Counterpart"),
                 alt.Tooltip("evidence:N", title="Evidence")],
        href=_href(df),
    )
    chart = chart.properties(width=WIDTH - 60, height=max(60, 26 * len(types)))
    return _finish(chart, "Events", "Events that happened, read from the texts, by date and type")


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- edition diff ----------------------------------------------------------------------------


def diff_chart(counts: Mapping[str, int], before: str, after: str) -> Any:
    """Number of element changes by type between two editions."""
    rows = [{"change": k, "count": int(v)} for k, v in counts.items()]
    order = [k for k in CHANGE_COLORS if k in counts] + [k for k in counts
                                                         if k not in CHANGE_COLORS]
    colours = [CHANGE_COLORS.get(k, OTHER_COLOR) for k in order]
    base = alt.Chart(_inline(rows)).encode(
        y=alt.Y("change:N", sort=order, title=None),
        x=alt.X("count:Q", title="Elements"),
    )
    bars = base.mark_bar(height=16).encode(
        color=alt.Color("change:N", scale=alt.Scale(domain=order, range=colours), legend=None),
        tooltip=[alt.Tooltip("change:N"), alt.Tooltip("count:Q")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(text="count:Q")
    chart = alt.layer(bars, text).properties(width=WIDTH - 120, height=26 * len(rows))
    return _finish(chart, f"What changed: {before} → {after}", "Elements by type of change")


# --- declared versus observed ----------------------------------------------------------------


def gap_chart(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    links: Mapping[str, str] | None = None,
) -> Any:
    """Declared weight per vector against observed attention with its 95% interval."""
    labels = labels or {}
    df = frame.copy()
    df["label"] = [labels.get(str(v), str(v)) for v in df["vector"]]
    thin = df["evidence"] == "insufficient" if "evidence" in df else pd.Series(False,
                                                                                index=df.index)
    df["gap_text"] = ["" if t or pd.isna(g) else f"{100 * g:+.0f} pts" + (" *" if f else "")
                      for g, f, t in zip(df["gap"], df["flag"], thin, strict=True)]
    df = _link(links, lambda r: str(r["vector"]))(df)
    order = df.sort_values("declared", ascending=False)["label"].tolist()
    colours = vector_colors([str(v) for v in df["vector"]])
    colour_scale = alt.Scale(domain=[labels.get(v, v) for v in colours],
                             range=list(colours.values()))
    top = float(max(df["declared"].max(), df["observed_hi"].max(), 0.05))
    x_scale = alt.Scale(domain=[0, min(1.0, top * 1.2)])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    base = alt.Chart(_values(df)).encode(y=y)
    tooltip = [alt.Tooltip("label:N", title="Vector"),
               alt.Tooltip("declared:Q", title="Declared", format=".2f"),
               alt.Tooltip("observed:Q", title="Observed", format=".2f"),
               alt.Tooltip("observed_lo:Q", title="95% low", format=".2f"),
               alt.Tooltip("observed_hi:Q", title="95% high", format=".2f"),
               alt.Tooltip("gap:Q", title="Gap (observed − declared)", format="+.0%")]
    interval = base.mark_rule(strokeWidth=3, opacity=0.5).encode(
        x=alt.X("observed_lo:Q", scale=x_scale, title="Weight / share of attention",
                axis=alt.Axis(format="%", tickCount=6, labelOverlap=True)),
        x2="observed_hi:Q", color=alt.Color("label:N", scale=colour_scale, legend=None),
    )
    long = df.melt(id_vars=["label", "href"], value_vars=["declared", "observed"],
                   var_name="measure", value_name="value")
    points = alt.Chart(_values(long)).mark_point(filled=True, size=110, opacity=1).encode(
        y=y, x=alt.X("value:Q", scale=x_scale),
        shape=alt.Shape("measure:N", title=None,
                        scale=alt.Scale(domain=["declared", "observed"],
                                        range=["diamond", "circle"])),
        color=alt.condition("datum.measure == 'declared'", alt.value("#333333"),
                            alt.Color("label:N", scale=colour_scale, legend=None)),
        href=_href(long),
    )
    gaps = base.mark_text(align="left", dx=6, fontSize=10).encode(
        x=alt.value(WIDTH - 150), text="gap_text:N",
        color=alt.condition("datum.flag == true", alt.value(FLAG), alt.value("#555555")),
        tooltip=tooltip,
    )
    chart = alt.layer(interval, points, gaps).properties(
        width=WIDTH - 110, height=26 * len(df))
    return _finish(chart, "Declared versus observed",
                   "Diamond: declared weight; dot and bar: observed share with 95% interval; "
                   "right: gap (* beyond interval)")


# --- export ----------------------------------------------------------------------------------


_HREF = re.compile(r'\s(?:xlink:)?href="([^"]*)"')
_DEFS = re.compile(r"<defs>.*?</defs>", re.DOTALL)
_GRADIENT_RECT = re.compile(r'<path d="M0,0h([\d.]+)v([\d.]+)h-[\d.]+Z" fill="url\(#([^)]+)\)"')
_GRADIENT_END = re.compile(r'\b(x1|x2|y1|y2)="([-\d.]+)"')


def _gradients_in_user_space(svg: str) -> str:
    """Legend gradients in the coordinates of the rectangle they fill.

    Vega writes them relative to the bounding box, which weasyprint does not paint; user-space
    coordinates draw the same in every renderer.
    """
    for width, height, gradient in set(_GRADIENT_RECT.findall(svg)):
        size = {"x": float(width), "y": float(height)}

        def place(m: re.Match[str], size: dict[str, float] = size) -> str:
            ends = {k: float(v) * size[k[0]] for k, v in _GRADIENT_END.findall(m.group(2))}
            coords = " ".join(f'{k}="{v:g}"' for k, v in ends.items())
            return f'<linearGradient id="{m.group(1)}" {coords} gradientUnits="userSpaceOnUse">'

        svg = re.sub(rf'<linearGradient id="({re.escape(gradient)})"([^>]*)>', place, svg)
    return svg


def _local_link(match: re.Match[str]) -> str:
    """Keep a link to an anchor in the page; drop any other (vega resolves null links to a URL)."""
    target = match.group(1)
    return f' xlink:href="{target[target.index("#"):]}"' if "#" in target else ""


def to_svg(chart: Any, prefix: str = "c") -> str:
    """SVG text of a chart, with ids prefixed (several charts share one page) and local links."""
    import vl_convert as vlc

    svg = str(vlc.vegalite_to_svg(chart.to_dict(), allowed_base_urls=[]))
    svg = _HREF.sub(_local_link, svg)
    svg = _gradients_in_user_space(svg)
    # Gradients and clip paths must be defined before use for weasyprint: move <defs> first.
    defs = "".join(_DEFS.findall(svg))
    if defs:
        svg = _DEFS.sub("", svg)
        head_end = svg.index(">", svg.index("<svg")) + 1
        svg = svg[:head_end] + defs + svg[head_end:]
    for name in set(re.findall(r'\bid="([^"]+)"', svg)):
        svg = svg.replace(f'id="{name}"', f'id="{prefix}-{name}"')
        svg = svg.replace(f"url(#{name})", f"url(#{prefix}-{name})")
    return svg


def to_png(chart: Any, scale: float = 2.0) -> bytes:
    """PNG bytes of a chart (``scale`` 2 gives a sharp image at the chart's nominal size)."""
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_png(chart.to_dict(), scale=scale, allowed_base_urls=[]))
