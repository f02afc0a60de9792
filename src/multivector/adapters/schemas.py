"""Pydantic models of the knowledge-base files: the edge where untrusted data enters.

Each file kind (edition, codebook, vector scheme, countries, organisations, people, places) has a
model here. Loaders validate a parsed YAML document against its model, then convert it to frozen
domain objects (see :mod:`multivector.adapters.knowledge_files`). ``multivector schema NAME``
exports these models as JSON Schema.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from multivector.domain.concept import Domain, ElementKind, EvidenceLevel, SourceKind, Tier

ID_RE = r"^[a-z0-9][a-z0-9_.\-]*$"
ISO3_RE = r"^[A-Z]{3}$"
LANGS = Literal["en", "ru", "kk"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- editions


class SourceModel(Strict):
    id: Annotated[str, Field(pattern=ID_RE, description="Short id cited by evidence.")]
    title: str
    kind: SourceKind
    url: str | None = None
    seed: str | None = Field(None, description="File name in shared/seeds/ when the source is one.")
    publisher: str | None = None
    author: str | None = None
    date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD.")
    language: str | None = None
    note: str | None = None
    sha256: str | None = Field(
        None, pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the file the source is (written by `multivector import`).",
    )

    @model_validator(mode="after")
    def _located(self) -> SourceModel:
        if not self.url and not self.seed:
            raise ValueError("a source needs a url or a seed file name")
        return self

    @field_validator("date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v):
            raise ValueError("use YYYY, YYYY-MM or YYYY-MM-DD")
        return v


class ClaimModel(Strict):
    key: Annotated[str, Field(pattern=ID_RE)]
    value: int | float | str
    unit: str | None = None


class EvidenceModel(Strict):
    source: str = Field(description="Id of a source listed in the edition's sources.")
    locator: str = Field(
        min_length=1,
        description="Where in the source: chapter/section/paragraph, or seed file and paragraph.",
    )
    level: EvidenceLevel
    note: str | None = None
    claim: ClaimModel | None = None
    start: int | None = Field(
        None, ge=0, description="Offset of the element's first character in the source's text."
    )
    end: int | None = Field(None, ge=0, description="Offset just past its last character.")

    @model_validator(mode="after")
    def _span(self) -> EvidenceModel:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end (character offsets), or neither")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        return self


class PartnerModel(Strict):
    actor: str = Field(min_length=2, description="Actor id: ISO3 country code or organisation id.")
    wording: str = Field(min_length=1, description="The relation as the source words it.")
    tier: str | None = Field(None, description="One of the relation tiers, highest first.")

    @field_validator("tier")
    @classmethod
    def _tier(cls, v: str | None) -> str | None:
        if v is not None:
            Tier.from_slug(v)
        return v


class ElementModel(Strict):
    id: Annotated[str, Field(pattern=ID_RE, description="Stable across editions.")]
    kind: ElementKind
    domain: Domain
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1, description="In the project's own words.")
    themes: list[str] = []
    partners: list[PartnerModel] = []
    organisations: list[str] = []
    cues: dict[LANGS, list[str]] = Field(
        {},
        description=(
            "Short phrases (2-6 words) specific to the element, per language: "
            "{en: [UN hub, ...], ru: [хаб ООН, ...]}. An element is coded from its cues "
            "(Russian ones also in their case forms); one without cues is found by its title."
        ),
    )
    labels: list[str] = Field(
        [],
        description=(
            "Older form of cues: one list in any language (each phrase's language is read from "
            "its script). Still read; write `cues` instead."
        ),
    )
    parent: str | None = Field(None, description="Id of a structure node or another element.")
    order: int = 0
    scope: Literal["concept", "context"] = Field(
        "concept",
        description=(
            "`context`: the element records the policy setting of the edition's time (steps "
            "taken, relations in place) as its sources describe it, not the concept's content. "
            "`diff` lists such elements apart, never as added or removed."
        ),
    )
    evidence: list[EvidenceModel] = Field(min_length=1)

    @field_validator("cues")
    @classmethod
    def _cues(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang, phrases in v.items():
            for phrase in phrases:
                if not phrase.strip():
                    raise ValueError(f"cues.{lang}: an empty cue; remove it")
                cyrillic = bool(re.search(r"[а-яёА-ЯЁ]", phrase))
                if lang == "en" and cyrillic:
                    raise ValueError(
                        f"cues.en: {phrase!r} is written in Cyrillic; move it to cues.ru or "
                        "cues.kk"
                    )
                if lang == "ru" and not cyrillic:
                    raise ValueError(f"cues.ru: {phrase!r} is not Russian; move it to cues.en")
            dup = sorted({p for p in phrases if phrases.count(p) > 1})
            if dup:
                raise ValueError(f"cues.{lang}: {dup} listed twice; keep one")
        return v


class StructureModel(Strict):
    id: Annotated[str, Field(pattern=ID_RE)]
    title: str
    level: Literal["chapter", "section", "subsection", "item"]
    parent: str | None = None
    order: int = 0


class ProvisionModel(Strict):
    """One operative point of the approving act, in the project's own words."""

    number: str = Field(min_length=1, description="The point's number in the act, e.g. '2'.")
    summary: str = Field(min_length=1, description="What the point orders, paraphrased.")
    source: str = Field(description="Id of the source the point was read in.")
    locator: str = Field(min_length=1)


