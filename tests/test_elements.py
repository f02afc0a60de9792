"""The `elements` component: concept elements found by their cues (strong) and by themes
(+ partner), region and semantics (weak, scored below any cue)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from multivector.domain.concept import (
    Completeness,
    Cue,
    Domain,
    Edition,
    Element,
    ElementKind,
    Evidence,
    EvidenceLevel,
    PartnerRelation,
    Source,
    SourceKind,
)
from multivector.domain.corpus import (
    AnnotatedDocument,
    Annotation,
    Document,
    DocumentMeta,
    Layer,
    Producer,
)
from multivector.errors import UsageError
from multivector.pipeline import Context, Pipeline
from multivector.pipeline.components.elements import (
    STRONG_SCORES,
    WEAK_CAP,
    WEAK_SCORES,
    ElementCoder,
    weak_score,
)
from multivector.pipeline.components.segment import Segmenter
from multivector.pipeline.components.themes import ThemeCoder
from multivector.services.knowledge import KnowledgeBase
from multivector.text.embedder import HashingEmbedder
from tests.conftest import base_edition

EVIDENCE = (Evidence("text", "para 1", EvidenceLevel.OFFICIAL),)


def element(ident: str, title: str, summary: str = "", **kw: Any) -> Element:
    kw.setdefault("kind", ElementKind.PRIORITY)
    return Element(ident, domain=Domain.GENERAL, title=title, summary=summary or title,
                   evidence=EVIDENCE, **kw)


def edition(*elements: Element) -> Edition:
    return Edition(
        id="tst/2030", country="KAZ", title="Test concept", period_start=2020, period_end=2030,
        adopted=None, legal_act=None, supersedes=None,
        sources=(Source("text", "Official text", SourceKind.OFFICIAL),),
        completeness=Completeness("partial", "Written for the tests."), elements=elements,
    )


RUSSIA = element("priority.russia", "Allied relations with Russia",
                 themes=("economy.integration",),
                 partners=(PartnerRelation("RUS", "allied relations"),),
                 cues=(Cue("allied relations", "en"), Cue("союзнические отношения", "ru")))
TRADE = element("priority.trade", "Economic diplomacy", themes=("economy",))
CHINA = element("priority.china", "China", partners=(PartnerRelation("CHN", "partner"),))
SCO = element("priority.sco", "Work in the SCO", themes=("multilateral.organisations",),
              organisations=("SCO",))
EDITION = edition(RUSSIA, TRADE, CHINA, SCO)


@pytest.fixture(scope="module")
def themes() -> ThemeCoder:
    return ThemeCoder(KnowledgeBase().codebook, semantic=False)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """Shipped data plus the test edition of conftest as ``tst/2001-2010``; one registry load."""
    folder = tmp_path_factory.mktemp("editions")
    (folder / "tst").mkdir()
    (folder / "tst" / "2001-2010.yaml").write_text(
        yaml.safe_dump(base_edition(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    kb = KnowledgeBase(extra_editions=[folder])
    assert "RUS" in kb.registry  # loaded once here (a few seconds), shared by the tests below
    return kb


def coded(
    text: str,
    themes: ThemeCoder,
    actors: dict[str, str] | None = None,
    *,
    country: str = "KAZ",
    coder: ElementCoder | None = None,
    own: bool = False,
) -> AnnotatedDocument:
    """Segment, code themes, add actor mentions (name in text -> id) by hand, code elements."""
    doc = themes(Segmenter()(AnnotatedDocument(Document.create(text, DocumentMeta(
        country=country)))))
    for name, actor_id in (actors or {}).items():
        start = text.index(name)
        passage = next(p for p in doc.passages if p.start <= start < p.end)
        doc.annotations.append(Annotation(
            doc.document.id, passage.index, Layer.ACTOR, actor_id, start, start + len(name), 1.0,
            Producer("test", "0", "hand-made"), {"own_country": own}))
    return (coder or ElementCoder(EDITION))(doc)


def elements_of(doc: AnnotatedDocument) -> list[tuple[str, str, str]]:
    """(element, route, covered text) of the document's element annotations."""
    return [(a.label, a.attrs["route"], doc.text[a.start : a.end])
            for a in doc.layer(Layer.ELEMENT)]


