"""Vega-Lite specifications of the dashboard's charts, built from rows the pages computed.

Each function takes plain rows (dicts whose values are JSON types) and returns a spec with its
data inline; the page embeds it in an inert ``<script type="application/json">`` block and
``static/js/charts.js`` draws it with the bundled vega-embed, interpreting expressions instead
of compiling them (the Content-Security-Policy forbids ``eval``). The specs use no expression
of their own: every label, interval and link is computed here.

Thin evidence is never drawn as a confident number: a figure the evidence rule marks
insufficient keeps its interval (a dashed, lighter bar) and gets no point; its tooltip says
"insufficient evidence". Every mark with something behind it carries ``href``: a click opens
the passages, documents or roll calls it was computed from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
ACCENT = "#1f4e79"
MUTED = "#6b7280"
# the report's colours per vector (multivector.report.charts), so a vector looks the same in
# the report and on the dashboard
VECTOR_COLORS: dict[str, str] = {
    "russia": "#c62828", "china": "#f28e2b", "usa": "#1f5fa8", "europe": "#7b4fa8",
    "central_asia": "#2e8b3a", "post_soviet": "#8c564b", "middle_east": "#b8a22a",
    "south_asia": "#e377c2", "asia_pacific": "#17a2b8", "africa": "#9ccf7a",
    "americas": "#f7b87a", "multilateral": "#5a5a8a",
}
# UN vote partners coloured as the vector they stand for
PARTNER_VECTORS = {"RUS": "russia", "CHN": "china", "USA": "usa", "EU": "europe",
                   "CA": "central_asia"}
SERIES_COLORS = ("#1f4e79", "#c62828", "#2e8b3a", "#e08214", "#7b4fa8", "#17a2b8", "#8c564b",
                 "#e377c2", "#5a5a8a", "#b8a22a")
CHANNEL_STYLE = {  # channel -> (colour, shape)
    "declared": ("#111827", "square"),
    "statements": (ACCENT, "circle"),
    "events": ("#e08214", "triangle-up"),
}
CONFIG: dict[str, Any] = {
    "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal",
             "labelColor": "#374151", "titleColor": "#374151", "gridColor": "#e5e7eb",
             "domainColor": "#9ca3af", "tickColor": "#9ca3af"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal",
               "orient": "bottom", "direction": "horizontal", "columns": 4},
    "header": {"labelFontSize": 12, "titleFontSize": 12},
    "view": {"stroke": None},
    "point": {"size": 60},
}


def clean(value: Any) -> Any:
    """A JSON-safe value: NaN and infinities become None, containers cleaned inside."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def _spec(rows: Sequence[Mapping[str, Any]], body: Mapping[str, Any], *,
          description: str) -> dict[str, Any]:
    return {"$schema": SCHEMA, "description": description, "config": CONFIG,
            "data": {"values": clean(list(rows))}, **body}


def _tooltip(fields: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"field": f, "title": t, "type": "nominal"} for f, t in fields]


def _colour_scale(domain: Sequence[str], colours: Mapping[str, str] | None = None
                  ) -> dict[str, Any]:
    rng = [(colours or {}).get(d) or SERIES_COLORS[i % len(SERIES_COLORS)]
           for i, d in enumerate(domain)]
    return {"domain": list(domain), "range": rng}


def vector_colours(ids: Sequence[str], labels: Mapping[str, str]) -> dict[str, str]:
    """Colour per vector label (the charts colour by label, which people read)."""
    return {labels[v]: VECTOR_COLORS[v] for v in ids if v in VECTOR_COLORS and v in labels}


