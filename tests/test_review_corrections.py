"""The corrections a review of Kazakhstan's shipped editions asked for (issue 11, section 4), and
the schema they use: disagreements about named elements, the approving act's operative points,
and elements that record the context of their time rather than the concept's content."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from multivector.adapters import knowledge_files as kf
from multivector.adapters.validation import validate_path
from multivector.adapters.yamlfile import parse_yaml
from multivector.domain.concept import EvidenceLevel
from multivector.domain.diff import ChangeType, diff_editions
from multivector.services.knowledge import KnowledgeBase
from tests.conftest import base_edition


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


def _edition(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    return kf.load_edition_document(parse_yaml(yaml.safe_dump(data), f"{data['id']}.yaml"))


# ---------------------------------------------------------------- schema


def test_a_disagreement_names_elements_of_its_edition(edition_data, write_yaml) -> None:
    data = edition_data()
    ids = [e["id"] for e in data["elements"]][:2]
    data["disagreements"] = [{"field": "order", "note": "Sources rank these differently.",
                              "sources": [data["sources"][0]["id"]], "elements": ids}]
    assert validate_path(write_yaml("ok.yaml", data)) == []
    data["disagreements"][0]["elements"] = [ids[0], "priority.nowhere"]
    problems = validate_path(write_yaml("bad.yaml", data))
    assert [p.field for p in problems] == ["disagreements[0].elements"]
    assert "unknown element 'priority.nowhere'" in problems[0].message


def test_provisions_of_the_legal_act_cite_a_listed_source(edition_data, write_yaml) -> None:
    data = edition_data()
    source = data["sources"][0]["id"]
    data["legal_act"] = {"kind": "decree", "number": "1", "provisions": [
        {"number": "1", "summary": "Approves the concept.", "source": source, "locator": "p. 1"}]}
    path = write_yaml("ok.yaml", data)
    assert validate_path(path) == []
    act = kf.load_edition_document(parse_yaml(path.read_text(), str(path))).legal_act
    assert act is not None and act.provisions[0].summary == "Approves the concept."
    data["legal_act"]["provisions"][0]["source"] = "elsewhere"
    problems = validate_path(write_yaml("bad.yaml", data))
    assert [p.field for p in problems] == ["legal_act.provisions[0].source"]


def test_scope_takes_only_concept_or_context(edition_data, write_yaml) -> None:
    data = edition_data()
    data["elements"][0]["scope"] = "background"
    problems = validate_path(write_yaml("bad.yaml", data))
    assert [p.field for p in problems] == ["elements[0].scope"]


def test_context_elements_are_listed_apart_in_a_diff() -> None:
    old = base_edition()
    new = copy.deepcopy(old)
    new.update(id="tst/2011-2020", period={"start": 2011, "end": 2020}, supersedes=old["id"])
    dropped = old["elements"][-1]["id"]
    new["elements"] = [e for e in new["elements"] if e["id"] != dropped]
    plain = diff_editions(_edition(old), _edition(new))
    assert dropped in {c.element for c in plain.of_type(ChangeType.REMOVED)}
    assert plain.context == ()

    old["elements"][-1]["scope"] = "context"
    marked = diff_editions(_edition(old), _edition(new))
    assert dropped not in {c.element for c in marked.changes}
    assert marked.context == (dropped,)
    kind = old["elements"][-1]["kind"]
    before = {r.value: r.before for r in plain.counts if r.facet == "kind"}
    after = {r.value: r.before for r in marked.counts if r.facet == "kind"}
    assert after.get(kind, 0) == before[kind] - 1  # not counted as content either


def test_a_context_element_declares_no_partner_tier(edition_data) -> None:
    data = edition_data()
    holder = next(e for e in data["elements"] if e.get("partners"))
    partner = holder["partners"][0]["actor"]
    data["elements"] = [holder | {"scope": "context"}]
    assert partner not in _edition(data).partner_tiers()


# ---------------------------------------------------------------- the shipped corrections


def test_the_deputy_ministers_article_is_secondary_evidence(kb: KnowledgeBase) -> None:
    ed = kb.edition("kaz/2014-2020")
    cited = [ev for el in ed for ev in el.evidence if ev.source == "mfa_koishybayev"]
    assert cited and all(ev.level is EvidenceLevel.SECONDARY for ev in cited)
    assert ed.source("mfa_koishybayev").kind.value == "secondary"
    assert ed.element("priority.regional.central_asia").level is EvidenceLevel.SECONDARY


def test_the_order_of_central_asia_and_russia_is_a_recorded_disagreement(
    kb: KnowledgeBase,
) -> None:
    ed = kb.edition("kaz/2014-2020")
    pair = {"priority.regional.central_asia", "priority.bilateral.russia"}
    found = [d for d in ed.disagreements if set(d.elements) == pair]
    assert len(found) == 1 and found[0].field == "order"
    assert {"seed001", "conway"} <= set(found[0].sources)
    # the file takes no side: neither is ranked above the other
    assert len({ed.element(i).order for i in pair}) == 1


def test_the_2020_decree_has_its_five_operative_points(kb: KnowledgeBase) -> None:
    ed = kb.edition("kaz/2020-2030")
    act = ed.legal_act
    assert act is not None and (act.number, str(act.date)) == ("280", "2020-03-06")
    assert [p.number for p in act.provisions] == ["1", "2", "3", "4", "5"]
    assert all(p.source == "adilet_280_en" for p in act.provisions)
    assert "741" in act.provisions[3].summary  # the repeal of the 2014 decree
    assert ed.source("adilet_280_en").kind.value == "official"
    chapters = [n for n in ed.structure if n.level == "chapter"]
    assert [n.id for n in chapters] == ["ch1", "ch2"]
    assert all(e.parent in {"ch1", "ch2", None} for e in ed)


def test_show_full_says_which_elements_are_context() -> None:
    import json

    from typer.testing import CliRunner

    from multivector.interfaces.cli import app

    out = CliRunner().invoke(app, ["show", "kaz/1995", "--full", "--format", "json"])
    assert out.exit_code == 0
    scopes = {e["id"]: e["scope"] for e in json.loads(out.stdout)["elements"]}
    assert scopes["priority.multilateral.nato"] == "context"
    assert scopes["principle.multivector"] == "concept"


def test_the_1995_context_no_longer_reads_as_dropped_priorities(kb: KnowledgeBase) -> None:
    d = diff_editions(kb.edition("kaz/1995"), kb.edition("kaz/2001"))
    context = {"priority.security.non_proliferation", "priority.multilateral.nato",
               "priority.multilateral.oic"}
    removed = {c.element for c in d.of_type(ChangeType.REMOVED)}
    assert not context & removed
    assert set(d.context) == context
    assert not any(c.kind == "priority" for c in d.of_type(ChangeType.REMOVED))
    assert all(kb.edition("kaz/1995").element(i).is_context for i in context)
