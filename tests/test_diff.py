"""Diffs of hand-made editions: every change type, relation tiers up and down, counts, claims."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from multivector.adapters import knowledge_files as kf
from multivector.adapters.yamlfile import parse_yaml
from multivector.domain.concept import Tier
from multivector.domain.diff import ChangeType, diff_editions
from tests.conftest import base_edition


def edition(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    return kf.load_edition_document(parse_yaml(yaml.safe_dump(data), f"{data['id']}.yaml"))


@pytest.fixture
def pair():  # type: ignore[no-untyped-def]
    old = base_edition()
    new = copy.deepcopy(old)
    new.update(id="tst/2011-2020", period={"start": 2011, "end": 2020}, supersedes=old["id"])
    els = {e["id"]: e for e in new["elements"]}
    # reworded
    els["principle.balance"]["summary"] = "Balance relations among all major powers."
    # tier up, and a new partner
    els["priority.bilateral.russia"]["partners"] = [
        {"actor": "RUS", "wording": "allied relations", "tier": "allied"},
    ]
    # goal raised to a principle, moved to chapter 1, with a new claim value
    els["goal.citizens"].update(kind="principle", parent="ch1", order=2)
    els["goal.citizens"]["evidence"][0]["claim"]["value"] = 14
    # removed
    new["elements"] = [e for e in new["elements"] if e["id"] != "priority.old"]
    # added, with a partner that is new, and recoded themes
    new["elements"].append({
        "id": "priority.bilateral.china", "kind": "priority", "domain": "bilateral",
        "title": "China", "summary": "Develop the partnership with China.",
        "themes": ["economy.trade"],
        "partners": [{"actor": "CHN", "wording": "comprehensive strategic partnership",
                      "tier": "comprehensive_strategic_partnership"}],
        "parent": "ch2", "order": 4,
        "evidence": [{"source": "text", "locator": "ch. 2 para 4", "level": "official"}],
    })
    return edition(old), edition(new)


def test_change_types(pair) -> None:
    d = diff_editions(*pair)
    by_type = {t: [c.element for c in d.of_type(t)] for t in ChangeType}
    assert by_type[ChangeType.ADDED] == ["priority.bilateral.china"]
    assert by_type[ChangeType.REMOVED] == ["priority.old"]
    assert by_type[ChangeType.REWORDED] == ["principle.balance"]
    assert by_type[ChangeType.RECLASSIFIED] == ["goal.citizens"]
    assert by_type[ChangeType.MOVED] == ["goal.citizens"]
    assert by_type[ChangeType.RECODED] == []
    assert d.unchanged == ("priority.bilateral.russia",)


def test_reclassification_reads_as_raised(pair) -> None:
    change = diff_editions(*pair).of_type("reclassified")[0]
    assert change.detail == "raised from goal to principle"
    assert change.before == "goal/consular" and change.after == "principle/consular"
    assert {r.source for r in change.evidence} == {"essay"}


def test_relations_up_and_new(pair) -> None:
    d = diff_editions(*pair)
    rus = d.relation("RUS")
    assert rus.direction == "up"
    assert rus.steps == Tier.ALLIED - Tier.STRATEGIC_PARTNERSHIP
    assert d.relation("CHN").direction == "new"
    back = diff_editions(pair[1], pair[0])
    assert back.relation("RUS").direction == "down"
    assert back.relation("CHN").direction == "dropped"


def test_claims_side_by_side(pair) -> None:
    row = diff_editions(*pair).claim("economic_priorities_count")
    assert (row.before, row.after, row.changed) == (9, 14, True)
    assert [r.source for r in row.sources_after] == ["essay"]


def test_counts_per_kind_domain_theme(pair) -> None:
    counts = {(r.facet, r.value): (r.before, r.after) for r in diff_editions(*pair).counts}
    assert counts[("kind", "principle")] == (1, 2)
    assert counts[("kind", "goal")] == (1, 0)
    assert counts[("kind", "priority")] == (2, 2)
    assert counts[("theme", "economy.trade")] == (0, 1)
    assert counts[("domain", "economic")] == (1, 0)


def test_identical_editions_have_no_changes(pair) -> None:
    d = diff_editions(pair[0], pair[0])
    assert d.changes == ()
    assert all(r.direction == "same" for r in d.relations)
    assert d.summary()["unchanged"] == len(pair[0])


def test_recoded_and_rank_move(pair) -> None:
    a, _ = pair
    data = base_edition()
    data["elements"][0]["themes"] = ["statecraft.multivector", "statecraft.sovereignty"]
    data["elements"][1]["order"] = 7
    d = diff_editions(a, edition(data))
    recoded = d.of_type("recoded")
    assert [c.element for c in recoded] == ["principle.balance"]
    assert recoded[0].detail == "+statecraft.sovereignty"
    moved = d.of_type("moved")
    assert [c.detail for c in moved] == ["rank 1 -> 7"]


def test_to_frame_has_one_row_per_change(pair) -> None:
    d = diff_editions(*pair)
    frame = d.to_frame()
    assert len(frame) == len(d.changes)
    assert {"type", "element", "evidence"} <= set(frame.columns)
    assert "text (official) ch. 2 para 4" in set(frame["evidence"])
