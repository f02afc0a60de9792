"""Actors that texts name: countries, organisations, people and places, with dated aliases.

An alias is one way of writing an actor's name (``"the U.S."``, ``"России"``, ``"Kassym-Jomart"``),
with its language, its kind (name, abbreviation, metonym ...) and, when a name was only used for
a time (Nur-Sultan, Swaziland), the dates it was valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class ActorType(StrEnum):
    COUNTRY = "country"
    ORGANISATION = "organisation"
    PERSON = "person"
    PLACE = "place"
    REGION = "region"  # a world region named as such ("Central Asia"): counts toward a vector


class AliasKind(StrEnum):
    NAME = "name"
    SHORT = "short"
    FORMAL = "formal"
    ABBREVIATION = "abbreviation"
    METONYM = "metonym"
    DEMONYM = "demonym"
    FORMER = "former"
    FORM = "form"  # an inflected form (Russian case) of another alias


# How much a match of each alias kind says, before date checks.
KIND_CONFIDENCE: dict[AliasKind, float] = {
    AliasKind.NAME: 1.0,
    AliasKind.FORMAL: 1.0,
    AliasKind.SHORT: 0.97,
    AliasKind.FORMER: 0.95,
    AliasKind.ABBREVIATION: 0.93,
    AliasKind.FORM: 0.95,
    AliasKind.METONYM: 0.8,
    AliasKind.DEMONYM: 0.7,
}


@dataclass(frozen=True)
class Period:
    """A closed date interval; either end may be open (None)."""

    start: dt.date | None = None
    end: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def __str__(self) -> str:
        a = self.start.isoformat() if self.start else "…"
        b = self.end.isoformat() if self.end else "…"
        return f"{a} to {b}"


ALWAYS = Period()


@dataclass(frozen=True)
class Alias:
    text: str
    actor_id: str
    lang: str = "en"
    kind: AliasKind = AliasKind.NAME
    valid: Period = ALWAYS
    base: str | None = None  # for inflected forms: the alias they were made from


@dataclass(frozen=True)
class Office:
    role: str
    title: str
    of: str
    valid: Period
    acting: bool = False

    def describe(self) -> str:
        return f"{'acting ' if self.acting else ''}{self.title} of {self.of} ({self.valid})"


@dataclass(frozen=True)
class Membership:
    member: str
    valid: Period = ALWAYS
    role: str = "member"


@dataclass(frozen=True)
class Actor:
    """Any actor. ``id`` is an ISO3 code for countries, an upper-case id for organisations,
    a lower-case slug for people and places."""

    id: str
    type: ActorType
    name: str
    valid: Period = ALWAYS
    country: str | None = None  # people and places: their country
    parent: str | None = None  # organisations: the body they belong to
    kind: str | None = None
    counts_toward: str | None = None
    offices: tuple[Office, ...] = ()
    members: tuple[Membership, ...] = ()
    all_un_members: bool = False
    capital_of: tuple[tuple[str, Period], ...] = ()
    predecessors: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()
    note: str | None = None

    def offices_on(self, day: dt.date) -> tuple[Office, ...]:
        return tuple(o for o in self.offices if o.valid.contains(day))

    def active_on(self, day: dt.date) -> bool:
        """Whether the actor existed (or, for people, held any listed office) on ``day``."""
        if self.type is ActorType.PERSON and self.offices:
            return bool(self.offices_on(day))
        return self.valid.contains(day)

    def members_on(self, day: dt.date) -> tuple[str, ...]:
        return tuple(m.member for m in self.members if m.valid.contains(day) and m.role == "member")


@dataclass(frozen=True)
class Resolution:
    """One actor a text resolves to, how sure the resolver is, and why."""

    actor: Actor
    confidence: float
    reason: str
    alias: Alias
    start: int = 0
    end: int = 0
