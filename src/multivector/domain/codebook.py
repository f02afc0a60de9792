"""The codebook of themes: a hierarchy of concepts with labels, definitions and examples.

A theme follows the knowledge-graph convention: a preferred label, alternative labels (the phrases
that identify it in text), negative labels (phrases that look like it but are not), a definition
with inclusion and exclusion notes, examples, and a crosswalk to Manifesto Project categories.
Cues are names and broad words that point to a theme without showing that a passage is about it
("the United Nations", "Central Asia", "embassy"): they code it only when corroborated (see the
``themes`` component).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Labels:
    preferred: str
    alternative: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return (self.preferred, *self.alternative)


@dataclass(frozen=True)
class Example:
    lang: str
    text: str


@dataclass(frozen=True)
class Crosswalk:
    scheme: str
    code: str
    label: str
    fit: str


@dataclass(frozen=True)
class Theme:
    id: str
    definition: str
    labels: dict[str, Labels]
    include: str | None = None
    exclude: str | None = None
    negative: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()
    crosswalk: tuple[Crosswalk, ...] = ()

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def parent(self) -> str | None:
        return self.id.rsplit(".", 1)[0] if "." in self.id else None

    @property
    def name(self) -> str:
        return self.labels["en"].preferred

    def label(self, lang: str = "en") -> str:
        return (self.labels.get(lang) or self.labels["en"]).preferred


@dataclass(frozen=True)
class Codebook:
    id: str
    version: str
    themes: tuple[Theme, ...]
    description: str | None = None
    _by_id: dict[str, Theme] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({t.id: t for t in self.themes})

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    def __contains__(self, theme_id: object) -> bool:
        return theme_id in self._by_id

    def get(self, theme_id: str) -> Theme:
        try:
            return self._by_id[theme_id]
        except KeyError:
            raise KeyError(f"codebook {self.id} has no theme {theme_id!r}") from None

    def children(self, theme_id: str) -> tuple[Theme, ...]:
        return tuple(t for t in self.themes if t.parent == theme_id)

    @property
    def leaves(self) -> tuple[Theme, ...]:
        parents = {t.parent for t in self.themes}
        return tuple(t for t in self.themes if t.id not in parents)

    def ancestors(self, theme_id: str) -> tuple[str, ...]:
        """Ids of the theme's parents, nearest first (the theme itself excluded)."""
        out = []
        parts = theme_id.split(".")
        for i in range(len(parts) - 1, 0, -1):
            pid = ".".join(parts[:i])
            if pid in self._by_id:
                out.append(pid)
        return tuple(out)