# ------------------------------------------------------------------ routes


def test_cue_in_english_and_russian_case_forms(themes: ThemeCoder) -> None:
    doc = coded("We value our allied relations. Мы ценим союзнические отношения.", themes)
    assert [(e, r, t) for e, r, t in elements_of(doc)] == [
        ("priority.russia", "cue", "allied relations"),
        ("priority.russia", "cue", "союзнические отношения"),
    ]
    doc = coded("Верность союзническим отношениям.", themes)
    [ann] = doc.layer(Layer.ELEMENT)
    assert ann.score == 1.0 and ann.producer.rule == "cue ru 'союзнические отношения'"
    assert ann.attrs == {"edition": "tst/2030", "kind": "priority", "route": "cue",
                         "strength": "strong", "routes": ["cue"]}


def test_title_only_for_an_element_without_cues(themes: ThemeCoder) -> None:
    doc = coded("Economic diplomacy opens markets.", themes)
    ann = next(a for a in doc.layer(Layer.ELEMENT) if a.label == "priority.trade")
    assert ann.score == 0.9 and ann.producer.rule == "title 'Economic diplomacy'"
    assert ann.attrs["strength"] == "strong"
    assert ann.attrs["routes"] == ["title", "themes"]  # "economic diplomacy" codes economy
    # an element with cues is not found by its title: its cues replace it
    doc = coded("Allied relations with Russia are a title, not a cue here.", themes)
    assert [(e, r, t) for e, r, t in elements_of(doc)] == [
        ("priority.russia", "cue", "Allied relations")]
    assert coded("Relations with Russia.", themes).layer(Layer.ELEMENT) == []


def test_themes_and_partner_is_weak(themes: ThemeCoder) -> None:
    text = "With Russia we build the Eurasian Economic Union."
    doc = coded(text, themes, {"Russia": "RUS"})
    [ann, parent] = doc.layer(Layer.ELEMENT)
    assert (parent.label, parent.attrs["route"]) == ("priority.trade", "themes")  # sub-theme
    assert (ann.label, ann.attrs["route"]) == ("priority.russia", "themes+partner")
    assert ann.attrs["strength"] == "weak" and parent.attrs["strength"] == "weak"
    assert ann.producer.rule == "themes economy.integration + partner RUS"
    assert ann.score == pytest.approx(0.5 * 0.8 * 0.9)  # alternative label 0.9, one theme
    assert (ann.start, ann.end) == (0, len(text))


def test_themes_without_the_partner_or_with_the_speaker_as_partner(themes: ThemeCoder) -> None:
    text = "With Russia we build the Eurasian Economic Union."

    def russia(doc: AnnotatedDocument) -> list[Annotation]:
        return [a for a in doc.layer(Layer.ELEMENT) if a.label == "priority.russia"]

    assert russia(coded(text, themes, {"Russia": "RUS"}))
    assert russia(coded(text, themes)) == []
    assert russia(coded(text, themes, {"Russia": "RUS"}, country="RUS")) == []
    assert russia(coded(text, themes, {"Russia": "RUS"}, own=True)) == []


def test_partner_without_the_theme_does_not_code(themes: ThemeCoder) -> None:
    assert coded("Russia sent a delegation.", themes, {"Russia": "RUS"}).layer(
        Layer.ELEMENT) == []


def test_themes_route_takes_sub_themes(themes: ThemeCoder) -> None:
    doc = coded("Exports grew under the free trade agreement.", themes)
    [ann] = doc.layer(Layer.ELEMENT)
    assert (ann.label, ann.attrs["route"]) == ("priority.trade", "themes")
    assert ann.producer.rule.startswith("themes economy.")
    assert ann.score == pytest.approx(0.5 * 0.6 * 0.9)


