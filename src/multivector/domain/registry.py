"""The actor registry: look actors up by id, resolve names and find mentions in text, by date.

``resolve("Tokaev", on=date(2005, 6, 1))`` answers with the actor, a confidence and the reason
(which alias matched, whether it was in use on that date, which office the person held).
Role phrases such as "the Foreign Minister of Kazakhstan" resolve to whoever held the office on
that date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property

from multivector.domain.actors import (
    KIND_CONFIDENCE,
    Actor,
    ActorType,
    Alias,
    AliasKind,
    Resolution,
)
from multivector.errors import NotFoundError, Problem, ValidationError
from multivector.text.matcher import PhraseMatcher
from multivector.text.normalize import Prepared, fold_key

ROLE_WORDS: dict[str, str] = {
    "president": "head_of_state",
    "head of state": "head_of_state",
    "king": "head_of_state",
    "prime minister": "head_of_government",
    "premier": "head_of_government",
    "chancellor": "head_of_government",
    "head of government": "head_of_government",
    "foreign minister": "foreign_minister",
    "minister of foreign affairs": "foreign_minister",
    "minister for foreign affairs": "foreign_minister",
    "secretary of state": "foreign_minister",
    "foreign secretary": "foreign_minister",
    "президент": "head_of_state",
    "премьер-министр": "head_of_government",
    "министр иностранных дел": "foreign_minister",
    "глава мид": "foreign_minister",
}
_ROLE_ALT = "|".join(sorted((re.escape(r) for r in ROLE_WORDS), key=len, reverse=True))
# "President of Kazakhstan", "the Kazakh Foreign Minister", "Russia's foreign minister",
# "министр иностранных дел Казахстана"
_ROLE_OF = re.compile(
    rf"^(?:the\s+)?(?P<role>{_ROLE_ALT})\s+(?:of\s+(?:the\s+)?)?(?P<place>.+)$", re.I
)
_PLACE_ROLE = re.compile(rf"^(?:the\s+)?(?P<place>.+?)(?:'s|’s)?\s+(?P<role>{_ROLE_ALT})$", re.I)

KIND_WORDS = {
    AliasKind.NAME: "name",
    AliasKind.SHORT: "short name",
    AliasKind.FORMAL: "formal name",
    AliasKind.ABBREVIATION: "abbreviation",
    AliasKind.METONYM: "metonym",
    AliasKind.DEMONYM: "adjective",
    AliasKind.FORMER: "former name",
    AliasKind.FORM: "word form",
}
_NOT_FUZZY = (AliasKind.FORM, AliasKind.ABBREVIATION, AliasKind.DEMONYM, AliasKind.METONYM)
LANG_WORDS = {"en": "English", "ru": "Russian", "kk": "Kazakh"}


class ActorRegistry:
    """Actors and their aliases, with a phrase index for resolving names and finding mentions."""

    def __init__(self, actors: Iterable[Actor], aliases: Iterable[Alias]) -> None:
        self._actors: dict[str, Actor] = {}
        for actor in actors:
            current = self._actors.get(actor.id)
            if current is not None and current.type is not actor.type:
                raise ValidationError([Problem(
                    "actors", None, "id",
                    f"{actor.id!r} names both a {current.type.value} ({current.name}) and a "
                    f"{actor.type.value} ({actor.name}); give one of them another id")])
            self._actors[actor.id] = actor if current is None else _merge(current, actor)
        self._aliases: list[Alias] = []
        seen: set[tuple[str, str, str]] = set()
        for alias in aliases:
            if alias.actor_id not in self._actors:
                raise NotFoundError(
                    f"alias {alias.text!r} names unknown actor {alias.actor_id!r}",
                    hint="add the actor to the registry files or fix the id",
                )
            key = (fold_key(alias.text), alias.actor_id, alias.kind.value)
            if key in seen:
                continue
            seen.add(key)
            self._aliases.append(alias)
        self._fuzzy_keys: list[str] | None = None
        self._fuzzy_aliases: list[list[Alias]] = []
        # the resolutions of one alias key on one date do not change: score them once
        self._find_cache: dict[tuple[str, dt.date | None], list[Resolution]] = {}

    @cached_property
    def matcher(self) -> PhraseMatcher[Alias]:
        """The phrase index of every alias, built on first use: lookups by id need none."""
        matcher: PhraseMatcher[Alias] = PhraseMatcher()
        for alias in self._aliases:
            matcher.add(alias.text, alias, case_sensitive=_case_sensitive(alias))
        return matcher

    # ------------------------------------------------------------------ lookups

    def __len__(self) -> int:
        return len(self._actors)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._actors.values())

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._actors

    def get(self, actor_id: str) -> Actor:
        try:
            return self._actors[actor_id]
        except KeyError:
            raise NotFoundError(
                f"no actor with id {actor_id!r}",
                hint="look it up with `multivector actors resolve NAME`",
            ) from None

    def of_type(self, type_: ActorType) -> list[Actor]:
        return [a for a in self._actors.values() if a.type is type_]

    def aliases_of(self, actor_id: str) -> list[Alias]:
        return [a for a in self._aliases if a.actor_id == actor_id]

    @property
    def aliases(self) -> tuple[Alias, ...]:
        return tuple(self._aliases)

    def holders(self, role: str, of: str, on: dt.date) -> list[Actor]:
        """People who held ``role`` (e.g. foreign_minister) of ``of`` on ``on``."""
        return [
            p
            for p in self.of_type(ActorType.PERSON)
            if any(o.role == role and o.of == of and o.valid.contains(on) for o in p.offices)
        ]

    # ------------------------------------------------------------------ resolution

    def resolve(self, text: str, on: dt.date | None = None) -> list[Resolution]:
        """The actors ``text`` names, best first.

        The whole text is tried as a name first, then as a role phrase ("the Foreign Minister
        of Kazakhstan"), then scanned for mentions, and last matched fuzzily.
        """
        text = text.strip()
        if not text:
            return []
        whole = self.matcher.lookup(_strip_article(text))
        if whole:
            return self._score(list(whole), on, 0, len(text))
        role = self._resolve_role(text, on)
        if role:
            return role
        mentions = self.find(text, on)
        if mentions:
            return mentions
        return self._fuzzy(text, on)

    def find(self, text: str | Prepared, on: dt.date | None = None) -> list[Resolution]:
        """Mentions of actors in running text, with offsets, longest match first."""
        out: list[Resolution] = []
        for m in self.matcher.find(text):
            out.extend(
                Resolution(r.actor, r.confidence, r.reason, r.alias, m.start, m.end)
                for r in self.readings(m.key, m.payloads, on)
            )
        return out

    def readings(
        self, key: str, aliases: Sequence[Alias], on: dt.date | None
    ) -> list[Resolution]:
        """The scored readings of a matched alias key on a date (cached; offsets are 0)."""
        cache = self._find_cache
        scored = cache.get((key, on))
        if scored is None:
            if len(cache) > 200_000:  # many distinct dates: start afresh rather than grow
                cache.clear()
            scored = cache[(key, on)] = self._score(list(aliases), on, 0, 0)
        return scored

    def _score(
        self, aliases: list[Alias], on: dt.date | None, start: int, end: int
    ) -> list[Resolution]:
        scored: list[Resolution] = []
        for alias in aliases:
            actor = self._actors[alias.actor_id]
            conf = KIND_CONFIDENCE[alias.kind]
            reason = _describe(alias)
            if on is not None:
                if not alias.valid.contains(on):
                    conf *= 0.6
                    reason += f"; this name was in use {alias.valid}, not on {on.isoformat()}"
                if actor.type is ActorType.PERSON and actor.offices:
                    held = actor.offices_on(on)
                    if held:
                        reason += "; on that date " + ", ".join(o.describe() for o in held)
                    else:
                        conf *= 0.75
                        reason += f"; held no listed office on {on.isoformat()}"
                elif not actor.valid.contains(on):
                    conf *= 0.6
                    reason += f"; {actor.name} existed {actor.valid}, not on {on.isoformat()}"
            scored.append(Resolution(actor, round(conf, 3), reason, alias, start, end))
        best: dict[str, Resolution] = {}
        for r in scored:
            if r.actor.id not in best or r.confidence > best[r.actor.id].confidence:
                best[r.actor.id] = r
        results = sorted(best.values(), key=lambda r: -r.confidence)
        if len(results) > 1:
            # Several actors share the alias: the date decides if it can; otherwise share out.
            top = results[0].confidence
            leaders = [r for r in results if r.confidence >= top - 1e-9]
            share = 1 / len(leaders)
            results = [
                replace(
                    r,
                    confidence=round(r.confidence * share, 3) if r in leaders else r.confidence,
                    reason=r.reason
                    + (
                        f"; ambiguous among {len(leaders)} actors"
                        if r in leaders and len(leaders) > 1
                        else ""
                    ),
                )
                for r in results
            ]
        return results

    def _resolve_role(self, text: str, on: dt.date | None) -> list[Resolution]:
        m = _ROLE_OF.match(text) or _PLACE_ROLE.match(text)
        if not m:
            return []
        role = ROLE_WORDS[m.group("role").lower()]
        place = _strip_article(m.group("place").strip())
        places = [
            a
            for a in self.matcher.lookup(place)
            if self._actors[a.actor_id].type in (ActorType.COUNTRY, ActorType.ORGANISATION)
        ]
        if not places:
            return []
        country = places[0].actor_id
        day = on or dt.date.today()
        holders = self.holders(role, country, day)
        out = []
        for person in holders:
            office = next(
                o
                for o in person.offices
                if o.role == role and o.of == country and o.valid.contains(day)
            )
            reason = (
                f"role phrase: {m.group('role')} of {self._actors[country].name}; "
                f"{office.describe()} covers {day.isoformat()}"
            )
            alias = Alias(text, person.id, "en", AliasKind.NAME)
            out.append(
                Resolution(person, round(0.9 / len(holders), 3), reason, alias, 0, len(text))
            )
        return out

    def _fuzzy(self, text: str, on: dt.date | None) -> list[Resolution]:
        if self._fuzzy_keys is None:
            index: dict[str, list[Alias]] = {}
            for alias in self._aliases:
                if alias.kind not in _NOT_FUZZY:
                    index.setdefault(fold_key(alias.text), []).append(alias)
            self._fuzzy_keys = list(index)
            self._fuzzy_aliases = list(index.values())
        if len(text) < 5:
            return []  # short strings are too easily near something
        from rapidfuzz import fuzz, process  # only resolution of a misspelt name needs it

        hits = process.extract(
            fold_key(text), self._fuzzy_keys, scorer=fuzz.ratio, limit=3, score_cutoff=88
        )
        out: list[Resolution] = []
        for key, score, idx in hits:
            aliases = [
                a
                for a in self._fuzzy_aliases[idx]
                if not (a.text[:1].isupper() and text[:1].islower())  # 'turkey' is no typo
            ]
            for r in self._score(aliases, on, 0, len(text)):
                out.append(
                    replace(
                        r,
                        confidence=round(r.confidence * score / 100 * 0.6, 3),
                        reason=f"fuzzy match ({score:.0f}%) to {key!r}: {r.reason}",
                    )
                )
        return sorted(out, key=lambda r: -r.confidence)


def _merge(a: Actor, b: Actor) -> Actor:
    """The project's entry for an actor refines the backbone's: its non-empty fields win."""
    updates = {
        f: getattr(b, f)
        for f in ("name", "valid", "successors", "note", "kind", "counts_toward")
        if getattr(b, f) not in (None, (), "", b.id) and not (f == "valid" and b.valid == a.valid)
    }
    return replace(a, **updates)


def _case_sensitive(alias: Alias) -> bool | None:
    if alias.kind is AliasKind.ABBREVIATION:
        return True
    return None  # decided by the text's shape (US, UN, ООН)


def _strip_article(text: str) -> str:
    return text[4:] if text[:4].lower() == "the " else text


def _describe(alias: Alias) -> str:
    lang = LANG_WORDS.get(alias.lang, alias.lang)
    if alias.kind is AliasKind.FORM and alias.base:
        return f"{lang} word form {alias.text!r} of {alias.base!r}"
    return f"{lang} {KIND_WORDS[alias.kind]} {alias.text!r}"
