"""The model card of a trained theme coder, as Markdown: what it was trained on, how well it
does per theme (cross-validated, with intervals; blind on a held-out set when one was scored),
and where it fails. The card is computed from the model file's own record, so a card can never
describe another model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from multivector.pipeline.components.theme_model import BUNDLED, ThemeModel

THIN_SUPPORT = 15  # fewer labelled passages: scores are read as indications only
GENERAL_FAILURES = (
    "It codes what a passage is about, not the speaker's stance: a passage that rejects or "
    "criticises a subject gets the same theme as one that supports it.",
    "Paragraphs that list many subjects in passing tend to get too many themes; the codebook "
    "codes only subjects a passage says something about.",
    "It was trained on UN General Debate paragraphs of four Central Asian states and on texts "
    "the team wrote; news, ministry statements and Kazakh text are outside what it has seen. "
    "Russian rests on about a hundred written passages.",
    "Thresholds maximise F1 on out-of-fold predictions; a theme's precision and recall trade "
    "against each other and may not suit every use.",
)


def _f(x: Any) -> str:
    return "-" if x is None else f"{x:.2f}"


def markdown(model: ThemeModel) -> str:
    m = model.meta
    cv = m.get("cross_validation", {})
    settings = m.get("settings", {})
    lines = [
        f"# Model card: {model.ident}",
        "",
        f"A theme coder for the codebook `{model.codebook}`: one logistic regression per theme "
        f"over frozen features of a passage (its `{model.embedder}` embedding, its similarity to "
        "each theme's definition and labels, the best sentence's similarity, and the lexicon's "
        "matches), with a decision threshold per theme. Enable it with the pipeline setting "
        "`themes: {model: FILE}` (`bundled` for the shipped one); without it the lexicon codes.",
        "",
        "## Training data",
        "",
        f"- {m.get('passages', '?')} labelled passages; languages "
        + ", ".join(f"{k} {v}" for k, v in sorted(m.get("languages", {}).items()))
        + "; speakers " + ", ".join(f"{k} {v}" for k, v in sorted(m.get("countries", {}).items()))
        + "; origin "
        + ", ".join(f"{k} {v}" for k, v in sorted(m.get("origins", {}).items())) + ".",
        f"- Sources: {', '.join(m.get('sources', [])) or '-'}; data SHA-256 "
        f"`{str(m.get('data_sha256', ''))[:16]}...`; trained {m.get('trained_at', '?')}.",
        f"- Settings: C {settings.get('c')}, lexicon weight {settings.get('lexicon_weight')}, "
        f"balanced class weights, themes with at least {settings.get('min_positives')} "
        "labelled passages.",
        "",
        "## Cross-validated scores",
        "",
        f"{cv.get('repeats', '?')} x {cv.get('folds', '?')}-fold cross-validation, passages of "
        "one document kept in one fold; each fold chose its thresholds by an inner "
        "cross-validation of its training part. Intervals: 2.5-97.5 percentiles over repeats and "
        f"a bootstrap of passages. Macro-F1 **{_f(cv.get('macro_f1'))}** "
        f"[{_f(cv.get('macro_f1_low'))}, {_f(cv.get('macro_f1_high'))}].",
        "",
        "| theme | support | precision | recall | F1 | F1 interval | threshold |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    thresholds = dict(zip(model.themes, model.thresholds.tolist(), strict=True))
    rows = m.get("themes", [])
    for r in rows:
        flag = " (thin)" if r["support"] < THIN_SUPPORT else ""
        lines.append(
            f"| {r['theme']}{flag} | {r['support']} | {_f(r['precision'])} | {_f(r['recall'])} "
            f"| {_f(r['f1'])} | {_f(r['f1_low'])}-{_f(r['f1_high'])} | "
            f"{thresholds.get(r['theme'], 0.5):.3f} |")
    heldout = m.get("heldout")
    if heldout:
        lines += [
            "",
            "## Blind evaluation on held-out passages",
            "",
            f"{heldout.get('description', '')}",
            "",
            f"Macro-F1 over the {heldout.get('themes_scored')} themes present: model "
            f"**{_f(heldout.get('model_macro_f1'))}**, lexicon coder "
            f"{_f(heldout.get('lexicon_macro_f1'))} on the same passages; over the "
            f"{heldout.get('themes_with_5')} themes with at least 5 passages: model "
            f"**{_f(heldout.get('model_macro_f1_5'))}**, lexicon coder "
            f"{_f(heldout.get('lexicon_macro_f1_5'))}. Themes the model leaves to the lexicon "
            "are scored as the pipeline codes them.",
            "",
            "| theme | support | model P | model R | model F1 | lexicon F1 |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in heldout.get("themes", []):
            lines.append(f"| {r['theme']} | {r['support']} | {_f(r['precision'])} | "
                         f"{_f(r['recall'])} | {_f(r['f1'])} | {_f(r.get('lexicon_f1'))} |")
    lines += ["", "## Known failure modes", ""]
    weak = [r for r in rows if r["f1"] < 0.6]
    if weak:
        lines.append("- Weak themes (cross-validated F1 below 0.60): " + ", ".join(
            f"{r['theme']} ({_f(r['f1'])}, "
            f"{'recall' if r['recall'] < r['precision'] else 'precision'} is the weaker side)"
            for r in weak) + ".")
    thin = [r["theme"] for r in rows if r["support"] < THIN_SUPPORT]
    if thin:
        lines.append(f"- Fewer than {THIN_SUPPORT} labelled passages, scores are indications: "
                     + ", ".join(thin) + ".")
    for note in m.get("failure_modes", []):
        lines.append(f"- {note}")
    lines += [f"- {x}" for x in GENERAL_FAILURES]
    left = m.get("left_to_lexicon", {})
    if left:
        lines.append("- Themes with too few labelled passages are not in the model: the lexicon "
                     "codes them (listed below), with the lexicon's own precision and recall.")
    if left:
        lines += ["", "## Themes left to the lexicon", "",
                  ", ".join(f"{k} ({v} labelled)" for k, v in sorted(left.items())) + "."]
    return "\n".join(lines) + "\n"


def model_file(ref: str | Path) -> Path:
    """The file a model reference names: ``bundled`` is the model shipped with multivector."""
    return BUNDLED if str(ref) == "bundled" else Path(ref)


def load(ref: str | Path) -> ThemeModel:
    """The theme model ``ref`` names (a file, or ``bundled``), for interfaces that show it."""
    return ThemeModel.load(ref)


def card_document(model: ThemeModel) -> dict[str, Any]:
    """The card as data: the model's identity, its record (training data, settings, scores),
    its themes and their decision thresholds, and the card as Markdown."""
    return {
        "model": model.ident, "name": model.name, "version": model.version,
        "codebook": model.codebook, "embedder": model.embedder, "themes": list(model.themes),
        "thresholds": {t: round(float(x), 4)
                       for t, x in zip(model.themes, model.thresholds.tolist(), strict=True)},
        "meta": model.meta, "markdown": markdown(model),
    }


def card_of(model: str) -> str:
    """The card of the model file ``model`` (``bundled``: the shipped one)."""
    return markdown(ThemeModel.load(model))
