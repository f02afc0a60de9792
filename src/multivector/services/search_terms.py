"""Full-text queries across languages: an actor's name also searches for its other names.

A corpus of English UN statements holds no «Россия»; an analyst who types it means the actor,
and wants "Russia" and "Russian Federation" found too. Before a query goes to the full-text
index, every word run or quoted phrase that is the name of exactly one actor in the registry
becomes an OR group of that actor's names in every language the registry knows:

    Россия санкции  ->  ("Россия" OR "Russia" OR "Russian Federation" OR ...) санкции

Only names, short, formal and former names take part: not abbreviations (the index has no case,
and "US" would find "us"), not demonyms or capitals ("Russian", "Moscow" say something else),
not Russian case forms (the index lemmatises). A name of several actors ("Georgia") is left as
typed. ``--exact`` on the command line turns expansion off.
"""

from __future__ import annotations

from dataclasses import dataclass

from multivector.domain.actors import AliasKind
from multivector.domain.registry import ActorRegistry
from multivector.store.fts import lexemes
from multivector.text.lemmas import lemma, tokens
from multivector.text.matcher import is_abbreviation

EXPANDING_KINDS = (AliasKind.NAME, AliasKind.SHORT, AliasKind.FORMAL, AliasKind.FORMER)
MAX_NAMES = 12  # per actor: enough for every language, short of a query FTS5 chokes on
MAX_WORDS = 6  # the longest unquoted word run tried as one name
_SYNTAX = {"AND", "OR", "NOT", "(", ")"}


@dataclass(frozen=True)
class Expansion:
    """A name in the query, the actor it names, and the names searched for instead."""

    typed: str
    actor_id: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class ExpandedQuery:
    query: str  # the query given to the index
    expansions: tuple[Expansion, ...]


def _folded(text: str) -> str:
    return " ".join(lemma(w) for _, _, w in tokens(text))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', " ") + '"'


class NameExpander:
    def __init__(self, registry: ActorRegistry) -> None:
        self.registry = registry
        self._names: dict[str, tuple[str, ...]] = {}

    def actor_of(self, phrase: str) -> str | None:
        """The one actor ``phrase`` names (as typed, or with capitals as a name has them)."""
        lookup = self.registry.matcher.lookup
        aliases = lookup(phrase) or lookup(" ".join(w[:1].upper() + w[1:] for w in phrase.split()))
        actors = {a.actor_id for a in aliases}
        return actors.pop() if len(actors) == 1 else None

    def names(self, actor_id: str) -> tuple[str, ...]:
        got = self._names.get(actor_id)
        if got is None:
            seen: set[str] = set()
            out: list[str] = []
            for alias in self.registry.aliases_of(actor_id):
                if alias.kind not in EXPANDING_KINDS or is_abbreviation(alias.text):
                    continue
                key = _folded(alias.text)
                if key and key not in seen:
                    seen.add(key)
                    out.append(alias.text)
            got = self._names[actor_id] = tuple(out[:MAX_NAMES])
        return got

    def _group(self, typed: str, actor_id: str) -> tuple[str, Expansion] | None:
        own = _folded(typed)
        others = [n for n in self.names(actor_id) if _folded(n) != own]
        if not others:
            return None
        group = "(" + " OR ".join([_quoted(typed), *map(_quoted, others)]) + ")"
        return group, Expansion(typed, actor_id, tuple(others))

    def expand(self, query: str) -> ExpandedQuery:
        """``query`` with actor names as OR groups of their names (syntax left as it is)."""
        lex = lexemes(query)
        out: list[str] = []
        found: list[Expansion] = []
        i = 0
        while i < len(lex):
            item = lex[i]
            if item.startswith('"') and not item.endswith("*") and len(item) > 1:
                actor = self.actor_of(item.strip('"'))
                made = self._group(item.strip('"'), actor) if actor else None
                out.append(made[0] if made else item)
                if made:
                    found.append(made[1])
                i += 1
                continue
            if item in _SYNTAX or item.endswith("*") or item.startswith('"'):
                out.append(item)
                i += 1
                continue
            # the longest run of plain words from here that names one actor
            run = 0
            while run < MAX_WORDS and i + run < len(lex):
                nxt = lex[i + run]
                if nxt in _SYNTAX or nxt.startswith('"') or nxt.endswith("*"):
                    break
                run += 1
            for n in range(run, 0, -1):
                phrase = " ".join(lex[i : i + n])
                actor = self.actor_of(phrase)
                made = self._group(phrase, actor) if actor else None
                if made:
                    out.append(made[0])
                    found.append(made[1])
                    i += n
                    break
            else:
                out.append(item)
                i += 1
        return ExpandedQuery(" ".join(out), tuple(found))
