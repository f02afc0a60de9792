"""Read files of many kinds into raw documents (text plus metadata), never stopping on a bad file.

:func:`read_path` dispatches on the suffix: plain text (.txt .md .text), HTML (.html .htm, main
text by trafilatura), PDF (pypdf), DOCX (python-docx), and tables of documents (.jsonl, .csv, one
document per row); :func:`read_bytes` reads a file's bytes already in memory (an archive's
member) into the same documents. Whatever goes wrong with one file or row is yielded as a
:class:`Failure` that says what happened and what to do; the other files and rows still come
through.

Metadata precedence, field by field (the first that sets a field wins):

1. ``overrides``: what the user said explicitly (command-line options);
2. the file's own metadata: HTML meta tags, PDF document info, DOCX core properties, the fields
   of a table row;
3. the text itself, for plain-text files (.txt .md .text): a title line, a dateline and a
   byline in its head (:func:`~multivector.ingest.metadata.meta_from_text`), so that a
   saved web page dated "Wednesday, 05 February 2014" anchors "last month" to that day;
4. naming conventions: ``ISO3_SESSION_YEAR.txt`` with ``speakers.csv``, ``2020-03-06_title.txt``
   (single-document files only: a table's name says nothing about each row);
5. detection: the language detected from the text.

``meta.extra["meta_sources"]`` records which of ``option``, ``file``, ``text``, ``file name``,
``detected`` gave each field.

No input can hang the reader or exhaust memory (see :mod:`multivector.ingest.limits`): files over
``max_bytes`` are refused unread, a DOCX that would unpack to more than ``max_unpacked_bytes`` is
refused before it is parsed, text files and tables are decoded a chunk at a time and a document
stops at ``max_chars`` characters, and a symbolic link that loops or leads nowhere is reported.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import IO, Any

from multivector.domain.corpus import DocumentMeta
from multivector.ingest import formats
from multivector.ingest.encodings import open_text, read_text
from multivector.ingest.errors import IngestError
from multivector.ingest.language import detect
from multivector.ingest.limits import MAX_BYTES, MAX_CHARS, MAX_UNPACKED_BYTES, text_over_cap
from multivector.ingest.metadata import merge, meta_from_fields, meta_from_name, meta_from_text

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
TABLE_SUFFIXES = frozenset({".jsonl", ".ndjson", ".csv", ".tsv"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES | {".pdf", ".docx"}
# decoded a chunk at a time from a stream, so that memory does not grow with the file's size
STREAMED_SUFFIXES = TEXT_SUFFIXES | TABLE_SUFFIXES
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
    the corpus's own description (README, LICENSE, speakers.csv).

    Symbolic links are followed, except one that leads back to a folder being read (a loop),
    loops on itself or leads nowhere: each of those is a Failure, and the walk goes on.
    """
    for path in paths:
        broken = _broken_link(path)
        if broken is not None:
            yield Failure(str(path), None, broken)
        elif path.is_dir():
            yield from _walk(path, {_identity(path)})
        elif path.is_file():
            yield path
        else:
            yield Failure(str(path), None, "no such file or folder: check the path")


def _walk(folder: Path, above: set[tuple[int, int]]) -> Iterator[Path | Failure]:
    """The files under ``folder``; ``above`` holds the folders being read (device, inode)."""
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        yield Failure(str(folder), None, f"cannot list the folder ({exc.strerror or exc}): "
                      "check its permissions")
        return
    for child in children:
        if child.name.startswith("."):
            continue
        broken = _broken_link(child)
        if broken is not None:
            yield Failure(str(child), None, broken)
        elif child.is_dir():
            identity = _identity(child)
            if identity in above:
                target = os.path.realpath(child)
                yield Failure(str(child), None, f"symbolic link loop at {child} (it leads back to "
                              f"{target}, a folder being read); skipped: remove the link if it "
                              "is a mistake")
            else:
                yield from _walk(child, above | {identity})
        elif child.is_file() and not (child.name.lower() in SIDECAR_NAMES
                                      or child.name.lower().startswith(SIDECAR_PREFIXES)):
            yield child


def _identity(folder: Path) -> tuple[int, int]:
    st = folder.stat()
    return st.st_dev, st.st_ino


