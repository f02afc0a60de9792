"""The annotation pipeline: named components assembled from a config, spaCy style.

:func:`annotate` is the pure step of coding: a document in, the annotated document out, with no
store and no I/O; ingest and re-coding batch its results into the store, and a distributed run
can call it on workers. :class:`Annotator` keeps one assembled pipeline for many documents.

A component is a callable ``AnnotatedDocument -> AnnotatedDocument`` with a ``name`` and a
``version``. Factories are registered by name with :func:`register`; :meth:`Pipeline.from_config`
builds the components a config lists, each with its own settings::

    {"components": ["segment", "actors", "dates", "themes", "elements", "events"],
     "settings": {"segment": {"unit": "sentence"}, "themes": {"semantic": false}}}
"""

from __future__ import annotations

import copy
import gc
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from multivector.domain.concept import Edition
from multivector.domain.corpus import AnnotatedDocument, Document, Passage
from multivector.domain.knowledge import Knowledge
from multivector.errors import MultivectorError, UsageError
from multivector.text.matcher import PhraseMatcher, Scanner
from multivector.text.normalize import Prepared


class Component(Protocol):
    """``name``, ``version`` and the call; a component that matches phrases may also offer
    ``matchers() -> list[PhraseMatcher]`` so that the pipeline scans each text once for all."""

    name: str
    version: str

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument: ...


@dataclass
class Context:
    """What components may read: the knowledge base and the edition to code against."""

    knowledge: Knowledge
    edition: Edition | None = None
    cache: dict[str, Any] = field(default_factory=dict)


Factory = Callable[[Context, Mapping[str, Any]], Component]
_FACTORIES: dict[str, Factory] = {}


def register(name: str) -> Callable[[Factory], Factory]:
    """Register a component factory under ``name``."""

    def deco(factory: Factory) -> Factory:
        _FACTORIES[name] = factory
        return factory

    return deco


def registered() -> list[str]:
    _load_builtin()
    return sorted(_FACTORIES)


DEFAULT_CONFIG: dict[str, Any] = {
    "components": ["segment", "actors", "dates", "embed", "themes", "elements", "events"],
    "settings": {},
}


class Pipeline:
    def __init__(
        self, components: Iterable[Component], *, scanner: Scanner | None = None
    ) -> None:
        self.components = list(components)
        self._scanner: Scanner | None = scanner

    @property
    def scanner(self) -> Scanner:
        """One automaton over the phrase matchers of every component (see ``matchers()``)."""
        if self._scanner is None:
            matchers: list[PhraseMatcher[Any]] = []
            for c in self.components:
                get = getattr(c, "matchers", None)
                if callable(get):
                    matchers.extend(get())
            self._scanner = Scanner(matchers)
        return self._scanner

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.components]

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        if "prepared" not in doc.cache:  # read the text once for every component's phrases
            doc.cache["prepared"] = Prepared(doc.text, scanner=self.scanner)
        # Annotating allocates many small objects and no reference cycles: pause the cyclic
        # collector for one document (reference counting still frees everything), and let it
        # run between documents.
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            for component in self.components:
                doc = component(doc)
        finally:
            if paused:
                gc.enable()
        return doc

    def versions(self) -> dict[str, str]:
        return {c.name: c.version for c in self.components}

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None, context: Context) -> Pipeline:
        _load_builtin()
        cfg = copy.deepcopy(dict(config or DEFAULT_CONFIG))
        names = cfg.get("components", DEFAULT_CONFIG["components"])
        settings = cfg.get("settings", {})
        unknown = [n for n in names if n not in _FACTORIES]
        if unknown:
            raise UsageError(
                f"unknown pipeline component(s): {', '.join(unknown)}",
                hint=f"use any of: {', '.join(sorted(_FACTORIES))}",
            )
        pipeline = cls(_FACTORIES[n](context, settings.get(n, {})) for n in names)
        _ = pipeline.scanner  # build the shared automaton now, with everything it indexes
        # The knowledge base, lexicons and automaton live as long as the process: move them out
        # of the cyclic garbage collector's reach, so that its full collections, which run
        # often while annotations are created, stay cheap (a third of annotation time without).
        gc.collect()
        gc.freeze()
        return pipeline


LANGUAGES = ("en", "ru", "kk")
MAX_PASSAGES = 50_000  # per document: beyond this a "document" is a corpus; split it


class UnsupportedDocument(MultivectorError):
    """A document the pipeline cannot code: a language it does not read, or too many passages."""

    code = "MV500"


