"""Read files of many kinds into raw documents (text plus metadata), never stopping on a bad file.

:func:`read_path` dispatches on the suffix: plain text (.txt .md .text), HTML (.html .htm, main
text by trafilatura), PDF (pypdf), DOCX (python-docx), and tables of documents (.jsonl, .csv, one
document per row). Whatever goes wrong with one file or row is yielded as a :class:`Failure` that
says what happened and what to do; the other files and rows still come through.

Metadata precedence, field by field (the first that sets a field wins):

1. ``overrides``: what the user said explicitly (command-line options);
2. the file's own metadata: HTML meta tags, PDF document info, DOCX core properties, the fields
   of a table row;
3. naming conventions: ``ISO3_SESSION_YEAR.txt`` with ``speakers.csv``, ``2020-03-06_title.txt``
   (single-document files only: a table's name says nothing about each row);
4. detection: the language detected from the text.

``meta.extra["meta_sources"]`` records which of ``option``, ``file``, ``file name``,
``detected`` gave each field.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from multivector.domain.corpus import DocumentMeta
from multivector.ingest import formats
from multivector.ingest.encodings import decode
from multivector.ingest.errors import IngestError
from multivector.ingest.language import detect
from multivector.ingest.metadata import merge, meta_from_fields, meta_from_name

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
TABLE_SUFFIXES = frozenset({".jsonl", ".ndjson", ".csv", ".tsv"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES | {".pdf", ".docx"}
TEXT_COLUMNS = ("text", "content", "body")
# Files that describe a corpus folder rather than belong to it: skipped when a folder is expanded
SIDECAR_NAMES = frozenset({"speakers.csv"})
SIDECAR_PREFIXES = ("readme", "license", "licence")


@dataclass(frozen=True)
class Origin:
    """Where a document came from: a file, and for table rows the 1-based line of the row."""

    path: str
    row: int | None = None


@dataclass(frozen=True)
class RawDocument:
    text: str
    meta: DocumentMeta
    origin: Origin


@dataclass(frozen=True)
class Failure:
    """A file or row that could not be read: ``reason`` says what went wrong and what to do."""

    path: str
    row: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.row}" if self.row is not None else self.path
        return f"{where}: {self.reason}"


def iter_paths(paths: Iterable[Path]) -> Iterator[Path | Failure]:
    """Files as given; folders expanded recursively in sorted order, skipping hidden entries and
    the corpus's own description (README, LICENSE, speakers.csv)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                parts = child.relative_to(path).parts
                if child.is_file() and not any(p.startswith(".") for p in parts) and not (
                    child.name.lower() in SIDECAR_NAMES
                    or child.name.lower().startswith(SIDECAR_PREFIXES)
                ):
                    yield child
        elif path.is_file():
            yield path
        else:
            yield Failure(str(path), None, "no such file or folder: check the path")


def read_paths(
    paths: Iterable[Path],
    *,
    max_bytes: int = 50_000_000,
    text_column: str | None = None,
    overrides: DocumentMeta | None = None,
) -> Iterator[RawDocument | Failure]:
    """:func:`iter_paths`, then :func:`read_path` on every file."""
    for item in iter_paths(paths):
        if isinstance(item, Failure):
            yield item
        else:
            yield from read_path(
                item, max_bytes=max_bytes, text_column=text_column, overrides=overrides
            )


