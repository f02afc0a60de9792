"""Rows for the dashboard's charts and tables, from the analyses' results: labels instead of
ids, an interval and a flag where the evidence is thin, and the link to what each figure rests
on (the documents of a period, a passage, the roll calls of a cell).

A figure under the evidence rule keeps ``value`` None and ``thin`` True: charts draw its
interval only and tables print "insufficient evidence", never a number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from multivector.domain.concept import Edition
from multivector.interfaces.web.pages.base import Labels, doc_url, num, pct, span, url

MAIN_VECTORS = ("russia", "china", "usa", "europe", "central_asia")
INSUFFICIENT = "insufficient evidence"


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


# ------------------------------------------------------------------------------ periods


def edition_windows(editions: Sequence[Edition]) -> dict[str, tuple[dt.date, dt.date | None]]:
    """The days each edition was in force: from its adoption (1 January of its first year
    when unknown) until the next one came into force, at the latest 31 December of its last
    year (the rule of multivector.analysis.periods)."""
    starts = sorted(((e.adopted or dt.date(e.period_start, 1, 1)), e) for e in editions)
    out: dict[str, tuple[dt.date, dt.date | None]] = {}
    for i, (start, e) in enumerate(starts):
        end = dt.date(e.period_end, 12, 31) if e.period_end else None
        if i + 1 < len(starts):
            following = starts[i + 1][0] - dt.timedelta(days=1)
            end = following if end is None else min(end, following)
        out[e.id] = (start, end)
    return out


def period_bounds(label: str, editions: Sequence[Edition]) -> tuple[str | None, str | None]:
    """The dates a period label covers, as ``from``/``to`` filter values (None: open)."""
    windows = edition_windows(editions)
    if label in windows:
        start, end = windows[label]
        return start.isoformat(), end.isoformat() if end else None
    if label == "(none)" and windows:
        earliest = min(s for s, _ in windows.values())
        return None, (earliest - dt.timedelta(days=1)).isoformat()
    if len(label) == 4 and label.isdigit():
        return label, label
    if len(label) == 6 and label[4] == "Q" and label[:4].isdigit() and label[5] in "1234":
        q = int(label[5])
        return f"{label[:4]}-{3 * q - 2:02d}", f"{label[:4]}-{3 * q:02d}"
    first, dash, last = label.partition("-")
    if dash and first.isdigit():
        return first, last if last.isdigit() else None
    return None, None


def period_label(label: str, editions: Sequence[Edition], last_year: str | None = None
                 ) -> str:
    """'(none)' read as what it is (before the first edition), an open range of cut years
    closed by the corpus's last year ('2020-' -> '2020-2024')."""
    if label == "(none)" and editions:
        first = min(editions, key=lambda e: e.period_start)
        return f"before {first.id}"
    if label.endswith("-") and label[:-1].isdigit() and last_year:
        return f"{label}{last_year}"
    return label


def documents_link(country: str | Sequence[str] | None, label: str,
                   editions: Sequence[Edition], **filters: Any) -> str | None:
    """The documents behind a figure of ``label`` (a period), or None for undated ones."""
    if label == "(undated)":
        return None
    start, end = period_bounds(label, editions)
    countries = [country] if isinstance(country, str) else list(country or [])
    return url("/documents", {"country": ",".join(countries), "from": start, "to": end,
                              **filters})


# ------------------------------------------------------------------------------ balance


def balance_rows(index: Sequence[Mapping[str, Any]], differences: Sequence[Mapping[str, Any]],
                 editions: Sequence[Edition], labels: Labels, *, country: str | None = None,
                 last_year: str | None = None) -> list[dict[str, Any]]:
    """The balance index per period (and country, when it has that column)."""
    shifts = {(r.get("country"), str(r["period_b"])) for r in differences
              if r.get("metric") == "entropy" and r.get("differs")}
    out = []
    for r in index:
        who = r.get("country") or country
        thin = r.get("evidence") == "insufficient" or missing(r.get("entropy"))
        label = period_label(str(r["period"]), editions, last_year)
        value = None if thin else r["entropy"]
        shift = (r.get("country"), str(r["period"])) in shifts and not thin
        out.append({
            "x": label, "period": str(r["period"]), "series": labels.actor(who) if
            r.get("country") else None, "country": who,
            "value": value, "low": r.get("entropy_low"), "high": r.get("entropy_high"),
            "thin": thin, "shift": shift,
            "value_text": INSUFFICIENT if thin else num(value),
            "interval_text": f"{num(r.get('entropy_low'))}–{num(r.get('entropy_high'))}",
            "n_documents": r.get("n_documents"),
            "mentions_text": f"{r.get('n_mentions')} ({num(r.get('effective'), 1)} effective)",
            "shift_text": "differs from the previous period" if shift else "",
            "hhi_text": "—" if thin else num(r.get("one_minus_hhi")),
            "top": labels.vector(str(r["top_vector"])) if r.get("top_vector") and not thin
            else "",
            "caveat": r.get("caveat") or "", "sources": r.get("sources") or "",
            "href": documents_link(who, str(r["period"]), editions),
            "action": "open the documents of this period",
        })
    return out


