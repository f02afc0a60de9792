"""The report's side-by-side sections: what the state says, does and votes (channels), and
several countries compared on one time axis. Built by :class:`~multivector.report.render.Builder`
like the other sections, from :attr:`ReportData.channels` and :attr:`ReportData.comparison`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from multivector.report import charts, charts_channels
from multivector.report import formats as fm
from multivector.report.model import join_words, parse_actors, plural
from multivector.report.templates.blocks import Block, Cell, Paragraph, Section, Table

if TYPE_CHECKING:
    from multivector.report.render import Builder

PARTNERS = {"russia": "Russia", "china": "China", "usa": "United States", "europe": "Europe",
            "central_asia": "Central Asia"}


def channels_section(b: Builder) -> Section | None:
    """Per period and main partner: declared tier and share, attention, events, votes."""
    d = b.data
    frame = d.channels
    if frame is None or not len(frame):
        return None
    frame = frame.copy()
    if "period_start" in frame:
        frame["_x"] = [charts.decimal_year(v) for v in frame["period_start"]]
        frame = frame.sort_values(["_x"], kind="stable")
    periods = list(dict.fromkeys(str(p) for p in frame["period"]))
    labels = {v: PARTNERS.get(str(v), d.vector_label(v)) for v in frame["vector"]}
    country = d.actor_label(frame["country"].iloc[0]) if "country" in frame else ""
    blocks: list[Block] = [Paragraph(
        f"What {country or 'the state'} says, does and votes toward Russia, China, the United "
        "States, the EU and Central Asia, period by period: the tier and weight the concept in "
        "force declares; the share of attention its statements give each (says); the events "
        "that happened with each, read from the same texts (does); and its agreement with each "
        "in UN General Assembly roll calls (votes). " + d.notes.get("channels", ""))]
    blocks += [Paragraph(s) for s in d.channel_periods]
    b.next_figure("channels")
    ev, _, refs = b.evidence("channels", order=b.period_vector_order(periods))
    blocks.append(b.figure(
        "channels", "What it says and how it votes",
        "Left: share of attention per partner and period (dot) with its 95% interval (bar; a "
        "bar without a dot: insufficient evidence). Right: agreement in UN General Assembly "
        "votes with its 95% interval; no votes after 2019 in the bundled data.",
        charts_channels.channels_chart(frame, labels), refs))
    rows: list[list[Cell]] = []
    for period in periods:
        part = frame[frame["period"].astype(str) == period]
        for i, r in enumerate(part.sort_values("vector", key=lambda s: s.map(
                lambda v: charts.vector_order(str(v)))).to_dict("records")):
            rows.append([
                Cell(period if i == 0 else ""),
                Cell(labels.get(r["vector"], str(r["vector"]))),
                Cell(_declared(r)),
                Cell(*_attention(r)),
                Cell(*_events(r)),
                Cell(*_votes(r)),
            ])
    blocks.append(b.table(
        "channels_table", "Declared, said, done and voted, per period and partner",
        ["Period", "Partner", "Declared (tier; weight)", "Attention (95% interval)",
         "Events (share)", "UN votes: agreement (95% interval; roll calls)"], rows,
        note="Attention and events: shares over all vectors of the scheme (Europe: European "
             "states and the EU; Central Asia: the other Central Asian states and the region's "
             "bodies); votes: agreement with one partner (Europe: the EU, as its members' "
             "majority; Central Asia: the other Central Asian states' majority). Declared: a "
             "dash where no edition is in force; 'no tier' where the edition names the partner "
             "without a tier of relations."))
    blocks.append(ev)
    return Section("channels", "What it says, does and votes", blocks)


def _declared(r: dict[Any, Any]) -> str:
    tier = r.get("declared_tier")
    share = r.get("declared_share")
    if fm.missing(share):
        return "—"
    return f"{tier if isinstance(tier, str) else 'no tier'}; {fm.pct(share)}"


def _attention(r: dict[Any, Any]) -> tuple[str, str]:
    span = fm.pct_range(r.get("rhetoric_low"), r.get("rhetoric_high"))
    if fm.thin(r.get("rhetoric_evidence")) or fm.missing(r.get("rhetoric_share")):
        return f"{fm.INSUFFICIENT} ({span})", "muted"
    actors = ""
    return f"{fm.pct(r['rhetoric_share'])} ({span}){actors}", ""


def _events(r: dict[Any, Any]) -> tuple[str, str]:
    n = r.get("events")
    if fm.missing(n):
        return "—", "muted"
    count = fm.integer(n)
    if fm.thin(r.get("event_evidence")) or fm.missing(r.get("event_share")):
        return f"{count} (too few for a share)", "muted"
    return f"{count} ({fm.pct(r['event_share'])})", ""


def _votes(r: dict[Any, Any]) -> tuple[str, str]:
    status = r.get("votes_status")
    if status == "no votes" or (fm.missing(r.get("votes_low")) and fm.missing(r.get("votes"))):
        return "no votes (the data end in 2019)", "muted"
    n = r.get("n_rollcalls")
    calls = "" if fm.missing(n) else plural(fm.count(n), "roll call")
    if status != "ok" or fm.missing(r.get("votes")):
        return f"too few roll calls ({calls})", "muted"
    return (f"{fm.pct(r['votes'])} ({fm.pct_range(r['votes_low'], r['votes_high'])}; "
            f"{calls})"), ""


def comparison_section(b: Builder) -> Section | None:
    """Several countries on one time axis: balance, attention to the main partners, votes;
    with what is (and is not) declared for each."""
    d = b.data
    c = d.comparison
    if c is None or len(c.countries) < 2:
        return None
    names = {str(x): d.actor_label(x) for x in c.countries}
    listed = join_words([names[str(x)] for x in c.countries])
    blocks: list[Block] = [Paragraph(
        f"{listed} side by side, on one time axis: {c.periods}. The statements' balance and "
        "attention are measured as in the sections above, and each figure keeps its interval "
        "and its evidence rule; the votes are agreement in UN General Assembly roll calls.")]
    declared = [f"{names[str(x)]}: {', '.join(c.declared.get(x, ()))}" for x in c.countries
                if c.declared.get(x)]
    missing = [names[str(x)] for x in c.countries if not c.declared.get(x)]
    if missing:
        blocks.append(Paragraph(
            "Declared profiles: " + ("; ".join(declared) if declared else "none encoded")
            + f". No concept edition is encoded for {join_words(missing)}: the report shows no "
            "declared tier, weight or gap for "
            + ("it" if len(missing) == 1 else "them")
            + " and infers none from the statements."))
    blocks += [Paragraph(s) for s in c.findings]
    balance = c.balance.copy()
    periods = list(dict.fromkeys(balance.sort_values("period_start")["period"].astype(str)))
    b.next_figure("comparison_balance")
    blocks.append(b.figure(
        "comparison_balance", "Balance among vectors, country by country",
        "Balance index per country and period (dot) with its 95% interval (bar); a bar "
        "without a dot: insufficient evidence.",
        charts_channels.comparison_balance_chart(balance, names)))
    rows: list[list[Cell]] = []
    for period in periods:
        part = balance[balance["period"].astype(str) == period].set_index("country")
        row = [Cell(period)]
        for x in c.countries:
            if x not in part.index:
                row.append(Cell("no statement", "muted"))
                continue
            r = part.loc[x]
            docs = plural(fm.count(r["n_documents"]), "doc")
            span = f"{fm.num(r['entropy_lo'])}–{fm.num(r['entropy_hi'])}"
            if fm.thin(r.get("evidence")) or fm.missing(r["entropy"]):
                row.append(Cell(f"insufficient ({span}); {docs}", "muted"))
            else:
                row.append(Cell(f"{fm.num(r['entropy'])} ({span}); {docs}"))
        rows.append(row)
    blocks.append(b.table("comparison_balance_table",
                          "Balance index per country and period (95% interval; documents)",
                          ["Period", *(names[str(x)] for x in c.countries)], rows,
                          note=outside_note(balance)))
    if c.shares is not None and len(c.shares):
        blocks.append(_shares_table(b, c.shares, list(c.countries), names))
    if c.votes is not None and len(c.votes):
        b.next_figure("comparison_votes")
        blocks.append(b.figure(
            "comparison_votes", "Agreement in UN General Assembly votes",
            "Agreement of each country with Russia, China, the United States and the EU per "
            "period (dot) with its 95% bootstrap interval over roll calls (bar).",
            charts_channels.comparison_votes_chart(c.votes, names)))
        blocks.append(_votes_table(b, c.votes, list(c.countries), names))
    return Section("comparison", "Several countries side by side", blocks)


def _shares_table(b: Builder, shares: pd.DataFrame, countries: list[str],
                  names: dict[str, str]) -> Table:
    d = b.data
    vectors = [v for v in PARTNERS if v in set(shares["vector"])]
    rows: list[list[Cell]] = []
    for x in countries:
        part = shares[shares["country"] == x].set_index("vector")
        if part.empty:
            continue
        short = bool(part["evidence"].map(fm.thin).any()) if "evidence" in part else False
        row = [Cell(names[str(x)]), Cell(fm.integer(part["n_documents"].iloc[0]))]
        for v in vectors:
            r = part.loc[v]
            row.append(Cell(fm.pct_range(r["share_lo"], r["share_hi"]), "muted") if short
                       else Cell(fm.pct(r["share"])))
        others = part.drop(index=[v for v in vectors if v in part.index]).dropna(subset=["share"])
        if len(others) and not short:
            top = others.sort_values("share", ascending=False).iloc[0]
            counts = parse_actors(top.get("actors"))[0]
            who = ""
            if counts:
                name = d.actor_label(counts[0][0])
                name = "named as a region" if name.endswith("(the region)") else name
                who = f" ({name}: {plural(counts[0][1], 'mention')})"
            row.append(Cell(f"{d.vector_label(top.name)} {fm.pct(top['share'])}{who}"))
        else:
            row.append(Cell("—"))
        rows.append(row)
    return b.table("comparison_shares_table",
                   "Attention to the main partners over all the years, per country (per cent)",
                   ["Country", "Documents", *(PARTNERS[v] for v in vectors),
                    "Largest other vector"], rows,
                   [False, True, *([True] * len(vectors)), False])


def _votes_table(b: Builder, votes: pd.DataFrame, countries: list[str],
                 names: dict[str, str]) -> Table:
    partners = list(dict.fromkeys(votes["partner"]))
    partner_names = dict(zip(votes["partner"], votes["partner_name"].astype(str), strict=False))
    rows: list[list[Cell]] = []
    ordered = votes.sort_values("period_start", kind="stable")
    for x in countries:
        part = ordered[ordered["country"] == x]
        for i, period in enumerate(dict.fromkeys(part["period"].astype(str))):
            cells = part[part["period"].astype(str) == period].set_index("partner")
            row = [Cell(names[str(x)] if i == 0 else ""), Cell(period)]
            for p in partners:
                if p not in cells.index:
                    row.append(Cell("—"))
                    continue
                r = cells.loc[p]
                if r["status"] != "ok" or fm.missing(r["value"]):
                    row.append(Cell("too few", "muted"))
                else:
                    row.append(Cell(f"{fm.pct(r['value'])} ({fm.pct_range(r['low'], r['high'])})"))
            n = int(cells["n_rollcalls"].max()) if len(cells) else 0
            row.append(Cell(str(n)))
            rows.append(row)
    return b.table("comparison_votes_table",
                   "Agreement in UN General Assembly votes per country and period "
                   "(95% interval)",
                   ["Country", "Period", *(partner_names.get(p, p) for p in partners),
                    "Roll calls"], rows,
                   [False, False, *([False] * len(partners)), True],
                   note="Agreement: 1 for the same vote, a half when one of the two abstains, "
                        "0 for yes against no; the EU votes as the majority of its members on "
                        "the day. Roll calls: the most any partner shares with the country in "
                        "the period.")


def outside_note(frame: pd.DataFrame) -> str:
    """A note when an index lies outside its own interval (the posterior pulls thin,
    concentrated periods toward even attention), so that no reader takes it for an error."""
    if "entropy" not in frame or frame["entropy"].isna().all():
        return ""
    out = frame.dropna(subset=["entropy", "entropy_lo", "entropy_hi"])
    outside = out[(out["entropy"] < out["entropy_lo"]) | (out["entropy"] > out["entropy_hi"])]
    if outside.empty:
        return ""
    return ("Where an index lies outside its interval, attention is concentrated on few "
            "vectors in few documents: the index is computed from the counts as they are, which "
            "in small samples tends to overstate concentration, the interval from a posterior "
            "that pulls thin evidence toward even attention; read the interval.")