def read_path(
    path: Path,
    *,
    max_bytes: int = 50_000_000,
    text_column: str | None = None,
    overrides: DocumentMeta | None = None,
) -> Iterator[RawDocument | Failure]:
    """The documents in one file (one, or one per table row), and a Failure for each problem.

    ``text_column`` names the text field of .csv/.jsonl rows (default: the first of text,
    content, body). ``overrides`` win over everything the file says (see the module docstring).
    """
    name = str(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        yield Failure(name, None, "is a folder: read it with read_paths (it expands folders)")
        return
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = " ".join(sorted(SUPPORTED_SUFFIXES))
        yield Failure(name, None, f"unsupported file type {suffix or '(no suffix)'!r}: "
                      f"supported are {kinds}; convert the file or rename it")
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield Failure(name, None, f"file is {size:,} bytes, over the limit of {max_bytes:,}: "
                          "raise it with max_bytes (--max-bytes) or split the file")
            return
        if suffix in (".jsonl", ".ndjson"):
            # JSON Lines is UTF-8 by definition: stream it, so memory does not grow with size
            yield from _jsonl_file(path, name, text_column, overrides)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Failure(name, None, f"cannot read the file ({exc.strerror or exc}): check the path "
                      "and its permissions")
        return
    if not data.strip():
        yield Failure(name, None, "the file is empty: remove it or give it some text")
        return
    if suffix in TABLE_SUFFIXES:
        rows = _csv_rows(data, name, "\t" if suffix == ".tsv" else None, text_column)
        for item in rows:
            yield item if isinstance(item, Failure) else _row_document(name, *item, text_column,
                                                                       overrides)
        return
    try:
        text, file_meta = _extract(suffix, data, name)
    except IngestError as exc:
        yield Failure(name, None, str(exc).removeprefix(f"{name}: "))
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        yield Failure(name, None, "no text found in the file: check that it has content")
        return
    layers = [("option", overrides), ("file", file_meta), ("file name", meta_from_name(path))]
    yield RawDocument(text, _finish(text, layers, name), Origin(name))


def _finish(text: str, layers: list[tuple[str, DocumentMeta | None]], path: str) -> DocumentMeta:
    if all(meta is None or meta.language is None for _, meta in layers):
        layers = [*layers, ("detected", DocumentMeta(language=detect(text)))]
    return replace(merge(layers), path=path)


def _extract(suffix: str, data: bytes, name: str) -> tuple[str, DocumentMeta | None]:
    if suffix in TEXT_SUFFIXES:
        decoded = decode(data, name)
        extra = {"encoding": decoded.encoding, "encoding_confidence": decoded.confidence}
        return decoded.text, DocumentMeta(extra=extra)
    if suffix in HTML_SUFFIXES:
        return formats.html(data, name)
    if suffix == ".pdf":
        return formats.pdf(data, name)
    return formats.docx(data, name)


def _text_key(keys: Iterable[str], text_column: str | None) -> str | None:
    by_name = {k.strip().lower(): k for k in keys}
    wanted = (text_column,) if text_column else TEXT_COLUMNS
    return next((by_name[w.strip().lower()] for w in wanted if w.strip().lower() in by_name),
                None)


def _row_document(
    name: str, row: int, fields: Mapping[str, Any], text_column: str | None,
    overrides: DocumentMeta | None,
) -> RawDocument | Failure:
    key = _text_key(fields, text_column)
    if key is None:
        looked = text_column or ", ".join(TEXT_COLUMNS)
        return Failure(name, row, f"no text field ({looked}) in this row, which has: "
                       f"{', '.join(map(str, fields)) or 'nothing'}; name it with text_column")
    value = fields[key]
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(
        value, str) else ""
    if not text:
        return Failure(name, row, f"the text field {key!r} is empty or not a string: fill it "
                       "or remove the row")
    file_meta = meta_from_fields({k: v for k, v in fields.items() if k != key})
    file_meta = replace(file_meta, extra={**file_meta.extra, "row": row})
    return RawDocument(text, _finish(text, [("option", overrides), ("file", file_meta)], name),
                       Origin(name, row))


def _jsonl_file(
    path: Path, name: str, text_column: str | None, overrides: DocumentMeta | None
) -> Iterator[RawDocument | Failure]:
    """Rows of a JSON Lines file read one line at a time (UTF-8, an initial BOM allowed)."""
    rows = 0
    with path.open("rb") as f:
        for line_number, raw in enumerate(f, 1):
            if line_number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            rows += 1
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield Failure(name, line_number, "not UTF-8 text: JSON Lines files must be "
                              "UTF-8; re-save the file as UTF-8")
                continue
            for item in _jsonl_lines([(line_number, line)], name):
                yield item if isinstance(item, Failure) else _row_document(
                    name, *item, text_column, overrides)
    if rows == 0:
        yield Failure(name, None, "the file is empty: remove it or give it some text")


def _jsonl_lines(
    lines: Iterable[tuple[int, str]], name: str
) -> Iterator[tuple[int, Mapping[str, Any]] | Failure]:
    for line_number, line in lines:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(name, line_number, f"not valid JSON ({exc.msg}, column {exc.colno}): "
                          "fix or remove the line")
            continue
        if not isinstance(value, dict):
            yield Failure(name, line_number, f"expected a JSON object, found {type(value).__name__}"
                          ": write one {...} object per line")
            continue
        yield line_number, value


def _csv_rows(
    data: bytes, name: str, delimiter: str | None, text_column: str | None
) -> Iterator[tuple[int, Mapping[str, Any]] | Failure]:
    try:
        text = decode(data, name).text
    except IngestError as exc:
        yield Failure(name, None, str(exc).removeprefix(f"{name}: "))
        return
    header = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = delimiter or max(",;\t|", key=header.count)
    # a field may be as long as the file (a whole report); the limit is process-wide
    csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = reader.fieldnames or []
    if _text_key(columns, text_column) is None:
        looked = text_column or ", ".join(TEXT_COLUMNS)
        yield Failure(name, 1, f"no text column ({looked}) among {', '.join(columns)}: name it "
                      "with text_column")
        return
    last = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Failure(name, reader.line_num, f"malformed CSV ({exc}); the rest of the file "
                          "was not read: fix the quoting there")
            return
        row, last = last + 1, reader.line_num
        if None in fields:
            yield Failure(name, row, f"the row has more fields than the header's {len(columns)}: "
                          f"quote fields that contain the delimiter {delimiter!r}")
            continue
        yield row, fields
