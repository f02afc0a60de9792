"""Validate a parsed YAML document against a file schema, reporting `file:line: field: message`."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pydantic

from multivector.adapters.schemas import SCHEMAS
from multivector.adapters.yamlfile import YamlDocument, read_yaml
from multivector.errors import Problem, ValidationError

M = TypeVar("M", bound=pydantic.BaseModel)


def _empty(doc: YamlDocument, kind: str | None) -> ValidationError:
    see = f"`multivector schema {kind}`" if kind else "`multivector schema KIND`"
    return ValidationError(
        [doc.problem((), f"the file is empty (or holds only comments); write its data, see {see}")]
    )


def detect_kind(doc: YamlDocument) -> str:
    """Guess a file's kind from its top-level keys."""
    data = doc.data
    if data is None:
        raise _empty(doc, None)
    if isinstance(data, dict):
        if "elements" in data or "period" in data:
            return "edition"
        if "themes" in data:
            return "codebook"
        if "vectors" in data:
            return "vectors"
        for key in ("countries", "organisations", "people", "places", "regions"):
            if key in data:
                return key
    raise ValidationError(
        [
            doc.problem(
                (),
                "cannot tell what kind of file this is; an edition has `elements`, a codebook "
                "`themes`, a vector scheme `vectors`, an actor file `countries`, "
                "`organisations`, `people` or `places`",
            )
        ]
    )


def check(doc: YamlDocument, model: type[M]) -> M:
    """Validate ``doc`` against ``model``; raise one :class:`ValidationError` with all problems."""
    if doc.data is None:
        raise _empty(doc, next((k for k, m in SCHEMAS.items() if m is model), None))
    try:
        return model.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field (check its spelling, or remove it)"
            elif err["type"] == "missing":
                msg = "required field is missing"
            problems.append(doc.problem(loc, msg))
        raise ValidationError(problems) from None


def validate_path(path: Path, kind: str | None = None) -> list[Problem]:
    """All problems of one file (empty when it is valid), including cross-references."""
    return validate_file(path, kind)[0]


def validate_file(
    path: Path, kind: str | None = None
) -> tuple[list[Problem], YamlDocument | None, pydantic.BaseModel | None]:
    """All problems of one file, with the document and the validated model when it parses
    (read once, for callers that go on to check more)."""
    try:
        doc = read_yaml(path)
        model = SCHEMAS[kind or detect_kind(doc)]
        parsed = check(doc, model)
    except ValidationError as exc:
        return exc.problems, None, None
    from multivector.adapters.knowledge_files import cross_check

    return cross_check(doc, parsed), doc, parsed