def partner_colours(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Colour per vote partner's name: the colour of the vector it stands for."""
    return {str(r["partner_name"]): VECTOR_COLORS[PARTNER_VECTORS[str(r["partner"])]]
            for r in rows if str(r.get("partner")) in PARTNER_VECTORS}


def interval_chart(rows: Sequence[Mapping[str, Any]], *, x_order: Sequence[str],
                   y_title: str, series: Sequence[str] | None = None,
                   colours: Mapping[str, str] | None = None, series_title: str = "",
                   domain: tuple[float, float] = (0.0, 1.0), line: bool = True,
                   percent: bool = False, tooltip: Sequence[tuple[str, str]],
                   description: str, height: int = 260, facet: str | None = None,
                   facet_order: Sequence[str] | None = None) -> dict[str, Any]:
    """Points with 95% interval bars per ``x`` (an ordered label), one colour per series
    dodged within an ``x``, joined by a line per series when ``line``.

    Rows: ``x``, ``value`` (None when the evidence is insufficient), ``low``, ``high``,
    ``thin`` (bool), ``series`` (with ``series``), ``href`` and the ``tooltip`` fields;
    with ``facet``, one small chart per value of that field (two columns)."""
    slanted = len(x_order) > 6 or max((len(v) for v in x_order), default=0) > 6
    x = {"field": "x", "type": "ordinal", "sort": list(x_order), "title": None,
         "axis": {"labelAngle": -35 if slanted else 0, "labelLimit": 140,
                  "labelOverlap": "greedy"}}
    y = {"field": "value", "type": "quantitative", "title": y_title,
         "scale": {"domain": list(domain), "nice": False},
         "axis": {"format": ".0%"} if percent else {}}
    enc: dict[str, Any] = {"x": x}
    if series:
        enc["color"] = {"field": "series", "type": "nominal", "title": series_title or None,
                        "scale": _colour_scale(series, colours), "sort": list(series)}
        enc["xOffset"] = {"field": "series", "type": "nominal", "sort": list(series)}
    else:
        enc["color"] = {"value": ACCENT}
    tips = _tooltip(tooltip)
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "rule", "strokeWidth": 2.5},
         "encoding": {"y": {**y, "field": "low"}, "y2": {"field": "high"},
                      "strokeDash": {"condition": {"test": "datum.thin", "value": [3, 3]},
                                     "value": [1, 0]},
                      "opacity": {"condition": {"test": "datum.thin", "value": 0.45},
                                  "value": 0.6},
                      "tooltip": tips, "href": {"field": "href"}}},
        {"transform": [{"filter": "!datum.thin"}],
         "mark": {"type": "point", "filled": True, "size": 70, "cursor": "pointer"},
         "encoding": {"y": y, "tooltip": tips, "href": {"field": "href"},
                      "shape": {"value": "circle"}}},
    ]
    if line and not series:
        layers.insert(1, {"mark": {"type": "line", "strokeWidth": 1.5, "opacity": 0.5,
                                   "invalid": "break-paths-show-domains"},
                          "encoding": {"y": y}})
    if facet is None:
        return _spec(rows, {"width": "container", "height": height, "encoding": enc,
                            "layer": layers}, description=description)
    return _spec(rows, {
        "facet": {"field": facet, "type": "nominal", "title": None,
                  **({"sort": list(facet_order)} if facet_order else {})},
        "columns": 3,
        "spec": {"width": 330, "height": 180, "encoding": {
            **enc, "x": {**x, "axis": {"labelAngle": -45, "labelLimit": 120,
                                       "labelOverlap": False, "labelFontSize": 10}}},
            "layer": layers},
    }, description=description)


