"""Measure the annotation pipeline against a gold set: per-label precision, recall and F1.

A gold file is JSON Lines, one passage a line::

    {"id": "g001", "lang": "en", "date": "2015-09-28", "country": "KAZ", "text": "...",
     "actors": ["RUS"], "vectors": ["russia"], "themes": ["economy.integration"],
     "events": [{"type": "meeting", "actor": "KAZ", "counterpart": ["RUS"]}],
     "edition": "kaz/2020-2030", "elements": ["priority.bilateral.russia"]}

Each passage runs through the pipeline as a document of its own; the predicted label sets per
layer (actor ids, vectors of the named actors without the speaker's own country, theme ids, event
types, element ids) are compared with the expected ones. A line is scored on the layers it
carries and only those: a line without ``events`` says nothing about events. ``elements`` are
ids of the line's ``edition`` (else of the edition the caller names): the passage is coded
against that edition, and two layers are scored, ``elements`` (strong evidence only, coded from
the element's cues: what coverage counts) and ``elements_all`` (weak routes too). Micro averages
pool every decision of a layer; macro averages are the mean over the layer's labels.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from multivector.domain.concept import route_strength
from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta, Genre, Layer
from multivector.domain.knowledge import Knowledge
from multivector.domain.results import Tabular
from multivector.domain.vectors import MULTILATERAL
from multivector.errors import MultivectorError, Problem, ValidationError
from multivector.pipeline import Pipeline

LAYERS = ("actors", "vectors", "themes", "events", "elements", "elements_all")
LABELLED = ("actors", "vectors", "themes", "events", "elements")  # the keys a line may carry


@dataclass(frozen=True)
class GoldPassage:
    """One gold passage; ``expected`` holds only the layers its line carries."""

    id: str
    text: str
    expected: Mapping[str, frozenset[str]]
    lang: str | None = None
    date: dt.date | None = None
    country: str | None = None
    genre: str | None = None
    edition: str | None = None
    line: int | None = None
    coder: str | None = None
    split: str | None = None  # "train" or "heldout" in the shipped annotations
    source: str | None = None  # the document a passage was cut from (path or id), if any


def _sample_text(path: str, start: Any, end: Any, cache: dict[str, str]) -> str:
    """The text of a passage of a bundled sample document (``sample:NAME/FILE``)."""
    from multivector.ingest import RawDocument
    from multivector.samples import PREFIX, iter_documents

    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        raise ValueError("`start` and `end` must be character offsets with start < end")
    if path not in cache:
        name = path.removeprefix(PREFIX).split("/", 1)[0]
        for doc in iter_documents(name):
            if isinstance(doc, RawDocument) and doc.meta.path:
                cache[doc.meta.path] = doc.text
        if path not in cache:
            raise ValueError(f"`path`: no document {path} in the bundled samples")
    text = cache[path]
    if end > len(text):
        raise ValueError(f"`end` {end} is past the end of {path} ({len(text)} characters)")
    return text[start:end]


def _strings(row: Mapping[str, Any], key: str) -> list[str]:
    value = row.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ValueError(f"`{key}` must be a list of strings")
    return value


def read_gold(path: Path) -> list[GoldPassage]:
    """Read a gold file; every malformed line is reported with its number."""
    out: list[GoldPassage] = []
    problems: list[Problem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError([Problem(str(path), None, "(file)", f"cannot read: {exc}")]) from None
    samples: dict[str, str] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if isinstance(row, dict) and "text" not in row and str(row.get("path", "")).startswith(
                    "sample:"):
                # a passage of a bundled CC0 document, given by offsets, not copied
                row["text"] = _sample_text(row["path"], row.get("start"), row.get("end"), samples)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError("each line must be an object with a `text` string (or the "
                                 "`path`, `start` and `end` of a bundled sample's passage)")
            expected: dict[str, frozenset[str]] = {}
            for layer in ("actors", "vectors", "themes"):
                if layer in row:
                    expected[layer] = frozenset(_strings(row, layer))
            if "events" in row:
                expected["events"] = frozenset(
                    e["type"] if isinstance(e, dict) else str(e) for e in row["events"]
                )
            if "elements" in row:
                expected["elements"] = expected["elements_all"] = frozenset(
                    _strings(row, "elements")
                )
            edition = row.get("edition")
            if edition is not None and not isinstance(edition, str):
                raise ValueError("`edition` must be an edition id such as kaz/2020-2030")
            date = dt.date.fromisoformat(row["date"]) if row.get("date") else None
            out.append(
                GoldPassage(
                    str(row.get("id", n)),
                    row["text"],
                    expected,
                    row.get("lang"),
                    date,
                    row.get("country"),
                    row.get("genre"),
                    edition,
                    n,
                    row.get("coder"),
                    row.get("split"),
                    row.get("path") or row.get("document"),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(Problem(str(path), n, "(line)", f"{exc}; fix the JSON of this line"))
    if problems:
        raise ValidationError(problems)
    return out


def predicted_labels(
    doc: AnnotatedDocument, leaves: frozenset[str] | None = None, edition: str | None = None
) -> dict[str, frozenset[str]]:
    """Label sets per layer; with ``leaves``, themes outside it (parent themes) are left out,
    since gold sets label leaf themes only; with ``edition``, only elements coded against it.
    ``elements`` holds the elements found by strong evidence, ``elements_all`` by any route."""
    # regions ("Central Asia") are not labelled in the gold sets, which label the states,
    # organisations, people and places a passage names
    actors = [a for a in doc.layer(Layer.ACTOR) if a.attrs.get("type") != "region"]
    home = doc.document.meta.country
    coded = [
        a for a in doc.layer(Layer.ELEMENT) if edition is None or a.attrs.get("edition") == edition
    ]
    return {
        "actors": frozenset(a.label for a in actors),
        "vectors": frozenset(
            str(a.attrs["vector"])
            for a in actors
            if a.attrs.get("vector") not in (None, MULTILATERAL)
            and a.label != home
            and not a.attrs.get("own_country")
        ),
        "themes": frozenset(
            a.label for a in doc.layer(Layer.THEME) if leaves is None or a.label in leaves
        ),
        "events": frozenset(  # the gold sets label events that happened
            a.label for a in doc.layer(Layer.EVENT)
            if a.attrs.get("status", "happened") == "happened"
        ),
        "elements": frozenset(
            a.label
            for a in coded
            if a.attrs.get("strength", route_strength(a.attrs.get("route"))) == "strong"
        ),
        "elements_all": frozenset(a.label for a in coded),
    }


@dataclass(frozen=True)
class LabelScore:
    layer: str
    label: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Evaluation(Tabular):
    scores: tuple[LabelScore, ...]
    passages: int
    errors: tuple[dict[str, Any], ...] = field(default=())

    def averages(self) -> list[dict[str, Any]]:
        rows = []
        for layer in LAYERS:
            s = [x for x in self.scores if x.layer == layer]
            if not s:
                continue
            tp, fp, fn = (sum(getattr(x, k) for x in s) for k in ("tp", "fp", "fn"))
            micro = LabelScore(layer, "(micro)", tp, fp, fn)
            macro_p = sum(x.precision for x in s) / len(s)
            macro_r = sum(x.recall for x in s) / len(s)
            macro_f = sum(x.f1 for x in s) / len(s)
            rows.append(
                {
                    "layer": layer,
                    "average": "micro",
                    "precision": round(micro.precision, 3),
                    "recall": round(micro.recall, 3),
                    "f1": round(micro.f1, 3),
                    "support": tp + fn,
                }
            )
            rows.append(
                {
                    "layer": layer,
                    "average": "macro",
                    "precision": round(macro_p, 3),
                    "recall": round(macro_r, 3),
                    "f1": round(macro_f, 3),
                    "support": tp + fn,
                }
            )
        return rows

    def records(self) -> list[dict[str, Any]]:
        return [
            {
                "layer": s.layer,
                "label": s.label,
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "f1": round(s.f1, 3),
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "support": s.tp + s.fn,
            }
            for s in self.scores
        ]


def evaluate(
    gold: Iterable[GoldPassage],
    pipeline: Pipeline,
    *,
    leaves: frozenset[str] | None = None,
    pipelines: Mapping[str, Pipeline] | None = None,
) -> Evaluation:
    """Score ``pipeline`` on ``gold``; ``leaves``: the theme ids gold sets label (see
    :func:`predicted_labels`). A passage that names an edition runs through
    ``pipelines[edition]`` when given (a pipeline coding against that edition), else through
    ``pipeline``; its elements are compared with those coded against its edition. Each passage
    is scored on the layers it carries."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    errors: list[dict[str, Any]] = []
    n = 0
    chosen = pipelines or {}
    for g in gold:
        n += 1
        genre = Genre(g.genre) if g.genre in {x.value for x in Genre} else None
        meta = DocumentMeta(
            title=g.id, date=g.date, language=g.lang, country=g.country, genre=genre
        )
        run = chosen.get(g.edition, pipeline) if g.edition else pipeline
        doc = run(AnnotatedDocument(Document.create(g.text, meta)))
        got = predicted_labels(doc, leaves, g.edition)
        for layer in LAYERS:
            if layer not in g.expected:
                continue
            want = g.expected[layer]
            have = got[layer]
            for label in want & have:
                counts[(layer, label)]["tp"] += 1
            for label in have - want:
                counts[(layer, label)]["fp"] += 1
            for label in want - have:
                counts[(layer, label)]["fn"] += 1
            if want != have:
                errors.append(
                    {
                        "id": g.id,
                        "layer": layer,
                        "missed": sorted(want - have),
                        "spurious": sorted(have - want),
                    }
                )
    scores = tuple(
        LabelScore(layer, label, c["tp"], c["fp"], c["fn"])
        for (layer, label), c in sorted(counts.items())
    )
    return Evaluation(scores, n, tuple(errors))


