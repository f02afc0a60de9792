"""Text and metadata out of HTML, PDF and DOCX files, each parser imported only when needed.

HTML: the main text by trafilatura (no network), or the visible text of the page when
trafilatura finds no article; title, date, author and site name from its metadata. PDF: pypdf,
the text of every page joined with blank lines, and the document info (Title, Author,
CreationDate). DOCX: python-docx paragraphs joined with blank lines, and the core properties.
Damaged, encrypted or image-only files raise :class:`IngestError` saying what to do, and so do
files that would take too much to open: a DOCX (a zip) is measured, member by member through a
bounded stream, before python-docx unpacks it; a PDF stops being read once its text passes the
cap, and a compressed PDF stream that inflates beyond pypdf's safety limit is refused.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

from multivector.domain.corpus import DocumentMeta
from multivector.ingest.encodings import decode
from multivector.ingest.errors import IngestError
from multivector.ingest.limits import (
    MAX_CHARS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    text_over_cap,
    unpacked_over_cap,
)
from multivector.ingest.metadata import meta_from_fields

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def html(data: bytes, name: str) -> tuple[str, DocumentMeta]:
    import trafilatura  # lazily: lxml and its friends take a while to import

    html, encoding = _decode_html(data, name)
    text = trafilatura.extract(html, output_format="txt", include_comments=False)
    extractor = "trafilatura"
    if not text:
        text, extractor = _strip_tags(html), "tag strip"
    found = trafilatura.extract_metadata(html)
    meta = meta_from_fields({"title": found.title, "date": found.date, "author": found.author,
                             "source": found.sitename})
    extra = {**meta.extra, "encoding": encoding, "extractor": extractor}
    return text, replace(meta, extra=extra)


def _decode_html(data: bytes, name: str) -> tuple[str, str]:
    declared = _CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            codec = codecs.lookup(declared[1].decode("ascii")).name
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: guess as for plain text
    decoded = decode(data, name)
    return decoded.text, decoded.encoding


class _TextOnly(HTMLParser):
    """The visible text of an HTML page, a line per block, when trafilatura finds no article."""

    SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg"})
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                        "section", "article", "blockquote", "pre", "table", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _strip_tags(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def pdf(data: bytes, name: str, *, max_chars: int = MAX_CHARS) -> tuple[str, DocumentMeta]:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise IngestError(f"{name}: not a PDF (no %PDF- header)",
                          hint="check the file, or give it the suffix of its real type")
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(f"{name}: the PDF is truncated (no %%EOF marker at its end)",
                          hint="download or export it again")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _decrypt(reader):
            raise IngestError(f"{name}: the PDF is encrypted with a password",
                              hint="save an unprotected copy and ingest that")
        pages: list[str] = []
        chars = 0
        for page in reader.pages:
            pages.append((page.extract_text() or "").strip())
            chars += len(pages[-1]) + 2
            if chars > max_chars + 2:  # stop here, not after a thousand more pages
                raise IngestError(f"{name}: " + text_over_cap(
                    max_chars, max_chars, stopped_at=f"at page {len(pages):,} of "
                    f"{len(reader.pages):,}"))
        info = reader.metadata
        fields = {} if info is None else {
            "title": info.title, "author": info.author, "date": _pdf_date(info)}
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many kinds of exception on damaged files
        if type(exc).__name__ == "LimitReachedError":  # pypdf >= 6: pypdf.errors
            raise IngestError(
                f"{name}: a compressed stream in the PDF inflates beyond pypdf's safety limit "
                "(a decompression bomb, or an enormous embedded image or stream)",
                hint="if the file is genuine, print it to a new PDF or export its text") from None
        raise IngestError(f"{name}: the PDF is damaged ({type(exc).__name__}: {exc})",
                          hint="open it in a PDF viewer and save or print it to a new PDF") from exc
    text = "\n\n".join(p for p in pages if p)
    if not text:
        raise IngestError(
            f"{name}: no extractable text in {len(pages)} page(s); it may be a scanned image",
            hint="run OCR on it, for example with ocrmypdf, and ingest the result")
    meta = meta_from_fields(fields)
    return text, replace(meta, extra={**meta.extra, "pages": len(pages)})


def _decrypt(reader: Any) -> bool:
    try:
        return bool(reader.decrypt(""))  # many PDFs are encrypted with an empty user password
    except Exception:  # unsupported algorithms, missing crypto libraries
        return False


def _pdf_date(info: Any) -> str | None:
    try:
        created = info.creation_date
    except (ValueError, TypeError):
        return None
    return created.date().isoformat() if created is not None else None


def docx(
    data: bytes, name: str, *, max_unpacked_bytes: int = MAX_UNPACKED_BYTES
) -> tuple[str, DocumentMeta]:
    import docx as python_docx

    try:
        check_zip(data, name, "DOCX", max_unpacked_bytes)
        document = python_docx.Document(io.BytesIO(data))
        paragraphs = [p.text.strip() for p in document.paragraphs]
        props = document.core_properties
        created = props.created.date().isoformat() if props.created else None
        fields = {"title": props.title, "author": props.author, "date": created}
    except IngestError:
        raise
    except zipfile.BadZipFile:
        raise IngestError(f"{name}: not a valid DOCX (its zip container is damaged)",
                          hint="open it in a word processor and save it again as .docx; an old "
                               ".doc file must be converted first") from None
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors...
        raise IngestError(f"{name}: cannot read the DOCX ({type(exc).__name__}: {exc})",
                          hint="open it in a word processor and save it again") from exc
    return "\n\n".join(p for p in paragraphs if p), meta_from_fields(fields)


def check_zip(data: bytes, name: str, kind: str, max_unpacked_bytes: int) -> None:
    """Refuse a zip container (``kind``: DOCX) that would unpack to more than the cap.

    The sizes the archive declares are checked first; then every member is unpacked through a
    bounded stream and counted, so that an archive lying about its sizes is stopped at the cap
    too. Memory stays at one chunk; raises :class:`zipfile.BadZipFile` for a damaged archive.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise IngestError(
                f"{name}: the {kind} holds {len(members):,} parts, above the {MAX_ZIP_MEMBERS:,} "
                "a document may have (a zip bomb?)",
                hint="open it in a word processor and save it again")
        declared = sum(m.file_size for m in members)
        if declared > max_unpacked_bytes:
            raise IngestError(f"{name}: " + unpacked_over_cap(kind, declared, max_unpacked_bytes,
                                                              stopped=False))
        unpacked = 0
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    unpacked += len(chunk)
                    if unpacked > max_unpacked_bytes:
                        raise IngestError(f"{name}: " + unpacked_over_cap(
                            kind, unpacked, max_unpacked_bytes, stopped=True))
