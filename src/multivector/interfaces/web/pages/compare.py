"""Countries side by side (the five Central Asian states by default): balance, attention to the
main partners and agreement in UN votes on one time axis, the declared profile only where an
edition is encoded; and the UN votes page, down to the roll calls behind one figure."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from multivector.errors import MultivectorError
from multivector.interfaces.web import charts
from multivector.interfaces.web.app import CorpusDep, KnowledgeDep
from multivector.interfaces.web.pages import figures
from multivector.interfaces.web.pages.analysis import DRAWS, VOTE_PARTNERS
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
from multivector.services import votes as vote_service
from multivector.store.base import Filters

router = APIRouter(route_class=PageRoute, include_in_schema=False)
COMPARE_PARTNERS = ("RUS", "CHN", "USA", "EU")
MEASURES = vote_service.MEASURES


def _cuts(kb: Any, store: Any, home: str, codes: tuple[str, ...]) -> str:
    """Cut years: the corpus's first year, then the years the home country's editions came
    into force (the report's time axis)."""
    first = next((str(r["date"])[:4] for r in document_rows(store, Filters(countries=codes))
                  if r["date"]), None)
    starts = sorted({e.adopted.year if e.adopted else e.period_start
                     for e in kb.editions(home)})
    if first is None:
        return ",".join(str(y) for y in starts) or "year"
    cuts = [int(first), *(y for y in starts if y > int(first))]
    return ",".join(str(y) for y in cuts) if len(cuts) > 1 else "year"


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, corpus: CorpusDep, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("country", "from", "to", "concept", "period"))
    f = q.filters(("country", "from", "to"))
    codes = f.countries or CENTRAL_ASIA
    default = kb.editions("KAZ")[-1].id if kb.editions("KAZ") else kb.edition_ids()[-1]
    concept = edition_of(kb, q.one("concept") or default)
    edition = kb.edition(concept)
    period = q.one("period") or _cuts(kb, corpus.store, edition.country, codes)
    analyses.parse_period(period)  # a malformed period fails before any work
    labels = Labels(kb)
    f = Filters(countries=codes, date_from=f.date_from, date_to=f.date_to)
    names = [labels.actor(c) for c in codes]
    bal = analysis_documents.balance_document(corpus.store, kb, filters=f, period=period,
                                              by="country", draws=DRAWS)
    last = max((str(r["date"])[:4] for r in document_rows(corpus.store, f) if r["date"]),
               default=None)
    rows = figures.balance_rows(bal["index"], bal["differences"], [], labels, last_year=last)
    order = list(dict.fromkeys(r["x"] for r in rows))
    shares = figures.share_rows(bal["shares"], [], labels, figures.MAIN_VECTORS,
                                last_year=last)
    for r in shares:  # one panel per vector, one colour per country
        r["facet"], r["series"] = r["series"], r["country_name"]
    vectors = [labels.vector(v) for v in figures.MAIN_VECTORS]
    votes: dict[str, Any] = {"rows": [], "spec": None, "note": None}
    try:
        doc = analysis_documents.votes_document(list(codes), list(COMPARE_PARTNERS),
                                                by=period, knowledge=kb)
        vrows = figures.vote_rows(doc["agreement"], labels, by=period,
                                  partners=list(COMPARE_PARTNERS), series="country")
        votes = {"rows": vrows, "note": None, "spec": charts.votes_chart(
            vrows, list(dict.fromkeys(r["x"] for r in vrows)), names, facet="facet",
            facet_order=[labels.actor(p) for p in COMPARE_PARTNERS]) if vrows else None}
    except MultivectorError as exc:
        votes["note"] = exc.message
    gap = analysis_documents.gap_document(corpus.store, kb, concept, countries=codes,
                                          draws=DRAWS)
    declared = figures.declared_table(gap["vectors"], codes, labels)
    state = {"country": list(codes), "period": period, "concept": concept,
             "from": q.one("from"), "to": q.one("to")}
    common = {"country": ",".join(codes), "from": state["from"], "to": state["to"]}
    return render(request, "compare.html", {
        "state": state, "labels": labels, "names": names, "edition": edition,
        "edition_ids": kb.edition_ids(), "central_asia": CENTRAL_ASIA,
        "balance": {"rows": rows, "spec": charts.interval_chart(
            [{**r, "series": labels.actor(r["country"])} for r in rows], x_order=order,
            series=names, series_title="Country", y_title="Balance index", line=False,
            tooltip=[("x", "Period"), ("series", "Country"), ("value_text", "Balance index"),
                     ("interval_text", "95% interval"), ("n_documents", "Documents"),
                     ("action", "Click")],
            description="Balance index per country and period") if rows else None,
            "intervals": bal["intervals"]},
        "shares": {"rows": shares, "spec": charts.interval_chart(
            shares, x_order=order, series=names, series_title="Country", percent=True,
            domain=charts.share_domain(shares),
            y_title="Share of attention", line=False, facet="facet", facet_order=vectors,
            tooltip=[("facet", "Vector"), ("x", "Period"), ("series", "Country"),
                     ("value_text", "Share"), ("interval_text", "95% interval"),
                     ("actors", "Named"), ("action", "Click")],
            description="Attention to the main partners per country") if shares else None},
        "votes": votes, "declared": declared, "codes": codes,
        "twins": [
            twin("Balance per country", "/analyses/balance", {**common, "period": period},
                 tables=("index", "shares", "differences")),
            twin("UN votes", "/analyses/votes", {"country": common["country"], "by": period,
                                                 "with": ",".join(COMPARE_PARTNERS)}),
            twin("Declared versus observed", "/analyses/gap",
                 {"concept": concept, "country": common["country"]},
                 tables=("vectors", "priorities")),
        ],
    })