def _editions_of(
    gold: list[GoldPassage], path: Path, knowledge: Knowledge, default: str | None
) -> list[GoldPassage]:
    """The passages with their edition resolved (the line's, else ``default``, as the
    knowledge base spells it), after checking that every element id exists in it."""
    out, problems = [], []
    for g in gold:
        ref = g.edition or default
        if ref is None:
            if "elements" in g.expected:
                problems.append(Problem(
                    str(path), g.line, "elements",
                    'elements need an edition: add "edition": "kaz/2020-2030" to the line, or '
                    "pass --concept",
                ))
            out.append(g)
            continue
        try:
            ed = knowledge.edition(ref)
        except MultivectorError as exc:
            problems.append(Problem(str(path), g.line, "edition", str(exc)))
            continue
        unknown = sorted(e for e in g.expected.get("elements", ()) if e not in ed)
        if unknown:
            problems.append(Problem(
                str(path), g.line, "elements",
                f"{', '.join(unknown)}: not an element of {ed.id}; see `multivector show "
                f"{ed.id}` for its element ids",
            ))
        out.append(replace(g, edition=ed.id))
    if problems:
        raise ValidationError(problems)
    return out


def evaluate_file(
    gold: Path,
    knowledge: Knowledge,
    *,
    config: Mapping[str, Any] | None = None,
    edition: str | None = None,
) -> Evaluation:
    """The evaluate use case: read a gold file and score the pipeline of ``config`` (coding
    against ``edition``, or against the edition each line names) on it, over the codebook's
    leaf themes."""
    from multivector.pipeline import Annotator, Context

    passages = _editions_of(read_gold(gold), gold, knowledge, edition)
    annotator = Annotator(knowledge, config, edition=edition)
    default = annotator.context.edition
    pipelines: dict[str, Pipeline] = {default.id: annotator.pipeline} if default else {}
    for ident in sorted({g.edition for g in passages if g.edition} - set(pipelines)):
        # one more pipeline per edition, sharing the first one's cache (embedder, lexicons)
        context = Context(knowledge, knowledge.edition(ident), annotator.context.cache)
        pipelines[ident] = Pipeline.from_config(annotator.config, context)
    leaves = frozenset(t.id for t in knowledge.codebook.leaves)
    return evaluate(passages, annotator.pipeline, leaves=leaves, pipelines=pipelines)