class LegalActModel(Strict):
    kind: str
    number: str | None = None
    date: dt.date | None = None
    issuer: str | None = None
    title: str | None = None
    url: str | None = None
    provisions: list[ProvisionModel] = Field(
        [], description="The act's operative points (approve, implement, repeal, entry into force)."
    )


class PeriodModel(Strict):
    start: int = Field(ge=1900, le=2200)
    end: int | None = Field(None, ge=1900, le=2200)

    @model_validator(mode="after")
    def _order(self) -> PeriodModel:
        if self.end is not None and self.end < self.start:
            raise ValueError("period end is before its start")
        return self


class CompletenessModel(Strict):
    level: Literal["full", "substantial", "partial", "fragmentary"]
    statement: str = Field(min_length=1)
    missing: list[str] = []


class DisagreementModel(Strict):
    field: str
    note: str
    sources: list[str] = Field(min_length=1)
    elements: list[str] = Field(
        [],
        description=(
            "Ids of the elements the disagreement is about (e.g. two priorities whose order "
            "sources give differently); each must be an element of the edition."
        ),
    )


class EditionModel(Strict):
    """One concept edition file."""

    id: Annotated[str, Field(pattern=r"^[a-z]{3}/[0-9a-z\-]+$", description="e.g. kaz/2020-2030")]
    country: Annotated[str, Field(pattern=ISO3_RE)]
    title: str
    title_ru: str | None = None
    period: PeriodModel
    adopted: dt.date | None = None
    legal_act: LegalActModel | None = None
    supersedes: str | None = None
    data_version: str = "1"
    completeness: CompletenessModel
    sources: list[SourceModel] = Field(min_length=1)
    disagreements: list[DisagreementModel] = []
    structure: list[StructureModel] = []
    elements: list[ElementModel] = []

    @model_validator(mode="after")
    def _references(self) -> EditionModel:
        source_ids = [s.id for s in self.sources]
        dup = {s for s in source_ids if source_ids.count(s) > 1}
        if dup:
            raise ValueError(f"duplicate source ids: {sorted(dup)}")
        element_ids = [e.id for e in self.elements]
        dup = {e for e in element_ids if element_ids.count(e) > 1}
        if dup:
            raise ValueError(f"duplicate element ids: {sorted(dup)}")
        return self


# --------------------------------------------------------------------------- codebook


class LabelsModel(Strict):
    preferred: str
    alternative: list[str] = []


class ExampleModel(Strict):
    lang: LANGS
    text: str = Field(min_length=10)


class CrosswalkModel(Strict):
    scheme: Literal["manifesto"] = "manifesto"
    code: str = Field(pattern=r"^\d{3}(_\d)?$")
    label: str
    fit: Literal["exact", "broad", "narrow", "partial"]