def index_domain(rows: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """0 to 1, unless every interval sits high: then from just under the lowest bound, so
    that changes stay visible (as the report's chart does)."""
    lows = [float(r["low"]) for r in rows if r.get("low") is not None]
    low = min(lows, default=0.0)
    return (0.0, 1.0) if low < 0.5 else (math.floor(low * 10) / 10 - 0.1, 1.0)


def balance_chart(rows: Sequence[Mapping[str, Any]], order: Sequence[str]) -> dict[str, Any]:
    """The balance index per period with its band; thin periods: the band and a dashed bar."""
    spec = interval_chart(
        rows, x_order=order, y_title="Balance index (0 = one vector, 1 = even)",
        domain=index_domain(rows),
        tooltip=[("x", "Period"), ("value_text", "Balance index"), ("interval_text",
                 "95% interval"), ("n_documents", "Documents"), ("mentions_text", "Mentions"),
                 ("shift_text", "Shift"), ("action", "Click")],
        description="Balance index per period with its 95% interval")
    band = {"mark": {"type": "area", "opacity": 0.12, "color": ACCENT},
            "encoding": {"y": {"field": "low", "type": "quantitative",
                               "scale": {"domain": list(index_domain(rows)), "nice": False}},
                         "y2": {"field": "high"}}}
    flags = {"transform": [{"filter": "datum.shift"}],
             "mark": {"type": "point", "shape": "diamond", "size": 180, "filled": False,
                      "strokeWidth": 2, "color": "#b91c1c"},
             "encoding": {"y": {"field": "value", "type": "quantitative"}}}
    spec["layer"] = [band, *spec["layer"], flags]
    return spec


def share_domain(rows: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """0 to the tenth above the highest interval bound (shares rarely reach 100%)."""
    top = max((float(r["high"]) for r in rows if r.get("high") is not None), default=1.0)
    return 0.0, min(1.0, math.ceil(top * 10) / 10 or 1.0)


def shares_chart(rows: Sequence[Mapping[str, Any]], order: Sequence[str],
                 series: Sequence[str], colours: Mapping[str, str]) -> dict[str, Any]:
    return interval_chart(
        rows, x_order=order, series=series, colours=colours, series_title="Vector",
        y_title="Share of attention", domain=share_domain(rows),
        line=False, percent=True,
        tooltip=[("x", "Period"), ("series", "Vector"), ("value_text", "Share"),
                             ("interval_text", "95% interval"), ("n_documents", "Documents"),
                             ("actors", "Named"), ("action", "Click")],
        description="Share of attention per vector and period, with 95% intervals")


def channels_chart(rows: Sequence[Mapping[str, Any]], periods: Sequence[str],
                   vectors: Sequence[str]) -> dict[str, Any]:
    """Declared share against the shares observed in statements and events, per vector and
    edition period (small multiples); intervals as bars, thin ones dashed without a point."""
    channels = list(CHANNEL_STYLE)
    y = {"field": "vector", "type": "nominal", "sort": list(vectors), "title": None}
    x = {"field": "value", "type": "quantitative", "title": "Share",
         "scale": {"domain": [0, 1], "nice": False}, "axis": {"format": ".0%", "tickCount": 4}}
    colour = {"field": "channel", "type": "nominal", "title": None,
              "scale": {"domain": channels, "range": [CHANNEL_STYLE[c][0] for c in channels]}}
    tips = _tooltip([("period", "Period"), ("vector", "Vector"), ("channel", "Channel"),
                     ("value_text", "Share"), ("interval_text", "95% interval"),
                     ("note", "Note"), ("action", "Click")])
    layer = [
        {"transform": [{"filter": "datum.low != null"}],
         "mark": {"type": "rule", "strokeWidth": 2},
         "encoding": {"y": y, "yOffset": {"field": "channel", "sort": channels},
                      "x": {**x, "field": "low"}, "x2": {"field": "high"}, "color": colour,
                      "strokeDash": {"condition": {"test": "datum.thin", "value": [3, 3]},
                                     "value": [1, 0]},
                      "opacity": {"condition": {"test": "datum.thin", "value": 0.45},
                                  "value": 0.7},
                      "tooltip": tips, "href": {"field": "href"}}},
        {"transform": [{"filter": "!datum.thin && datum.value != null"}],
         "mark": {"type": "point", "filled": True, "size": 55, "cursor": "pointer"},
         "encoding": {"y": y, "yOffset": {"field": "channel", "sort": channels}, "x": x,
                      "color": colour,
                      "shape": {"field": "channel", "type": "nominal", "scale": {
                          "domain": channels, "range": [CHANNEL_STYLE[c][1] for c in channels]}},
                      "tooltip": tips, "href": {"field": "href"}}},
    ]
    return _spec(rows, {
        "facet": {"field": "period", "type": "ordinal", "sort": list(periods), "title": None},
        "columns": 3,
        "spec": {"width": 210, "height": 24 * len(vectors) + 10, "layer": layer},
        "resolve": {"axis": {"y": "independent"}},
    }, description="Declared share against attention in statements and events, per period")


def coverage_chart(rows: Sequence[Mapping[str, Any]], elements: Sequence[str],
                   periods: Sequence[str]) -> dict[str, Any]:
    """Heatmap: each element (rows, in edition order) by period; colour: passages with strong
    evidence; grey: none."""
    tips = _tooltip([("element", "Element"), ("period", "Period"), ("passages", "Passages"),
                     ("documents", "Documents"), ("events", "Events"),
                     ("weak_passages", "Weak passages (not counted)"), ("action", "Click")])
    return _spec(rows, {
        "width": "container", "height": max(14 * len(elements), 60),
        "mark": {"type": "rect", "cursor": "pointer"},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "sort": list(periods), "title": None,
                  "scale": {"domain": list(periods)},
                  "axis": {"labelAngle": -45 if len(periods) > 8 else 0}},
            "y": {"field": "element", "type": "ordinal", "sort": list(elements), "title": None,
                  "scale": {"domain": list(elements)}, "axis": {"labelLimit": 240}},
            "color": {"field": "passages", "type": "quantitative", "title": "Passages",
                      "scale": {"scheme": "blues", "domainMin": 0}},
            "tooltip": tips, "href": {"field": "href"},
        },
        "config": {**CONFIG, "view": {"stroke": None, "fill": "#f3f4f6"},
                   "legend": {**CONFIG["legend"], "direction": "horizontal"}},
    }, description="Passages with evidence of each concept element per period")


