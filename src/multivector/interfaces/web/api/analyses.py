"""The analyses, each the JSON twin of its command with the command's options as parameters:
balance, declared versus observed (gap), coverage, trends, keyness, channels and UN votes.
Results are deterministic for a seed and the corpus, so they are cached until the next write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import TypeAdapter

from multivector.interfaces.common import parse_date, parse_filters, suggest
from multivector.interfaces.web.api.cache import Body
from multivector.interfaces.web.api.common import (
    CSV,
    FormatQuery,
    answer,
    check_section,
    csv_body,
    filters_of,
    json_body,
    many,
    request_key,
    table,
)
from multivector.interfaces.web.api.models import analyses as m
from multivector.interfaces.web.app import CorpusDep, KnowledgeDep
from multivector.services import analysis_documents as build_doc
from multivector.services.analysis_documents import BALANCE_TABLES, COVERAGE_TABLES, GAP_TABLES
from multivector.services.knowledge import KnowledgeBase, edition_by_id
from multivector.store.base import Filters

router = APIRouter(prefix="/analyses", tags=["analyses"])
MAX_DRAWS = 10_000  # the CLI allows 100,000: a shared server keeps to less
PERIOD = ("year, quarter, edition (the concept editions' validity periods), or cut years such "
          "as 1992,2001,2014,2020.")

Period = Annotated[str, Query(description=PERIOD)]
Draws = Annotated[int, Query(ge=0, le=MAX_DRAWS, description="Posterior draws or bootstrap "
                             "resamples of the intervals (0: none).")]
Interval = Annotated[Literal["posterior", "bootstrap"], Query(
    description="posterior (Dirichlet; honest with few documents and zero counts) or bootstrap "
    "(documents resampled).")]
Seed = Annotated[int, Query(ge=0, le=2**32 - 1, description="Random seed of the intervals.")]
Concept = Annotated[str, Query(description="Concept edition id.", examples=["kaz/2014-2020"])]
Countries = Annotated[list[str] | None, Query(
    description="ISO3 countries, repeated or comma-separated (KAZ,UZB,KGZ,TJK,TKM).")]


def _section(tables: tuple[str, ...]) -> Any:
    return Query(description=f"With format=csv: the table ({', '.join(tables)}).")


def _reply(doc: dict[str, Any], model: type[Any] | TypeAdapter[Any], fmt: str, section: str,
           tables: tuple[str, ...], name: str) -> Body:
    if fmt == "csv":
        return csv_body(table(doc, section, tables), f"{name}_{section}")
    return json_body(doc, model)


def _countries(values: list[str] | None) -> tuple[str, ...]:
    return parse_filters({"country": many(values)}).countries


def _concept(kb: KnowledgeBase, concept: str) -> str:
    return edition_by_id(kb, concept).id


async def _run(request: Request, build: Callable[[], Body]) -> Response:
    return await answer(request, request_key(request, request.url.path), build)


@router.get("/balance", response_model=m.Balance, responses=CSV,
            summary="Multi-vector balance: attention shares and the balance index with "
            "intervals, per period (`multivector balance`)")
async def balance(
    request: Request, corpus: CorpusDep,
    filters: Annotated[Filters, Depends(filters_of("country", "from", "to", "source", "genre",
                                                   "lang"))],
    period: Period = "year",
    by: Annotated[Literal["source", "genre", "speaker", "author", "country", "language"] | None,
                  Query(description="Split by source, genre, speaker or country (of the "
                        "speaker).")] = None,
    weighting: Annotated[Literal["mention", "passage", "document"], Query(
        description="What one unit of attention is (see docs/analysis.md).")] = "mention",
    multilateral: Annotated[bool, Query(
        description="Count organisations as a vector of their own.")] = False,
    draws: Draws = 2000, interval: Interval = "posterior", seed: Seed = 0,
    section: Annotated[str, _section(BALANCE_TABLES)] = "index",
    format: FormatQuery = "json",
) -> Response:
    check_section(section, BALANCE_TABLES)

    def build() -> Body:
        doc = build_doc.balance_document(
            corpus.store, corpus.knowledge, filters=filters, period=period, by=by,
            weighting=weighting, multilateral=multilateral, interval=interval, draws=draws,
            seed=seed)
        return _reply(doc, m.Balance, format, section, BALANCE_TABLES, "balance")

    return await _run(request, build)


@router.get("/gap", response_model=m.Gap, responses=CSV,
            summary="Declared versus observed: an edition's declared profile against the "
            "attention observed, per vector and priority (`multivector gap`)")
async def gap(
    request: Request, corpus: CorpusDep, kb: KnowledgeDep, concept: Concept,
    country: Countries = None,
    all_countries: Annotated[bool, Query(
        alias="all-countries", description="Every speaker, not only the edition's country.")]
    = False,
    all_dates: Annotated[bool, Query(
        alias="all-dates", description="Every date, not only the edition's validity period.")]
    = False,
    draws: Draws = 2000, interval: Interval = "posterior", seed: Seed = 0,
    section: Annotated[str, _section(GAP_TABLES)] = "vectors",
    format: FormatQuery = "json",
) -> Response:
    check_section(section, GAP_TABLES)
    codes = _countries(country)
    edition = _concept(kb, concept)

    def build() -> Body:
        doc = build_doc.gap_document(
            corpus.store, corpus.knowledge, edition, countries=codes,
            all_countries=all_countries, all_dates=all_dates, interval=interval, draws=draws,
            seed=seed)
        return _reply(doc, m.Gap, format, section, GAP_TABLES, "gap")

    return await _run(request, build)


@router.get("/coverage", response_model=m.Coverage, responses=CSV,
            summary="Priority coverage: each element's evidence over time, silent elements, "
            "the strongest passages (`multivector coverage`)")
async def coverage(
    request: Request, corpus: CorpusDep, kb: KnowledgeDep, concept: Concept,
    filters: Annotated[Filters, Depends(filters_of("country", "from", "to"))],
    period: Period = "year",
    section: Annotated[str, _section(COVERAGE_TABLES)] = "scorecard",
    format: FormatQuery = "json",
) -> Response:
    check_section(section, COVERAGE_TABLES)
    edition = _concept(kb, concept)

    def build() -> Body:
        doc, warnings = build_doc.coverage_document(
            corpus.store, corpus.knowledge, edition, filters=filters, period=period)
        if format == "json":
            doc["warnings"] = warnings  # the CLI prints them on standard error
        return _reply(doc, m.Coverage, format, section, COVERAGE_TABLES, "coverage")

    return await _run(request, build)


@router.get("/trends", response_model=m.Trends, responses=CSV,
            summary="Theme attention over time: each theme's share of passages per period "
            "(`multivector trends`)")
async def trends(
    request: Request, corpus: CorpusDep,
    filters: Annotated[Filters, Depends(filters_of("country", "from", "to", "source", "genre",
                                                   "lang"))],
    period: Period = "year",
    level: Annotated[Literal["leaf", "family"], Query(
        description="Leaf themes or theme families.")] = "family",
    format: FormatQuery = "json",
) -> Response:
    def build() -> Body:
        doc = build_doc.trends_document(corpus.store, corpus.knowledge, filters=filters,
                                        period=period, level=level)
        return _reply(doc, m.Trends, format, "trends", ("trends",), "trends")

    return await _run(request, build)


@router.get("/keyness", response_model=m.Keyness, responses=CSV,
            summary="Keyness between two periods or two sources: G2 and the log ratio, for "
            "terms or themes (`multivector keyness`)")
async def keyness(
    request: Request, corpus: CorpusDep,
    a: Annotated[str, Query(description="Side A: years (1992-2013) or a value of `by`.",
                            examples=["2014-2016"])],
    b: Annotated[str, Query(description="Side B, like a.", examples=["2017-2020"])],
    by: Annotated[Literal["year", "country", "source"], Query(
        description="What a and b name.")] = "year",
    what: Annotated[Literal["terms", "themes"], Query(description="Terms or themes.")]
    = "terms",
    top: Annotated[int, Query(ge=1, le=1_000, description="Most key items per side.")] = 30,
    min_freq: Annotated[int, Query(alias="min-freq", ge=1,
                                   description="Least frequency of a term.")] = 5,
    format: FormatQuery = "json",
) -> Response:
    def build() -> Body:
        doc = build_doc.keyness_document(corpus.store, a=a, b=b, by=by, what=what, top=top,
                                         min_freq=min_freq)
        return _reply(doc, m.Keyness, format, "keyness", ("keyness",), "keyness")

    return await _run(request, build)


@router.get("/channels", response_model=m.Channels, responses=CSV,
            summary="Declared, said, done and voted side by side per edition period and main "
            "partner, then where they agree and part (`multivector channels`)")
async def channels(
    request: Request, corpus: CorpusDep, country: Countries = None,
    draws: Draws = 2000, interval: Interval = "posterior", seed: Seed = 0,
    format: FormatQuery = "json",
) -> Response:
    codes = _countries(country) or ("KAZ",)

    def build() -> Body:
        doc = build_doc.channels_document(corpus.store, corpus.knowledge, countries=codes,
                                          interval=interval, draws=draws, seed=seed)
        return _reply(doc, m.Channels, format, "channels", ("channels",), "channels")

    return await _run(request, build)


VOTES = TypeAdapter(m.Votes | m.VoteEvidence)


@router.get("/votes", response_model=m.Votes | m.VoteEvidence, responses=CSV,
            summary="Agreement in UN General Assembly votes with partners (states and blocs), "
            "with bootstrap intervals; or the roll calls behind one figure "
            "(`multivector votes`)")
async def votes(
    request: Request, kb: KnowledgeDep,
    country: Annotated[list[str], Query(
        description="ISO3 code of the state whose votes are compared (repeatable, or "
        "comma-separated).", examples=["KAZ"])],
    partners: Annotated[list[str], Query(
        alias="with", description="Partners: ISO3 codes (RUS, CHN, USA), EU (its members on the "
        "date of each roll call), CA (the other Central Asian states), an organisation with "
        "members (CIS, SCO) or a vector id (europe); repeatable or comma-separated.",
        examples=["RUS,CHN,USA,EU"])],
    by: Annotated[str, Query(description="Cells: year, session, issue, important, edition, "
                             "all, or cut years such as 1992,2000,2010.")] = "year",
    date_from: Annotated[str | None, Query(alias="from", description="Roll calls on or after "
                                           "(YYYY or a date).")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="Roll calls on or before "
                                         "(YYYY or a date).")] = None,
    measure: Annotated[Literal["agreement", "s", "kappa", "pi"], Query(
        description="agreement, s (Signorino-Ritter), kappa (Cohen) or pi (Scott).")]
    = "agreement",
    distance: Annotated[Literal["absolute", "squared", "nominal"], Query(
        description="Distance between votes.")] = "absolute",
    min_rollcalls: Annotated[int, Query(alias="min-rollcalls", ge=1, description="Fewest "
                                        "shared roll calls for a figure.")] = 10,
    bootstrap: Annotated[int, Query(ge=0, le=MAX_DRAWS, description="Bootstrap resamples of "
                                    "roll calls (0: no intervals).")] = 1000,
    seed: Seed = 0,
    evidence: Annotated[str | None, Query(description="PARTNER:CELL (or "
                                          "COUNTRY:PARTNER:CELL): the roll calls behind that "
                                          "one figure instead.")] = None,
    format: FormatQuery = "json",
) -> Response:
    from multivector.services import votes as service

    grouping = by.strip().lower()
    if not grouping.replace(",", "").replace(" ", "").isdigit() and \
            grouping not in service.GROUPINGS:
        raise suggest(grouping, service.GROUPINGS, "grouping (by)",
                      hint=f"use {', '.join(service.GROUPINGS)}")
    start = parse_date(date_from, "from")
    end = parse_date(date_to, "to", end=True)

    def build() -> Body:
        doc = build_doc.votes_document(
            many(country), many(partners), knowledge=kb, by=grouping, date_from=start,
            date_to=end, measure=measure, distance=distance, min_rollcalls=min_rollcalls,
            bootstrap=bootstrap, seed=seed, evidence=evidence)
        rows = "rollcalls" if evidence is not None else "agreement"
        return _reply(doc, VOTES, format, rows, (rows,), "votes")

    return await _run(request, build)
