"""Typed differences between two concept editions, element by element, with sources in view.

Elements are matched by id. A change is one of: ``added``, ``removed``, ``reworded`` (same id,
new title or summary), ``reclassified`` (same id, another kind or domain, e.g. a goal raised to a
principle), ``moved`` (another parent or rank), ``recoded`` (other themes). Elements marked as
context (the setting of an edition's time, not its content) are listed apart and never reported
as added or removed. Partner relations are compared per partner over the whole edition, with the
tier going up or down; for editions of two states, how each tiers the other is reported apart
(:attr:`EditionDiff.mutual`). Figures that sources assert about each edition (claims, e.g. an
analyst's count of priorities) are set side by side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from multivector.domain.concept import Edition, Element, Evidence, PartnerRelation
from multivector.domain.results import Tabular

KIND_ORDER = (
    "principle",
    "goal",
    "objective",
    "priority",
    "mechanism",
    "assessment",
    "threat",
    "expected_result",
    "unclassified",
)
_KIND_RANK = {k: i for i, k in enumerate(KIND_ORDER)}


class ChangeType(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    REWORDED = "reworded"
    RECLASSIFIED = "reclassified"
    MOVED = "moved"
    RECODED = "recoded"


@dataclass(frozen=True)
class SourceRef:
    """Evidence shown beside a change: which source, where, and how strong."""

    edition: str
    source: str
    locator: str
    level: str
    location: str

    def __str__(self) -> str:
        return f"{self.source} ({self.level}) {self.locator}"


@dataclass(frozen=True)
class ElementChange:
    type: ChangeType
    element: str
    kind: str
    domain: str
    title: str
    before: str | None
    after: str | None
    detail: str
    evidence: tuple[SourceRef, ...]


@dataclass(frozen=True)
class RelationChange:
    partner: str
    before: PartnerRelation | None
    after: PartnerRelation | None
    elements_before: tuple[str, ...]
    elements_after: tuple[str, ...]

    @property
    def direction(self) -> str:
        """up, down, same, new, dropped, or reworded (same tier, other words).

        A partner named without a tier that gains one moves up (China from "strategic
        cooperation" to a comprehensive strategic partnership); one that loses its tier moves
        down."""
        if self.before is None:
            return "new"
        if self.after is None:
            return "dropped"
        tb, ta = self.before.tier, self.after.tier
        if tb != ta:
            return "up" if (ta or 0) > (tb or 0) else "down"
        if self.before.wording.strip().lower() != self.after.wording.strip().lower():
            return "reworded"
        return "same"

    @property
    def steps(self) -> int:
        """Tiers moved (an untiered relation counts as tier 0)."""
        if self.before and self.after:
            return int(self.after.tier or 0) - int(self.before.tier or 0)
        return 0


@dataclass(frozen=True)
class MutualRelation:
    """In a diff of two states' editions: how the edition ``holder`` tiers the other state."""

    holder: str  # edition id
    country: str  # the state that edition belongs to
    partner: str  # the other state
    relation: PartnerRelation | None
    elements: tuple[str, ...]


@dataclass(frozen=True)
class CountRow:
    facet: str  # kind | domain | theme | level
    value: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class ClaimRow:
    key: str
    before: Any
    after: Any
    sources_before: tuple[SourceRef, ...]
    sources_after: tuple[SourceRef, ...]
    unit: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.before != self.after)