def test_theme_route_needs_two_themes_of_several(themes: ThemeCoder) -> None:
    two = element("priority.two", "Two themes", themes=("economy.trade", "health"))
    coder = ElementCoder(edition(two))
    # one theme of two is too weak alone for an element without partners
    assert coded("Exports grew under the free trade agreement.", themes, coder=coder).layer(
        Layer.ELEMENT) == []
    [both] = coded("The free trade agreement covers vaccines against the pandemic.", themes,
                   coder=coder).layer(Layer.ELEMENT)
    assert both.score == pytest.approx(0.5 * 0.6 * 0.9) and both.producer.rule == (
        "themes economy.trade health")


def test_partner_route_for_an_element_without_themes(themes: ThemeCoder) -> None:
    doc = coded("China opened a consulate.", themes, {"China": "CHN"})
    assert elements_of(doc) == [("priority.china", "title", "China")]  # no cues: its title
    doc = coded("Beijing opened a consulate.", themes, {"Beijing": "CHN"})
    [ann] = doc.layer(Layer.ELEMENT)
    assert (ann.label, ann.attrs["route"], ann.score) == ("priority.china", "partner", 0.25)
    assert ann.attrs["strength"] == "weak"


def test_organisation_counts_as_partner(themes: ThemeCoder) -> None:
    doc = coded("The SCO summit discussed multilateral institutions.", themes, {"SCO": "SCO"})
    assert ("priority.sco", "themes+partner") in {(e, r) for e, r, _ in elements_of(doc)}


@given(route=st.sampled_from([*WEAK_SCORES, "semantic"]),
       strength=st.floats(min_value=-1.0, max_value=2.0, allow_nan=False))
def test_no_weak_hit_scores_as_high_as_a_strong_one(route: str, strength: float) -> None:
    score = weak_score(route, strength)
    assert 0.0 <= score <= WEAK_CAP < min(STRONG_SCORES.values())


def test_semantic_route_with_a_fake_embedder(themes: ThemeCoder) -> None:
    fake = HashingEmbedder(512)
    summary = "Keep building ports, rails and pipelines toward the sea."
    ports = element("priority.ports", "Ports and rails", summary)
    ed = edition(ports)
    text = "Ports and rails. Keep building ports, rails and pipelines toward the sea."
    doc = coded(text, themes, coder=ElementCoder(ed, fake, semantic=True))
    kinds = {(a.label, a.attrs["route"]) for a in doc.layer(Layer.ELEMENT)}
    assert kinds == {("priority.ports", "title")}  # the title is in the text: it wins
    doc = coded(summary, themes, coder=ElementCoder(ed, fake, semantic=True))
    [ann] = doc.layer(Layer.ELEMENT)
    assert ann.attrs["route"] == "semantic" and ann.attrs["strength"] == "weak"
    assert 0.45 < ann.score <= WEAK_CAP  # half the cosine
    assert ann.producer.rule.startswith("semantic title+summary (hashing-512, cos=")
    strict = ElementCoder(ed, fake, semantic=True, semantic_threshold=0.99)
    loose = ElementCoder(ed, fake, semantic=True, semantic_threshold=0.5)
    unrelated = "Wheat prices rose sharply."
    assert coded(unrelated, themes, coder=loose).layer(Layer.ELEMENT) == []
    half = "Keep building ports toward the north."
    assert coded(half, themes, coder=strict).layer(Layer.ELEMENT) == []
    assert len(coded(half, themes, coder=loose).layer(Layer.ELEMENT)) == 1


