"""Read YAML data files while remembering the line of every value, for `file:line` messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from multivector.errors import Problem, ValidationError

Loc = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """A safe loader that keeps dates as ISO strings (pydantic parses them) and records lines."""


# Keep YAML timestamps as strings: the schemas parse dates themselves and report bad ones.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*loc, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*loc, key), lines)
            lines[(*loc, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines)


class YamlDocument:
    """The parsed data of one YAML file and the line where each value starts."""

    def __init__(self, name: str, data: Any, lines: dict[Loc, int]) -> None:
        self.name = name
        self.data = data
        self.lines = lines

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest ancestor that the file has."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.name, self.line_of(loc), _dotted(loc), message)


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def parse_yaml(text: str, name: str) -> YamlDocument:
    """Parse YAML text; syntax errors become a :class:`ValidationError` with the line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ValidationError(
            [Problem(name, line, "(syntax)", f"not valid YAML: {exc.problem}")]
        ) from None
    except yaml.YAMLError as exc:
        raise ValidationError([Problem(name, None, "(syntax)", f"not valid YAML: {exc}")]) from None
    lines: dict[Loc, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return YamlDocument(name, data, lines)


def read_yaml(path: Path) -> YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            [
                Problem(
                    str(path), None, "(encoding)", f"not UTF-8 text ({exc.reason}); save as UTF-8"
                )
            ]
        ) from None
    except OSError as exc:
        raise ValidationError(
            [Problem(str(path), None, "(file)", f"cannot read: {exc.strerror}")]
        ) from None
    return parse_yaml(text, str(path))