@dataclass(frozen=True)
class EditionDiff(Tabular):
    a: Edition
    b: Edition
    changes: tuple[ElementChange, ...]
    relations: tuple[RelationChange, ...]
    counts: tuple[CountRow, ...]
    claims: tuple[ClaimRow, ...]
    unchanged: tuple[str, ...] = field(default=())
    # elements marked as context in the edition that holds them alone: not compared
    context: tuple[str, ...] = field(default=())

    def of_type(self, change_type: ChangeType | str) -> tuple[ElementChange, ...]:
        t = ChangeType(change_type)
        return tuple(c for c in self.changes if c.type is t)

    @property
    def cross_country(self) -> bool:
        """The two editions belong to different states: set side by side, not as a change."""
        return self.a.country != self.b.country

    @property
    def mutual(self) -> tuple[MutualRelation, ...]:
        """For two states' editions, how each tiers the other (empty for one state's)."""
        if not self.cross_country:
            return ()
        return tuple(
            MutualRelation(
                ed.id, ed.country, other, ed.partner_tiers().get(other),
                tuple(e.id for e in ed if not e.is_context
                      and any(p.actor == other for p in e.partners)),
            )
            for ed, other in ((self.a, self.b.country), (self.b, self.a.country))
        )

    def relation(self, partner: str) -> RelationChange:
        for r in self.relations:
            if r.partner == partner:
                return r
        raise KeyError(f"no relation with {partner!r} in either edition")

    def claim(self, key: str) -> ClaimRow:
        for c in self.claims:
            if c.key == key:
                return c
        raise KeyError(f"no claim {key!r} in either edition")

    def records(self) -> list[dict[str, Any]]:
        """One row per element change (the table form of the diff)."""
        return [
            {
                "type": c.type.value,
                "element": c.element,
                "kind": c.kind,
                "domain": c.domain,
                "title": c.title,
                "before": c.before,
                "after": c.after,
                "detail": c.detail,
                "evidence": "; ".join(str(e) for e in c.evidence),
            }
            for c in self.changes
        ]

    def summary(self) -> dict[str, int]:
        counts = Counter(c.type.value for c in self.changes)
        return {t.value: counts.get(t.value, 0) for t in ChangeType} | {
            "unchanged": len(self.unchanged)
        }


def _refs(edition: Edition, evidence: tuple[Evidence, ...]) -> tuple[SourceRef, ...]:
    out = []
    for ev in evidence:
        try:
            location = edition.source(ev.source).location
        except KeyError:
            location = ""
        out.append(SourceRef(edition.id, ev.source, ev.locator, ev.level.value, location))
    return tuple(out)


def _text(e: Element) -> str:
    return f"{e.title}: {e.summary}"


def diff_editions(a: Edition, b: Edition) -> EditionDiff:
    """Compare edition ``a`` (older) with ``b`` (newer)."""
    changes: list[ElementChange] = []
    unchanged: list[str] = []
    context: list[str] = []
    ids_a = {e.id for e in a}
    for eb in b:
        if eb.id not in ids_a:
            if eb.is_context:
                context.append(eb.id)
                continue
            changes.append(
                ElementChange(
                    ChangeType.ADDED,
                    eb.id,
                    eb.kind.value,
                    eb.domain.value,
                    eb.title,
                    None,
                    _text(eb),
                    f"new {eb.kind.value} in {b.id}",
                    _refs(b, eb.evidence),
                )
            )
            continue
        ea = a.element(eb.id)
        refs = _refs(a, ea.evidence) + _refs(b, eb.evidence)
        before_n = len(changes)
        if (ea.kind, ea.domain) != (eb.kind, eb.domain):
            if ea.kind != eb.kind:
                ra, rb = _KIND_RANK[ea.kind.value], _KIND_RANK[eb.kind.value]
                way = "raised" if rb < ra else "lowered"
                detail = f"{way} from {ea.kind.value} to {eb.kind.value}"
            else:
                detail = f"domain {ea.domain.value} -> {eb.domain.value}"
            changes.append(
                ElementChange(
                    ChangeType.RECLASSIFIED,
                    eb.id,
                    eb.kind.value,
                    eb.domain.value,
                    eb.title,
                    f"{ea.kind.value}/{ea.domain.value}",
                    f"{eb.kind.value}/{eb.domain.value}",
                    detail,
                    refs,
                )
            )
        if (ea.title, ea.summary) != (eb.title, eb.summary):
            changes.append(
                ElementChange(
                    ChangeType.REWORDED,
                    eb.id,
                    eb.kind.value,
                    eb.domain.value,
                    eb.title,
                    _text(ea),
                    _text(eb),
                    "title changed" if ea.title != eb.title else "summary changed",
                    refs,
                )
            )
        if _moved(ea, eb):
            changes.append(
                ElementChange(
                    ChangeType.MOVED,
                    eb.id,
                    eb.kind.value,
                    eb.domain.value,
                    eb.title,
                    f"{ea.parent or '(top)'} #{ea.order}",
                    f"{eb.parent or '(top)'} #{eb.order}",
                    "moved to another section"
                    if ea.parent != eb.parent
                    else f"rank {ea.order} -> {eb.order}",
                    refs,
                )
            )
        if set(ea.themes) != set(eb.themes):
            gained = sorted(set(eb.themes) - set(ea.themes))
            lost = sorted(set(ea.themes) - set(eb.themes))
            changes.append(
                ElementChange(
                    ChangeType.RECODED,
                    eb.id,
                    eb.kind.value,
                    eb.domain.value,
                    eb.title,
                    ", ".join(sorted(ea.themes)),
                    ", ".join(sorted(eb.themes)),
                    "; ".join(
                        p
                        for p in (
                            f"+{', +'.join(gained)}" if gained else "",
                            f"-{', -'.join(lost)}" if lost else "",
                        )
                        if p
                    ),
                    refs,
                )
            )
        if len(changes) == before_n:
            unchanged.append(eb.id)
    ids_b = {e.id for e in b}
    for ea in a:
        if ea.id not in ids_b:
            if ea.is_context:
                context.append(ea.id)
                continue
            changes.append(
                ElementChange(
                    ChangeType.REMOVED,
                    ea.id,
                    ea.kind.value,
                    ea.domain.value,
                    ea.title,
                    _text(ea),
                    None,
                    f"not in {b.id}",
                    _refs(a, ea.evidence),
                )
            )
    return EditionDiff(
        a=a,
        b=b,
        changes=tuple(changes),
        relations=_relations(a, b),
        counts=_counts(a, b),
        claims=_claims(a, b),
        unchanged=tuple(unchanged),
        context=tuple(context),
    )