def test_one_annotation_per_element_and_passage_lists_all_routes(themes: ThemeCoder) -> None:
    fake = HashingEmbedder(512)
    ed = edition(RUSSIA)
    text = "With Russia we build the Eurasian Economic Union."
    coder = ElementCoder(ed, fake, semantic=True, semantic_threshold=-1.0)
    [ann] = coded(text, themes, {"Russia": "RUS"}, coder=coder).layer(Layer.ELEMENT)
    assert ann.attrs["routes"] == ["themes+partner", "semantic"]
    assert ann.attrs["route"] in ann.attrs["routes"]


# ------------------------------------------------------------------ editions and settings


def test_no_edition_codes_nothing(themes: ThemeCoder) -> None:
    text = "We value our allied relations with Russia in the Eurasian Economic Union."
    assert coded(text, themes, {"Russia": "RUS"}, coder=ElementCoder(None)).layer(
        Layer.ELEMENT) == []
    ctx = Context(KnowledgeBase())
    pipe = Pipeline.from_config({"components": ["elements"]}, ctx)
    assert pipe(themes(Segmenter()(AnnotatedDocument(Document.create(text, DocumentMeta()))))
                ).layer(Layer.ELEMENT) == []


def test_context_edition_and_setting_edition(themes: ThemeCoder, kb: KnowledgeBase) -> None:
    text = "Balanced relations with all major powers: a multi-vector foreign policy."
    doc = coded(text, themes, coder=ElementCoder(None))
    ctx = Context(kb, edition=EDITION)
    assert Pipeline.from_config({"components": ["elements"]}, ctx)(doc).layer(Layer.ELEMENT) == []
    pipe = Pipeline.from_config(
        {"components": ["elements"], "settings": {"elements": {"edition": "tst/2001-2010"}}},
        Context(kb, edition=EDITION))
    anns = pipe(doc).layer(Layer.ELEMENT)
    assert {(a.label, a.attrs["edition"]) for a in anns} == {
        ("principle.balance", "tst/2001-2010")}  # its title, and its theme statecraft.multivector
    with pytest.raises(UsageError, match="unknown setting"):
        Pipeline.from_config({"components": ["elements"],
                              "settings": {"elements": {"editon": "x"}}}, ctx)
    with pytest.raises(UsageError):
        ElementCoder(EDITION, None, semantic=True)


def test_full_pipeline_with_the_actor_registry(kb: KnowledgeBase) -> None:
    ctx = Context(kb, edition=edition(RUSSIA))
    pipe = Pipeline.from_config({
        "components": ["segment", "actors", "themes", "elements"],
        "settings": {"themes": {"semantic": False}}}, ctx)
    text = ("Kazakhstan and Russia deepen the Eurasian Economic Union.\n\n"
            "Kazakhstan hosted a forum on the Eurasian Economic Union.")
    doc = pipe(AnnotatedDocument(Document.create(text, DocumentMeta(country="KAZ"))))
    anns = doc.layer(Layer.ELEMENT)
    assert [(a.passage, a.label, a.attrs["route"]) for a in anns] == [
        (0, "priority.russia", "themes+partner")]


def _with_country(text: str, name: str, actor: str, vector: str, own: bool = False
                  ) -> AnnotatedDocument:
    doc = Segmenter()(AnnotatedDocument(Document.create(text, DocumentMeta(country="KAZ"))))
    start = text.index(name)
    doc.annotations.append(Annotation(
        doc.document.id, 0, Layer.ACTOR, actor, start, start + len(name), 1.0,
        Producer("test", "0", "hand-made"),
        {"type": "country", "vector": vector, "own_country": own}))
    return doc


