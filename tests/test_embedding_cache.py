"""The embedding cache: texts embedded once per store, by the hash of their words, so that
re-coding and ingesting known passages do not run the embedder again."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from multivector.domain.corpus import DocumentMeta
from multivector.pipeline import Annotator
from multivector.pipeline.components.embed import EMBEDDER_KEY, EMBEDDING_CACHE_KEY
from multivector.services.corpus import Corpus
from multivector.services.knowledge import default_knowledge
from multivector.store.embedding_cache import SQLiteEmbeddingCache, for_store
from multivector.store.sqlite import SQLiteStore
from multivector.text.embedder import HashingEmbedder, Matrix
from multivector.text.embedding_cache import CachedEmbedder, text_key
from tests.test_corpus import EN_1, EN_2, FAST
from tests.test_embedder import CountingEmbedder

EDITION = "kaz/2020-2030"


class DictCache:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Matrix] = {}

    def get(self, embedder: str, keys: list[str]) -> dict[str, Matrix]:
        return {k: self.rows[embedder, k] for k in keys if (embedder, k) in self.rows}

    def put(self, embedder: str, items: list[tuple[str, Matrix]]) -> None:
        for k, v in items:
            self.rows.setdefault((embedder, k), v)


def test_a_text_is_known_by_its_words() -> None:
    assert text_key("Trade  grows.\n") == text_key("Trade grows.")
    assert text_key("Trade grows.") != text_key("trade grows.")


def test_only_new_texts_are_embedded_and_vectors_are_the_same() -> None:
    counting = CountingEmbedder(32)
    cached = CachedEmbedder(counting, DictCache())
    first = cached.encode(["Water is scarce.", "Trade grows.", "Water is scarce."])
    assert counting.encoded == [2]  # a text repeated in one call is embedded once
    second = cached.encode(["Trade  grows.", "Borders open."])
    assert counting.encoded == [2, 1]
    expected = HashingEmbedder(32).encode(["Trade grows.", "Borders open."])
    assert np.array_equal(second, expected) and np.array_equal(first[1], second[0])


def test_the_sqlite_cache_keeps_vectors_per_embedder(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "c.db").close()
    cache = SQLiteEmbeddingCache(str(tmp_path / "c.db"))
    v = np.arange(4, dtype=np.float32)
    cache.put("a/4", [("k1", v), ("k2", v + 1)])
    cache.put("a/4", [("k1", v + 9)])  # the first vector stays
    assert set(cache.get("a/4", ["k1", "k2", "k3"])) == {"k1", "k2"}
    assert np.array_equal(cache.get("a/4", ["k1"])["k1"], v)
    assert cache.get("b/4", ["k1"]) == {}
    cache.close()
    assert for_store(SQLiteStore(":memory:")) is None


def corpus_with(store: SQLiteStore, embedder: CountingEmbedder, *, cached: bool) -> Corpus:
    seeds: dict[str, object] = {EMBEDDER_KEY: embedder}
    if cached:
        seeds[EMBEDDING_CACHE_KEY] = for_store(store)
    annotator = Annotator(default_knowledge(), FAST, edition=EDITION, cache=seeds)
    return Corpus(store=store, config=FAST, edition=EDITION, annotator=annotator)


def test_recoding_embeds_no_known_text(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(EN_1, encoding="utf-8")
    (folder / "b.txt").write_text(EN_2, encoding="utf-8")
    store = SQLiteStore(tmp_path / "c.db")
    first = CountingEmbedder()
    assert corpus_with(store, first, cached=True).ingest([folder]).ok
    assert first.encoded  # codebook prototypes and passages
    # the stored vectors are gone (say, dropped to save room): re-coding needs them again
    before = {d.id: store.embeddings(d.id) for d in store.documents()}
    store.connection.execute("DELETE FROM embeddings")
    fresh = CountingEmbedder()  # a new process after a codebook change: nothing in memory
    counts = corpus_with(store, fresh, cached=True).code()
    assert counts["documents"] == 2 and fresh.encoded == []
    for doc_id, vectors in before.items():
        assert np.array_equal(store.embeddings(doc_id), vectors)
    uncached = CountingEmbedder()  # without the cache, the codebook's texts are embedded again
    corpus_with(store, uncached, cached=False).code()
    assert sum(uncached.encoded) > 100


def test_ingest_embeds_only_passages_it_has_not_seen(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    counting = CountingEmbedder()
    corpus = corpus_with(store, counting, cached=True)
    corpus.ingest_documents(_raw([EN_1]))
    seen = sum(counting.encoded)
    # the same paragraphs under a new heading: a new document with one new passage
    report = corpus.ingest_documents(_raw(["A new heading\n\n" + EN_1]))
    assert len(report.ingested) == 1 and sum(counting.encoded) == seen + 1


def _raw(texts: list[str]) -> list[object]:
    from multivector.ingest.readers import Origin, RawDocument

    return [RawDocument(t, DocumentMeta(language="en", country="KAZ"), Origin(f"d{i}.txt"))
            for i, t in enumerate(texts)]
