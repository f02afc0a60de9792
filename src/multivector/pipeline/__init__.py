"""The annotation pipeline: named components assembled from a config, spaCy style.

A component is a callable ``AnnotatedDocument -> AnnotatedDocument`` with a ``name`` and a
``version``. Factories are registered by name with :func:`register`; :meth:`Pipeline.from_config`
builds the components a config lists, each with its own settings::

    {"components": ["segment", "actors", "dates", "themes", "elements", "events"],
     "settings": {"segment": {"unit": "sentence"}, "themes": {"semantic": false}}}
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from multivector.domain.concept import Edition
from multivector.domain.corpus import AnnotatedDocument
from multivector.errors import UsageError
from multivector.services.knowledge import KnowledgeBase
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

    knowledge: KnowledgeBase
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
    def __init__(self, components: Iterable[Component]) -> None:
        self.components = list(components)
        self._scanner: Scanner | None = None

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


def prepared(doc: AnnotatedDocument) -> Prepared:
    """The document's text normalised for matching, computed once and shared by components."""
    prep = doc.cache.get("prepared")
    if not isinstance(prep, Prepared) or prep.text is not doc.text:
        prep = doc.cache["prepared"] = Prepared(doc.text)
    return prep


def _load_builtin() -> None:
    """Import the built-in components so that they register themselves."""
    from multivector.pipeline import components  # noqa: F401