def events_chart(rows: Sequence[Mapping[str, Any]], types: Sequence[str]) -> dict[str, Any]:
    tips = _tooltip([("date_text", "Date"), ("type", "Event"), ("actor", "Actor"),
                     ("counterpart", "Counterpart"), ("evidence", "Evidence"),
                     ("title", "Document"), ("action", "Click")])
    return _spec(rows, {
        "width": "container", "height": max(22 * len(types), 80),
        "mark": {"type": "point", "filled": True, "size": 55, "opacity": 0.7,
                 "cursor": "pointer"},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None,
                  "axis": {"format": "%Y"}},
            "y": {"field": "type", "type": "nominal", "sort": list(types), "title": None},
            "color": {"field": "plover", "type": "nominal", "title": "PLOVER category",
                      "scale": {"range": list(SERIES_COLORS)}},
            "shape": {"field": "date_source", "type": "nominal", "title": "Dated by",
                      "scale": {"domain": ["sentence", "document"],
                                "range": ["circle", "triangle-up"]}},
            "tooltip": tips, "href": {"field": "href"},
        },
    }, description="Events that happened, by date and type")


def votes_chart(rows: Sequence[Mapping[str, Any]], cells: Sequence[str],
                partners: Sequence[str], *, facet: str | None = None,
                facet_order: Sequence[str] | None = None, measure: str = "agreement",
                colours: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Agreement in UN General Assembly votes per cell and partner, with 95% intervals;
    ``facet`` splits by a further field (the partner, when several countries are compared)."""
    return interval_chart(
        rows, x_order=cells, series=partners, series_title="", colours=colours,
        percent=measure == "agreement", domain=(0.0, 1.0) if measure == "agreement"
        else (-1.0, 1.0), y_title="Agreement in UN votes" if measure == "agreement"
        else f"{measure} (chance-corrected)", line=False, facet=facet, facet_order=facet_order,
        tooltip=[("x", "Votes"), ("series", "Series"), ("facet", "Panel"),
                 ("value_text", "Agreement"), ("interval_text", "95% interval"),
                 ("n_rollcalls", "Roll calls"), ("action", "Click")],
        description="Agreement in UN General Assembly votes with 95% intervals")
