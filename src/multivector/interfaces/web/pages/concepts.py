"""The concept explorer: the editions held, one edition's elements by kind and theme with their
evidence and sources, and two editions side by side (the typed diff)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from multivector.domain.concept import Edition, Element, ElementKind
from multivector.domain.diff import diff_editions
from multivector.errors import UsageError
from multivector.interfaces.web.app import KnowledgeDep
from multivector.interfaces.web.pages.base import (
    LEVELS,
    Labels,
    PageRoute,
    Query,
    edition_of,
    edition_url,
    render,
    twin,
    url,
)
from multivector.services import documents as docs
from multivector.services.knowledge import KnowledgeBase

router = APIRouter(route_class=PageRoute, include_in_schema=False)
KINDS = tuple(k.value for k in ElementKind)
CHANGE_TYPES = ("added", "removed", "reworded", "reclassified", "moved", "recoded")
SECTIONS = ("changes", "relations", "claims", "counts")
KIND_PLURAL = {"principle": "Principles", "goal": "Goals", "objective": "Objectives",
               "priority": "Priorities", "mechanism": "Mechanisms",
               "assessment": "Assessments", "threat": "Threats",
               "expected_result": "Expected results"}


@router.get("/editions", response_class=HTMLResponse)
def editions(request: Request, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("country",))
    country = q.one("country")
    eds = kb.editions(country)
    if country is not None and not eds:
        held = sorted({e.country for e in kb.editions()})
        raise UsageError(f"country: no editions of {country.upper()!r}",
                         hint=f"editions are held for {', '.join(held)}")
    rows = docs.concepts_document(eds)["editions"]
    return render(request, "editions.html", {
        "rows": rows, "country": country,
        "twins": [twin("Editions", "/editions", {"country": country})],
    })


def _source_link(location: str) -> str | None:
    """A source's location as a link target: web addresses only (a seed file is a name)."""
    return location if location.startswith(("https://", "http://")) else None


def _element_view(el: Element, ed: Edition, labels: Labels) -> dict[str, Any]:
    row = docs.element_document(el, ed)
    for ev in row["evidence"]:
        ev["href"] = _source_link(ev["location"])
        try:
            ev["title"] = ed.source(ev["source"]).title
        except KeyError:
            ev["title"] = ev["source"]
    row["partners"] = [{**p, "name": labels.actor(p["actor"]),
                        "tier_label": p["tier"].replace("_", " ") if p["tier"] else None}
                       for p in row["partners"]]
    row["organisations"] = [(o, labels.actor(o)) for o in row["organisations"]]
    row["theme_labels"] = [(t, labels.theme(t)) for t in row["themes"]]
    return row


def theme_options(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Every theme as (id, label), families first in codebook order, each followed by its
    sub-themes (indented)."""
    themes = list(kb.codebook)
    out: list[tuple[str, str]] = []
    for fam in (t for t in themes if t.parent is None):
        out.append((fam.id, fam.label("en")))
        out += [(t.id, f"\u2003{t.label('en')}") for t in themes if t.parent == fam.id]
    return out


@router.get("/editions/{country}/{period}", response_class=HTMLResponse)
def edition(request: Request, country: str, period: str, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("kind", "level", "theme"))
    ed = kb.edition(edition_of(kb, f"{country}/{period}"))
    kind = q.choice("kind", KINDS)
    level = q.choice("level", LEVELS)
    theme = q.one("theme")
    if theme is not None and theme not in kb.theme_ids:
        from multivector.interfaces.common import suggest

        raise suggest(theme, sorted(kb.theme_ids), "theme",
                      hint="choose one from the list of themes")
    labels = Labels(kb)
    chosen = [el for el in ed.filter(kind=kind, theme=theme)
              if level is None or el.level.value == level]
    groups = [(k, [_element_view(el, ed, labels) for el in chosen if el.kind.value == k])
              for k in KINDS]
    state = {"kind": kind, "theme": theme, "level": level}
    facets = {
        "kind": [(k, sum(el.kind.value == k for el in ed)) for k in KINDS],
        "level": [(lv, sum(el.level.value == lv for el in ed)) for lv in LEVELS],
    }
    families: dict[str, int] = {}
    for el in ed:
        for fam in dict.fromkeys(t.split(".")[0] for t in el.themes):
            families[fam] = families.get(fam, 0) + 1
    summary = docs.show_document(ed, (), full=False)
    sources = [{**s, "href": _source_link(s["location"])} for s in summary["sources"]]
    return render(request, "edition.html", {
        "ed": summary, "edition": ed, "groups": [g for g in groups if g[1]],
        "shown": len(chosen), "total": len(ed), "state": state, "plural": KIND_PLURAL,
        "facets": facets,
        "families": sorted(((f, labels.theme(f), n) for f, n in families.items()),
                           key=lambda x: -x[2]),
        "sources": sources, "kinds": KINDS, "levels": LEVELS,
        "theme_options": theme_options(kb), "theme_label": labels.theme(theme) if theme else "",
        "here": lambda **change: edition_url(ed.id, **{**state, **change}),
        "diff_url": url("/diff", {"a": ed.supersedes, "b": ed.id}) if ed.supersedes else None,
        "twins": [twin("Elements", f"/editions/{ed.id}", state)],
    })


def _default_pair(kb: KnowledgeBase) -> tuple[str, str]:
    """The newest edition and the one it superseded."""
    for e in reversed(kb.editions()):
        if e.supersedes:
            return e.supersedes, e.id
    ids = kb.edition_ids()
    return ids[0], ids[-1]


@router.get("/diff", response_class=HTMLResponse)
def diff(request: Request, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("a", "b", "type"))
    default_a, default_b = _default_pair(kb)
    a = edition_of(kb, q.one("a") or default_a)
    b = edition_of(kb, q.one("b") or default_b)
    types = q.many("type")
    for t in types:
        if t not in CHANGE_TYPES:
            from multivector.interfaces.common import suggest

            raise suggest(t, CHANGE_TYPES, "change type", hint=f"use {', '.join(CHANGE_TYPES)}")
    d = diff_editions(kb.edition(a), kb.edition(b))
    doc = docs.diff_document(d)
    labels = Labels(kb)
    relations = [{**r, "name": labels.actor(r["partner"]),
                  "tier_before_label": (r["tier_before"] or "").replace("_", " "),
                  "tier_after_label": (r["tier_after"] or "").replace("_", " ")}
                 for r in doc["relations"]]
    mutual = [{**m, "name": labels.actor(m["partner"]),
               "tier_label": (m["tier"] or "").replace("_", " ")} for m in doc["mutual"]]
    changes = [c for c in doc["changes"] if not types or c["type"] in types]
    for c in changes:
        for ev in c["evidence"]:
            ev["href"] = _source_link(ev["location"])
    counts: dict[str, list[dict[str, Any]]] = {}
    for r in doc["counts"]:
        counts.setdefault(r["facet"], []).append(r)
    params = {"a": a, "b": b}
    return render(request, "diff.html", {
        "a": a, "b": b, "summary": doc["summary"], "relations": relations,
        "changes": changes, "all_changes": len(doc["changes"]), "types": types,
        "mutual": mutual, "context": doc["context"],
        "claims": doc["claims"], "counts": counts, "edition_ids": kb.edition_ids(),
        "change_types": CHANGE_TYPES, "labels": labels,
        "type_url": lambda t: url("/diff", {**params, "type": t}),
        "twins": [twin("The diff", "/diff", params, tables=SECTIONS)],
    })
