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
from multivector.domain.concept import ElementKind, EvidenceLevel, Tier
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
