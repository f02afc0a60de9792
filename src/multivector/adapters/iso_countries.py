"""The ISO 3166 backbone of the actor registry, from pycountry (names in English, Russian, Kazakh).

pycountry lists every current and many former states with official names and translations; the
project's own alias table (``data/actors/countries.yaml``) adds the short forms pycountry lacks
("the U.S.", "Россия", "Moscow"). pycountry's inverted names ("Korea, Republic of") are turned
around ("Republic of Korea"); its fuzzy search is never used (it maps "Republic of Korea" to PRK).
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import lru_cache

import pycountry

from multivector.adapters.knowledge_files import expand_alias
from multivector.domain.actors import ALWAYS, Actor, ActorType, Alias, AliasKind, Period


def readable(name: str) -> str | None:
    """'Korea, Republic of' -> 'Republic of Korea'; None for names unusable as aliases."""
    name = name.replace("\u0301", "")  # stress marks in some translations
    if "(" in name or "[" in name:
        return None  # 'Корея (Северная)': dropping the brackets would make it ambiguous
    if "," in name:
        head, _, tail = name.partition(",")
        tail = tail.strip()
        if tail.lower().startswith("the "):
            tail = tail[4:]
        head = head.strip()
        if tail.split(" ")[-1] in ("of", "the"):
            name = f"{tail} {head}"
        elif head.isupper():
            name = tail  # 'USSR, Union of Soviet Socialist Republics'
        else:
            return None
    return name or None


@lru_cache(maxsize=4)
def _translator(lang: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


def country_actors() -> tuple[list[Actor], list[Alias]]:
    """Every ISO 3166-1 country and every historic one pycountry knows, with their names."""
    actors: list[Actor] = []
    aliases: list[Alias] = []
    translators = {lang: _translator(lang) for lang in ("ru", "kk")}
    for c in pycountry.countries:
        code = c.alpha_3
        english = readable(getattr(c, "common_name", None) or c.name) or c.name
        actors.append(Actor(id=code, type=ActorType.COUNTRY, name=english))
        names = {
            ("name", c.name),
            ("short", getattr(c, "common_name", "") or ""),
            ("formal", getattr(c, "official_name", "") or ""),
        }
        for kind, raw in sorted(names):
            text = readable(raw) if raw else None
            if text:
                aliases.append(Alias(text, code, "en", AliasKind(kind)))
            if raw:
                for lang, tr in translators.items():
                    translated = tr.gettext(raw)
                    local = readable(translated) if translated != raw else None
                    if local:
                        aliases.extend(expand_alias(code, local, lang, kind, ALWAYS, None, ()))
    aliases = _without_colliding_translations(aliases)
    for h in pycountry.historic_countries:
        code = h.alpha_3
        if any(a.id == code for a in actors):
            continue
        withdrawn = getattr(h, "withdrawal_date", None)
        end = _date(withdrawn) if withdrawn else None
        name = readable(h.name) or h.name
        actors.append(Actor(id=code, type=ActorType.COUNTRY, name=name, valid=Period(None, end)))
        aliases.append(Alias(name, code, "en", AliasKind.FORMER))
    return actors, aliases


def _without_colliding_translations(aliases: list[Alias]) -> list[Alias]:
    """Drop a translated name that two countries share where it is not a country's own name.

    The Kazakh catalogue gives Nepal's official name as the Central African Republic's name; a
    name that is one country's ``name`` and another's ``formal`` stays with the first."""
    owners: dict[tuple[str, str], set[str]] = {}
    named: dict[tuple[str, str], set[str]] = {}
    for a in aliases:
        if a.lang != "en" and a.kind is not AliasKind.FORM:
            owners.setdefault((a.lang, a.text), set()).add(a.actor_id)
            if a.kind is AliasKind.NAME:
                named.setdefault((a.lang, a.text), set()).add(a.actor_id)
    wrong = {
        (lang, text, code)
        for (lang, text), codes in owners.items()
        if len(codes) > 1
        for code in codes
        if code not in named.get((lang, text), codes)
    }
    if not wrong:
        return aliases
    # the case forms of a dropped name go with it
    bases = {(lang, code): text for lang, text, code in wrong}
    return [
        a for a in aliases
        if (a.lang, a.text, a.actor_id) not in wrong
        and not (a.kind is AliasKind.FORM and bases.get((a.lang, a.actor_id)) == a.base)
    ]


def _date(text: str) -> dt.date:
    """pycountry gives withdrawal dates as YYYY or YYYY-MM-DD: a bare year means its last day."""
    return dt.date(int(text), 12, 31) if len(text) == 4 else dt.date.fromisoformat(text)


__all__ = ["country_actors", "readable"]
