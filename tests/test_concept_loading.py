"""Loading edition files: valid files become domain objects; invalid ones say file:line: field."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multivector.adapters import knowledge_files as kf
from multivector.adapters.validation import validate_path
from multivector.adapters.yamlfile import parse_yaml
from multivector.domain.concept import Cue, ElementKind, EvidenceLevel, Tier
from multivector.errors import ValidationError
from multivector.services.knowledge import KnowledgeBase


def load(path: Path):  # type: ignore[no-untyped-def]
    return kf.load_edition_document(kf.read_document(path))


def test_valid_edition_becomes_frozen_domain_object(edition_data, write_yaml) -> None:
    ed = load(write_yaml("e.yaml", edition_data()))
    assert ed.id == "tst/2001-2010"
    assert ed.period == "2001-2010"
    assert str(ed.legal_act) == "Decree No. 12 of 3 February 2001"
    assert [e.id for e in ed][:2] == ["principle.balance", "priority.bilateral.russia"]
    el = ed.element("priority.bilateral.russia")
    assert el.kind is ElementKind.PRIORITY
    assert el.partners[0].tier is Tier.STRATEGIC_PARTNERSHIP
    assert ed.element("goal.citizens").level is EvidenceLevel.SECONDARY
    with pytest.raises(AttributeError):
        el.title = "changed"  # type: ignore[misc]


def test_unknown_field_is_reported_with_its_line(edition_data, write_yaml) -> None:
    data = edition_data()
    data["elements"][1]["colour"] = "red"
    path = write_yaml("e.yaml", data)
    problems = validate_path(path)
    assert len(problems) == 1
    p = problems[0]
    text = path.read_text().splitlines()
    assert p.file == str(path)
    assert p.field == "elements[1].colour"
    assert "colour" in text[p.line - 1]
    assert "unknown field" in p.message


def test_bad_enum_and_missing_evidence(edition_data, write_yaml) -> None:
    data = edition_data()
    data["elements"][0]["kind"] = "wish"
    data["elements"][2]["evidence"] = []
    problems = validate_path(write_yaml("e.yaml", data))
    fields = {p.field: p.message for p in problems}
    assert "elements[0].kind" in fields
    assert "principle" in fields["elements[0].kind"]  # the message lists the allowed kinds
    assert "elements[2].evidence" in fields


def test_evidence_must_cite_a_listed_source(edition_data, write_yaml) -> None:
    data = edition_data()
    data["elements"][0]["evidence"][0]["source"] = "nowhere"
    path = write_yaml("e.yaml", data)
    problems = validate_path(path)
    assert [p.field for p in problems] == ["elements[0].evidence[0].source"]
    assert "unknown source 'nowhere'" in problems[0].message
    with pytest.raises(ValidationError) as exc:
        load(path)
    assert str(exc.value).startswith(f"{path}:")


def test_unknown_tier_lists_the_scale(edition_data, write_yaml) -> None:
    data = edition_data()
    data["elements"][1]["partners"][0]["tier"] = "best friends"
    problems = validate_path(write_yaml("e.yaml", data))
    assert problems[0].field == "elements[1].partners[0].tier"
    assert "allied" in problems[0].message


def test_bad_dates_and_period(edition_data, write_yaml) -> None:
    data = edition_data(adopted="2001-02-30", period={"start": 2010, "end": 2001})
    fields = {p.field for p in validate_path(write_yaml("e.yaml", data))}
    assert {"adopted", "period"} <= fields


def test_duplicate_element_ids(edition_data, write_yaml) -> None:
    data = edition_data()
    data["elements"].append(dict(data["elements"][0]))
    problems = validate_path(write_yaml("e.yaml", data))
    assert any("duplicate element ids" in p.message for p in problems)


def test_cues_per_language_and_older_labels_become_cues(edition_data, write_yaml) -> None:
    data = edition_data()
    data["elements"][0]["cues"] = {"en": ["balanced relations", "multi-vector"],
                                   "ru": ["сбалансированные отношения"]}
    data["elements"][1]["labels"] = ["strategic partnership", "стратегическое партнерство"]
    ed = load(write_yaml("e.yaml", data))
    assert ed.element("principle.balance").cues == (
        Cue("balanced relations", "en"), Cue("multi-vector", "en"),
        Cue("сбалансированные отношения", "ru"))
    # a file written before cues existed still loads: each label in the language of its script
    assert ed.element("priority.bilateral.russia").cues == (
        Cue("strategic partnership", "en"), Cue("стратегическое партнерство", "ru"))
    assert ed.element("goal.citizens").cues == ()


@pytest.mark.parametrize("cues, message, at", [
    ({"en": ["союзнические отношения"]}, "move it to cues.ru", "cues:"),
    ({"ru": ["allied relations"]}, "move it to cues.en", "cues:"),
    ({"en": ["UN hub", "UN hub"]}, "listed twice", "cues:"),
    ({"en": ["  "]}, "an empty cue", "cues:"),
    ({"de": ["Partnerschaft"]}, "'en', 'ru' or 'kk'", "de:"),
    ({"en": "UN hub"}, "valid list", "en:"),
])
def test_a_bad_cue_is_a_located_problem(edition_data, write_yaml, cues, message, at) -> None:
    data = edition_data()
    data["elements"][2]["cues"] = cues
    path = write_yaml("e.yaml", data)
    problems = validate_path(path)
    assert len(problems) == 1, problems
    assert problems[0].field.startswith("elements[2].cues")
    assert message in problems[0].message
    assert at in path.read_text().splitlines()[problems[0].line - 1]


def test_yaml_syntax_error_names_the_line(write_yaml) -> None:
    path = write_yaml("bad.yaml", "id: x\nelements:\n  - id: [unclosed\n")
    problems = validate_path(path)
    assert problems[0].line is not None and problems[0].line >= 3
    assert problems[0].field == "(syntax)"


def test_empty_and_non_utf8_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert "empty" in validate_path(empty, "edition")[0].message
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: Caf\xe9".encode("latin-1"))
    assert "UTF-8" in validate_path(latin)[0].message


def test_unknown_theme_and_actor_are_caught_against_the_knowledge_base(
    edition_data, write_yaml
) -> None:
    data = edition_data()
    data["elements"][0]["themes"] = ["statecraft.telepathy"]
    data["elements"][1]["partners"][0]["actor"] = "XXX"
    path = write_yaml("e.yaml", data)
    kb = KnowledgeBase(extra_editions=[path.parent])
    doc = kf.read_document(path)
    problems = kb.check_edition_references(kf.load_edition_document(doc), doc)
    fields = sorted(p.field for p in problems)
    assert fields == ["elements[0].themes[0]", "elements[1].partners[0].actor"]
    assert all(p.line for p in problems)


def test_user_edition_folder_is_found_by_id(edition_data, write_yaml) -> None:
    path = write_yaml("tst/2001-2010.yaml", edition_data())
    kb = KnowledgeBase(extra_editions=[path.parent.parent])
    assert "tst/2001-2010" in kb.edition_ids()
    assert kb.edition("tst/2001-2010").title == "Test concept 2001-2010"


_words = st.text(alphabet=string.ascii_letters + " .,-'", min_size=1, max_size=40).filter(
    lambda s: s.strip() != ""
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_words, summary=_words, order=st.integers(-5, 500))
def test_any_text_roundtrips_through_yaml(edition_data, title, summary, order) -> None:
    data = edition_data()
    data["elements"][0].update(title=title.strip(), summary=summary.strip(), order=order)
    doc = parse_yaml(yaml.safe_dump(data, allow_unicode=True), "mem.yaml")
    ed = kf.load_edition_document(doc)
    assert ed.elements[0].title == title.strip()
    assert ed.elements[0].order == order


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["kind", "domain", "title", "evidence", "id"]),
       value=st.one_of(st.integers(), st.none(), st.lists(st.integers(), max_size=2)))
def test_wrong_types_always_give_a_located_problem(edition_data, field, value) -> None:
    data = edition_data()
    data["elements"][2][field] = value
    doc = parse_yaml(yaml.safe_dump(data), "mem.yaml")
    with pytest.raises(ValidationError) as exc:
        kf.load_edition_document(doc)
    assert any(p.field.startswith(f"elements[2].{field}") for p in exc.value.problems)
    assert all(p.line for p in exc.value.problems)


def test_a_cue_that_is_also_an_alternative_label_is_a_located_problem() -> None:
    theme = {
        "id": "multilateral",
        "definition": "Multilateral diplomacy and its institutions.",
        "labels": {"en": {"preferred": "United Nations",
                          "alternative": ["UN Charter", "General Assembly"]}},
        "cues": {"en": ["United Nations", "General Assembly"]},
    }
    text = yaml.safe_dump({"id": "cb", "version": "1", "themes": [theme]})
    with pytest.raises(ValidationError) as exc:
        kf.load_codebook_document(parse_yaml(text, "codebook.yaml"))
    [problem] = exc.value.problems  # the preferred label may be a cue; the alternative may not
    assert problem.field == "themes[0].cues.en[1]"
    assert "General Assembly" in problem.message
    assert "General Assembly" in text.splitlines()[problem.line - 1]
    theme["labels"]["en"]["alternative"] = ["UN Charter"]
    ok = kf.load_codebook_document(parse_yaml(yaml.safe_dump(
        {"id": "cb", "version": "1", "themes": [theme]}), "codebook.yaml"))
    assert ok.themes[0].cues == {"en": ("United Nations", "General Assembly")}


# --------------------------------------------------------------------------- cycles


@pytest.mark.parametrize(
    ("parents", "cycle"),
    [
        ({"ch1": "ch1"}, "ch1 -> ch1"),
        ({"ch1": "ch2", "ch2": "ch1"}, "ch1 -> ch2 -> ch1"),
        # element principle.balance has parent ch1
        ({"ch1": "ch2", "ch2": "principle.balance"}, "ch1 -> ch2 -> principle.balance -> ch1"),
    ],
    ids=["self", "two", "through-an-element"],
)
def test_a_parent_cycle_is_a_located_problem(edition_data, write_yaml, parents, cycle) -> None:
    data = edition_data()
    for node in data["structure"]:
        if node["id"] in parents:
            node["parent"] = parents[node["id"]]
    path = write_yaml("e.yaml", data)
    problems = validate_path(path)
    assert len(problems) == 1, problems  # one problem per cycle, not one per member
    [p] = problems
    assert p.field == "structure[0].parent"  # the cycle's member that comes first in the file
    assert f"parent cycle {cycle};" in p.message
    assert path.read_text().splitlines()[p.line - 1].strip().startswith("parent:")


def test_an_element_that_is_its_own_parent_is_reported(edition_data, write_yaml) -> None:
    data = edition_data()
    data["elements"][2]["parent"] = "goal.citizens"
    path = write_yaml("e.yaml", data)
    [p] = validate_path(path)
    assert p.field == "elements[2].parent"
    assert "parent cycle goal.citizens -> goal.citizens" in p.message
    with pytest.raises(ValidationError):
        load(path)


def test_parents_that_end_at_a_chapter_are_no_cycle(edition_data, write_yaml) -> None:
    data = edition_data()
    data["structure"][1]["parent"] = "ch1"
    data["elements"][3]["parent"] = "goal.citizens"  # element -> element -> ch2 -> ch1
    assert validate_path(write_yaml("e.yaml", data)) == []


def _edition(write_yaml, edition_data, ident: str, supersedes: str | None):  # type: ignore[no-untyped-def]
    path = write_yaml(f"{ident}.yaml", edition_data(id=ident, supersedes=supersedes))
    doc = kf.read_document(path)
    return kf.load_edition_document(doc), doc


def test_supersedes_in_a_line_is_fine_even_when_the_oldest_is_missing(
    edition_data, write_yaml
) -> None:
    eds = [
        _edition(write_yaml, edition_data, "tst/c", "tst/b"),
        _edition(write_yaml, edition_data, "tst/b", "tst/a"),  # tst/a is not in the set
    ]
    assert kf.supersedes_problems(eds) == []


def test_a_supersedes_cycle_is_one_problem_at_its_first_edition(edition_data, write_yaml) -> None:
    eds = [
        _edition(write_yaml, edition_data, "tst/x", None),
        _edition(write_yaml, edition_data, "tst/b", "tst/c"),
        _edition(write_yaml, edition_data, "tst/c", "tst/d"),
        _edition(write_yaml, edition_data, "tst/d", "tst/b"),
    ]
    [p] = kf.supersedes_problems(eds)
    doc = eds[1][1]
    assert (p.file, p.field) == (doc.name, "supersedes")
    assert "supersedes cycle tst/b -> tst/c -> tst/d -> tst/b" in p.message
    assert Path(doc.name).read_text().splitlines()[p.line - 1].startswith("supersedes:")


def test_an_edition_that_supersedes_itself(edition_data, write_yaml) -> None:
    ed, doc = _edition(write_yaml, edition_data, "tst/a", "tst/a")
    [p] = kf.supersedes_problems([(ed, doc)])
    assert p.line is not None and "tst/a supersedes itself" in p.message
    [p] = kf.supersedes_problems([(ed, None)])  # no document: the id stands for the file
    assert (p.file, p.line, p.field) == ("tst/a", None, "supersedes")


def test_a_later_edition_with_the_same_id_replaces_the_earlier(edition_data, write_yaml) -> None:
    looping = _edition(write_yaml, edition_data, "tst/a", "tst/b")
    other = _edition(write_yaml, edition_data, "tst/b", "tst/a")
    assert len(kf.supersedes_problems([looping, other])) == 1
    fixed = (kf.load_edition_document(kf.read_document(write_yaml(
        "user/a.yaml", edition_data(id="tst/a", supersedes="tst/older")))), None)
    assert kf.supersedes_problems([looping, other, fixed]) == []


def test_the_shipped_editions_have_no_supersedes_cycle() -> None:
    root = kf.data_root() / "editions" / "kaz"
    docs = [kf.read_document(f, f.name) for f in root.iterdir() if f.name.endswith(".yaml")]
    eds = [(kf.load_edition_document(doc), doc) for doc in docs]
    assert len(eds) >= 5 and any(ed.supersedes for ed, _ in eds)
    assert kf.supersedes_problems(eds) == []
