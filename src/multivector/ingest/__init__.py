"""The ingest layer: files (text, HTML, PDF, DOCX, JSONL, CSV) in, raw documents out.

Readers never stop on a bad file: each problem becomes a :class:`Failure` naming the file (and
row) and saying what to do, and no file can hang them or exhaust memory: the caps of
:mod:`~multivector.ingest.limits` bound bytes, unpacked bytes and characters. Heavy
parsers (trafilatura, pypdf, python-docx) load on first use.
"""

from __future__ import annotations

from multivector.ingest.encodings import Decoded, decode
from multivector.ingest.errors import IngestError
from multivector.ingest.language import detect
from multivector.ingest.limits import (
    MAX_BYTES,
    MAX_CHARS,
    MAX_UNPACKED_BYTES,
)
from multivector.ingest.metadata import (
    meta_from_fields,
    meta_from_name,
    parse_date,
    parse_speakers,
)
from multivector.ingest.readers import (
    SUPPORTED_SUFFIXES,
    Failure,
    Origin,
    RawDocument,
    iter_paths,
    read_bytes,
    read_path,
    read_paths,
)

__all__ = [
    "MAX_BYTES",
    "MAX_CHARS",
    "MAX_UNPACKED_BYTES",
    "SUPPORTED_SUFFIXES",
    "Decoded",
    "Failure",
    "IngestError",
    "Origin",
    "RawDocument",
    "decode",
    "detect",
    "iter_paths",
    "meta_from_fields",
    "meta_from_name",
    "parse_date",
    "parse_speakers",
    "read_bytes",
    "read_path",
    "read_paths",
]
