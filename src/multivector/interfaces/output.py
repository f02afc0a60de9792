"""Render command results as table, JSON, CSV, YAML or Markdown (the shared `--format` option).

A result is a *document*: a dict whose values are scalars, dicts, or lists of row dicts. JSON and
YAML print the whole document; table and Markdown print each list of rows as a table under its
key; CSV prints one list of rows (the command names which).

On a terminal (``table``), rows print as a table when every column fits readably at the console
width, long text cut with ``…``; otherwise as one block of ``field: value`` lines per record,
text whole. Document ids show as short unique prefixes there; the other formats keep them whole.
Data is never read as rich markup.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum, StrEnum
from typing import Any

import yaml
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    yaml = "yaml"
    md = "md"


Row = Mapping[str, Any]

DOC_ID_COLUMNS = frozenset({"doc_id", "doc"})
SHORT_ID = 12  # characters of a document id shown on a terminal, like git's short hashes
MIN_CELL = 12  # a column cut shorter than this is unreadable: print blocks instead
FEW_ROWS = 5  # so few records are read, not scanned: blocks rather than a table that cuts text
_BULLET = "• "
_DOC_ID = re.compile(r"[0-9a-f]{64}(?=$|:)")  # a sha256 document id, maybe ":passage" after it


def _cell(value: Any, *, digits: int | None = None) -> str:
    if value is None:
        return ""
    if digits is not None and isinstance(value, float):
        return f"{value:.{digits}f}".rstrip("0").rstrip(".") if value == value else ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, Mapping) for v in value)


def _columns(rows: Sequence[Row]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def to_csv(rows: Sequence[Row]) -> str:
    buf = io.StringIO()
    cols = _columns(rows)
    writer = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(r.get(k)) for k in cols})
    return buf.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]!])")


def _md(text: str) -> str:
    """Inline Markdown text: HTML inert (``<script>`` shows as text), links, images and
    emphasis in data shown as written (``![](http://...)`` loads nothing), one line."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def to_markdown(doc: Mapping[str, Any], title: str | None = None) -> str:
    out: list[str] = []
    if title:
        out += [f"# {_md(title)}", ""]
    scalars = {k: v for k, v in doc.items() if not _is_rows(v)}
    for k, v in scalars.items():
        out.append(f"- **{_md(k)}**: {_md(_cell(v))}")
    if scalars:
        out.append("")
    for key, value in doc.items():
        if not _is_rows(value):
            continue
        out += [f"## {_md(key)}", ""]
        if not value:
            out += ["(none)", ""]
            continue
        cols = _columns(value)
        out.append("| " + " | ".join(_md(c) for c in cols) + " |")
        out.append("|" + "---|" * len(cols))
        for r in value:
            cells = [_md(_cell(r.get(c), digits=3)).replace("|", "\\|") for c in cols]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def _json_default(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def to_plain(doc: Any) -> Any:
    """The document with dates, enums and tuples turned into JSON types."""
    return json.loads(json.dumps(doc, default=_json_default, ensure_ascii=False))


def short_ids(ids: Iterable[str], minimum: int = SHORT_ID) -> dict[str, str]:
    """Each id with the prefix that shows it: ``minimum`` characters, more only if two share them.

    One length for all, so a column of ids stays aligned (git's short hashes, over the ids given).
    """
    unique = set(ids)
    longest = max(map(len, unique), default=0)
    n = minimum
    while n < longest and len({i[:n] for i in unique}) < len(unique):
        n += 1
    return {i: i[:n] for i in unique}


def _doc_ids(doc: Mapping[str, Any]) -> dict[str, str]:
    found = [v for k, v in doc.items() if k in DOC_ID_COLUMNS and isinstance(v, str)]
    found += [
        r[c] for v in doc.values() if _is_rows(v) for r in v for c in DOC_ID_COLUMNS
        if isinstance(r.get(c), str)
    ]
    return short_ids(m.group() for v in found if (m := _DOC_ID.match(v)))


def _shown(key: str, value: Any, ids: Mapping[str, str], *, block: bool = False) -> str:
    """A value as people read it: a short document id, records in a cell without empty fields
    (in a block, one record a paragraph)."""
    if isinstance(value, (list, tuple)) and any(isinstance(v, Mapping) for v in value):
        if block:
            return "\n\n".join(_BULLET + _shown(key, v, ids) for v in value)
        return ", ".join(_shown(key, v, ids) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={_cell(v, digits=3)}" for k, v in value.items() if _cell(v))
    text = _cell(value, digits=3)
    if key in DOC_ID_COLUMNS and (m := _DOC_ID.match(text)):
        return ids[m.group()] + text[m.end():]
    return text


def _reflow(text: str) -> str:
    """Runs of spaces and single line breaks become one space; paragraphs stay apart."""
    return "\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()))


def _wrap(text: str | Text, width: int, console: Console) -> list[Text]:
    """Lines of at most ``width`` cells, broken between words (a longer word is folded)."""
    lines = (text if isinstance(text, Text) else Text(text)).wrap(console, width, overflow="fold")
    for line in lines:
        line.rstrip()
    return list(lines)


def hanging(text: str | Text, console: Console, *, indent: int = 0, hang: int | None = None,
            width: int | None = None) -> list[Text]:
    """``text`` in lines of at most ``width`` cells (default: the console's), the first at
    ``indent`` columns, the next at ``hang`` (a hanging indent; default ``indent + 2``).
    A plain string is never read as markup."""
    text = Text(text) if isinstance(text, str) else text
    hang = indent + 2 if hang is None else hang
    width = console.width if width is None else width
    first = _wrap(text, max(width - indent, 1), console)[0]
    # the rest starts after the first line, the spaces it broke at and a line break
    end = len(first.plain)
    end += len(text.plain[end:]) - len(text.plain[end:].lstrip(" "))
    if text.plain[end:end + 1] == "\n":
        end += 1
    rest = _wrap(text[end:], max(width - hang, 1), console) if end < len(text.plain) else []
    return [Text(" " * indent) + first] + [Text(" " * hang) + line for line in rest]


def _field_lines(key: str, value: str, *, indent: int, key_width: int,
                 console: Console) -> list[Text]:
    """``key: value``, the value in a column of its own (several records as a bulleted list)."""
    label = Text(" " * indent) + Text(f"{key}:", style="dim")
    if not value.strip():
        return [label]
    column = indent + key_width
    room = max(console.width - column, console.width // 2)
    body = [
        line
        for paragraph in _reflow(value).split("\n")
        for line in hanging(paragraph, console, hang=len(_BULLET) * paragraph.startswith(_BULLET),
                            width=room)
    ]
    lines = [Text(" " * column) + line for line in body]
    if label.cell_len < column:  # the key fits before the value column: share the first line
        lines[0] = label + Text(" " * (column - label.cell_len)) + body[0]
    else:
        lines.insert(0, label)
    return lines


def _key_width(keys: Iterable[str], width: int) -> int:
    return min(max((cell_len(k) for k in keys), default=0) + 2, width // 3)


def _print_lines(console: Console, lines: list[Text]) -> None:
    if lines:
        console.print(Text("\n").join(lines), soft_wrap=True)


def _header_parts(name: str) -> list[str]:
    """A column name split where it may wrap: after ``_``, ``-`` and spaces."""
    return [p for p in re.split(r"(?<=[_\- ])", name) if p]


def _header(name: str, width: int) -> Text:
    lines: list[str] = []
    for part in _header_parts(name):
        if lines and cell_len(lines[-1] + part.rstrip()) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return Text("\n".join(line.rstrip() for line in lines))


def column_widths(columns: Sequence[str], cells: Sequence[Sequence[str]],
                  width: int) -> list[int] | None:
    """Widths at which the table fits ``width``, or None when it cannot be read: print blocks.

    The first column (the id) keeps its full width; a column name may wrap between its words
    (``one_minus_`` / ``hhi``); other columns give way down to ``MIN_CELL`` characters, cut
    with ``…``. Space left over goes first to showing values whole, then to one-line names.
    """
    n = len(columns)
    overhead = 3 * n + 1  # rich's box: a border and a space of padding on each side
    data = [max((cell_len(row[i]) for row in cells), default=0) for i in range(n)]
    natural = [max(cell_len(c), d) for c, d in zip(columns, data, strict=True)]
    if sum(natural) + overhead <= width:
        return natural
    name_min = [max(cell_len(p.rstrip()) for p in _header_parts(c) or [c]) for c in columns]
    widths = [max(name_min[i], data[i] if i == 0 else min(data[i], MIN_CELL)) for i in range(n)]
    spare = width - overhead - sum(widths)
    if spare < 0:
        return None
    for goal in ([max(m, d) for m, d in zip(name_min, data, strict=True)], natural):
        while spare > 0 and (grow := [i for i in range(n) if widths[i] < goal[i]]):
            for i in grow[:spare]:
                widths[i] += 1
                spare -= 1
    return widths


def _cuts(cells: Sequence[Sequence[str]], widths: Sequence[int]) -> bool:
    return any(cell_len(v) > w for row in cells for v, w in zip(row, widths, strict=True))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _print_table(console: Console, key: str, columns: list[str], cells: list[list[str]],
                 rows: Sequence[Row], widths: list[int]) -> None:
    console.print(Text(key, style="bold"))
    table = Table(expand=False)
    for i, (c, w) in enumerate(zip(columns, widths, strict=True)):
        values = [r.get(c) for r in rows if r.get(c) is not None]
        numeric = bool(values) and all(_is_number(v) for v in values)
        table.add_column(_header(c, w), width=w, no_wrap=True, overflow="ellipsis",
                         justify="right" if numeric and i else "left")
    for row in cells:
        table.add_row(*map(Text, row))
    console.print(table)


def _heading(column: str, value: str, raw: Any, console: Console) -> list[Text]:
    """A record's heading: its id (``passage 3`` when the id is a bare number), then a rule."""
    if not value:
        value = f"(no {column})"
    elif _is_number(raw):
        value = f"{column} {value}"
    title = Text(" ".join(value.split()), style="bold")
    width = console.width
    if title.cell_len + 2 > width:  # an id wider than the console: wrapped, never cut
        return _wrap(title, width, console)
    return [title + Text(" " + "─" * (width - title.cell_len - 1), style="dim")]


def _print_blocks(console: Console, key: str, columns: list[str], cells: list[list[str]],
                  rows: Sequence[Row]) -> None:
    width = console.width
    kw = _key_width(columns[1:], width - 2)
    lines = [Text(f"{key} ({len(rows)})", style="bold")]
    for row, raw in zip(cells, rows, strict=True):
        lines += _heading(columns[0], row[0], raw.get(columns[0]), console)
        for c, v in zip(columns[1:], row[1:], strict=True):
            if v:
                lines += _field_lines(c, v, indent=2, key_width=kw, console=console)
        lines.append(Text())
    _print_lines(console, lines)


def print_document(doc: Mapping[str, Any], console: Console, *, title: str | None = None) -> None:
    """The document for people, at ``console.width``: scalars, then each list of rows."""
    ids = _doc_ids(doc)
    scalars = {k: v for k, v in doc.items() if not _is_rows(v)}
    if title:
        _print_lines(console, _wrap(Text(title, style="bold"), console.width, console))
    kw = _key_width(scalars, console.width)
    _print_lines(console, [
        line for k, v in scalars.items()
        for line in _field_lines(k, _shown(k, v, ids, block=True), indent=0, key_width=kw,
                                 console=console)
    ])
    for key, rows in doc.items():
        if not _is_rows(rows):
            continue
        if not rows:
            console.print(Text(f"{key}: (none)", style="dim"))
            continue
        # a column that repeats a line printed above (the document's doc_id) says nothing new
        columns = [c for c in _columns(rows)
                   if not (c in scalars and all(r.get(c) == scalars[c] for r in rows))]
        columns = columns or _columns(rows)
        cells = [[" ".join(_shown(c, r.get(c), ids).split()) for c in columns] for r in rows]
        widths = column_widths(columns, cells, console.width)
        if widths is not None and (len(rows) > FEW_ROWS or not _cuts(cells, widths)):
            _print_table(console, key, columns, cells, rows, widths)
            continue
        cells = [[_shown(c, r.get(c), ids, block=True) for c in columns] for r in rows]
        _print_blocks(console, key, columns, cells, rows)


def render(
    doc: Mapping[str, Any],
    fmt: Format,
    *,
    csv_rows: str | None = None,
    title: str | None = None,
    console: Console | None = None,
) -> str | None:
    """Return the rendered text, or print the document to ``console`` and return None."""
    if fmt is Format.json:
        return json.dumps(to_plain(doc), indent=2, ensure_ascii=False)
    if fmt is Format.yaml:
        return yaml.safe_dump(to_plain(doc), allow_unicode=True, sort_keys=False, width=100)
    if fmt is Format.csv:
        key = csv_rows or next((k for k, v in doc.items() if _is_rows(v)), None)
        rows = doc.get(key, []) if key else []
        return to_csv(rows)
    if fmt is Format.md:
        return to_markdown(doc, title)
    print_document(doc, console or Console(), title=title)
    return None