def share_rows(shares: Sequence[Mapping[str, Any]], editions: Sequence[Edition],
               labels: Labels, vectors: Sequence[str], *, country: str | None = None,
               last_year: str | None = None) -> list[dict[str, Any]]:
    out = []
    for r in shares:
        if r["vector"] not in vectors:
            continue
        who = r.get("country") or country
        thin = r.get("evidence") == "insufficient" or missing(r.get("share"))
        out.append({
            "x": period_label(str(r["period"]), editions, last_year),
            "period": str(r["period"]), "series": labels.vector(r["vector"]),
            "vector": r["vector"], "country": who,
            "country_name": labels.actor(who), "value": None if thin else r["share"],
            "low": r.get("share_low"), "high": r.get("share_high"), "thin": thin,
            "value_text": INSUFFICIENT if thin else pct(r["share"], 1),
            "interval_text": span(r.get("share_low"), r.get("share_high")),
            "n_documents": r.get("n_documents"), "actors": r.get("actors") or "",
            "href": documents_link(who, str(r["period"]), editions, vector=r["vector"]),
            "action": "open the documents naming this vector",
        })
    return out


# ------------------------------------------------------------------------------ channels


def channel_rows(records: Sequence[Mapping[str, Any]], editions: Sequence[Edition],
                 labels: Labels) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(chart rows: one per channel, table rows: one per period and vector)."""
    chart: list[dict[str, Any]] = []
    table: list[dict[str, Any]] = []
    for r in records:
        period = period_label(str(r["period"]), editions)
        vector = labels.vector(str(r["vector"]))
        href = documents_link(r["country"], str(r["period"]), editions, vector=r["vector"])
        base = {"period": period, "vector": vector, "href": href}
        if not missing(r.get("declared_share")):
            chart.append({**base, "channel": "declared", "value": r["declared_share"],
                          "low": None, "high": None, "thin": False,
                          "value_text": pct(r["declared_share"]), "interval_text": "",
                          "note": (r.get("declared_tier") or "").replace("_", " "),
                          "action": "open the documents"})
        for channel, key, low, high, ev in (
            ("statements", "rhetoric_share", "rhetoric_low", "rhetoric_high",
             "rhetoric_evidence"),
            ("events", "event_share", "event_low", "event_high", "event_evidence"),
        ):
            if missing(r.get(low)):
                continue
            thin = r.get(ev) == "insufficient" or missing(r.get(key))
            chart.append({**base, "channel": channel, "value": None if thin else r[key],
                          "low": r[low], "high": r[high], "thin": thin,
                          "value_text": INSUFFICIENT if thin else pct(r[key], 1),
                          "interval_text": span(r[low], r[high]),
                          "note": r.get("rhetoric_actors") or "" if channel == "statements"
                          else f"{int(r.get('events') or 0)} events",
                          "action": "open the documents"})
        votes_thin = r.get("votes_status") != "ok" or missing(r.get("votes"))
        table.append({
            **base, "declared_tier": (r.get("declared_tier") or "").replace("_", " "),
            "declared": pct(r.get("declared_share")),
            "statements": INSUFFICIENT if r.get("rhetoric_evidence") == "insufficient"
            else pct(r.get("rhetoric_share"), 1),
            "statements_interval": span(r.get("rhetoric_low"), r.get("rhetoric_high")),
            "statements_thin": r.get("rhetoric_evidence") == "insufficient",
            "events": int(r.get("events") or 0),
            "events_share": INSUFFICIENT if r.get("event_evidence") == "insufficient"
            else pct(r.get("event_share"), 1),
            "events_thin": r.get("event_evidence") == "insufficient",
            "votes": (r.get("votes_status") or "no votes") if votes_thin
            else pct(r.get("votes"), 0),
            "votes_interval": "" if votes_thin else span(r.get("votes_low"), r.get("votes_high")),
            "votes_thin": votes_thin, "vote_partner": labels.actor(r.get("vote_partner")),
            "n_rollcalls": r.get("n_rollcalls"),
        })
    return chart, table


def declared_table(vectors: Sequence[Mapping[str, Any]], codes: Sequence[str], labels: Labels
                   ) -> list[dict[str, Any]]:
    """Per main vector: the declared share (only a country with an encoded edition has one)
    and each country's observed share with its interval, thin ones flagged; ``vectors`` are
    the rows of the gap document with several countries."""
    by_vector: dict[str, dict[str, Any]] = {}
    for r in vectors:
        code = str(r["country"])
        if r["vector"] not in MAIN_VECTORS or code not in codes:
            continue
        row = by_vector.setdefault(r["vector"], {"vector": labels.vector(r["vector"]),
                                                 "declared": [], "observed": {}})
        if not missing(r.get("declared_share")):
            row["declared"].append((labels.actor(code), pct(r["declared_share"])))
        thin = r.get("evidence") == "insufficient" or missing(r.get("observed_share"))
        row["observed"][code] = {
            "value": INSUFFICIENT if thin else pct(r["observed_share"], 1),
            "interval": span(r.get("observed_low"), r.get("observed_high")), "thin": thin}
    return [by_vector[v] for v in MAIN_VECTORS if v in by_vector]


# ------------------------------------------------------------------------------ coverage


def coverage_rows(timeline: Sequence[Mapping[str, Any]], edition: Edition, country: str,
                  editions: Sequence[Edition]) -> tuple[list[dict[str, Any]], list[str],
                                                       list[str]]:
    """(cells with evidence, element labels in edition order, periods in order)."""
    titles: dict[str, str] = {}
    for el in edition:
        title = el.title if el.title not in titles.values() else f"{el.title} ({el.id})"
        titles[el.id] = title
    cells = []
    periods: set[str] = set()
    for r in timeline:
        periods.add(str(r["period"]))
        if not r.get("passages") or r["element"] not in titles:
            continue
        cells.append({
            "element": titles[r["element"]], "element_id": r["element"],
            "period": str(r["period"]), "passages": r["passages"],
            "documents": r.get("documents"), "events": r.get("events"),
            "weak_passages": r.get("weak_passages", 0),
            "href": documents_link(country, str(r["period"]), editions, element=r["element"]),
            "action": "open the documents with this element",
        })
    order = sorted(periods, key=lambda p: (not p[:4].isdigit(), p))
    return cells, list(titles.values()), order


# ------------------------------------------------------------------------------ events


def event_rows(events: Sequence[Mapping[str, Any]], labels: Labels) -> list[dict[str, Any]]:
    out = []
    for r in events:
        if not r.get("date"):
            continue
        evidence = str(r.get("evidence") or "")
        out.append({
            "date": r["date"], "date_source": r.get("date_source") or "document",
            "date_text": f"{r['date']} (reported)" if r.get("date_source") == "document"
            else str(r["date"]),
            "type": str(r["type"]).replace("_", " "), "plover": r.get("plover") or "—",
            "actor": labels.actor(r.get("actor")),
            "counterpart": ", ".join(labels.actor(c) for c in r.get("counterpart") or []),
            "evidence": evidence if len(evidence) <= 220 else evidence[:217] + "…",
            "title": r.get("title") or "", "doc_id": r["doc_id"], "passage": r["passage"],
            "href": doc_url(r["doc_id"], r["passage"], layer="event"),
            "action": "open the passage",
        })
    return out


# ------------------------------------------------------------------------------ votes


def vote_rows(records: Sequence[Mapping[str, Any]], labels: Labels, *, by: str,
              partners: Sequence[str], series: str = "partner", measure: str = "agreement"
              ) -> list[dict[str, Any]]:
    """Agreement per country, partner and cell; ``series`` names the colour field (partner,
    or country when countries are compared). Agreement reads as a percentage, the
    chance-corrected measures (S, kappa, pi: -1 to 1) as numbers."""
    share = measure == "agreement"
    out = []
    for r in records:
        thin = r.get("status") != "ok" or missing(r.get("value"))
        evidence = f"{r['country']}:{r['partner']}:{r['cell']}"
        out.append({
            "x": str(r["cell"]), "country": r["country"],
            "country_name": labels.actor(r["country"]), "partner": r["partner"],
            "partner_name": r.get("partner_name") or r["partner"],
            "series": labels.actor(r["country"]) if series == "country"
            else r.get("partner_name") or r["partner"],
            "facet": r.get("partner_name") or r["partner"] if series == "country"
            else labels.actor(r["country"]),
            "value": None if thin else r["value"], "low": r.get("low"), "high": r.get("high"),
            "thin": thin, "status": r.get("status"),
            "value_text": (r.get("status") or INSUFFICIENT) if thin
            else pct(r["value"], 1) if share else num(r["value"]),
            "interval_text": span(r.get("low"), r.get("high")) if share
            else f"{num(r.get('low'))}–{num(r.get('high'))}",
            "n_rollcalls": r.get("n_rollcalls"),
            "href": url("/votes", {"country": r["country"], "with": ",".join(partners),
                                   "by": by, "measure": None if share else measure,
                                   "evidence": evidence}),
            "action": "list the roll calls",
        })
    return out