def test_region_route_codes_a_regional_priority_without_partners() -> None:
    south = element("priority.regional.south_asia", "Relations with South Asia")
    coder = ElementCoder(edition(south))
    doc = coder(_with_country("Peace in Afghanistan matters to us all.", "Afghanistan", "AFG",
                              "south_asia"))
    [ann] = doc.layer(Layer.ELEMENT)
    assert (ann.label, ann.attrs["route"]) == ("priority.regional.south_asia", "region")
    assert ann.producer.rule == "region south_asia: AFG"
    # a state of another region, or the speaker's own country, is no evidence
    other = coder(_with_country("Trade with Japan grows.", "Japan", "JPN", "asia_pacific"))
    assert other.layer(Layer.ELEMENT) == []
    own = coder(_with_country("Peace in Afghanistan matters.", "Afghanistan", "AFG",
                              "south_asia", own=True))
    assert own.layer(Layer.ELEMENT) == []


# ------------------------------------------------------------------ the shipped editions' cues


SHIPPED = ("kaz/1995", "kaz/2001", "kaz/2005", "kaz/2014-2020", "kaz/2020-2030")


@pytest.mark.parametrize("edition_id", SHIPPED)
def test_every_shipped_element_has_english_and_russian_cues(kb: KnowledgeBase,
                                                            edition_id: str) -> None:
    ed = kb.edition(edition_id)
    owners: dict[str, str] = {}
    for el in ed:
        langs = {c.lang for c in el.cues}
        assert {"en", "ru"} <= langs, el.id
        for cue in el.cues:
            words = cue.text.split()
            # short phrases; longer only for names (of organisations, treaties, meetings)
            assert len(words) <= 6 or cue.text[0].isupper(), (el.id, cue.text)
            key = cue.text.lower()
            assert owners.setdefault(key, el.id) == el.id, f"{cue.text!r} in two elements"


def shipped_coder(kb: KnowledgeBase) -> Pipeline:
    return Pipeline.from_config({
        "components": ["segment", "actors", "themes", "elements"],
        "settings": {"themes": {"semantic": False}}}, Context(kb, kb.edition("kaz/2020-2030")))


@pytest.mark.parametrize("text, element", [
    ("The UN hub in Almaty gathers the regional offices of several agencies.",
     "priority.multilateral.un"),
    ("В региональном хабе ООН в Алматы работают представительства многих агентств.",
     "priority.multilateral.un"),
    ("We want the regional SDG centre to serve Central Asia and Afghanistan.",
     "priority.multilateral.un"),
    ("Kazakhstan means to keep its standing as the leading state in the region.",
     "goal.leading_state_in_region"),
    ("Казахстан намерен закрепить статус лидирующего государства в регионе.",
     "goal.leading_state_in_region"),
    ("Наша внешняя политика остается многовекторной и прагматичной.", "principle.multivector"),
    ("Мы развиваем отношения со странами Центральной Азии.", "priority.regional.central_asia"),
])
def test_the_issues_examples_are_coded_from_their_cues(kb: KnowledgeBase, text: str,
                                                       element: str) -> None:
    doc = shipped_coder(kb)(AnnotatedDocument(Document.create(text, DocumentMeta(
        country="KAZ"))))
    strong = {a.label for a in doc.layer(Layer.ELEMENT) if a.attrs["strength"] == "strong"}
    assert element in strong


@pytest.mark.parametrize("text, element", [
    ("The United Nations and its agencies help Central Asia reach the Sustainable Development "
     "Goals, with support from Russia.", "priority.multilateral.un"),
    ("Water scarcity in Central Asia calls for joint management of the rivers of the region.",
     "goal.leading_state_in_region"),
    ("Мы приветствуем сотрудничество ООН с государствами Центральной Азии.",
     "goal.leading_state_in_region"),
])
def test_a_theme_partner_or_region_alone_is_weak_evidence(kb: KnowledgeBase, text: str,
                                                          element: str) -> None:
    doc = shipped_coder(kb)(AnnotatedDocument(Document.create(text, DocumentMeta(
        country="KAZ"))))
    found = [a for a in doc.layer(Layer.ELEMENT) if a.label == element]
    assert all(a.attrs["strength"] == "weak" and a.score <= WEAK_CAP for a in found)
