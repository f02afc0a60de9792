"""Concepts of two more states beside Kazakhstan's (issue 11, section 5): Russia's of 2016 and
2023 and Tajikistan's of 2015. They are listed wherever editions are, carry honest evidence, and
a diff of two states' editions says how each tiers the other instead of reading as a change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from multivector.domain.concept import EvidenceLevel, Tier
from multivector.domain.diff import diff_editions
from multivector.interfaces.cli import app
from multivector.services.knowledge import KnowledgeBase

NEW = ("rus/2016", "rus/2023", "tjk/2015")
CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
# sources whose content is the official text (the state's own site, or a reproduction of the
# official text): the only ones official evidence may cite in the new editions
OFFICIAL_TEXT = {"rus/2016": {"cislegislation", "voltairenet"},
                 "rus/2023": {"sputnik_text", "reseau_text"},
                 "tjk/2015": {"mfa_tj"}}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


def test_the_new_editions_load_and_chain(kb: KnowledgeBase) -> None:
    assert set(NEW) <= set(kb.edition_ids())
    assert [e.id for e in kb.editions("RUS")] == ["rus/2016", "rus/2023"]
    assert kb.edition("rus/2023").supersedes == "rus/2016"
    assert kb.edition("rus/2016").period_end == 2023
    acts = {i: kb.edition(i).legal_act for i in NEW}
    assert {i: (a.number, str(a.date)) for i, a in acts.items() if a} == {
        "rus/2016": ("640", "2016-11-30"), "rus/2023": ("229", "2023-03-31"),
        "tjk/2015": ("332", "2015-01-27")}
    assert [p.number for p in acts["rus/2016"].provisions] == ["1", "2", "3"]  # type: ignore[union-attr]


def test_official_evidence_only_where_the_official_text_was_read(kb: KnowledgeBase) -> None:
    for ident in NEW:
        ed = kb.edition(ident)
        levels = {ev.level for el in ed for ev in el.evidence}
        assert EvidenceLevel.OFFICIAL in levels and EvidenceLevel.SECONDARY in levels, ident
        for el in ed:
            for ev in el.evidence:
                if ev.level is EvidenceLevel.OFFICIAL:
                    assert ev.source in OFFICIAL_TEXT[ident], (ident, el.id, ev.source)
        assert ed.completeness.level == "fragmentary" and ed.completeness.missing


def test_partners_are_named_without_tiers_the_sources_do_not_give(kb: KnowledgeBase) -> None:
    eaeu = kb.edition("rus/2016").element("priority.multilateral.eaeu")
    assert {p.actor for p in eaeu.partners} == {"ARM", "BLR", "KAZ", "KGZ"}
    tiers_2023 = kb.edition("rus/2023").partner_tiers()
    assert set(CENTRAL_ASIA) <= set(tiers_2023)
    assert all(tiers_2023[c].tier is None for c in CENTRAL_ASIA)
    assert kb.edition("tjk/2015").partner_tiers() == {}  # no partner wording was reached
    assert kb.edition("kaz/2020-2030").partner_tiers()["RUS"].tier is Tier.ALLIED


def test_a_cross_country_diff_says_how_each_tiers_the_other(kb: KnowledgeBase) -> None:
    d = diff_editions(kb.edition("kaz/2020-2030"), kb.edition("rus/2023"))
    assert d.cross_country
    kaz_on_rus, rus_on_kaz = d.mutual
    assert (kaz_on_rus.holder, kaz_on_rus.partner) == ("kaz/2020-2030", "RUS")
    assert kaz_on_rus.relation is not None and kaz_on_rus.relation.tier is Tier.ALLIED
    assert (rus_on_kaz.holder, rus_on_kaz.partner) == ("rus/2023", "KAZ")
    assert rus_on_kaz.relation is not None and rus_on_kaz.relation.tier is None
    assert rus_on_kaz.elements == ("priority.regional.central_asia",)
    partners = {r.partner for r in d.relations}
    assert not partners & {"KAZ", "RUS"}  # each state's view of the other is not a change
    assert {"KGZ", "TJK", "TKM", "UZB", "CHN", "BLR"} <= partners
    assert d.relation("CHN").after is None and d.relation("BLR").before is None
    # the same state's editions have no mutual rows
    assert diff_editions(kb.edition("rus/2016"), kb.edition("rus/2023")).mutual == ()


def test_a_neighbour_that_names_no_partner_shows_as_such(kb: KnowledgeBase) -> None:
    d = diff_editions(kb.edition("tjk/2015"), kb.edition("rus/2023"))
    tjk_on_rus, rus_on_tjk = d.mutual
    assert tjk_on_rus.relation is None and tjk_on_rus.elements == ()
    assert rus_on_tjk.relation is not None and rus_on_tjk.relation.actor == "TJK"


def test_the_cli_lists_the_new_editions_and_diffs_across_countries() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["concepts", "--format", "json"])
    assert listed.exit_code == 0
    assert set(NEW) <= {e["id"] for e in json.loads(listed.stdout)["editions"]}
    shown = runner.invoke(app, ["diff", "kaz/2020-2030", "rus/2023", "--brief"])
    assert shown.exit_code == 0, shown.stdout
    text = " ".join(shown.stdout.split())
    assert "How each tiers the other" in text
    assert "kaz/2020-2030 on RUS: allied" in text and "rus/2023 on KAZ: untiered" in text


def test_the_diff_page_sets_two_states_side_by_side(web_db: Path) -> None:
    from multivector.interfaces.web import WebSettings, create_app

    client = TestClient(create_app(WebSettings(db=str(web_db), read_only=True)))
    page = client.get("/diff", params={"a": "kaz/2020-2030", "b": "rus/2023"})
    assert page.status_code == 200
    assert "How each tiers the other" in page.text and "allied" in page.text
    same_state = client.get("/diff", params={"a": "kaz/1995", "b": "kaz/2001"})
    assert "How each tiers the other" not in same_state.text
    assert "Context of the time" in same_state.text
    assert "priority.multilateral.nato" in same_state.text


def test_the_concept_explorer_lists_the_new_editions(web_db: Path) -> None:
    from multivector.interfaces.web import WebSettings, create_app

    client = TestClient(create_app(WebSettings(db=str(web_db), read_only=True)))
    page = client.get("/editions")
    assert page.status_code == 200
    for ident in NEW:
        assert ident in page.text
    one = client.get("/editions/rus/2023")
    assert one.status_code == 200 and "country-civilisation" in one.text
