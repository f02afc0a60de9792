"""The shipped knowledge base: it validates, every element is evidenced, and the diff of
Kazakhstan's 2014-2020 and 2020-2030 concepts shows what the seed articles report."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest

from multivector.adapters.validation import validate_path
from multivector.domain.concept import EvidenceLevel, Tier
from multivector.domain.diff import ChangeType, diff_editions
from multivector.services.knowledge import KnowledgeBase

DATA = Path(__file__).resolve().parents[1] / "src/multivector/data"
LEAVES = """security.nuclear security.terrorism security.transnational_crime security.conflicts_peace
security.arms_defence security.cyber_information economy.trade economy.integration
economy.investment economy.transit_transport economy.energy economy.technology
environment.climate environment.water_ecology development.sdg_aid health multilateral.un
multilateral.organisations regional.central_asia regional.caspian humanitarian.human_rights
humanitarian.dialogue_culture consular.citizens_abroad statecraft.sovereignty
statecraft.multivector statecraft.diplomatic_service""".split()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_validates(path: Path) -> None:
    assert validate_path(path) == []


def test_all_editions_load_with_valid_references(kb: KnowledgeBase) -> None:
    ids = kb.edition_ids()
    assert {"kaz/1995", "kaz/2005", "kaz/2014-2020", "kaz/2020-2030"} <= set(ids)
    for ident in ids:
        ed = kb.edition(ident)
        assert kb.check_edition_references(ed) == []
        assert ed.completeness.statement
        if ed.supersedes:
            assert kb.edition(ed.supersedes).period_start <= ed.period_start


def test_every_element_has_evidence_from_a_listed_source(kb: KnowledgeBase) -> None:
    for ed in kb.editions():
        source_ids = {s.id for s in ed.sources}
        for el in ed:
            assert el.evidence, f"{ed.id} {el.id}"
            for ev in el.evidence:
                assert ev.source in source_ids and ev.locator.strip()
                if ev.level is EvidenceLevel.UNVERIFIED:
                    assert ev.note, f"{ed.id} {el.id}: unverified evidence must say why"


def test_official_sources_are_located(kb: KnowledgeBase) -> None:
    for ed in kb.editions():
        for s in ed.sources:
            assert s.url or s.seed
            if s.seed:
                assert (Path(__file__).resolve().parents[2] / "shared/seeds" / s.seed).exists() \
                    or not (Path(__file__).resolve().parents[2] / "shared/seeds").exists()


def test_codebook_keeps_the_issue_ids_and_is_complete(kb: KnowledgeBase) -> None:
    cb = kb.codebook
    assert set(LEAVES) <= {t.id for t in cb}
    for tid in LEAVES:
        t = cb.get(tid)
        assert t.definition and t.include and t.exclude
        assert {"en", "ru"} <= set(t.labels)
        assert len(t.examples) >= 2
        assert t.negative, tid
        for parent in cb.ancestors(tid):
            assert parent in cb


def test_vector_scheme_covers_every_iso_state_exactly_once(kb: KnowledgeBase) -> None:
    scheme = kb.vectors
    assert scheme.ids == ("russia", "china", "usa", "europe", "central_asia", "post_soviet",
                          "middle_east", "south_asia", "asia_pacific", "africa", "americas")
    missing = [c.alpha_3 for c in pycountry.countries
               if scheme.vector_of_country(c.alpha_3, home="") is None
               and c.alpha_3 not in scheme.unassigned]
    assert missing == []
    assert scheme.vector_of_country("KAZ") is None  # the home country belongs to no vector
    assert scheme.vector_of_country("KAZ", home="UZB") == "central_asia"
    assert {scheme.vector_of_country(c) for c in ("UZB", "KGZ", "TJK", "TKM")} == {"central_asia"}
    assert scheme.vector_of_country("TUR") == "middle_east"
    assert scheme.vector_of_organisation("EU") == "europe"
    assert scheme.vector_of_organisation("CSTO") == "multilateral"


@pytest.fixture(scope="module")
def kaz_diff(kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    return diff_editions(kb.edition("kaz/2014-2020"), kb.edition("kaz/2020-2030"))


def test_partner_tiers_of_2020_2030(kb: KnowledgeBase) -> None:
    tiers = {k: v.tier for k, v in kb.edition("kaz/2020-2030").partner_tiers().items()}
    assert tiers["RUS"] is Tier.ALLIED
    assert tiers["CHN"] is Tier.COMPREHENSIVE_STRATEGIC_PARTNERSHIP
    assert tiers["USA"] is Tier.EXPANDED_STRATEGIC_PARTNERSHIP
    assert tiers["EU"] is None  # the name of the 2015 agreement is no tier
    assert all(tiers[c] is Tier.STRATEGIC_PARTNERSHIP for c in ("UZB", "KGZ", "TJK", "TKM"))


def test_the_diff_of_the_two_last_editions_reads_as_the_sources_do(kb: KnowledgeBase) -> None:
    """China from 'strategic cooperation' (no tier) to comprehensive strategic partnership is up;
    so are the Central Asian states (to strategic relations) and the USA; the EU's wording changed
    but no tier was declared in either edition; Russia stays allied."""
    from multivector.domain.diff import diff_editions

    d = diff_editions(kb.edition("kaz/2014-2020"), kb.edition("kaz/2020-2030"))
    directions = {r.partner: r.direction for r in d.relations}
    assert {p: directions[p] for p in ("CHN", "USA", "UZB", "KGZ", "TJK", "TKM")} == dict.fromkeys(
        ("CHN", "USA", "UZB", "KGZ", "TJK", "TKM"), "up")
    assert directions["EU"] == "reworded" and directions["RUS"] == "reworded"
    assert d.relation("CHN").steps == int(Tier.COMPREHENSIVE_STRATEGIC_PARTNERSHIP)


def test_observers_are_not_members(kb: KnowledgeBase) -> None:
    import datetime as dt

    eaeu = kb.registry.get("EAEU")
    on = dt.date(2022, 1, 1)
    assert set(eaeu.members_on(on)) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    observers = {m.member for m in eaeu.members if m.role == "observer"}
    assert {"MDA", "UZB", "CUB"} <= observers


def test_diff_shows_what_the_seeds_report(kaz_diff) -> None:  # type: ignore[no-untyped-def]
    added = {c.element for c in kaz_diff.of_type(ChangeType.ADDED)}
    # new principles of 2020-2030 (seed 003)
    assert {"principle.just_democratic_world_order", "principle.external_openness",
            "principle.security_development_link", "principle.protection_of_citizens"} <= added
    # Brexit, Caspian Convention, public diplomacy
    assert {"priority.regional.europe_outside_eu", "priority.regional.caspian",
            "mechanism.public_diplomacy"} <= added
    reworded = {c.element for c in kaz_diff.of_type(ChangeType.REWORDED)}
    assert "goal.leading_state_in_region" in reworded
    assert "priority.multilateral.eaeu" in {c.element for c in kaz_diff.changes} | set(
        kaz_diff.unchanged)
    count = kaz_diff.claim("economic_priorities_count")
    assert (count.before, count.after) == (9, 14)
    assert any(r.source.startswith("seed") for r in count.sources_after)
    assert kaz_diff.claim("soft_power_included").after == "no"
    assert kaz_diff.relation("GBR").direction == "new"
    assert kaz_diff.relation("CHN").after is not None
    assert kaz_diff.relation("USA").direction == "up"


def test_every_change_carries_located_evidence(kaz_diff) -> None:  # type: ignore[no-untyped-def]
    for change in kaz_diff.changes:
        assert change.evidence
        assert all(ref.location for ref in change.evidence)