def _broken_link(path: Path) -> str | None:
    """Why the symbolic link ``path`` cannot be followed, or None (a sound link, or no link)."""
    if not path.is_symlink():
        return None
    try:
        path.stat()
        return None
    except OSError as exc:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if exc.errno == errno.ELOOP:
            return (f"symbolic link loop at {path} (it points to {target}, which leads back to "
                    "itself); skipped: remove or fix the link")
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return (f"dangling symbolic link at {path}: its target {target} does not exist; "
                    "skipped: fix or remove the link")
        return (f"cannot follow the symbolic link at {path} ({exc.strerror or exc}); skipped: "
                "check the link and its target's permissions")


def read_paths(
    paths: Iterable[Path],
    *,
    max_bytes: int = MAX_BYTES,
    max_chars: int = MAX_CHARS,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    text_column: str | None = None,
    overrides: DocumentMeta | None = None,
) -> Iterator[RawDocument | Failure]:
    """:func:`iter_paths`, then :func:`read_path` on every file."""
    for item in iter_paths(paths):
        if isinstance(item, Failure):
            yield item
        else:
            yield from read_path(
                item, max_bytes=max_bytes, max_chars=max_chars,
                max_unpacked_bytes=max_unpacked_bytes, text_column=text_column,
                overrides=overrides,
            )


def read_path(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_chars: int = MAX_CHARS,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    text_column: str | None = None,
    overrides: DocumentMeta | None = None,
) -> Iterator[RawDocument | Failure]:
    """The documents in one file (one, or one per table row), and a Failure for each problem.

    ``text_column`` names the text field of .csv/.jsonl rows (default: the first of text,
    content, body). ``overrides`` win over everything the file says (see the module docstring).
    The caps: ``max_bytes`` of file, ``max_unpacked_bytes`` unpacked from a DOCX, and
    ``max_chars`` of text per document (per row for tables).
    """
    name = str(path)
    suffix = path.suffix.lower()
    broken = _broken_link(path)
    if broken is not None:
        yield Failure(name, None, broken)
        return
    if path.is_dir():
        yield Failure(name, None, "is a folder: read it with read_paths (it expands folders)")
        return
    if suffix not in SUPPORTED_SUFFIXES:
        yield _unsupported(name, suffix)
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield Failure(name, None, f"file is {size:,} bytes, over the limit of {max_bytes:,}: "
                          "raise it with max_bytes (--max-mb) or split the file")
            return
        # a table's name says nothing about each of its rows
        name_meta = None if suffix in TABLE_SUFFIXES else meta_from_name(path)
        if suffix in STREAMED_SUFFIXES:
            with path.open("rb") as stream:
                yield from _read_stream(stream, name, suffix, name_meta, max_chars, text_column,
                                        overrides)
        else:
            yield from _read_whole(path.read_bytes(), name, suffix, name_meta, max_chars,
                                   max_unpacked_bytes, overrides)
    except OSError as exc:
        yield Failure(name, None, f"cannot read the file ({exc.strerror or exc}): check the path "
                      "and its permissions")


