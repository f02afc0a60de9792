"""The knowledge base: editions (`multivector concepts`, `show`), the diff of two editions,
actors (`actors resolve`, `actors show`), themes and vectors. Their answers depend only on the
knowledge base, fixed for the process: each is computed once and cached."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from multivector.domain.concept import ElementKind, EvidenceLevel
from multivector.domain.diff import diff_editions
from multivector.errors import UsageError
from multivector.interfaces.common import parse_date, suggest
from multivector.interfaces.web.api.cache import Body
from multivector.interfaces.web.api.common import (
    CSV,
    FormatQuery,
    answer,
    check_section,
    csv_body,
    json_body,
)
from multivector.interfaces.web.api.common import table as rows_of
from multivector.interfaces.web.api.models import knowledge as m
from multivector.interfaces.web.app import KnowledgeDep
from multivector.services import documents as docs
from multivector.services.knowledge import edition_by_id

router = APIRouter(tags=["knowledge"])
DIFF_TABLES = ("changes", "relations", "claims", "counts")
MAX_RESOLVE_CHARS = 10_000


@router.get("/editions", response_model=m.EditionList, responses=CSV,
            summary="The concept editions held, with evidence counts (`multivector concepts`)")
async def editions(
    request: Request, kb: KnowledgeDep,
    country: Annotated[str | None, Query(description="Only this ISO3 country's editions.")]
    = None,
    format: FormatQuery = "json",
) -> Response:
    def build() -> Body:
        eds = kb.editions(country)
        if country is not None and not eds:
            held = sorted({e.country for e in kb.editions()})
            raise UsageError(f"country: no editions of {country.upper()!r}",
                             hint=f"editions are held for {', '.join(held)}")
        doc = docs.concepts_document(eds)
        if format == "csv":
            return csv_body(doc["editions"], "editions")
        return json_body(doc, m.EditionList)

    return await answer(request, ("editions", country and country.upper(), format), build)


@router.get("/editions/{country}/{period}", response_model=m.EditionDocument, responses=CSV,
            summary="One edition: its elements (by kind, theme and evidence level), evidence "
            "and sources (`multivector show EDITION --full`)")
async def edition(
    request: Request, kb: KnowledgeDep,
    country: Annotated[str, Path(description="The edition's country, as in kaz/2020-2030.",
                                 examples=["kaz"])],
    period: Annotated[str, Path(description="The edition's period, as in kaz/2020-2030.",
                                examples=["2020-2030"])],
    kind: Annotated[ElementKind | None, Query(description="Only elements of this kind.")]
    = None,
    theme: Annotated[str | None, Query(
        description="Only elements coded to this theme (or its sub-themes).")] = None,
    level: Annotated[EvidenceLevel | None, Query(
        description="Only elements whose strongest evidence is of this level.")] = None,
    format: FormatQuery = "json",
) -> Response:
    def build() -> Body:
        ed = edition_by_id(kb, f"{country}/{period}")
        if theme is not None and theme not in kb.theme_ids:
            raise suggest(theme, sorted(kb.theme_ids), "theme",
                          hint="list them at /api/v1/themes")
        elements = tuple(el for el in ed.filter(kind=kind.value if kind else None, theme=theme)
                         if level is None or el.level is level)
        if format == "csv":  # the short rows of `show -f csv`
            return csv_body(docs.show_document(ed, elements, full=False)["elements"],
                            ed.id.replace("/", "_"))
        return json_body(docs.show_document(ed, elements, full=True), m.EditionDocument)

    key = ("edition", f"{country}/{period}".casefold(), kind, theme, level, format)
    return await answer(request, key, build)


@router.get("/diff", response_model=m.Diff, responses=CSV,
            summary="Typed differences between two editions, with the sources of every change "
            "(`multivector diff A B`)")
async def diff(
    request: Request, kb: KnowledgeDep,
    a: Annotated[str, Query(description="The older edition's id.", examples=["kaz/2014-2020"])],
    b: Annotated[str, Query(description="The newer edition's id.", examples=["kaz/2020-2030"])],
    section: Annotated[str, Query(
        description="With format=csv: the table (changes, relations, claims or counts).")]
    = "changes",
    format: FormatQuery = "json",
) -> Response:
    def build() -> Body:
        d = diff_editions(edition_by_id(kb, a), edition_by_id(kb, b))
        if format == "csv":  # evidence flattened to "source (level) locator; ...", as the CLI
            return csv_body(rows_of(docs.diff_document(d, flat_evidence=True), section,
                                    DIFF_TABLES), f"diff_{section}")
        check_section(section, DIFF_TABLES)
        return json_body(docs.diff_document(d), m.Diff)

    key = ("diff", a.strip().casefold(), b.strip().casefold(), section, format)
    return await answer(request, key, build)


def _mid_year(value: str | None) -> dt.date | None:
    """A date; a bare year means its middle (1 July), where offices of the year overlap least
    (as `actors resolve --date`). A year no date can have (0000) is refused as parse_date
    refuses it, not left to raise from the calendar."""
    on = parse_date(value, "date")
    if on is not None and value is not None and len(value.strip()) == 4:
        return on.replace(month=7, day=1)
    return on


@router.get("/actors/resolve", response_model=m.Resolution, responses=CSV, tags=["actors"],
            summary="Resolve a name, a role phrase or a text to actors on a date, with "
            "confidence and the reason (`multivector actors resolve`)")
async def resolve(
    request: Request, kb: KnowledgeDep,
    text: Annotated[str, Query(min_length=1, max_length=MAX_RESOLVE_CHARS,
                               description="A name, a role phrase or a text.",
                               examples=["Tokaev"])],
    date: Annotated[str | None, Query(
        description="Date of the text (YYYY, YYYY-MM or YYYY-MM-DD): decides dated names and "
        "offices.", examples=["2005-06-01"])] = None,
    format: FormatQuery = "json",
) -> Response:
    def build() -> Body:
        on = _mid_year(date)
        doc = docs.resolution_document(text, on, kb.registry.resolve(text, on=on))
        if format == "csv":
            return csv_body(doc["results"], "actors")
        return json_body(doc, m.Resolution)

    return await answer(request, ("resolve", text, date, format), build)


@router.get("/actors/{actor_id}", response_model=m.ActorDocument, responses=CSV,
            tags=["actors"], summary="One actor with its offices, memberships and aliases "
            "(`multivector actors show`)")
async def actor(
    request: Request, kb: KnowledgeDep,
    actor_id: Annotated[str, Path(description="Actor id: RUS, EAEU, tokayev, astana ...",
                                  examples=["EAEU"])],
    format: FormatQuery = "json",
) -> Response:
    def build() -> Body:
        reg = kb.registry
        found = reg.get(actor_id if actor_id in reg else actor_id.upper()
                        if actor_id.upper() in reg else actor_id)
        doc = docs.actor_show_document(reg, found)
        if format == "csv":
            return csv_body(doc["aliases"], f"aliases_{found.id}")
        return json_body(doc, m.ActorDocument)

    return await answer(request, ("actor", actor_id, format), build)


@router.get("/themes", response_model=m.Themes, responses=CSV,
            summary="The codebook's themes (`multivector themes`)")
async def themes(request: Request, kb: KnowledgeDep, format: FormatQuery = "json") -> Response:
    def build() -> Body:
        doc = docs.themes_document(kb.codebook)
        return (csv_body(doc["themes"], "themes") if format == "csv"
                else json_body(doc, m.Themes))

    return await answer(request, ("themes", format), build)


@router.get("/vectors", response_model=m.Vectors, responses=CSV,
            summary="The vector scheme (`multivector vectors`)")
async def vectors(request: Request, kb: KnowledgeDep, format: FormatQuery = "json") -> Response:
    def build() -> Body:
        doc = docs.vectors_document(kb.vectors)
        return (csv_body(doc["vectors"], "vectors") if format == "csv"
                else json_body(doc, m.Vectors))

    return await answer(request, ("vectors", format), build)