class ThemeModel(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$")]
    definition: str = Field(min_length=10)
    include: str | None = None
    exclude: str | None = None
    labels: dict[LANGS, LabelsModel]
    negative: dict[LANGS, list[str]] = {}
    cues: dict[LANGS, list[str]] = Field(
        {},
        description=(
            "Names and broad words that point to the theme without showing that a passage is "
            "about it (the United Nations, Central Asia, embassy). A passage takes the theme from "
            "cues only when corroborated: two cue mentions, a label of the theme, or semantic "
            "similarity at the cue threshold."
        ),
    )
    examples: list[ExampleModel] = []
    crosswalk: list[CrosswalkModel] = []

    @model_validator(mode="after")
    def _english(self) -> ThemeModel:
        if "en" not in self.labels:
            raise ValueError("every theme needs English labels (labels.en.preferred)")
        return self


class CodebookModel(Strict):
    id: str
    version: str
    description: str | None = None
    themes: list[ThemeModel] = Field(min_length=1)


# --------------------------------------------------------------------------- vectors


class VectorModel(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    label: str
    description: str | None = None
    members: list[Annotated[str, Field(pattern=ISO3_RE)]] = []
    organisations: list[str] = Field(
        [], description="Organisations whose mentions count toward this vector."
    )


class VectorSchemeModel(Strict):
    id: str
    version: str
    description: str | None = None
    home: Annotated[str, Field(pattern=ISO3_RE)] | None = None
    vectors: list[VectorModel] = Field(min_length=1)
    unassigned: list[Annotated[str, Field(pattern=ISO3_RE)]] = Field(
        [], description="ISO codes deliberately left out of every vector (e.g. Antarctica)."
    )


# --------------------------------------------------------------------------- actors

AliasKind = Literal["name", "short", "formal", "abbreviation", "metonym", "demonym", "former"]


class AliasModel(Strict):
    text: str = Field(min_length=1)
    lang: LANGS = "en"
    kind: AliasKind = "name"
    valid_from: dt.date | None = Field(None, alias="from")
    valid_to: dt.date | None = Field(None, alias="to")
    inflect: bool | None = Field(
        None, description="Russian only: generate case forms (default: yes for ru names)."
    )
    forms: list[str] = Field([], description="Explicit extra word forms (any case, any language).")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _alias_list(v: object) -> object:
    """Allow a plain string wherever an alias object is expected."""
    if isinstance(v, list):
        return [{"text": x} if isinstance(x, str) else x for x in v]
    return v


class CountryModel(Strict):
    code: Annotated[str, Field(pattern=ISO3_RE)]
    name: str | None = Field(None, description="Needed only for codes pycountry lacks.")
    valid_from: dt.date | None = Field(None, alias="from")
    valid_to: dt.date | None = Field(None, alias="to")
    successors: list[str] = []
    aliases: list[AliasModel] = []
    note: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases(cls, v: object) -> object:
        return _alias_list(v)


class MembershipModel(Strict):
    member: str
    valid_from: dt.date | None = Field(None, alias="from")
    valid_to: dt.date | None = Field(None, alias="to")
    role: Literal["member", "observer", "partner", "candidate"] = "member"

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class OrganisationModel(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]+$")]
    name: str
    kind: Literal[
        "global",
        "regional",
        "economic",
        "security",
        "financial",
        "body",
        "agency",
        "forum",
        "institution",
    ]
    parent: str | None = None
    valid_from: dt.date | None = Field(None, alias="from")
    valid_to: dt.date | None = Field(None, alias="to")
    predecessors: list[str] = []
    successor: str | None = None
    counts_toward: str = Field("multilateral", description="A vector id, or 'multilateral'.")
    members: list[MembershipModel] | Literal["un_members"] = []
    aliases: list[AliasModel] = []
    note: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases(cls, v: object) -> object:
        return _alias_list(v)

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, v: object) -> object:
        if isinstance(v, list):
            return [{"member": x} if isinstance(x, str) else x for x in v]
        return v


Role = Literal[
    "head_of_state",
    "head_of_government",
    "foreign_minister",
    "deputy_prime_minister",
    "secretary_general",
    "high_representative",
    "commission_president",
    "council_president",
    "state_secretary",
    "ambassador",
    "other",
]


class OfficeModel(Strict):
    role: Role
    title: str = Field(description="The office as styled, e.g. 'President', 'Chancellor'.")
    of: str = Field(description="ISO3 country code or organisation id.")
    valid_from: dt.date = Field(alias="from")
    valid_to: dt.date | None = Field(None, alias="to")
    acting: bool = False

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PersonModel(Strict):
    id: Annotated[str, Field(pattern=ID_RE)]
    name: str
    country: Annotated[str, Field(pattern=ISO3_RE)]
    born: dt.date | None = None
    offices: list[OfficeModel] = []
    aliases: list[AliasModel] = []
    note: str | None = None

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases(cls, v: object) -> object:
        return _alias_list(v)


class PlaceNameModel(Strict):
    text: str
    lang: LANGS = "en"
    valid_from: dt.date | None = Field(None, alias="from")
    valid_to: dt.date | None = Field(None, alias="to")
    inflect: bool | None = None
    forms: list[str] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CapitalModel(Strict):
    of: Annotated[str, Field(pattern=ISO3_RE)]
    valid_from: dt.date | None = Field(None, alias="from")
    valid_to: dt.date | None = Field(None, alias="to")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PlaceModel(Strict):
    id: Annotated[str, Field(pattern=ID_RE)]
    name: str
    country: Annotated[str, Field(pattern=ISO3_RE)]
    kind: Literal["city", "region", "site", "sea", "other"] = "city"
    capital: list[CapitalModel] = []
    names: list[PlaceNameModel] = Field(min_length=1)
    note: str | None = None


class CountriesFileModel(Strict):
    version: str
    countries: list[CountryModel]


class OrganisationsFileModel(Strict):
    version: str
    organisations: list[OrganisationModel]


class PeopleFileModel(Strict):
    version: str
    people: list[PersonModel]


class PlacesFileModel(Strict):
    version: str
    places: list[PlaceModel]


class RegionModel(Strict):
    """A world region a text may name instead of its states ("Central Asia", "Европа"): a
    mention counts toward the vector ``counts_toward``."""

    id: Annotated[str, Field(pattern=ID_RE)]
    name: str
    counts_toward: str = Field(description="The vector id a mention of the region counts toward.")
    names: list[PlaceNameModel] = Field(min_length=1)
    note: str | None = None


class RegionsFileModel(Strict):
    version: str
    regions: list[RegionModel]


SCHEMAS: dict[str, type[BaseModel]] = {
    "edition": EditionModel,
    "codebook": CodebookModel,
    "vectors": VectorSchemeModel,
    "countries": CountriesFileModel,
    "organisations": OrganisationsFileModel,
    "people": PeopleFileModel,
    "places": PlacesFileModel,
    "regions": RegionsFileModel,
}
