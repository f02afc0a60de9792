"""Measure the annotation pipeline against a gold set: per-label precision, recall and F1.

A gold file is JSON Lines, one passage a line::

    {"id": "g001", "lang": "en", "date": "2015-09-28", "country": "KAZ", "text": "...",
     "actors": ["RUS"], "vectors": ["russia"], "themes": ["economy.integration"],
     "events": [{"type": "meeting", "actor": "KAZ", "counterpart": ["RUS"]}]}

Each passage runs through the pipeline as a document of its own; the predicted label sets per
layer (actor ids, vectors of the named actors without the speaker's own country, theme ids, event
types) are compared with the expected ones. Micro averages pool every decision of a layer; macro
averages are the mean over the layer's labels.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta, Genre, Layer
from multivector.domain.knowledge import Knowledge
from multivector.domain.results import Tabular
from multivector.domain.vectors import MULTILATERAL
from multivector.errors import Problem, ValidationError
from multivector.pipeline import Pipeline

LAYERS = ("actors", "vectors", "themes", "events")


@dataclass(frozen=True)
class GoldPassage:
    id: str
    text: str
    expected: Mapping[str, frozenset[str]]
    lang: str | None = None
    date: dt.date | None = None
    country: str | None = None
    genre: str | None = None


def read_gold(path: Path) -> list[GoldPassage]:
    """Read a gold file; every malformed line is reported with its number."""
    out: list[GoldPassage] = []
    problems: list[Problem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError([Problem(str(path), None, "(file)", f"cannot read: {exc}")]) from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError("each line must be an object with a `text` string")
            expected = {
                "actors": frozenset(row.get("actors", [])),
                "vectors": frozenset(row.get("vectors", [])),
                "themes": frozenset(row.get("themes", [])),
                "events": frozenset(
                    e["type"] if isinstance(e, dict) else str(e) for e in row.get("events", [])
                ),
            }
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
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(Problem(str(path), n, "(line)", f"{exc}; fix the JSON of this line"))
    if problems:
        raise ValidationError(problems)
    return out


def predicted_labels(
    doc: AnnotatedDocument, leaves: frozenset[str] | None = None
) -> dict[str, frozenset[str]]:
    """Label sets per layer; with ``leaves``, themes outside it (parent themes) are left out,
    since gold sets label leaf themes only."""
    actors = doc.layer(Layer.ACTOR)
    home = doc.document.meta.country
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
        "events": frozenset(a.label for a in doc.layer(Layer.EVENT)),
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
    gold: Iterable[GoldPassage], pipeline: Pipeline, *, leaves: frozenset[str] | None = None
) -> Evaluation:
    """Score ``pipeline`` on ``gold``; ``leaves``: the theme ids gold sets label (see
    :func:`predicted_labels`)."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    errors: list[dict[str, Any]] = []
    n = 0
    for g in gold:
        n += 1
        genre = Genre(g.genre) if g.genre in {x.value for x in Genre} else None
        meta = DocumentMeta(
            title=g.id, date=g.date, language=g.lang, country=g.country, genre=genre
        )
        doc = pipeline(AnnotatedDocument(Document.create(g.text, meta)))
        got = predicted_labels(doc, leaves)
        for layer in LAYERS:
            want = g.expected.get(layer, frozenset())
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


def evaluate_file(
    gold: Path,
    knowledge: Knowledge,
    *,
    config: Mapping[str, Any] | None = None,
    edition: str | None = None,
) -> Evaluation:
    """The evaluate use case: read a gold file and score the pipeline of ``config`` (coding
    against ``edition``) on it, over the codebook's leaf themes."""
    from multivector.pipeline import Annotator

    passages = read_gold(gold)
    annotator = Annotator(knowledge, config, edition=edition)
    leaves = frozenset(t.id for t in knowledge.codebook.leaves)
    return evaluate(passages, annotator.pipeline, leaves=leaves)
