"""A trained theme coder: one logistic regression per theme over frozen passage features.

Features of a passage (:func:`passage_features`): its sentence embedding (the pipeline's
embedder), its cosine to each theme's prototype (definition, labels and examples), the highest
cosine of one of its sentences to each prototype, and per theme
the strongest lexicon match (1.0 preferred label, 0.9 alternative, 0.6 cue, 0 none) and the
log count of matches. A model file holds standardisation, weights, an intercept and a decision
threshold per theme (chosen by cross-validation when it was trained, see
:mod:`multivector.services.training`), and says which codebook and embedder it was trained
with; the coder refuses a model made for another codebook version or embedder rather than
reading features it was not trained on.

Model files are JSON (no pickle: a model file from someone else cannot run code). Prediction
needs numpy only; training needs scikit-learn (``pip install 'multivector[train]'``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from multivector.errors import UsageError

if TYPE_CHECKING:
    from multivector.domain.corpus import AnnotatedDocument
    from multivector.pipeline.components.themes import ThemeCoder

FORMAT = "multivector-theme-model"
FORMAT_VERSION = 1
BUNDLED = Path(__file__).resolve().parents[2] / "data" / "models" / "themes-v1.json"
KIND_SCORE = {"preferred": 1.0, "alternative": 0.9, "cue": 0.6}
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ThemeModel:
    """Per-theme logistic regressions: ``p = sigmoid(((x - mean) / scale) @ coef.T + bias)``;
    a passage takes a theme when ``p >= threshold`` of that theme."""

    name: str  # e.g. "themes-lr"
    version: str  # the model's own version; the coder's producer names it
    themes: tuple[str, ...]
    codebook: str  # "id@version" of the codebook it was trained with
    embedder: str
    dim: int  # embedding width
    mean: Floats
    scale: Floats
    coef: Floats  # themes x features
    bias: Floats
    thresholds: Floats
    meta: dict[str, Any] = field(default_factory=dict)  # training data, settings, metrics

    @property
    def ident(self) -> str:
        return f"{self.name}@{self.version}"

    def probabilities(self, features: Floats) -> Floats:
        z = ((np.asarray(features, dtype=np.float64) - self.mean) / self.scale) @ self.coef.T
        out: Floats = 1.0 / (1.0 + np.exp(-(z + self.bias)))
        return out

    def document(self) -> dict[str, Any]:
        def floats(a: Floats) -> list[Any]:
            return np.round(a, 7).tolist()  # type: ignore[no-any-return]

        return {
            "format": FORMAT, "format_version": FORMAT_VERSION, "name": self.name,
            "version": self.version, "codebook": self.codebook, "embedder": self.embedder,
            "dim": self.dim, "themes": list(self.themes), "thresholds": floats(self.thresholds),
            "meta": self.meta, "mean": floats(self.mean), "scale": floats(self.scale),
            "bias": floats(self.bias), "coef": floats(self.coef),
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.document(), ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path | str) -> ThemeModel:
        """Read a model file; ``"bundled"`` is the model shipped with multivector."""
        p = BUNDLED if str(path) == "bundled" else Path(path)
        hint = "train one with `multivector train`, or use model: bundled"
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"themes: no model file {p}", hint=hint) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UsageError(f"themes: cannot read the model {p}: {exc}", hint=hint) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise UsageError(f"themes: {p} is not a multivector theme model", hint=hint)
        if doc.get("format_version") != FORMAT_VERSION:
            raise UsageError(
                f"themes: {p} has model format {doc.get('format_version')}, this multivector "
                f"reads {FORMAT_VERSION}", hint="retrain the model with this version")
        try:
            themes = tuple(str(t) for t in doc["themes"])
            arrays = {k: np.asarray(doc[k], dtype=np.float64)
                      for k in ("mean", "scale", "coef", "bias", "thresholds")}
            width = len(arrays["mean"])
            dim = int(doc["dim"])
            shapes_ok = (
                arrays["coef"].shape == (len(themes), width)
                and arrays["scale"].shape == (width,)
                and all(arrays[k].shape == (len(themes),) for k in ("bias", "thresholds"))
                and width == feature_width(dim, len(themes))
                and bool(np.all(arrays["scale"] > 0))
            )
            if not shapes_ok:
                raise ValueError("arrays of inconsistent shapes")
            return cls(str(doc["name"]), str(doc["version"]), themes, str(doc["codebook"]),
                       str(doc["embedder"]), dim, arrays["mean"], arrays["scale"],
                       arrays["coef"], arrays["bias"], arrays["thresholds"],
                       dict(doc.get("meta") or {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"themes: the model {p} is damaged ({exc})", hint=hint) from None


def feature_width(dim: int, n_themes: int) -> int:
    return dim + 4 * n_themes


def sentence_maxima(coder: ThemeCoder, doc: AnnotatedDocument, protos: Floats) -> Floats:
    """Per passage, the highest cosine of any of its sentences to each prototype: a theme one
    sentence of a long paragraph speaks to is diluted in the paragraph's own embedding."""
    from multivector.text.segment import sentences

    assert coder.embedder is not None
    spans = [sentences(doc.text, p.start, p.end) or [(p.start, p.end)] for p in doc.passages]
    texts = [" ".join(doc.text[s:e].split()) for group in spans for s, e in group]
    vectors = coder.embedder.encode(texts).astype(np.float64) @ protos.T
    out = np.zeros((len(doc.passages), protos.shape[0]))
    i = 0
    for row, group in enumerate(spans):
        out[row] = vectors[i : i + len(group)].max(axis=0)
        i += len(group)
    return out


Evidence = list[list[tuple[int, int, str, str]]]


def passage_features(coder: ThemeCoder, doc: AnnotatedDocument,
                     themes: tuple[str, ...]) -> tuple[Floats, Evidence]:
    """Features of each passage of ``doc`` (rows) and, per passage, the lexicon matches found
    (start, end, theme, label) to show as evidence."""
    from multivector.pipeline import prepared
    from multivector.pipeline.components.embed import ensure_embeddings

    assert coder.embedder is not None
    n, t = len(doc.passages), len(themes)
    column = {theme: j for j, theme in enumerate(themes)}
    emb = ensure_embeddings(doc, coder.embedder).astype(np.float64)
    protos = coder.prototypes()
    order = [protos.theme_ids.index(theme) for theme in themes]
    matrix = protos.matrix[order].astype(np.float64)
    sims = emb @ matrix.T
    maxima = sentence_maxima(coder, doc, matrix)
    strongest = np.zeros((n, t))
    counts = np.zeros((n, t))
    evidence: list[list[tuple[int, int, str, str]]] = [[] for _ in range(n)]
    row_of = {p.index: i for i, p in enumerate(doc.passages)}
    for p, start, end, entry in doc.place(coder.lexicon.find(prepared(doc))):
        j = column.get(entry.theme)
        if j is None:
            continue
        i = row_of[p.index]
        strongest[i, j] = max(strongest[i, j], KIND_SCORE[entry.kind])
        counts[i, j] += 1
        evidence[i].append((start, end, entry.theme, entry.label))
    return np.hstack([emb, sims, maxima, strongest, np.log1p(counts)]), evidence


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
