"""The knowledge base read from files: concept editions, the codebook, the vector scheme and the
actor registry (an implementation of :class:`multivector.domain.knowledge.Knowledge`).

Shipped data is read from the package. Users add editions from their own folders (the
``MULTIVECTOR_EDITIONS`` environment variable, a list of folders separated by ``os.pathsep``, or
``extra_editions``) and replace the codebook or the vector scheme with their own files
(``MULTIVECTOR_CODEBOOK``, ``MULTIVECTOR_VECTORS``, or the ``codebook``/``vectors`` arguments).
Everything is loaded lazily and once per instance, through the compiled cache
(:mod:`multivector.adapters.compiled`): a read command that needs three editions does not parse
the codebook, and a second run parses nothing that has not changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from multivector.adapters.compiled import CompiledCache, key_of
from multivector.domain.codebook import Codebook
from multivector.domain.concept import Edition
from multivector.domain.registry import ActorRegistry
from multivector.domain.vectors import VectorScheme
from multivector.errors import NotFoundError, Problem, ValidationError

if TYPE_CHECKING:
    from multivector.adapters.yamlfile import YamlDocument

ACTOR_FILES = ("countries", "organisations", "people", "places", "regions")
DATA = "multivector.data"
Source = Path | Traversable


def data_root() -> Traversable:
    """The package's shipped data folder."""
    return resources.files(DATA)


