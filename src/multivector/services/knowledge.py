"""The knowledge base the interfaces use unless they are given one, and the use cases over the
data files: validating them, and the JSON Schema of each kind.

Below the services nothing reaches for the default knowledge base: pipeline components, analyses
and stores receive one as an argument. The command line and the top-level Python API
(``multivector.load_edition``) share this one so that a process reads each data file once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from multivector.adapters.knowledge import KnowledgeBase

__all__ = ["KnowledgeBase", "default_knowledge", "json_schema", "validate", "yaml_files"]
from multivector.errors import Problem

if TYPE_CHECKING:
    from multivector.adapters.yamlfile import YamlDocument
    from multivector.domain.concept import Edition

_DEFAULT: KnowledgeBase | None = None


def default_knowledge() -> KnowledgeBase:
    """The knowledge base of shipped data (and ``MULTIVECTOR_EDITIONS``), created on first use."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = KnowledgeBase()
    return _DEFAULT


SCHEMA_NAMES = (
    "edition", "codebook", "vectors", "countries", "organisations", "people", "places",
    "regions",
)


def json_schema(name: str) -> dict[str, object]:
    """The JSON Schema of a data file kind (edition, codebook, vectors, actor files)."""
    from multivector.adapters.schemas import SCHEMAS
    from multivector.errors import UsageError

    if name not in SCHEMAS:
        raise UsageError(f"unknown schema {name!r}", hint=f"use one of {', '.join(SCHEMAS)}")
    return SCHEMAS[name].model_json_schema(by_alias=True)


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, folders expanded (sorted); a missing path is kept, to be reported."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted({*p.rglob("*.yaml"), *p.rglob("*.yml")})
        else:
            files.append(p)
    return files


def validate(
    files: Iterable[Path], *, kind: str | None = None, knowledge: KnowledgeBase | None = None
) -> list[Problem]:
    """Every problem of the data files ``files`` (folders already expanded by
    :func:`yaml_files`; a folder left in the list is reported as one): schema, cross references
    within a file, references to themes and actors of the knowledge base, and cycles of
    ``supersedes`` among the editions given and those the knowledge base holds."""
    from multivector.adapters import knowledge_files as kf
    from multivector.adapters.schemas import EditionModel
    from multivector.adapters.validation import validate_file

    if kind is not None and kind not in SCHEMA_NAMES:
        from multivector.errors import UsageError

        raise UsageError(f"--kind: unknown kind {kind!r}", hint=f"use one of {list(SCHEMA_NAMES)}")
    kb = knowledge or default_knowledge()
    problems: list[Problem] = []
    editions: list[tuple[Edition, YamlDocument | None]] = []
    for f in files:
        file_problems, doc, parsed = validate_file(f, kind)
        if not file_problems and isinstance(parsed, EditionModel) and doc is not None:
            edition = kf.edition_from_model(parsed)  # the model validated above: no re-read
            file_problems = kb.check_edition_references(edition, doc)
            editions.append((edition, doc))
        problems += file_problems
    if editions:
        given = {e.id for e, _ in editions}
        held: list[tuple[Edition, YamlDocument | None]] = [
            (e, None) for e in kb.editions() if e.id not in given
        ]
        problems += _supersedes_problems([*held, *editions])
    return problems


def _supersedes_problems(editions: list[tuple[Edition, YamlDocument | None]]) -> list[Problem]:
    from multivector.adapters.knowledge_files import supersedes_problems

    return supersedes_problems(editions)


def edition_by_id(kb: KnowledgeBase, ref: str) -> Edition:
    """The held edition whose id is ``ref`` (in any case). Only ids are read, never a file
    path, so a request from a network can name no file on the server; an unknown id is a
    :class:`~multivector.errors.NotFoundError` whose hint names the nearest ids held."""
    import difflib

    from multivector.errors import NotFoundError

    ids = {i.casefold(): i for i in kb.edition_ids()}
    key = ref.strip().casefold()
    if key in ids:
        return kb.edition(ids[key])
    tail = key.rsplit("/", 1)[-1]
    near = [i for i in ids if tail and tail in i]  # kaz/2020 -> kaz/2020-2030
    near += [i for i in difflib.get_close_matches(key, list(ids), n=3, cutoff=0.5)
             if i not in near]
    hint = (f"did you mean {', '.join(ids[n] for n in near[:3])}?" if near
            else f"the editions held are {', '.join(kb.edition_ids())}")
    raise NotFoundError(f"no concept edition {ref[:80]!r}", hint=hint)
