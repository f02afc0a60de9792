"""Evaluation against gold passages: reading gold files, per-label scores, averages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from multivector.errors import ValidationError
from multivector.pipeline import Context, Pipeline
from multivector.services.evaluate import (
    Evaluation,
    LabelScore,
    evaluate,
    evaluate_file,
    read_gold,
)
from multivector.services.knowledge import KnowledgeBase
from tests.test_corpus import FAST

GOLD = Path(__file__).resolve().parents[1] / "src/multivector/data/gold/passages-v1.jsonl"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    kb = KnowledgeBase()
    return Pipeline.from_config(FAST, Context(kb, kb.edition("kaz/2020-2030")))


def test_label_score_arithmetic() -> None:
    s = LabelScore("actors", "RUS", tp=3, fp=1, fn=2)
    assert (s.precision, s.recall) == (0.75, 0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert LabelScore("x", "y", 0, 0, 0).f1 == 0.0


def test_micro_and_macro_averages() -> None:
    ev = Evaluation((LabelScore("actors", "A", 9, 1, 0), LabelScore("actors", "B", 0, 0, 1)), 2)
    rows = {r["average"]: r for r in ev.averages()}
    assert rows["micro"]["precision"] == 0.9 and rows["micro"]["recall"] == 0.9
    assert rows["macro"]["recall"] == 0.5  # (1.0 + 0.0) / 2


def test_read_gold_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a", "text": "Kazakhstan."}\n{broken\n{"id": "c"}\n', encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        read_gold(path)
    assert [p.line for p in exc.value.problems] == [2, 3]


def test_evaluate_counts_hits_misses_and_spurious(tmp_path: Path, pipeline: Pipeline) -> None:
    rows = [
        {"id": "1", "lang": "en", "date": "2015-06-01", "country": "KAZ",
         "text": "Kazakhstan and China signed an agreement on transit in Beijing.",
         "actors": ["KAZ", "CHN"], "vectors": ["china"], "themes": [],
         "events": [{"type": "agreement_signed"}]},
        {"id": "2", "lang": "en", "date": "2015-06-01", "country": "KAZ",
         "text": "Our delegation met colleagues from Uzbekistan.",
         "actors": ["UZB", "TKM"], "vectors": ["central_asia"], "themes": [], "events": []},
    ]
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = evaluate(read_gold(path), pipeline)
    scores = {(s.layer, s.label): s for s in result.scores}
    assert scores[("actors", "CHN")].tp == 1 and scores[("actors", "KAZ")].tp == 1
    assert scores[("actors", "TKM")].fn == 1  # expected, never named: a miss
    assert scores[("vectors", "china")].tp == 1
    assert scores[("events", "agreement_signed")].tp == 1
    assert result.passages == 2
    assert any(e["id"] == "2" and "TKM" in e["missed"] for e in result.errors)


def test_shipped_gold_set_parses_and_scores_sensibly(pipeline: Pipeline) -> None:
    gold = read_gold(GOLD)
    assert len(gold) >= 100
    assert {g.lang for g in gold} == {"en", "ru"}
    for layer in ("actors", "vectors", "themes", "events"):  # every layer is labelled
        assert sum(len(g.expected.get(layer, ())) for g in gold) > len(gold) // 3, layer
    result = evaluate(gold, pipeline)
    micro = {r["layer"]: r for r in result.averages() if r["average"] == "micro"}
    # regression guards, well below the figures measured (see docs/quality.md)
    assert micro["actors"]["f1"] >= 0.9
    assert micro["vectors"]["f1"] >= 0.85
    assert micro["events"]["f1"] >= 0.6


@pytest.mark.parametrize("path", sorted(GOLD.parent.glob("passages-*.jsonl")),
                         ids=lambda p: p.name)
def test_every_gold_label_exists_in_the_knowledge_base(path: Path) -> None:
    kb = KnowledgeBase()
    theme_ids = {t.id for t in kb.codebook}
    leaves = {t for t in theme_ids if not any(u.startswith(t + ".") for u in theme_ids)}
    vectors = {v.id for v in kb.vectors.vectors}
    from multivector.text.event_rules import EVENT_TYPES

    gold = read_gold(path)
    ids = [g.id for g in gold]
    assert len(ids) == len(set(ids))
    problems = []
    for g in gold:
        ex = g.expected
        problems += [f"{g.id}: actor {a}" for a in ex.get("actors", ()) if a not in kb.registry]
        problems += [f"{g.id}: theme {t}" for t in ex.get("themes", ()) if t not in leaves]
        problems += [f"{g.id}: vector {v}" for v in ex.get("vectors", ()) if v not in vectors]
        problems += [f"{g.id}: event {e}" for e in ex.get("events", ()) if e not in EVENT_TYPES]
    assert {g.lang for g in gold} == {"en", "ru"}
    for layer in ("actors", "vectors", "themes", "events"):  # every layer is labelled
        assert sum(len(g.expected.get(layer, ())) for g in gold) > len(gold) // 3, layer
    assert problems == []


def write_gold(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_a_line_is_scored_on_the_layers_it_carries(tmp_path: Path, pipeline: Pipeline) -> None:
    rows = [{"id": "1", "lang": "en", "country": "KAZ",
             "text": "Kazakhstan and China signed an agreement on transit in Beijing.",
             "actors": ["KAZ", "CHN"]}]
    [g] = read_gold(write_gold(tmp_path, rows))
    assert set(g.expected) == {"actors"}
    result = evaluate([g], pipeline)
    assert {s.layer for s in result.scores} == {"actors"}  # no vectors, themes, events scored
    assert {r["layer"] for r in result.averages()} == {"actors"}


ELEMENT_ROWS: list[dict[str, object]] = [
    {"id": "e1", "lang": "en", "country": "KAZ", "edition": "KAZ/2020-2030",
     "text": "The UN hub in Almaty should become a regional SDG centre.",
     "elements": ["priority.multilateral.un"]},
    {"id": "e2", "lang": "ru", "country": "KAZ", "edition": "kaz/2020-2030",
     "text": "Казахстан укрепляет позиции лидирующего государства в регионе.",
     "elements": ["goal.leading_state_in_region"]},
    {"id": "e3", "lang": "en", "country": "KAZ", "edition": "kaz/2020-2030",
     "text": "Central Asia and the United Nations work together on the Sustainable Development "
             "Goals, with Russia.", "elements": []},
    {"id": "e4", "lang": "en", "country": "KAZ", "edition": "kaz/2014-2020",
     "text": "Drug trafficking from Afghanistan remains a threat to the whole region.",
     "elements": ["threat.afghanistan_spillover"]},
]


def test_elements_are_scored_per_edition_strong_and_all(tmp_path: Path) -> None:
    kb = KnowledgeBase()
    result = evaluate_file(write_gold(tmp_path, ELEMENT_ROWS), kb, config=FAST)
    scores = {(s.layer, s.label): s for s in result.scores}
    assert {s.layer for s in result.scores} == {"elements", "elements_all"}
    hub = scores[("elements", "priority.multilateral.un")]
    assert (hub.tp, hub.fn) == (1, 0)
    assert scores[("elements", "goal.leading_state_in_region")].tp == 1
    assert scores[("elements", "threat.afghanistan_spillover")].tp == 1  # coded against 2014
    # a theme with a partner is no strong evidence, but it counts among all routes
    assert scores[("elements", "priority.multilateral.un")].fp == 0
    assert scores[("elements_all", "priority.multilateral.un")].fp >= 1
    records = {(r["layer"], r["label"]) for r in result.records()}
    assert ("elements", "priority.multilateral.un") in records


@pytest.mark.parametrize("row, field, message", [
    ({"elements": ["priority.multilateral.un"]}, "elements", "need an edition"),
    ({"edition": "kaz/2020-2030", "elements": ["priority.unknown"]}, "elements",
     "not an element of kaz/2020-2030"),
    ({"edition": "kaz/2099", "elements": []}, "edition", "kaz/2099"),
])
def test_element_lines_are_checked_against_their_edition(
    tmp_path: Path, row: dict[str, object], field: str, message: str
) -> None:
    path = write_gold(tmp_path, [{"id": "ok", "text": "Kazakhstan."},
                                 {"id": "bad", "text": "Some text.", **row}])
    with pytest.raises(ValidationError) as exc:
        evaluate_file(path, KnowledgeBase(), config=FAST)
    [problem] = exc.value.problems
    assert (problem.line, problem.field) == (2, field) and message in problem.message


def test_malformed_element_fields_are_line_problems(tmp_path: Path) -> None:
    path = write_gold(tmp_path, [{"id": "a", "text": "x", "elements": "priority.x"},
                                 {"id": "b", "text": "x", "edition": 2020}])
    with pytest.raises(ValidationError) as exc:
        read_gold(path)
    assert [p.line for p in exc.value.problems] == [1, 2]


def test_every_element_gold_file_names_known_elements() -> None:
    kb = KnowledgeBase()
    for path in sorted(GOLD.parent.glob("elements-*.jsonl")):
        gold = read_gold(path)
        assert gold and all(g.edition and "elements" in g.expected for g in gold), path.name
        ids = [g.id for g in gold]
        assert len(ids) == len(set(ids)), path.name
        for g in gold:
            ed = kb.edition(str(g.edition))
            assert all(e in ed for e in g.expected["elements"]), (path.name, g.id)
