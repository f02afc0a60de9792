"""Embeddings kept by the text they embed: :class:`CachedEmbedder` asks an
:class:`EmbeddingCache` for the vectors of texts it has seen and the embedder only for the rest,
so re-coding after a codebook change (or ingesting a passage seen before) does not embed again.

A text is known by the SHA-256 of its words (runs of white space folded to one space), and a
vector by the embedder's name and dimension: another model never reads this model's vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from multivector.text.embedder import Embedder, Matrix


def text_key(text: str) -> str:
    """The key of a text: SHA-256 (hex) of its words joined by single spaces."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class EmbeddingCache(Protocol):
    """Vectors by embedder and text key; storage adapters implement it."""

    def get(self, embedder: str, keys: Sequence[str]) -> dict[str, Matrix]:
        """The vectors stored for those of ``keys`` that are known (1-d float32 arrays)."""
        ...

    def put(self, embedder: str, items: Sequence[tuple[str, Matrix]]) -> None:
        """Keep vectors; a key already stored keeps its vector."""
        ...


class CachedEmbedder:
    """An embedder that reads known texts' vectors from ``cache`` and keeps the new ones."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.dim = inner.dim
        self.key = f"{inner.name}/{inner.dim}"

    def encode(self, texts: Sequence[str]) -> Matrix:
        keys = [text_key(t) for t in texts]
        known = self.cache.get(self.key, list(dict.fromkeys(keys)))
        todo: dict[str, str] = {}  # key -> text, each new text once
        for key, text in zip(keys, texts, strict=True):
            if key not in known:
                todo.setdefault(key, text)
        if todo:
            fresh = self.inner.encode(list(todo.values()))
            new = list(zip(todo, fresh, strict=True))
            self.cache.put(self.key, new)
            known.update(new)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = known[key]
        return out