class KnowledgeBase:
    """Concept editions, codebook, vector scheme and actor registry, from shipped and user files.

    ``cache`` is where compiled data files are kept (:class:`CompiledCache`; by default the user's
    cache directory, ``CompiledCache(None)`` for none)."""

    def __init__(
        self,
        *,
        extra_editions: Iterable[Path] = (),
        codebook: Path | None = None,
        vectors: Path | None = None,
        cache: CompiledCache | None = None,
    ) -> None:
        env = os.environ.get("MULTIVECTOR_EDITIONS", "")
        self._edition_dirs = [Path(p) for p in env.split(os.pathsep) if p] + list(extra_editions)
        self._codebook_path = codebook or _env_path("MULTIVECTOR_CODEBOOK")
        self._vectors_path = vectors or _env_path("MULTIVECTOR_VECTORS")
        self._cache = cache if cache is not None else CompiledCache.default()
        self._editions: dict[str, Edition] = {}

    # ------------------------------------------------------------------ editions

    @cached_property
    def _edition_files(self) -> dict[str, Source]:
        """Edition id -> file, shipped first, then user folders (which may override)."""
        found: dict[str, Source] = {}
        root = data_root() / "editions"
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
        return sorted(self._edition_files, key=_edition_sort_key)

    def editions(self, country: str | None = None) -> list[Edition]:
        eds = [self.edition(i) for i in self.edition_ids()]
        if _has_supersedes_cycle(eds):  # rare: only then pay for the located problems
            from multivector.adapters.knowledge_files import supersedes_problems

            raise ValidationError(supersedes_problems((e, None) for e in eds))
        return [e for e in eds if country is None or e.country == country.upper()]

    def edition(self, ref: str | Path) -> Edition:
        """An edition by id (``kaz/2020-2030``, in any case) or by the path of a YAML file."""
        key = str(ref)
        if key in self._editions:
            return self._editions[key]
        files = self._edition_files
        folded = {i.casefold(): i for i in files}
        source: Source
        if key.casefold() in folded:
            source = files[folded[key.casefold()]]
        elif Path(key).is_file():
            source = Path(key)
        else:
            near = [i for i in files if key.split("/")[-1].casefold() in i.casefold()]
            hint = (
                f"did you mean {', '.join(near)}?"
                if near
                else "list them with `multivector concepts`"
            )
            raise NotFoundError(f"no concept edition {key!r}", hint=hint)
        name = _display_name(source, key)
        data = source.read_bytes()
        edition = self._cache.get(
            f"edition:{name}", key_of([name, data]), lambda: _parse_edition(data, name)
        )
        problems = self.check_edition_references(edition)
        if problems:  # read the file again only to say on which lines
            problems = self.check_edition_references(edition, _document(data, name))
            raise ValidationError(problems)
        self._editions[key] = edition
        self._editions[edition.id] = edition
        return edition

    def parse_edition(self, data: bytes, name: str) -> Edition:
        """An edition from a file's bytes (an upload), checked as :meth:`edition` checks a
        file and kept nowhere: another caller cannot reach it by its id, and no file is written.
        ``name`` is what the problems name (the upload's base name, never a path)."""
        edition = _parse_edition(data, name)
        problems = self.check_edition_references(edition)
        if problems:
            raise ValidationError(self.check_edition_references(edition, _document(data, name)))
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

        themes = self.theme_ids
        for i, el in enumerate(edition.elements):
            for j, theme in enumerate(el.themes):
                if theme not in themes:
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
        src: Source = self._codebook_path or data_root() / "codebook.yaml"
        name = _display_name(src, "codebook")
        data = src.read_bytes()
        return self._cache.get(
            f"codebook:{name}", key_of([name, data]), lambda: _parse_codebook(data, name)
        )

    @cached_property
    def theme_ids(self) -> frozenset[str]:
        """The ids of the codebook's themes (cached apart: checking an edition needs no more)."""
        src: Source = self._codebook_path or data_root() / "codebook.yaml"
        name = _display_name(src, "codebook")
        data = src.read_bytes()
        return self._cache.get(
            f"themeids:{name}",
            key_of([name, data]),
            lambda: frozenset(t.id for t in _parse_codebook(data, name)),
        )

    @cached_property
    def vectors(self) -> VectorScheme:
        src: Source = self._vectors_path or data_root() / "vectors.yaml"
        name = _display_name(src, "vectors")
        data = src.read_bytes()
        scheme = self._cache.get(
            f"vectors:{name}", key_of([name, data]), lambda: _parse_vectors(data, name)
        )
        from multivector.domain.actors import ActorType

        regions = [a for a in self.registry.of_type(ActorType.REGION)
                   if a.counts_toward not in scheme.ids]
        if regions:
            raise ValidationError([
                Problem(name, None, "vectors", f"region {a.id!r} counts toward "
                        f"{a.counts_toward!r}, which the scheme does not have; use one of "
                        f"{', '.join(scheme.ids)}") for a in regions])
        bad = [o for v in scheme.vectors for o in v.organisations if o not in self.registry]
        if bad:
            raise ValidationError(
                [
                    Problem(
                        name,
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
        root = data_root() / "actors"
        files = [(name, root / f"{name}.yaml") for name in ACTOR_FILES]
        present = [(name, f.read_bytes()) for name, f in files if f.is_file()]
        parts: list[bytes | str] = [p for name, data in present for p in (name, data)]
        return self._cache.get("registry:shipped", key_of(parts), lambda: _build_registry(present))


# ---------------------------------------------------------------------------- builders (slow)


def _document(data: bytes, name: str) -> YamlDocument:
    from multivector.adapters.yamlfile import parse_yaml

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            [Problem(name, None, "(encoding)", f"not UTF-8 text ({exc.reason}); save as UTF-8")]
        ) from None
    return parse_yaml(text, name)


def _parse_edition(data: bytes, name: str) -> Edition:
    from multivector.adapters import knowledge_files as kf

    return kf.load_edition_document(_document(data, name))


def _parse_codebook(data: bytes, name: str) -> Codebook:
    from multivector.adapters import knowledge_files as kf

    return kf.load_codebook_document(_document(data, name))


def _parse_vectors(data: bytes, name: str) -> VectorScheme:
    from multivector.adapters import knowledge_files as kf

    return kf.load_vectors_document(_document(data, name))


def _build_registry(files: list[tuple[str, bytes]]) -> ActorRegistry:
    from multivector.adapters import knowledge_files as kf
    from multivector.adapters.iso_countries import country_actors

    actors, aliases = country_actors()
    loaders = {
        "countries": kf.load_countries_document,
        "organisations": kf.load_organisations_document,
        "people": kf.load_people_document,
        "places": kf.load_places_document,
        "regions": kf.load_regions_document,
    }
    for name, data in files:
        a, al = loaders[name](_document(data, f"data/actors/{name}.yaml"))
        actors += a
        aliases += al
    return ActorRegistry(actors, aliases)


def _has_supersedes_cycle(editions: list[Edition]) -> bool:
    """Whether following ``supersedes`` from some edition comes back to it."""
    after = {e.id: e.supersedes for e in editions}
    for start in after:
        seen = {start}
        current = after.get(start)
        while current is not None and current in after:
            if current in seen:
                return True
            seen.add(current)
            current = after[current]
    return False


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _display_name(source: Source, fallback: str) -> str:
    if isinstance(source, Path):
        return str(source)
    text = str(source)
    marker = "multivector/data/"
    return "data/" + text.split(marker, 1)[1] if marker in text else fallback


def _edition_sort_key(ident: str) -> tuple[str, str]:
    country, _, rest = ident.partition("/")
    return country, rest
