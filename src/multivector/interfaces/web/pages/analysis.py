"""The analysis page of one country: balance across vectors over time with its interval band,
attention per vector, declared versus observed per channel, the coverage heatmap of a concept
edition, the events timeline and agreement in UN votes, each chart above its table and beside
its JSON twin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from multivector.errors import MultivectorError
from multivector.interfaces.web import charts
from multivector.interfaces.web.app import CorpusDep, KnowledgeDep
from multivector.interfaces.web.pages import figures
from multivector.interfaces.web.pages.base import (
    CENTRAL_ASIA,
    Labels,
    PageRoute,
    Query,
    document_rows,
    edition_of,
    render,
    twin,
)
from multivector.services import analyses, analysis_documents
from multivector.store.base import Filters

router = APIRouter(route_class=PageRoute, include_in_schema=False)
VOTE_PARTNERS = ("RUS", "CHN", "USA", "EU", "CA")
DRAWS = 2000  # the CLI's default: the page shows what `multivector balance` prints


def default_concept(kb: Any, country: str) -> str:
    """The newest edition of ``country``, else the newest edition held."""
    own = kb.editions(country)
    return (own or kb.editions())[-1].id if (own or kb.editions()) else ""


@router.get("/analysis", response_class=HTMLResponse)
def analysis(request: Request, corpus: CorpusDep, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("country", "from", "to", "concept", "period", "by", "vector",
                              "with"))
    f = q.filters(("country", "from", "to"))
    if len(f.countries) > 1:
        from multivector.errors import UsageError

        raise UsageError("country: the analysis page is about one country",
                         hint="compare several on the comparison page: /compare?country="
                         + ",".join(f.countries))
    country = f.countries[0] if f.countries else "KAZ"
    f = Filters(countries=(country,), date_from=f.date_from, date_to=f.date_to)
    concept = edition_of(kb, q.one("concept") or default_concept(kb, country))
    period = q.one("period", "edition") or "edition"
    analyses.parse_period(period)  # a malformed period fails before any work
    by = q.one("by", "year") or "year"
    f_vectors = q.filters(("vector",)).vectors
    vectors = list(f_vectors) or list(figures.MAIN_VECTORS)
    labels = Labels(kb)
    editions = kb.editions(country)
    edition = kb.edition(concept)
    dates = {"from": q.one("from"), "to": q.one("to")}
    state = {"country": country, "concept": concept, "period": period, "by": by,
             "vector": list(f_vectors), **dates}
    sections: dict[str, Any] = {}

    bal = analysis_documents.balance_document(corpus.store, kb, filters=f, period=period,
                                              draws=DRAWS)
    last = max((str(r["date"])[:4] for r in document_rows(corpus.store, f) if r["date"]),
               default=None)
    rows = figures.balance_rows(bal["index"], bal["differences"], editions, labels,
                                country=country, last_year=last)
    order = [r["x"] for r in rows]
    shares = figures.share_rows(bal["shares"], editions, labels,
                                vectors, country=country, last_year=last)
    series = [labels.vector(v) for v in vectors]
    sections["balance"] = {
        "rows": rows, "spec": charts.balance_chart(rows, order) if rows else None,
        "shares": shares, "intervals": bal["intervals"],
        "shares_spec": charts.shares_chart(shares, order, series, charts.vector_colours(
            vectors, {v: labels.vector(v) for v in vectors})) if shares else None,
    }

    ch = analysis_documents.channels_document(corpus.store, kb, countries=[country],
                                              draws=DRAWS)
    chart_rows, table = figures.channel_rows(ch["channels"], editions, labels)
    periods = list(dict.fromkeys(r["period"] for r in table))
    sections["channels"] = {
        "rows": table, "findings": ch["findings"],
        "spec": charts.channels_chart(chart_rows, periods, [
            labels.vector(v) for v in figures.MAIN_VECTORS]) if chart_rows else None,
    }

    own = edition.country == country
    if own:
        cov, warnings = analysis_documents.coverage_document(corpus.store, kb, concept,
                                                             filters=f, period="year")
        cells, elements, years = figures.coverage_rows(cov["timeline"], edition, country,
                                                       editions)
        card = cov["scorecard"]
        sections["coverage"] = {
            "rows": card, "warnings": warnings,
            "spec": charts.coverage_chart(cells, elements, years) if cells else None,
        }

    events = figures.event_rows(corpus.events(f).records(), labels)
    types = [t for t, _ in sorted(
        {r["type"]: sum(1 for x in events if x["type"] == r["type"]) for r in events}.items(),
        key=lambda kv: -kv[1])]
    sections["events"] = {"rows": events,
                          "spec": charts.events_chart(events, types) if events else None}

    partners = q.many("with") or list(VOTE_PARTNERS)
    try:
        votes = analysis_documents.votes_document([country], partners, by=by, knowledge=kb)
        vrows = figures.vote_rows(votes["agreement"], labels, by=by, partners=partners)
        cells_order = list(dict.fromkeys(r["x"] for r in vrows))
        names = list(dict.fromkeys(r["series"] for r in vrows))
        sections["votes"] = {"rows": vrows, "note": None, "spec": charts.votes_chart(
            vrows, cells_order, names, colours=charts.partner_colours(vrows))
            if vrows else None}
    except MultivectorError as exc:
        sections["votes"] = {"rows": [], "spec": None, "note": exc.message}

    common = {"country": country, **dates}
    return render(request, "analysis.html", {
        "state": state, "sections": sections, "labels": labels, "own": own,
        "country_name": labels.actor(country), "edition": edition,
        "edition_ids": [e.id for e in kb.editions()], "countries": CENTRAL_ASIA,
        "vector_options": [(v.id, v.label) for v in kb.vectors],
        "twins": [
            twin("Balance", "/analyses/balance", {**common, "period": period},
                 tables=("index", "shares", "differences")),
            twin("Declared, said, done and voted", "/analyses/channels", {"country": country}),
            *([twin("Coverage", "/analyses/coverage",
                    {**common, "concept": concept, "period": "year"},
                    tables=("scorecard", "timeline", "evidence"))] if own else []),
            twin("Events", "/events", common),
            twin("UN votes", "/analyses/votes", {"country": country,
                                                 "with": ",".join(partners), "by": by}),
        ],
    })
