"""multivector: foreign-policy concepts as sourced data, and tools to compare them with practice.

Public API::

    import multivector as mv
    a = mv.load_edition("kaz/2014-2020")
    b = mv.load_edition("kaz/2020-2030")
    d = mv.diff(a, b)
    d.to_frame()                       # one row per element change (pandas)
    mv.resolve("Tokaev", on="2005-06-01")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from multivector.adapters.knowledge import KnowledgeBase
from multivector.domain.actors import Actor, Resolution
from multivector.domain.codebook import Codebook, Theme
from multivector.domain.concept import Edition, Element, EvidenceLevel, Tier
from multivector.domain.diff import ChangeType, EditionDiff, diff_editions
from multivector.domain.registry import ActorRegistry
from multivector.domain.vectors import VectorScheme
from multivector.errors import MultivectorError, NotFoundError, UsageError, ValidationError
from multivector.services.knowledge import default_knowledge

__version__ = "0.1.0"


def load_edition(ref: str | Path) -> Edition:
    """A concept edition by id (``"kaz/2020-2030"``) or from a YAML file path."""
    return default_knowledge().edition(ref)


def list_editions(country: str | None = None) -> list[Edition]:
    return default_knowledge().editions(country)


def diff(a: Edition | str, b: Edition | str) -> EditionDiff:
    """Typed differences between edition ``a`` (older) and ``b`` (newer)."""
    ea = a if isinstance(a, Edition) else load_edition(a)
    eb = b if isinstance(b, Edition) else load_edition(b)
    return diff_editions(ea, eb)


def codebook() -> Codebook:
    return default_knowledge().codebook


def vector_scheme() -> VectorScheme:
    return default_knowledge().vectors


def registry() -> ActorRegistry:
    return default_knowledge().registry


def resolve(text: str, on: dt.date | str | None = None) -> list[Resolution]:
    """Actors a name (or a text) refers to on a date, with confidence and reason."""
    day = dt.date.fromisoformat(on) if isinstance(on, str) else on
    return registry().resolve(text, on=day)


__all__ = [
    "Actor",
    "ActorRegistry",
    "ChangeType",
    "Codebook",
    "Edition",
    "EditionDiff",
    "Element",
    "EvidenceLevel",
    "KnowledgeBase",
    "MultivectorError",
    "NotFoundError",
    "Resolution",
    "Theme",
    "Tier",
    "UsageError",
    "ValidationError",
    "VectorScheme",
    "__version__",
    "codebook",
    "diff",
    "list_editions",
    "load_edition",
    "registry",
    "resolve",
    "vector_scheme",
]
