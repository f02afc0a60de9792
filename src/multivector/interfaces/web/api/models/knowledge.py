"""Response models of the knowledge base: editions, one edition with its elements and sources,
the diff of two editions, actors, themes and vectors."""

from __future__ import annotations

from pydantic import Field

from multivector.interfaces.web.api.models import Strict

Scalar = int | float | str | bool | None


class EditionSummary(Strict):
    id: str = Field(examples=["kaz/2020-2030"])
    country: str
    title: str
    period: str
    adopted: str | None
    legal_act: str | None
    supersedes: str | None
    elements: int = Field(description="Number of elements encoded.")
    official: int = Field(description="Elements whose strongest evidence is official.")
    secondary: int
    unverified: int
    completeness: str


class EditionList(Strict):
    """`multivector concepts`."""

    editions: list[EditionSummary]


class Claim(Strict):
    key: str
    value: Scalar
    unit: str | None


class ElementEvidence(Strict):
    source: str
    location: str
    locator: str | None
    level: str = Field(description="official, secondary or unverified.")
    note: str | None
    claim: Claim | None


class PartnerTier(Strict):
    actor: str
    wording: str | None
    tier: str | None


class Element(Strict):
    id: str
    kind: str
    domain: str
    title: str
    summary: str | None
    themes: list[str]
    partners: list[PartnerTier]
    organisations: list[str]
    cues: dict[str, list[str]] = Field(description="The element's cues per language.")
    parent: str | None
    order: int | None
    scope: str = Field(
        "concept", description="`context`: the setting of the edition's time, not its content."
    )
    level: str
    evidence: list[ElementEvidence]


class Source(Strict):
    id: str
    kind: str
    title: str
    location: str | None
    publisher: str | None
    date: str | None


class Disagreement(Strict):
    field: str
    note: str
    sources: list[str]
    elements: list[str] = Field([], description="The elements it is about, if any.")


class Provision(Strict):
    """An operative point of the act that approved the edition, paraphrased."""

    number: str
    summary: str
    source: str
    locator: str


class EditionDocument(Strict):
    """`multivector show EDITION --full`: the edition, its elements (filtered), sources and
    disagreements between sources."""

    id: str
    country: str
    title: str
    period: str
    adopted: str | None
    legal_act: str | None
    supersedes: str | None
    elements: list[Element]
    official: int
    secondary: int
    unverified: int
    completeness: str
    completeness_statement: str | None
    missing: list[str]
    sources: list[Source]
    disagreements: list[Disagreement]
    provisions: list[Provision] = Field([], description="The approving act's operative points.")


class SourceRef(Strict):
    edition: str
    source: str
    locator: str | None
    level: str
    location: str | None


class RelationChange(Strict):
    partner: str
    direction: str = Field(description="up, down, new, dropped, reworded or same.")
    steps: int | None
    before: str | None
    tier_before: str | None
    after: str | None
    tier_after: str | None
    elements: list[str]


class MutualRelation(Strict):
    holder: str = Field(description="The edition whose view this is.")
    country: str
    partner: str = Field(description="The other edition's state.")
    wording: str | None
    tier: str | None
    elements: list[str]


class ElementChange(Strict):
    type: str = Field(description="added, removed, reworded, reclassified, moved or recoded.")
    element: str
    kind: str | None
    domain: str | None
    title: str | None
    detail: str | None
    before: str | None
    after: str | None
    evidence: list[SourceRef]


class ClaimChange(Strict):
    key: str
    before: Scalar
    after: Scalar
    unit: str | None
    changed: bool
    sources: list[SourceRef]


class CountChange(Strict):
    facet: str = Field(description="kind, domain, theme or evidence.")
    value: str
    before: int
    after: int
    delta: int


class Diff(Strict):
    """`multivector diff A B --format json`."""

    a: str
    b: str
    summary: dict[str, int] = Field(description="Changes per type, and unchanged elements.")
    relations: list[RelationChange]
    changes: list[ElementChange]
    claims: list[ClaimChange]
    counts: list[CountChange]
    context: list[str] = Field(
        [], description="Elements marked as the context of their time, held by one edition only."
    )
    mutual: list[MutualRelation] = Field(
        [], description="Editions of two states: how each tiers the other."
    )


class ResolvedActor(Strict):
    actor: str
    type: str
    name: str
    confidence: float
    alias: str
    lang: str
    start: int
    end: int
    reason: str


class Resolution(Strict):
    """`multivector actors resolve TEXT --date D`."""

    text: str
    date: str | None
    results: list[ResolvedActor]


class Membership(Strict):
    member: str
    role: str
    valid: str


class AliasRow(Strict):
    text: str
    lang: str
    kind: str
    valid: str


class ActorDocument(Strict):
    """`multivector actors show ID`."""

    id: str
    type: str
    name: str
    country: str | None
    valid: str | None
    offices: list[str]
    counts_toward: str | None
    note: str | None
    members: list[str]
    observers: list[str]
    partners: list[str]
    membership: list[Membership]
    aliases: list[AliasRow]


class ThemeRow(Strict):
    id: str
    label: str
    label_ru: str
    labels: int
    negative: int
    cues: int
    manifesto: list[str]


class Themes(Strict):
    """`multivector themes`."""

    codebook: str
    version: str
    themes: list[ThemeRow]


class VectorRow(Strict):
    id: str
    label: str
    members: list[str]
    count: int
    organisations: list[str]


class Vectors(Strict):
    """`multivector vectors`."""

    scheme: str
    version: str
    home: str | None
    vectors: list[VectorRow]


class ReviewRow(Strict):
    id: str = Field(description="The item's id in the draft.")
    kind: str
    title: str
    match: str | None = Field(description="The held element it matches, or null when new.")
    match_title: str | None = Field(
        description="That element's title (the nearest element's when the item is new).")
    score: float = Field(description="Cosine of the two texts' embeddings, plus a bonus for "
                         "a shared partner and the same kind.")
    action: str = Field(description="keep id, rename (to the match's id) or new id.")


class Review(Strict):
    """`multivector review DRAFT --against EDITION`."""

    draft: str = Field(description="The draft's file name (an upload's base name).")
    against: str = Field(examples=["kaz/2020-2030"])
    review: list[ReviewRow]
