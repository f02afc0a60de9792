"""Read YAML data files while remembering the line of every value, for `file:line` messages.

A file is parsed once (with libyaml when PyYAML has it): the node graph is composed, checked and
walked for lines, then the Python data is constructed from the same nodes. The check rejects what
a data file never needs and a hostile one may hold: recursive aliases, aliases that expand to
millions of values, nesting hundreds of levels deep, duplicate keys and unreadable values.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from multivector.errors import Problem, ValidationError

Loc = tuple[str | int, ...]

LIBYAML: bool = getattr(yaml, "__with_libyaml__", False)
"""Whether PyYAML was built with libyaml; :func:`parse_yaml` then uses its C parser."""

MAX_DEPTH = 100
"""Deepest nesting a data file may have; the shipped files stay under 10 levels."""

MAX_ALIAS_EXPANSION = 200_000
"""Values that aliases may add to a file once expanded; a real file reuses a few."""

_MERGE = "tag:yaml.org,2002:merge"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DEEP = f"values are nested more than {MAX_DEPTH} levels deep; flatten the data"

# Keep YAML timestamps as strings: the schemas parse dates themselves and report bad ones.
_RESOLVERS = {
    k: [(tag, rx) for tag, rx in v if tag != _TIMESTAMP]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _BadValue(Exception):
    """A scalar the constructor cannot turn into a value (``!!int abc``, a 5000-digit integer)."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


class _Values(SafeConstructor):
    """Construction that reports a value it cannot read at the value's node, not as a traceback.

    PyYAML lets ``int()``, ``datetime`` and friends raise plain ``ValueError``/``KeyError``.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
            raise _BadValue(node, _bad_value_message(node, exc)) from None


class _PyLoader(_Values, yaml.SafeLoader):
    """The pure-Python safe loader, its recursive composer stopped before Python's stack is.

    The composer counts keys as a level, so it stops one level later than :func:`_lines`, which
    then reports the first value too deep, as it does for libyaml.
    """

    yaml_implicit_resolvers = _RESOLVERS
    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(None, None, _DEEP, event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


if LIBYAML:

    class _CLoader(_Values, yaml.CSafeLoader):
        """libyaml's parser and composer (which stops at 1,000 levels) with the same resolvers."""

        yaml_implicit_resolvers = _RESOLVERS


def _bad_value_message(node: yaml.Node, exc: Exception) -> str:
    kind = node.tag.rsplit(":", 1)[-1]
    if not isinstance(node, yaml.ScalarNode):
        return f"cannot read this {kind}; check its tag and contents"
    value = str(node.value)
    limit = sys.get_int_max_str_digits()
    digits = sum(ch.isdigit() for ch in value)
    if node.tag == _INT and limit and digits > limit:
        return f"integer too long ({digits} digits, the limit is {limit}); quote it if it is text"
    shown = value if len(value) <= 40 else value[:37] + "..."
    why = f" ({exc})" if isinstance(exc, ValueError) else ""
    return f"cannot read {shown!r} as {kind}{why}; fix the value or quote it as text"


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
    if len(loc) > 8:  # a path a hundred levels deep says less than its start
        return _dotted(loc[:6]) + "..."
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


# --------------------------------------------------------------------------- the node graph


