"""The `actors` component: find countries, organisations, people and places in each passage.

Mentions come from the actor registry's aliases (longest match first, word boundaries, Russian
case forms), resolved on the document's date. Each mention records the actor's vector under the
vector scheme, and whether it names the speaker's own country (which belongs to no vector).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from multivector.domain.actors import ActorType, Alias
from multivector.domain.corpus import AnnotatedDocument, Annotation, Layer, Producer
from multivector.domain.registry import ActorRegistry
from multivector.domain.vectors import VectorScheme
from multivector.pipeline import Component, Context, prepared, register
from multivector.text.matcher import PhraseMatcher


class ActorFinder:
    name = "actors"
    version = "3"

    def __init__(
        self, registry: ActorRegistry, scheme: VectorScheme, min_confidence: float = 0.3
    ) -> None:
        self.registry = registry
        self.scheme = scheme
        self.min_confidence = min_confidence
        self._cache: dict[tuple[str, str | None, dt.date | None], list[Any]] = {}

    def matchers(self) -> list[PhraseMatcher[Any]]:
        return [self.registry.matcher]

    def vector_of(self, actor_id: str, home: str | None, on: dt.date | None) -> str | None:
        actor = self.registry.get(actor_id)
        if actor.type is ActorType.COUNTRY:
            return self.scheme.vector_of_country(actor.id, home)
        if actor.type is ActorType.ORGANISATION:
            return self.scheme.vector_of_organisation(actor.id)
        if actor.type is ActorType.REGION:  # "Central Asia", "Europe": the region's vector
            return actor.counts_toward
        if actor.type is ActorType.PLACE and actor.kind in ("sea", "other"):
            return None  # the Caspian is shared by five states: it belongs to no one vector
        if actor.type is ActorType.PERSON and on is not None:
            held = actor.offices_on(on)
            international = [o for o in held if o.of in self.registry
                             and self.registry.get(o.of).type is ActorType.ORGANISATION]
            if held and len(international) == len(held):  # the UN Secretary-General
                return self.scheme.vector_of_organisation(international[0].of)
        if actor.country:  # people and places count toward their country's vector
            return self.scheme.vector_of_country(actor.country, home)
        return None

    def _templates(
        self, key: str, aliases: Sequence[Alias], home: str | None, on: dt.date | None
    ) -> list[tuple[str, float, Producer, dict[str, Any]]]:
        """What every match of ``key`` on this date becomes: label, score, producer, attrs."""
        cache_key = (key, home, on)
        got = self._cache.get(cache_key)
        if got is not None:
            return got
        readings = self.registry.readings(key, aliases, on)
        top = max((r.confidence for r in readings), default=0.0)
        got = []
        for r in readings:
            # an ambiguous alias keeps only its best readings ("Moscow" in 1985 is the USSR)
            if r.confidence < self.min_confidence or r.confidence < 0.9 * top:
                continue
            actor = r.actor
            own = actor.id == home or (
                actor.type in (ActorType.PERSON, ActorType.PLACE) and actor.country == home
            )
            attrs = {
                "type": actor.type.value,
                "vector": self.vector_of(actor.id, home, on),
                "own_country": own,
                "reason": r.reason,
            }
            producer = Producer(self.name, self.version, f"alias {r.alias.text!r}")
            got.append((actor.id, r.confidence, producer, attrs))
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[cache_key] = got
        return got

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        meta = doc.document.meta
        home = meta.country or self.scheme.home
        on = meta.date
        doc_id = doc.document.id
        append = doc.annotations.append
        # one scan of the whole text (shared with other matchers), then each match to its passage
        templates: dict[str, list[Any]] = {}  # this document's home and date are fixed
        layer = Layer.ACTOR
        hits = ((s, e, (k, a)) for s, e, k, a in self.registry.matcher.hits(prepared(doc)))
        # matches across a passage boundary, or outside every passage, are dropped
        for passage, start, end, (key, aliases) in doc.place(hits):
            index = passage.index
            made = templates.get(key)
            if made is None:
                made = templates[key] = self._templates(key, aliases, home, on)
            for label, score, producer, attrs in made:
                append(Annotation(doc_id, index, layer, label, start, end, score, producer,
                                  attrs))
        return doc


@register("actors")
def make_actor_finder(context: Context, settings: Mapping[str, Any]) -> Component:
    kb = context.knowledge
    return ActorFinder(kb.registry, kb.vectors, **settings)
