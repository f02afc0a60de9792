"""The `actors` component: find countries, organisations, people and places in each passage.

Mentions come from the actor registry's aliases (longest match first, word boundaries, Russian
case forms), resolved on the document's date. Each mention records the actor's vector under the
vector scheme, and whether it names the speaker's own country (which belongs to no vector).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from multivector.domain.actors import ActorType
from multivector.domain.corpus import AnnotatedDocument, Annotation, Layer, Producer
from multivector.domain.vectors import VectorScheme
from multivector.pipeline import Component, Context, register
from multivector.services.registry import ActorRegistry


class ActorFinder:
    name = "actors"
    version = "1"

    def __init__(
        self, registry: ActorRegistry, scheme: VectorScheme, min_confidence: float = 0.3
    ) -> None:
        self.registry = registry
        self.scheme = scheme
        self.min_confidence = min_confidence

    def vector_of(self, actor_id: str, home: str | None, on: dt.date | None) -> str | None:
        actor = self.registry.get(actor_id)
        if actor.type is ActorType.COUNTRY:
            return self.scheme.vector_of_country(actor.id, home)
        if actor.type is ActorType.ORGANISATION:
            return self.scheme.vector_of_organisation(actor.id)
        if actor.country:  # people and places count toward their country's vector
            return self.scheme.vector_of_country(actor.country, home)
        return None

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        meta = doc.document.meta
        home = meta.country or self.scheme.home
        on = meta.date
        text = doc.text
        for p in doc.passages:
            chunk = text[p.start : p.end]
            best: dict[tuple[int, int], float] = {}
            found = self.registry.find(chunk, on)
            for res in found:
                key = (res.start, res.end)
                best[key] = max(best.get(key, 0.0), res.confidence)
            for res in found:
                # an ambiguous alias keeps only its best readings ("Moscow" in 1985 is the USSR)
                if res.confidence < self.min_confidence or res.confidence < 0.9 * best[
                    (res.start, res.end)
                ]:
                    continue
                actor = res.actor
                own = actor.id == home or (
                    actor.type in (ActorType.PERSON, ActorType.PLACE) and actor.country == home
                )
                vector = self.vector_of(actor.id, home, on)
                doc.annotations.append(
                    Annotation(
                        doc_id=doc.document.id,
                        passage=p.index,
                        layer=Layer.ACTOR,
                        label=actor.id,
                        start=p.start + res.start,
                        end=p.start + res.end,
                        score=res.confidence,
                        producer=Producer(self.name, self.version, f"alias {res.alias.text!r}"),
                        attrs={
                            "type": actor.type.value,
                            "vector": vector,
                            "own_country": own,
                            "reason": res.reason,
                        },
                    )
                )
        return doc


@register("actors")
def make_actor_finder(context: Context, settings: Mapping[str, Any]) -> Component:
    kb = context.knowledge
    return ActorFinder(kb.registry, kb.vectors, **settings)
