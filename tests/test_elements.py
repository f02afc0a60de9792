"""The `elements` component: concept elements found by lexicon, themes (+ partner) and semantics."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from multivector.domain.concept import (
    Completeness,
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
from multivector.pipeline.components.elements import ElementCoder
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
                 labels=("allied relations", "союзнические отношения"))
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


def test_lexicon_label_in_english_and_russian_case_forms(themes: ThemeCoder) -> None:
    doc = coded("We value our allied relations. Мы ценим союзнические отношения.", themes)
    assert [(e, r, t) for e, r, t in elements_of(doc)] == [
        ("priority.russia", "lexicon", "allied relations"),
        ("priority.russia", "lexicon", "союзнические отношения"),
    ]
    doc = coded("Верность союзническим отношениям.", themes)
    [ann] = doc.layer(Layer.ELEMENT)
    assert ann.score == 1.0 and ann.producer.rule == "label 'союзнические отношения'"
    assert ann.attrs == {"edition": "tst/2030", "kind": "priority", "route": "lexicon",
                         "routes": ["lexicon"]}


def test_title_is_a_weaker_lexicon_route(themes: ThemeCoder) -> None:
    doc = coded("Economic diplomacy opens markets.", themes)
    ann = next(a for a in doc.layer(Layer.ELEMENT) if a.label == "priority.trade")
    assert ann.score == 0.9 and ann.producer.rule == "title 'Economic diplomacy'"
    assert ann.attrs["routes"] == ["lexicon", "themes"]  # "economic diplomacy" codes economy


def test_themes_and_partner(themes: ThemeCoder) -> None:
    text = "With Russia we build the Eurasian Economic Union."
    doc = coded(text, themes, {"Russia": "RUS"})
    [ann, parent] = doc.layer(Layer.ELEMENT)
    assert (parent.label, parent.attrs["route"]) == ("priority.trade", "themes")  # sub-theme
    assert (ann.label, ann.attrs["route"]) == ("priority.russia", "themes+partner")
    assert ann.producer.rule == "themes economy.integration + partner RUS"
    assert ann.score == pytest.approx(0.8 * 0.9)  # alternative label 0.9, the one theme covered
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
    assert ann.score == pytest.approx(0.6 * 0.9)


def test_theme_route_needs_two_themes_of_several(themes: ThemeCoder) -> None:
    two = element("priority.two", "Two themes", themes=("economy.trade", "health"))
    coder = ElementCoder(edition(two))
    # one theme of two is too weak alone for an element without partners
    assert coded("Exports grew under the free trade agreement.", themes, coder=coder).layer(
        Layer.ELEMENT) == []
    [both] = coded("The free trade agreement covers vaccines against the pandemic.", themes,
                   coder=coder).layer(Layer.ELEMENT)
    assert both.score == pytest.approx(0.6 * 0.9) and both.producer.rule == (
        "themes economy.trade health")


def test_partner_route_for_an_element_without_themes(themes: ThemeCoder) -> None:
    doc = coded("China opened a consulate.", themes, {"China": "CHN"})
    assert elements_of(doc) == [("priority.china", "lexicon", "China")]  # the title says China
    doc = coded("Beijing opened a consulate.", themes, {"Beijing": "CHN"})
    [ann] = doc.layer(Layer.ELEMENT)
    assert (ann.label, ann.attrs["route"], ann.score) == ("priority.china", "partner", 0.5)


def test_organisation_counts_as_partner(themes: ThemeCoder) -> None:
    doc = coded("The SCO summit discussed multilateral institutions.", themes, {"SCO": "SCO"})
    assert ("priority.sco", "themes+partner") in {(e, r) for e, r, _ in elements_of(doc)}


def test_semantic_route_with_a_fake_embedder(themes: ThemeCoder) -> None:
    fake = HashingEmbedder(512)
    summary = "Keep building ports, rails and pipelines toward the sea."
    ports = element("priority.ports", "Ports and rails", summary)
    ed = edition(ports)
    text = "Ports and rails. Keep building ports, rails and pipelines toward the sea."
    doc = coded(text, themes, coder=ElementCoder(ed, fake, semantic=True))
    kinds = {(a.label, a.attrs["route"]) for a in doc.layer(Layer.ELEMENT)}
    assert kinds == {("priority.ports", "lexicon")}  # the title is in the text: lexicon wins
    doc = coded(summary, themes, coder=ElementCoder(ed, fake, semantic=True))
    [ann] = doc.layer(Layer.ELEMENT)
    assert ann.attrs["route"] == "semantic" and ann.score > 0.9
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
