"""Plain-dict documents of knowledge-base results: the JSON shapes of the CLI (and later the API).

Each function takes domain objects and returns JSON-ready dicts; docs/json-output.md documents
every shape. Keep them stable: users script against them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from multivector.domain.actors import Actor, Resolution
from multivector.domain.concept import Edition, Element, PartnerRelation
from multivector.domain.diff import EditionDiff, SourceRef

if TYPE_CHECKING:  # types only: `concepts` and `show` start without the registry's matcher
    from multivector.domain.codebook import Codebook
    from multivector.domain.registry import ActorRegistry
    from multivector.domain.vectors import VectorScheme


def edition_summary(e: Edition) -> dict[str, Any]:
    levels = [el.level.value for el in e]
    return {
        "id": e.id,
        "country": e.country,
        "title": e.title,
        "period": e.period,
        "adopted": e.adopted.isoformat() if e.adopted else None,
        "legal_act": str(e.legal_act) if e.legal_act else None,
        "supersedes": e.supersedes,
        "elements": len(e),
        "official": levels.count("official"),
        "secondary": levels.count("secondary"),
        "unverified": levels.count("unverified"),
        "completeness": e.completeness.level,
    }


def concepts_document(editions: list[Edition]) -> dict[str, Any]:
    return {"editions": [edition_summary(e) for e in editions]}


def _partner(p: PartnerRelation) -> dict[str, Any]:
    return {"actor": p.actor, "wording": p.wording, "tier": p.tier.slug if p.tier else None}


def element_row(el: Element, edition: Edition) -> dict[str, Any]:
    return {
        "id": el.id,
        "kind": el.kind.value,
        "domain": el.domain.value,
        "title": el.title,
        "themes": list(el.themes),
        "partners": [f"{p.actor} ({p.tier.label if p.tier else p.wording})" for p in el.partners],
        "level": el.level.value,
        "sources": sorted({ev.source for ev in el.evidence}),
    }


def element_document(el: Element, edition: Edition) -> dict[str, Any]:
    return {
        "id": el.id,
        "kind": el.kind.value,
        "domain": el.domain.value,
        "title": el.title,
        "summary": el.summary,
        "themes": list(el.themes),
        "partners": [_partner(p) for p in el.partners],
        "organisations": list(el.organisations),
        "cues": {lang: [c.text for c in el.cues if c.lang == lang]
                 for lang in dict.fromkeys(c.lang for c in el.cues)},
        "parent": el.parent,
        "order": el.order,
        "scope": el.scope,
        "level": el.level.value,
        "evidence": [
            {
                "source": ev.source,
                "location": _location(edition, ev.source),
                "locator": ev.locator,
                "level": ev.level.value,
                "note": ev.note,
                "claim": {"key": ev.claim.key, "value": ev.claim.value, "unit": ev.claim.unit}
                if ev.claim
                else None,
            }
            for ev in el.evidence
        ],
    }


def _location(edition: Edition, source_id: str) -> str:
    try:
        return edition.source(source_id).location
    except KeyError:
        return ""


def show_document(e: Edition, elements: tuple[Element, ...], *, full: bool) -> dict[str, Any]:
    doc = edition_summary(e)
    doc["completeness_statement"] = e.completeness.statement
    doc["missing"] = list(e.completeness.missing)
    doc["elements"] = [element_document(el, e) if full else element_row(el, e) for el in elements]
    doc["sources"] = [
        {
            "id": s.id,
            "kind": s.kind.value,
            "title": s.title,
            "location": s.location,
            "publisher": s.publisher,
            "date": s.date,
        }
        for s in e.sources
    ]
    doc["disagreements"] = [
        {"field": d.field, "note": d.note, "sources": list(d.sources),
         "elements": list(d.elements)}
        for d in e.disagreements
    ]
    doc["provisions"] = [
        {"number": p.number, "summary": p.summary, "source": p.source, "locator": p.locator}
        for p in (e.legal_act.provisions if e.legal_act else ())
    ]
    return doc


def _refs(refs: tuple[SourceRef, ...]) -> list[dict[str, str]]:
    return [
        {
            "edition": r.edition,
            "source": r.source,
            "locator": r.locator,
            "level": r.level,
            "location": r.location,
        }
        for r in refs
    ]


def diff_document(d: EditionDiff, *, flat_evidence: bool = False) -> dict[str, Any]:
    """The diff as one document: summary, relations, changes, claims, counts."""

    def ev(refs: tuple[SourceRef, ...]) -> Any:
        return "; ".join(str(r) for r in refs) if flat_evidence else _refs(refs)

    return {
        "a": d.a.id,
        "b": d.b.id,
        "summary": d.summary(),
        "relations": [
            {
                "partner": r.partner,
                "direction": r.direction,
                "steps": r.steps,
                "before": r.before.wording if r.before else None,
                "tier_before": r.before.tier.slug if r.before and r.before.tier else None,
                "after": r.after.wording if r.after else None,
                "tier_after": r.after.tier.slug if r.after and r.after.tier else None,
                "elements": sorted(set(r.elements_before) | set(r.elements_after)),
            }
            for r in d.relations
        ],
        "changes": [
            {
                "type": c.type.value,
                "element": c.element,
                "kind": c.kind,
                "domain": c.domain,
                "title": c.title,
                "detail": c.detail,
                "before": c.before,
                "after": c.after,
                "evidence": ev(c.evidence),
            }
            for c in d.changes
        ],
        "claims": [
            {
                "key": c.key,
                "before": c.before,
                "after": c.after,
                "unit": c.unit,
                "changed": c.changed,
                "sources": ev(c.sources_before + c.sources_after),
            }
            for c in d.claims
        ],
        "counts": [
            {
                "facet": r.facet,
                "value": r.value,
                "before": r.before,
                "after": r.after,
                "delta": r.delta,
            }
            for r in d.counts
        ],
        "context": list(d.context),
        "mutual": [
            {
                "holder": m.holder,
                "country": m.country,
                "partner": m.partner,
                "wording": m.relation.wording if m.relation else None,
                "tier": m.relation.tier.slug if m.relation and m.relation.tier else None,
                "elements": list(m.elements),
            }
            for m in d.mutual
        ],
    }


def actor_document(a: Actor, on: dt.date | None = None) -> dict[str, Any]:
    return {
        "id": a.id,
        "type": a.type.value,
        "name": a.name,
        "country": a.country,
        "valid": str(a.valid) if a.valid.start or a.valid.end else None,
        "offices": [o.describe() for o in (a.offices_on(on) if on else a.offices)],
        "counts_toward": a.counts_toward,
        "note": a.note,
    }


def actor_show_document(registry: ActorRegistry, a: Actor) -> dict[str, Any]:
    """One actor as ``actors show`` prints it: offices, members (observers and partners apart,
    each with its role and dates) and aliases."""
    doc = actor_document(a)
    doc["members"] = sorted({m.member for m in a.members if m.role == "member"})
    doc["observers"] = sorted({m.member for m in a.members if m.role == "observer"})
    doc["partners"] = sorted({m.member for m in a.members if m.role == "partner"})
    doc["membership"] = membership_rows(a)
    doc["aliases"] = [
        {
            "text": x.text,
            "lang": x.lang,
            "kind": x.kind.value,
            "valid": str(x.valid) if x.valid.start or x.valid.end else "",
        }
        for x in registry.aliases_of(a.id)
    ]
    return doc


def themes_document(cb: Codebook) -> dict[str, Any]:
    """The codebook's themes with their labels, counts of cues and Manifesto crosswalk."""
    rows = [
        {
            "id": t.id,
            "label": t.label("en"),
            "label_ru": t.label("ru"),
            "labels": sum(len(lab.alternative) + 1 for lab in t.labels.values()),
            "negative": sum(len(v) for v in t.negative.values()),
            "cues": sum(len(v) for v in t.cues.values()),
            "manifesto": [c.code for c in t.crosswalk],
        }
        for t in cb
    ]
    return {"codebook": cb.id, "version": cb.version, "themes": rows}