class Annotator:
    """One assembled pipeline that codes document after document.

    ``annotator(document)`` is the pure step (see :func:`annotate`); :meth:`recode` runs the
    coding components again over passages (and embeddings) already made."""

    def __init__(
        self,
        knowledge: Knowledge,
        config: Mapping[str, Any] | None = None,
        *,
        edition: str | Edition | None = None,
        max_passages: int = MAX_PASSAGES,
        cache: Mapping[str, Any] | None = None,
    ) -> None:
        ed = knowledge.edition(edition) if isinstance(edition, str) else edition
        # ``cache`` seeds what components share: an embedder, an embedding cache (embed.py)
        self.context = Context(knowledge, ed, dict(cache or {}))
        self.config = dict(config or DEFAULT_CONFIG)
        self.pipeline = Pipeline.from_config(self.config, self.context)
        self.max_passages = max_passages
        self._recoder: Pipeline | None = None
        components = self.pipeline.components
        self._rest = (
            Pipeline(components[1:], scanner=self.pipeline.scanner)
            if components and components[0].name == "segment"
            else None
        )

    def versions(self) -> dict[str, str]:
        return self.pipeline.versions()

    def stamp(self) -> dict[str, str]:
        """What a document coded by this annotator records: the component versions and the
        edition its concept elements belong to ("" for none)."""
        edition = self.context.edition
        return {**self.versions(), "edition": edition.id if edition is not None else ""}

    def __call__(self, document: Document) -> AnnotatedDocument:
        language = document.meta.language
        if language not in LANGUAGES:
            raise UnsupportedDocument(
                f"language not supported (detected: {language or 'none recognised'}); "
                "multivector codes English, Russian and Kazakh text",
                hint="pass --lang en|ru|kk if the detection is wrong",
            )
        if self._rest is None:
            return self.pipeline(AnnotatedDocument(document))
        doc = self.pipeline.components[0](AnnotatedDocument(document))  # segment
        self._check_size(doc)  # before the costly components, not after
        return self._rest(doc)

    def recode(
        self, document: Document, passages: list[Passage], embeddings: Any = None
    ) -> AnnotatedDocument:
        """The coding components over stored passages; segmentation and embeddings are kept."""
        if self._recoder is None:
            self._recoder = Pipeline(
                [c for c in self.pipeline.components if c.name != "segment"],
                scanner=self.pipeline.scanner,
            )
        return self._recoder(AnnotatedDocument(document, passages, [], embeddings))

    def _check_size(self, doc: AnnotatedDocument) -> None:
        if len(doc.passages) > self.max_passages:
            raise UnsupportedDocument(
                f"{len(doc.passages):,} passages, above the cap of {self.max_passages:,} per "
                "document",
                hint="split the file into smaller documents, or raise the cap (--max-passages)",
            )


_ANNOTATORS: dict[tuple[int, str], Annotator] = {}  # the last few assembled pipelines
_KEEP = 4


def annotate(
    document: Document,
    knowledge: Knowledge,
    config: Mapping[str, Any] | None = None,
    *,
    edition: str | None = None,
) -> AnnotatedDocument:
    """Code one document: passages, annotations and embeddings, with no store and no I/O.

    The last few pipelines assembled (per knowledge base, config and edition) are kept, so
    calling this per document costs no rebuild, and memory stays bounded however many
    configurations a long-running process sees. Raises :class:`UnsupportedDocument` for a
    language the pipeline does not read."""
    key = (id(knowledge),  # safe: a kept annotator holds its knowledge base, so the id stays
           json.dumps([dict(config or DEFAULT_CONFIG), edition], sort_keys=True, default=str))
    annotator = _ANNOTATORS.pop(key, None)
    if annotator is None or annotator.context.knowledge is not knowledge:
        annotator = Annotator(knowledge, config, edition=edition)
    _ANNOTATORS[key] = annotator  # most recently used last
    while len(_ANNOTATORS) > _KEEP:
        del _ANNOTATORS[next(iter(_ANNOTATORS))]
    return annotator(document)


def prepared(doc: AnnotatedDocument) -> Prepared:
    """The document's text normalised for matching, computed once and shared by components."""
    prep = doc.cache.get("prepared")
    if not isinstance(prep, Prepared) or prep.text is not doc.text:
        prep = doc.cache["prepared"] = Prepared(doc.text)
    return prep


def _load_builtin() -> None:
    """Import the built-in components so that they register themselves."""
    from multivector.pipeline import components  # noqa: F401
