"""What the rest of multivector may ask of a knowledge base: editions, codebook, vectors, actors.

The knowledge base is passed in, never reached for: pipeline components, analyses and services
take an object with this shape as an argument. :class:`multivector.adapters.knowledge.KnowledgeBase`
reads it from the shipped and the user's data files; tests may build one by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from multivector.domain.codebook import Codebook
from multivector.domain.concept import Edition
from multivector.domain.registry import ActorRegistry
from multivector.domain.vectors import VectorScheme


class Knowledge(Protocol):
    """Concept editions, the codebook of themes, the vector scheme and the actor registry."""

    @property
    def codebook(self) -> Codebook: ...

    @property
    def vectors(self) -> VectorScheme: ...

    @property
    def registry(self) -> ActorRegistry: ...

    def edition(self, ref: str | Path) -> Edition:
        """An edition by id (case-insensitive, ``kaz/2020-2030``) or from a YAML file path;
        :class:`~multivector.errors.NotFoundError` if there is none."""
        ...

    def editions(self, country: str | None = None) -> list[Edition]:
        """Every edition held (of one ISO3 country), in id order."""
        ...

    def edition_ids(self) -> list[str]: ...