def _moved(ea: Element, eb: Element) -> bool:
    """Another known section, or another rank in the same known section.

    Where either edition does not place the element (its structure is not known), a move cannot
    be told from a gap in the sources, so it is not reported.
    """
    if ea.parent is None or eb.parent is None:
        return False
    if ea.parent != eb.parent:
        return True
    return bool(ea.order and eb.order and ea.order != eb.order)


def _relations(a: Edition, b: Edition) -> tuple[RelationChange, ...]:
    ta, tb = a.partner_tiers(), b.partner_tiers()

    def holders(ed: Edition, partner: str) -> tuple[str, ...]:
        return tuple(e.id for e in ed if any(p.actor == partner for p in e.partners))

    # two states' editions: each one's relation with the other is not a change of the same
    # relation (see EditionDiff.mutual), so those two partners are left out here
    own = {a.country, b.country} if a.country != b.country else set()
    out = [
        RelationChange(p, ta.get(p), tb.get(p), holders(a, p), holders(b, p))
        for p in sorted((set(ta) | set(tb)) - own)
    ]
    order = {"up": 0, "down": 1, "new": 2, "dropped": 3, "reworded": 4, "same": 5}
    return tuple(sorted(out, key=lambda r: (order[r.direction], r.partner)))


def _counts(a: Edition, b: Edition) -> tuple[CountRow, ...]:
    rows: list[CountRow] = []
    facets: dict[str, Callable[[Element], list[str]]] = {
        "kind": lambda e: [e.kind.value],
        "domain": lambda e: [e.domain.value],
        "theme": lambda e: list(e.themes),
        "evidence": lambda e: [e.level.value],
    }
    for facet, get in facets.items():
        ca: Counter[str] = Counter(v for e in a if not e.is_context for v in get(e))
        cb: Counter[str] = Counter(v for e in b if not e.is_context for v in get(e))
        for value in sorted(set(ca) | set(cb)):
            rows.append(CountRow(facet, value, ca.get(value, 0), cb.get(value, 0)))
    return tuple(rows)


def _claims(a: Edition, b: Edition) -> tuple[ClaimRow, ...]:
    def collect(ed: Edition) -> dict[str, tuple[Any, str | None, list[SourceRef]]]:
        found: dict[str, tuple[Any, str | None, list[SourceRef]]] = {}
        for e in ed:
            for claim, ev in e.claims:
                ref = _refs(ed, (ev,))[0]
                if claim.key in found:
                    found[claim.key][2].append(ref)
                else:
                    found[claim.key] = (claim.value, claim.unit, [ref])
        return found

    ca, cb = collect(a), collect(b)
    rows = []
    for key in sorted(set(ca) | set(cb)):
        va = ca.get(key)
        vb = cb.get(key)
        rows.append(
            ClaimRow(
                key=key,
                before=va[0] if va else None,
                after=vb[0] if vb else None,
                sources_before=tuple(va[2]) if va else (),
                sources_after=tuple(vb[2]) if vb else (),
                unit=vb[1] if vb else (va[1] if va else None),
            )
        )
    return tuple(rows)