def read_bytes(
    data: bytes,
    name: str,
    *,
    name_meta: DocumentMeta | None = None,
    max_chars: int = MAX_CHARS,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    text_column: str | None = None,
    overrides: DocumentMeta | None = None,
) -> Iterator[RawDocument | Failure]:
    """The documents in ``data``, the bytes of a file called ``name``, as :func:`read_path` gives
    them for that file on disk: for files already in memory (an archive's members).

    The suffix of ``name`` picks the reader, and ``name`` becomes each document's path.
    ``name_meta`` is the naming-convention layer of the metadata, which :func:`read_path` takes
    from :func:`~multivector.ingest.metadata.meta_from_name` (for single-document files only:
    a table's rows ignore it). The other arguments and the caps are those of :func:`read_path`,
    but for ``max_bytes``: the bytes are in memory already, so their size is the caller's to
    bound.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield _unsupported(name, suffix)
    elif suffix in STREAMED_SUFFIXES:
        # through the same chunked reading as a file on disk, so that both read alike
        yield from _read_stream(io.BytesIO(data), name, suffix, name_meta, max_chars,
                                text_column, overrides)
    else:
        yield from _read_whole(data, name, suffix, name_meta, max_chars, max_unpacked_bytes,
                               overrides)


def _unsupported(name: str, suffix: str) -> Failure:
    kinds = " ".join(sorted(SUPPORTED_SUFFIXES))
    return Failure(name, None, f"unsupported file type {suffix or '(no suffix)'!r}: "
                   f"supported are {kinds}; convert the file or rename it")


def _read_stream(
    stream: IO[bytes], name: str, suffix: str, name_meta: DocumentMeta | None, max_chars: int,
    text_column: str | None, overrides: DocumentMeta | None,
) -> Iterator[RawDocument | Failure]:
    """A text file or a table (``suffix`` in STREAMED_SUFFIXES), decoded a chunk at a time."""
    try:
        if suffix in (".jsonl", ".ndjson"):
            yield from _jsonl_file(stream, name, text_column, overrides, max_chars)
            return
        if suffix in TABLE_SUFFIXES:
            yield from _csv_file(stream, name, "\t" if suffix == ".tsv" else None, text_column,
                                 overrides, max_chars)
            return
        decoded = read_text(stream, name, max_chars=max_chars)
    except IngestError as exc:
        yield Failure(name, None, str(exc).removeprefix(f"{name}: "))
        return
    file_meta = DocumentMeta(extra={"encoding": decoded.encoding,
                                    "encoding_confidence": decoded.confidence})
    yield _document(decoded.text, name, overrides, file_meta, name_meta, max_chars,
                    from_text=True)


def _read_whole(
    data: bytes, name: str, suffix: str, name_meta: DocumentMeta | None, max_chars: int,
    max_unpacked_bytes: int, overrides: DocumentMeta | None,
) -> Iterator[RawDocument | Failure]:
    """An HTML, PDF or DOCX file, whose parser takes all of its bytes at once."""
    if not data.strip():
        yield Failure(name, None, "the file is empty: remove it or give it some text")
        return
    try:
        text, file_meta = _extract(suffix, data, name, max_chars, max_unpacked_bytes)
    except IngestError as exc:
        yield Failure(name, None, str(exc).removeprefix(f"{name}: "))
        return
    yield _document(text, name, overrides, file_meta, name_meta, max_chars)


def _document(
    text: str, name: str, overrides: DocumentMeta | None, file_meta: DocumentMeta | None,
    name_meta: DocumentMeta | None, max_chars: int, *, from_text: bool = False,
) -> RawDocument | Failure:
    """A single-document file's text and its metadata layers into a raw document;
    ``from_text``: a plain text, whose head may give a title, a date and an author."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return Failure(name, None, "no text found in the file: check that it has content")
    if len(text) > max_chars:
        return Failure(name, None, text_over_cap(len(text), max_chars))
    text_meta = meta_from_text(text) if from_text else None
    layers = [("option", overrides), ("file", file_meta), ("text", text_meta),
              ("file name", name_meta)]
    return RawDocument(text, _finish(text, layers, name), Origin(name))


def _finish(text: str, layers: list[tuple[str, DocumentMeta | None]], path: str) -> DocumentMeta:
    if all(meta is None or meta.language is None for _, meta in layers):
        layers = [*layers, ("detected", DocumentMeta(language=detect(text)))]
    return replace(merge(layers), path=path)


def _extract(
    suffix: str, data: bytes, name: str, max_chars: int, max_unpacked_bytes: int
) -> tuple[str, DocumentMeta | None]:
    if suffix in HTML_SUFFIXES:
        return formats.html(data, name)
    if suffix == ".pdf":
        return formats.pdf(data, name, max_chars=max_chars)
    return formats.docx(data, name, max_unpacked_bytes=max_unpacked_bytes)


def _text_key(keys: Iterable[str], text_column: str | None) -> str | None:
    by_name = {k.strip().lower(): k for k in keys}
    wanted = (text_column,) if text_column else TEXT_COLUMNS
    return next((by_name[w.strip().lower()] for w in wanted if w.strip().lower() in by_name),
                None)


def _row_document(
    name: str, row: int, fields: Mapping[str, Any], text_column: str | None,
    overrides: DocumentMeta | None, max_chars: int = MAX_CHARS,
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
    if len(text) > max_chars:
        return Failure(name, row, text_over_cap(len(text), max_chars))
    file_meta = meta_from_fields({k: v for k, v in fields.items() if k != key})
    file_meta = replace(file_meta, extra={**file_meta.extra, "row": row})
    return RawDocument(text, _finish(text, [("option", overrides), ("file", file_meta)], name),
                       Origin(name, row))


def _jsonl_file(
    stream: IO[bytes], name: str, text_column: str | None, overrides: DocumentMeta | None,
    max_chars: int,
) -> Iterator[RawDocument | Failure]:
    """Rows of a JSON Lines file read one line at a time (UTF-8, an initial BOM allowed)."""
    rows = 0
    for line_number, raw in enumerate(stream, 1):
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
                name, *item, text_column, overrides, max_chars)
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


