"""Render command results as table, JSON, CSV, YAML or Markdown (the shared `--format` option).

A result is a *document*: a dict whose values are scalars, dicts, or lists of row dicts. JSON and
YAML print the whole document; table and Markdown print each list of rows as a table under its
key; CSV prints one list of rows (the command names which).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from enum import Enum, StrEnum
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    yaml = "yaml"
    md = "md"


Row = Mapping[str, Any]


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


def to_markdown(doc: Mapping[str, Any], title: str | None = None) -> str:
    out: list[str] = []
    if title:
        out += [f"# {title}", ""]
    scalars = {k: v for k, v in doc.items() if not _is_rows(v)}
    for k, v in scalars.items():
        out.append(f"- **{k}**: {_cell(v)}")
    if scalars:
        out.append("")
    for key, value in doc.items():
        if not _is_rows(value):
            continue
        out += [f"## {key}", ""]
        if not value:
            out += ["(none)", ""]
            continue
        cols = _columns(value)
        out.append("| " + " | ".join(cols) + " |")
        out.append("|" + "---|" * len(cols))
        for r in value:
            cells = [_cell(r.get(c), digits=3).replace("|", "\\|").replace("\n", " ")
                     for c in cols]
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


def render(
    doc: Mapping[str, Any],
    fmt: Format,
    *,
    csv_rows: str | None = None,
    title: str | None = None,
    console: Console | None = None,
) -> str | None:
    """Return the rendered text, or print a rich table to ``console`` and return None."""
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
    console = console or Console()
    if title:
        console.print(f"[bold]{title}[/bold]")
    for k, v in doc.items():
        if not _is_rows(v):
            console.print(f"[dim]{k}:[/dim] {_cell(v, digits=3)}")
    for key, value in doc.items():
        if not _is_rows(value):
            continue
        table = Table(title=key, title_justify="left", show_lines=False, expand=False)
        cols = _columns(value)
        for i, c in enumerate(cols):
            # the first column is the row's id: never wrap it, so it can be copied whole
            table.add_column(c, overflow="fold", no_wrap=i == 0)
        for r in value:
            table.add_row(*(_cell(r.get(c), digits=3) for c in cols))
        if not value:
            console.print(f"[dim]{key}: (none)[/dim]")
        else:
            console.print(table)
    return None
