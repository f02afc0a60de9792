"""The knowledge base: concept editions, the codebook, the vector scheme and the actor registry.

Shipped data is read from the package. Users add editions from their own folders (the
``MULTIVECTOR_EDITIONS`` environment variable, a list of folders separated by ``os.pathsep``, or
``extra_editions``) and replace the codebook or the vector scheme with their own files
(``MULTIVECTOR_CODEBOOK``, ``MULTIVECTOR_VECTORS``, or the ``codebook``/``vectors`` arguments).
Everything is loaded lazily and once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cached_property
from importlib.resources.abc import Traversable
from pathlib import Path

from multivector.adapters import knowledge_files as kf
from multivector.adapters.iso_countries import country_actors
from multivector.adapters.yamlfile import YamlDocument
from multivector.domain.actors import Actor, Alias
from multivector.domain.codebook import Codebook
from multivector.domain.concept import Edition
from multivector.domain.vectors import VectorScheme
from multivector.errors import NotFoundError, Problem, ValidationError
from multivector.services.registry import ActorRegistry

ACTOR_FILES = ("countries", "organisations", "people", "places")


class KnowledgeBase:
    def __init__(
        self,
        *,
        extra_editions: Iterable[Path] = (),
        codebook: Path | None = None,
        vectors: Path | None = None,
    ) -> None:
        env = os.environ.get("MULTIVECTOR_EDITIONS", "")
        self._edition_dirs = [Path(p) for p in env.split(os.pathsep) if p] + list(extra_editions)
        self._codebook_path = codebook or _env_path("MULTIVECTOR_CODEBOOK")
        self._vectors_path = vectors or _env_path("MULTIVECTOR_VECTORS")
        self._editions: dict[str, Edition] = {}

    # ------------------------------------------------------------------ editions

    def _edition_files(self) -> dict[str, Path | Traversable]:
        """Edition id -> file, shipped first, then user folders (which may override)."""
        found: dict[str, Path | Traversable] = {}
        root = kf.data_root() / "editions"
        for country in sorted(root.iterdir(), key=lambda t: t.name):
            if country.is_dir():
                for f in sorted(country.iterdir(), key=lambda t: t.name):
                    if f.name.endswith(".yaml"):
                        found[f"{country.name}/{f.name[:-5]}"] = f
        for folder in self._edition_dirs:
            for f in sorted(folder.rglob("*.yaml")):
                rel = f.relative_to(folder).with_suffix("")
                ident = "/".join(rel.parts[-2:]) if len(rel.parts) >= 2 else rel.name
                found[ident] = f
        return found

    def edition_ids(self) -> list[str]:
        return sorted(self._edition_files(), key=_edition_sort_key)

    def editions(self, country: str | None = None) -> list[Edition]:
        eds = [self.edition(i) for i in self.edition_ids()]
        return [e for e in eds if country is None or e.country == country.upper()]

    def edition(self, ref: str | Path) -> Edition:
        """An edition by id (``kaz/2020-2030``) or by the path of a YAML file."""
        key = str(ref)
        if key in self._editions:
            return self._editions[key]
        files = self._edition_files()
        source: Path | Traversable
        if key in files:
            source = files[key]
        elif Path(key).is_file():
            source = Path(key)
        else:
            near = [i for i in files if key.split("/")[-1] in i]
            hint = (
                f"did you mean {', '.join(near)}?"
                if near
                else "list them with `multivector concepts`"
            )
            raise NotFoundError(f"no concept edition {key!r}", hint=hint)
        doc = kf.read_document(source, _display_name(source, key))
        edition = kf.load_edition_document(doc)
        problems = self.check_edition_references(edition, doc)
        if problems:
            raise ValidationError(problems)
        self._editions[key] = edition
        self._editions[edition.id] = edition
        return edition

    def check_edition_references(
        self, edition: Edition, doc: YamlDocument | None = None
    ) -> list[Problem]:
        """Themes, actors and organisations an edition names must exist in the knowledge base."""
        problems: list[Problem] = []
        name = doc.name if doc else edition.id

        def problem(loc: tuple[str | int, ...], message: str) -> None:
            if doc is not None:
                problems.append(doc.problem(loc, message))
            else:
                problems.append(Problem(name, None, ".".join(map(str, loc)), message))

        for i, el in enumerate(edition.elements):
            for j, theme in enumerate(el.themes):
                if theme not in self.codebook:
                    problem(
                        ("elements", i, "themes", j),
                        f"unknown theme {theme!r}; see `multivector schema codebook` and the "
                        "codebook's theme ids",
                    )
            for j, partner in enumerate(el.partners):
                if partner.actor not in self.registry:
                    problem(
                        ("elements", i, "partners", j, "actor"),
                        f"unknown actor {partner.actor!r}; use an ISO3 code or an organisation id",
                    )
            for j, org in enumerate(el.organisations):
                if org not in self.registry:
                    problem(("elements", i, "organisations", j), f"unknown organisation {org!r}")
        return problems

    # ------------------------------------------------------------------ codebook & vectors

    @cached_property
    def codebook(self) -> Codebook:
        src: Path | Traversable = self._codebook_path or kf.data_root() / "codebook.yaml"
        return kf.load_codebook_document(kf.read_document(src, _display_name(src, "codebook")))

    @cached_property
    def vectors(self) -> VectorScheme:
        src: Path | Traversable = self._vectors_path or kf.data_root() / "vectors.yaml"
        scheme = kf.load_vectors_document(kf.read_document(src, _display_name(src, "vectors")))
        bad = [o for v in scheme.vectors for o in v.organisations if o not in self.registry]
        if bad:
            raise ValidationError(
                [
                    Problem(
                        str(src),
                        None,
                        "vectors.organisations",
                        f"unknown organisation(s) {sorted(set(bad))}; add them to the registry",
                    )
                ]
            )
        return scheme

    # ------------------------------------------------------------------ actors

    @cached_property
    def registry(self) -> ActorRegistry:
        actors: list[Actor] = []
        aliases: list[Alias] = []
        iso_actors, iso_aliases = country_actors()
        actors += iso_actors
        aliases += iso_aliases
        loaders = {
            "countries": kf.load_countries_document,
            "organisations": kf.load_organisations_document,
            "people": kf.load_people_document,
            "places": kf.load_places_document,
        }
        root = kf.data_root() / "actors"
        for name in ACTOR_FILES:
            f = root / f"{name}.yaml"
            if f.is_file():
                a, al = loaders[name](kf.read_document(f, f"data/actors/{name}.yaml"))
                actors += a
                aliases += al
        return ActorRegistry(actors, aliases)


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _display_name(source: Path | Traversable, fallback: str) -> str:
    if isinstance(source, Path):
        return str(source)
    text = str(source)
    marker = "multivector/data/"
    return "data/" + text.split(marker, 1)[1] if marker in text else fallback


def _edition_sort_key(ident: str) -> tuple[str, str]:
    country, _, rest = ident.partition("/")
    return country, rest


_DEFAULT: KnowledgeBase | None = None


def default_knowledge() -> KnowledgeBase:
    """The knowledge base of shipped data (and ``MULTIVECTOR_EDITIONS``), created on first use."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = KnowledgeBase()
    return _DEFAULT