def _csv_file(
    stream: IO[bytes], name: str, delimiter: str | None, text_column: str | None,
    overrides: DocumentMeta | None, max_chars: int,
) -> Iterator[RawDocument | Failure]:
    """Rows of a CSV/TSV file, decoded and parsed a line at a time."""
    try:
        opened = open_text(stream, name)
    except IngestError as exc:
        yield Failure(name, None, str(exc).removeprefix(f"{name}: "))
        return
    lines = _lines(opened.pieces, name, max_chars)
    for item in _csv_rows(lines, name, delimiter, text_column, max_chars):
        yield item if isinstance(item, Failure) else _row_document(
            name, *item, text_column, overrides, max_chars)


def _lines(pieces: Iterable[str], name: str, max_chars: int) -> Iterator[str]:
    """Lines (with their ``\\n``) out of text in pieces that may end mid-line; a line longer
    than ``max_chars`` raises :class:`IngestError` instead of growing without end."""
    rest, count = "", 0
    for piece in pieces:
        lines = (rest + piece).split("\n")
        rest = lines.pop()
        count += len(lines)
        for line in lines:
            yield line + "\n"
        if len(rest) > max_chars:
            raise IngestError(f"{name}: line {count + 1:,} runs past the {max_chars:,}-character "
                              "cap without a line break: split the text or raise the cap "
                              "(max_chars, --max-chars)")
    if rest:
        yield rest


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """The csv module's field size limit is process-wide: set it for one call, then restore it."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_rows(
    lines: Iterator[str], name: str, delimiter: str | None, text_column: str | None,
    max_chars: int,
) -> Iterator[tuple[int, Mapping[str, Any]] | Failure]:
    head: list[str] = []
    try:
        for line in lines:
            head.append(line)
            if line.strip():
                break
    except IngestError as exc:
        yield Failure(name, None, str(exc).removeprefix(f"{name}: "))
        return
    delimiter = delimiter or max(",;\t|", key=(head[-1] if head else "").count)
    # strict: a quote left open is an error at the end of the file, not a field that silently
    # swallows every row after it
    reader = csv.reader(_chain(head, lines), delimiter=delimiter, strict=True)
    columns: list[str] | None = None
    last = 0  # the line the previous row ended on
    while True:
        try:
            with _field_limit(max_chars):
                fields = next(reader)
        except StopIteration:
            break
        except IngestError as exc:  # undecodable or binary further on
            yield Failure(name, last + 1, f"{str(exc).removeprefix(f'{name}: ')}; the rest of "
                          "the file was not read")
            return
        except csv.Error as exc:
            yield Failure(name, last + 1, _csv_problem(str(exc), last + 1, reader.line_num,
                                                       max_chars))
            return
        row, last = last + 1, reader.line_num
        if not fields:
            continue  # a blank line
        if columns is None:
            columns = fields
            if _text_key(columns, text_column) is None:
                looked = text_column or ", ".join(TEXT_COLUMNS)
                yield Failure(name, row, f"no text column ({looked}) among "
                              f"{', '.join(columns)}: name it with text_column")
                return
            continue
        if len(fields) > len(columns):
            yield Failure(name, row, f"the row has more fields than the header's {len(columns)}: "
                          f"quote fields that contain the delimiter {delimiter!r}")
            continue
        values: list[str | None] = [*fields, *[None] * (len(columns) - len(fields))]
        yield row, dict(zip(columns, values, strict=True))
    if columns is None:
        yield Failure(name, None, "the file is empty: remove it or give it some text")


def _chain(head: list[str], lines: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from lines


def _csv_problem(message: str, start: int, end: int, max_chars: int) -> str:
    """What a csv.Error means for the user, and what to do."""
    rest = "nothing from there on was read"
    if message == "unexpected end of data":
        return (f"line {start}: unterminated quoted field: a quote opened in the row that "
                f"starts on line {start} is never closed, so the file ends inside it; {rest}: "
                'close the quote, or write a quote inside a field as two ("")')
    if message.startswith("field larger than field limit"):
        return (f"line {start}: a field is longer than the {max_chars:,}-character cap (often a "
                f"quote that is never closed); {rest}: check the quoting there, split the text "
                "or raise the cap (max_chars, --max-chars)")
    if "expected after" in message:
        lines = f"line {start}" if start == end else f"lines {start}-{end}"
        return (f"{lines}: a quoted field is followed by other text before the delimiter (a "
                f"stray quote, or one never closed); {rest}: quote whole fields, and write a "
                'quote inside a field as two ("")')
    return (f"line {start}: malformed CSV ({message}); {rest}: fix the quoting there")