def _children(node: yaml.Node) -> list[tuple[str | int, yaml.Node]]:
    """A collection's values with their keys (mapping keys that are not scalars are skipped)."""
    if isinstance(node, yaml.MappingNode):
        return [(k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    if isinstance(node, yaml.SequenceNode):
        return list(enumerate(node.value))
    return []


def _find_cycle(root: yaml.Node) -> tuple[yaml.Node, Loc] | None:
    """A node that contains itself, and where the alias back to it sits; None for a DAG."""
    on_path: set[int] = {id(root)}
    done: set[int] = set()
    stack: list[tuple[yaml.Node, Loc, Iterator[tuple[str | int, yaml.Node]]]] = [
        (root, (), iter(_children(root)))
    ]
    while stack:
        node, loc, rest = stack[-1]
        for key, child in rest:
            if id(child) in on_path:
                return child, (*loc, key)
            if id(child) not in done:
                on_path.add(id(child))
                stack.append((child, (*loc, key), iter(_children(child))))
                break
        else:
            on_path.discard(id(node))
            done.add(id(node))
            stack.pop()
    return None


def _locate(root: yaml.Node, target: yaml.Node) -> Loc:
    """The first place ``target`` appears in the graph, visiting each node once."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Loc]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        if node is target:
            return loc
        if id(node) not in seen:
            seen.add(id(node))
            stack.extend((child, (*loc, key)) for key, child in reversed(_children(node)))
    return ()


def _abandon(root: yaml.Node, name: str, problem: Problem) -> ValidationError:
    """The error for a walk that went too deep or too far; a recursive alias explains both."""
    cycle = _find_cycle(root)
    if cycle is not None:
        node, loc = cycle
        problem = Problem(
            name,
            _line(node),
            _dotted(loc),
            f"an alias refers to the value that contains it (anchored at line {_line(node)}); "
            "write the values out instead",
        )
    return ValidationError([problem])


def _lines(root: yaml.Node, name: str) -> dict[Loc, int]:
    """The line of every value, walking aliases as the data will repeat them, within bounds.

    A mapping entry's line is the line of its key. Each distinct mapping is checked once for
    duplicate keys (PyYAML silently keeps the last).
    """
    lines: dict[Loc, int] = {(): _line(root)}
    problems: list[Problem] = []
    seen: set[int] = set()
    repeats = 0
    stack: list[tuple[yaml.Node, Loc]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        if len(loc) >= MAX_DEPTH:
            raise _abandon(root, name, Problem(name, _line(node), _dotted(loc), _DEEP))
        first_visit = id(node) not in seen
        if first_visit:
            seen.add(id(node))
        else:
            repeats += 1
            if repeats > MAX_ALIAS_EXPANSION:
                message = (
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values (an alias "
                    "bomb?); write the values out"
                )
                raise _abandon(root, name, Problem(name, _line(node), _dotted(loc), message))
        if isinstance(node, yaml.MappingNode):
            keys: dict[tuple[str, str], int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    if first_visit:
                        problems.append(
                            Problem(
                                name,
                                _line(key_node),
                                _dotted(loc),
                                "a key must be a plain value, not a list or a mapping; "
                                "write the key as text",
                            )
                        )
                    continue
                key = key_node.value
                child = (*loc, key)
                if first_visit and key_node.tag != _MERGE:
                    ident = (key_node.tag, key)
                    if ident in keys:
                        problems.append(
                            Problem(
                                name,
                                _line(key_node),
                                _dotted(child),
                                f"duplicate key {key!r} (first at line {keys[ident]}); "
                                "keep one of them",
                            )
                        )
                    else:
                        keys[ident] = _line(key_node)
                lines[child] = _line(key_node)
                stack.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                child = (*loc, i)
                lines[child] = _line(item)
                stack.append((item, child))
    if problems:
        raise ValidationError(sorted(problems, key=lambda p: p.line or 0))
    return lines


# --------------------------------------------------------------------------- parsing


def _syntax(name: str, line: int | None, message: str) -> ValidationError:
    return ValidationError([Problem(name, line, "(syntax)", message)])


def parse_yaml(text: str, name: str, *, libyaml: bool = True) -> YamlDocument:
    """Parse YAML text once; every problem becomes a :class:`ValidationError` with its line.

    ``libyaml=False`` uses PyYAML's pure-Python parser even when libyaml is present (the two must
    give the same data and lines; the tests compare them).
    """
    loader: _PyLoader | _CLoader | None = None
    node: yaml.Node | None = None
    try:
        loader = _CLoader(text) if libyaml and LIBYAML else _PyLoader(text)
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(name, None, {})
        lines = _lines(node, name)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        problem = str(exc.problem)
        if problem == _DEEP or "maximum nesting depth" in problem:  # ours, or libyaml's (1,000)
            raise _syntax(name, line, _DEEP) from None
        if "another document" in problem:
            raise _syntax(
                name, line, "a second YAML document starts here; keep one document per file"
            ) from None
        context = f"{exc.context} " if exc.context else ""
        raise _syntax(name, line, f"not valid YAML: {context}{problem}") from None
    except yaml.reader.ReaderError as exc:
        bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
        line = text.count("\n", 0, bad.start()) + 1 if bad else None
        raise _syntax(
            name, line, f"not valid YAML: {exc.reason}; remove the character or escape it"
        ) from None
    except yaml.YAMLError as exc:
        raise _syntax(name, None, f"not valid YAML: {exc}") from None
    except _BadValue as exc:
        loc = _locate(node, exc.node) if node is not None else ()
        raise ValidationError([Problem(name, _line(exc.node), _dotted(loc), exc.message)]) from None
    except RecursionError:  # only when called with the stack already nearly full
        raise _syntax(name, None, _DEEP) from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(name, data, lines)


def yaml_text(raw: bytes, name: str) -> str:
    """Decode a data file's bytes; anything but UTF-8 is a problem at the line it breaks."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValidationError(
            [
                Problem(
                    name,
                    line,
                    "(encoding)",
                    f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8",
                )
            ]
        ) from None


def read_yaml(path: Path) -> YamlDocument:
    """Read and parse one file; a folder, a missing file or other encodings are problems."""
    if path.is_dir():
        raise ValidationError(
            [
                Problem(
                    str(path),
                    None,
                    "(file)",
                    "is a folder, not a YAML file; name the files in it, or rename the folder",
                )
            ]
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            [Problem(str(path), None, "(file)", f"cannot read: {exc.strerror}; check the path")]
        ) from None
    return parse_yaml(yaml_text(raw, str(path)), str(path))
