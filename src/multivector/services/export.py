"""Write rows (plain dicts) as CSV, JSON Lines or Parquet, streaming where the format allows."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from multivector.errors import MultivectorError, UsageError

FORMATS = ("csv", "jsonl", "parquet")


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def check_out(out: Path) -> None:
    """Refuse, before any work, an output path that cannot be a file: a folder, or a folder
    that does not exist."""
    if out.is_dir():
        raise UsageError(f"--out: {out} is a folder", hint="name a file inside it")
    if not out.parent.is_dir():
        raise UsageError(f"--out: the folder {out.parent} does not exist",
                         hint="create the folder first, or write elsewhere")


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: Path | None) -> int:
    """Write ``rows`` to ``out`` (standard output if None); returns the number of rows."""
    if fmt not in FORMATS:
        raise UsageError(
            f"--format: unknown export format {fmt!r}", hint="use csv, jsonl or parquet"
        )
    if out is not None:
        check_out(out)
    try:
        return _write(rows, fmt, out)
    except OSError as exc:
        raise MultivectorError(f"cannot write {out or 'the output'}: {exc.strerror or exc}",
                               hint="check the folder's permissions and free space") from exc


def export_to(rows: Iterable[dict[str, Any]], fmt: str, stream: IO[bytes]) -> int:
    """Write ``rows`` in ``fmt`` (csv, jsonl or parquet) to the binary ``stream``, exactly as
    :func:`write_rows` writes a file; returns the number of rows."""
    if fmt not in FORMATS:
        raise UsageError(
            f"--format: unknown export format {fmt!r}", hint="use csv, jsonl or parquet"
        )
    if fmt == "parquet":
        import pandas as pd

        frame = pd.DataFrame.from_records([{k: _plain(v) for k, v in r.items()} for r in rows])
        frame.to_parquet(stream, index=False)
        return len(frame)
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    try:
        return _write_jsonl(rows, text) if fmt == "jsonl" else _write_csv(rows, text)
    finally:
        text.detach()  # the stream stays open for the caller


def _write(rows: Iterable[dict[str, Any]], fmt: str, out: Path | None) -> int:
    if fmt == "parquet":
        if out is None:
            raise UsageError("parquet is binary: give a file with --out")
        import pandas as pd

        frame = pd.DataFrame.from_records([{k: _plain(v) for k, v in r.items()} for r in rows])
        frame.to_parquet(out, index=False)
        return len(frame)
    stream: IO[str] = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        return _write_jsonl(rows, stream) if fmt == "jsonl" else _write_csv(rows, stream)
    finally:
        if out:
            stream.close()


def _write_jsonl(rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    n = 0
    for r in rows:
        stream.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


def _write_csv(rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """CSV with the columns of the first row, extended as new keys appear (buffered)."""
    buffered = [{k: _plain(v) for k, v in r.items()} for r in rows]
    cols: dict[str, None] = {}
    for r in buffered:
        cols.update(dict.fromkeys(r))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(cols), lineterminator="\n")
    writer.writeheader()
    writer.writerows(buffered)
    stream.write(buf.getvalue())
    return len(buffered)