@router.get("/votes", response_class=HTMLResponse)
def votes(request: Request, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("country", "with", "by", "measure", "from", "to", "evidence"))
    codes = list(q.filters(("country",)).countries) or ["KAZ"]
    partners = q.many("with") or list(VOTE_PARTNERS)
    by = q.one("by", "year") or "year"
    if not by.replace(",", "").replace(" ", "").isdigit() and by not in vote_service.GROUPINGS:
        from multivector.interfaces.common import suggest

        raise suggest(by, vote_service.GROUPINGS, "grouping (by)",
                      hint=f"use {', '.join(vote_service.GROUPINGS)} or cut years")
    measure = q.choice("measure", MEASURES, "agreement") or "agreement"
    from multivector.interfaces.common import parse_date

    start = parse_date(q.one("from"), "from")
    end = parse_date(q.one("to"), "to", end=True)
    evidence = q.one("evidence")
    labels = Labels(kb)
    doc = analysis_documents.votes_document(codes, partners, by=by, date_from=start,
                                            date_to=end, measure=measure, knowledge=kb)
    several = len(codes) > 1
    rows = figures.vote_rows(doc["agreement"], labels, by=by, partners=partners, measure=measure)
    state = {"country": codes, "with": partners, "by": by, "measure": measure,
             "from": q.one("from"), "to": q.one("to"), "evidence": evidence}
    params = {k: ",".join(v) if isinstance(v, list) else v for k, v in state.items()
              if k != "evidence"}
    context: dict[str, Any] = {
        "state": state, "rows": rows, "labels": labels, "several": several,
        "spec": charts.votes_chart(rows, list(dict.fromkeys(r["x"] for r in rows)),
                                   list(dict.fromkeys(r["series"] for r in rows)),
                                   facet="facet" if several else None, measure=measure,
                                   colours=charts.partner_colours(rows))
        if rows else None,
        "source": doc["source"], "measures": MEASURES,
        "groupings": vote_service.GROUPINGS, "central_asia": CENTRAL_ASIA,
        "twins": [twin("Agreement", "/analyses/votes", params)],
    }
    if evidence:
        ev = analysis_documents.votes_document(codes, partners, by=by, date_from=start,
                                               date_to=end, measure=measure, knowledge=kb,
                                               evidence=evidence)
        context["evidence"] = {
            "country": labels.actor(ev["country"]), "partner": labels.actor(ev["partner"]),
            "cell": ev["cell"], "value": ev["value"], "n_rollcalls": ev["n_rollcalls"],
            "rows": ev["rollcalls"],
        }
        context["twins"].append(twin("These roll calls", "/analyses/votes",
                                     {**params, "evidence": evidence}))
    return render(request, "votes.html", context)