def vectors_document(scheme: VectorScheme) -> dict[str, Any]:
    """The vector scheme: each vector's member states and the organisations counted in it."""
    rows = [
        {
            "id": v.id,
            "label": v.label,
            "members": sorted(v.members),
            "count": len(v.members),
            "organisations": sorted(v.organisations),
        }
        for v in scheme
    ]
    return {"scheme": scheme.id, "version": scheme.version, "home": scheme.home, "vectors": rows}


def membership_rows(a: Actor) -> list[dict[str, Any]]:
    """An organisation's members, observers and partners, each with its role and dates."""
    order = {"member": 0, "observer": 1, "partner": 2}
    return [
        {
            "member": m.member,
            "role": m.role,
            "valid": str(m.valid) if m.valid.start or m.valid.end else "",
        }
        for m in sorted(a.members, key=lambda m: (order.get(m.role, 3), m.role, m.member))
    ]


def resolution_document(text: str, on: dt.date | None, res: list[Resolution]) -> dict[str, Any]:
    return {
        "text": text,
        "date": on.isoformat() if on else None,
        "results": [
            {
                "actor": r.actor.id,
                "type": r.actor.type.value,
                "name": r.actor.name,
                "confidence": r.confidence,
                "alias": r.alias.text,
                "lang": r.alias.lang,
                "start": r.start,
                "end": r.end,
                "reason": r.reason,
            }
            for r in res
        ],
    }
