"""Foreign-policy concept editions as domain objects: editions, elements, sources and evidence.

An *edition* is one official restatement of a state's concept (e.g. Kazakhstan 2020-2030). Its
*elements* (principles, goals, priorities, ...) keep the same id in every edition that carries
them, so that editions can be compared element by element. Every element carries evidence that
names the source it was encoded from and how strong that evidence is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class ElementKind(StrEnum):
    """What an element of a concept is."""

    PRINCIPLE = "principle"
    GOAL = "goal"
    OBJECTIVE = "objective"
    PRIORITY = "priority"
    MECHANISM = "mechanism"
    ASSESSMENT = "assessment"
    THREAT = "threat"
    EXPECTED_RESULT = "expected_result"
    # an item an import could not classify: kept, with its locator, for the analyst to decide
    UNCLASSIFIED = "unclassified"


class Domain(StrEnum):
    """The policy field an element belongs to."""

    GENERAL = "general"
    SECURITY = "security"
    REGIONAL = "regional"
    BILATERAL = "bilateral"
    MULTILATERAL = "multilateral"
    ECONOMIC = "economic"
    ENVIRONMENTAL = "environmental"
    HUMANITARIAN = "humanitarian"
    CONSULAR = "consular"
    INSTITUTIONAL = "institutional"


class EvidenceLevel(StrEnum):
    """How directly a piece of evidence supports an element.

    ``official``: read in the official text (or an official summary of it);
    ``secondary``: stated by an analyst or a news report about the edition;
    ``unverified``: plausible and recorded for completeness, but no source at hand confirms it.
    """

    OFFICIAL = "official"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"

    @property
    def strength(self) -> int:
        return {"official": 2, "secondary": 1, "unverified": 0}[self.value]


class SourceKind(StrEnum):
    OFFICIAL = "official"
    SECONDARY = "secondary"


class Tier(IntEnum):
    """Ordinal scale of the relation a concept declares with a partner (higher is closer).

    The scale follows the wording of Kazakhstan's concepts:
    allied > comprehensive strategic partnership > expanded strategic partnership >
    strategic partnership > expanded partnership and cooperation > partnership and cooperation >
    cooperation. ``expanded_partnership_and_cooperation`` sits between strategic partnership and
    partnership and cooperation: closer than plain partnership but not called strategic. Tiers
    are read from the phrases a concept uses for a relation, never from the names of agreements
    or organisations (the EU's 2015 Enhanced Partnership and Cooperation Agreement is not a tier).
    A partner named without a tier has none: gaining one reads as a move up.
    """

    COOPERATION = 1
    PARTNERSHIP_AND_COOPERATION = 2
    EXPANDED_PARTNERSHIP_AND_COOPERATION = 3
    STRATEGIC_PARTNERSHIP = 4
    EXPANDED_STRATEGIC_PARTNERSHIP = 5
    COMPREHENSIVE_STRATEGIC_PARTNERSHIP = 6
    ALLIED = 7

    @property
    def slug(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", " ")

    @classmethod
    def from_slug(cls, slug: str) -> Tier:
        try:
            return cls[slug.strip().upper().replace(" ", "_").replace("-", "_")]
        except KeyError:
            allowed = ", ".join(t.slug for t in sorted(cls, reverse=True))
            raise ValueError(f"unknown tier {slug!r}; use one of: {allowed}") from None


@dataclass(frozen=True)
class Source:
    """A document an edition was encoded from."""

    id: str
    title: str
    kind: SourceKind
    url: str | None = None
    seed: str | None = None
    publisher: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None
    note: str | None = None
    sha256: str | None = None  # of the file the source is, when an import read one

    @property
    def location(self) -> str:
        """Where a reader finds the source: its URL, or the seed file it is."""
        if self.url:
            return self.url
        if self.seed:
            return f"shared/seeds/{self.seed}"
        return "(no location recorded)"


@dataclass(frozen=True)
class Claim:
    """A figure a source asserts about an edition, e.g. an analyst's count of priorities."""

    key: str
    value: float | int | str
    unit: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Why an element is in an edition: which source, where in it, and how strong.

    ``start`` and ``end`` are character offsets into the source's text, when an import read
    the element from a file (see :mod:`multivector.ingest.concept`)."""

    source: str
    locator: str
    level: EvidenceLevel
    note: str | None = None
    claim: Claim | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class PartnerRelation:
    """A partner named by an element, with the relation wording and its tier."""

    actor: str
    wording: str
    tier: Tier | None = None


@dataclass(frozen=True)
class StructureNode:
    """A chapter, section or item heading of the edition's text (structure, not content)."""

    id: str
    title: str
    level: str
    parent: str | None = None
    order: int = 0


# How an element is found in a text (see multivector.pipeline.components.elements). Its own
# words are strong evidence: one of its cues, or its title when it has no cues ("lexicon" is the
# route of corpora coded before cues existed). The other routes (a theme plus a named partner, a
# theme alone, a partner alone, a state of its region, semantic similarity) only make it
# plausible: weak evidence, scored lower and counted apart.
STRONG_ROUTES = frozenset({"cue", "title", "lexicon"})


def route_strength(route: str | None) -> str:
    """``"strong"`` for a route in :data:`STRONG_ROUTES`, else ``"weak"``."""
    return "strong" if route in STRONG_ROUTES else "weak"


@dataclass(frozen=True)
class Cue:
    """A short phrase specific to one element, in one language (``en``, ``ru``, ``kk``), that
    marks the element where a text uses it: "UN hub", «региональный хаб ООН»."""

    text: str
    lang: str


@dataclass(frozen=True)
class Element:
    """One principle, goal, priority ... of an edition; ``id`` is stable across editions.

    ``cues`` are the phrases an element is coded from (strong evidence); an element without
    cues is found by its title instead."""

    id: str
    kind: ElementKind
    domain: Domain
    title: str
    summary: str
    evidence: tuple[Evidence, ...]
    themes: tuple[str, ...] = ()
    partners: tuple[PartnerRelation, ...] = ()
    organisations: tuple[str, ...] = ()
    cues: tuple[Cue, ...] = ()
    parent: str | None = None
    order: int = 0
    scope: str = "concept"  # or "context": the setting of the time, not the concept's content

    @property
    def is_context(self) -> bool:
        """The element describes the policy context of the edition's time, not its content."""
        return self.scope == "context"

    @property
    def level(self) -> EvidenceLevel:
        """The strongest evidence level the element has."""
        return max((e.level for e in self.evidence), key=lambda lv: lv.strength)

    @property
    def claims(self) -> tuple[tuple[Claim, Evidence], ...]:
        return tuple((e.claim, e) for e in self.evidence if e.claim is not None)


@dataclass(frozen=True)
class Disagreement:
    """Sources that disagree about a fact of the edition (a date, a number, a wording)."""

    field: str
    note: str
    sources: tuple[str, ...]
    elements: tuple[str, ...] = ()  # the elements it is about, when it is about elements


@dataclass(frozen=True)
class Provision:
    """An operative point of the act that approved an edition (paraphrased, with its source)."""

    number: str
    summary: str
    source: str
    locator: str


@dataclass(frozen=True)
class LegalAct:
    kind: str
    number: str | None
    date: dt.date | None
    issuer: str | None = None
    title: str | None = None
    url: str | None = None
    provisions: tuple[Provision, ...] = ()

    def __str__(self) -> str:
        parts = [self.kind.capitalize()]
        if self.number:
            parts.append(f"No. {self.number}")
        if self.date:
            parts.append(f"of {self.date.day} {self.date:%B %Y}")
        return " ".join(parts)


@dataclass(frozen=True)
class Completeness:
    level: str
    statement: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edition:
    """One edition of a state's foreign-policy concept."""

    id: str
    country: str
    title: str
    period_start: int
    period_end: int | None
    adopted: dt.date | None
    legal_act: LegalAct | None
    supersedes: str | None
    sources: tuple[Source, ...]
    completeness: Completeness
    elements: tuple[Element, ...]
    structure: tuple[StructureNode, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    title_ru: str | None = None
    data_version: str = "1"
    _by_id: dict[str, Element] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({e.id: e for e in self.elements})

    def __iter__(self) -> Iterator[Element]:
        return iter(self.elements)

    def __len__(self) -> int:
        return len(self.elements)

    def __contains__(self, element_id: object) -> bool:
        return element_id in self._by_id

    def element(self, element_id: str) -> Element:
        try:
            return self._by_id[element_id]
        except KeyError:
            raise KeyError(f"edition {self.id} has no element {element_id!r}") from None

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"edition {self.id} has no source {source_id!r}")

    @property
    def period(self) -> str:
        end = "" if self.period_end is None else str(self.period_end)
        return f"{self.period_start}-{end}"

    def covers(self, year: int) -> bool:
        end = self.period_end if self.period_end is not None else 9999
        return self.period_start <= year <= end

    def partner_tiers(self) -> dict[str, PartnerRelation]:
        """The closest relation the edition declares with each partner, over its elements
        (an element that records the context of the time declares none)."""
        best: dict[str, PartnerRelation] = {}
        for element in self.elements:
            if element.is_context:
                continue
            for rel in element.partners:
                cur = best.get(rel.actor)
                if cur is None or (rel.tier or 0) > (cur.tier or 0):
                    best[rel.actor] = rel
        return best

    def filter(self, *, kind: str | None = None, theme: str | None = None) -> tuple[Element, ...]:
        """Elements of one kind and/or coded to a theme (a parent theme matches its children)."""
        out = []
        for e in self.elements:
            if kind is not None and e.kind.value != kind:
                continue
            if theme is not None and not any(
                t == theme or t.startswith(theme + ".") for t in e.themes
            ):
                continue
            out.append(e)
        return tuple(out)
