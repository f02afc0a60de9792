"""Readers: every supported file type into raw documents, every problem into a Failure that names
the file (and row) and says what to do; metadata precedence; naming conventions; the real corpus.

All fixtures are written here: HTML by hand, DOCX with python-docx, PDFs as raw PDF syntax.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import struct
import tracemalloc
import zlib
from pathlib import Path, PurePosixPath

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from multivector.domain.corpus import DocumentMeta, Genre
from multivector.ingest import (
    Failure,
    RawDocument,
    iter_paths,
    meta_from_name,
    parse_date,
    parse_speakers,
    read_bytes,
    read_path,
    read_paths,
)
from multivector.ingest.encodings import decode, open_text
from multivector.ingest.metadata import UNGD_DATE_PRECISION, clean_speaker, meta_from_text

ENGLISH = (
    "The delegation spoke about water sharing, the transit corridor and the border treaty. "
    "It said that the talks with all the neighbours would go on in the spring."
)
RUSSIAN = (
    "Делегация говорила о совместном использовании воды, транзитном коридоре и договоре о "
    "границе. Она заявила, что переговоры со всеми соседями продолжатся весной."
)


def one(items: list[RawDocument | Failure]) -> RawDocument:
    assert len(items) == 1 and isinstance(items[0], RawDocument), items
    return items[0]


def failure(items: list[RawDocument | Failure]) -> Failure:
    assert len(items) == 1 and isinstance(items[0], Failure), items
    return items[0]


def minimal_pdf(lines: list[str], info: str = "", *, deflated: bytes | None = None) -> bytes:
    """A one-page PDF written by hand: Helvetica, a BT ... Tj ET content stream, a valid xref;
    or, given ``deflated``, that FlateDecode stream as the page's content."""
    stream = ("BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({s}) Tj T*" for s in lines)
              + " ET").encode("latin-1")
    content = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    if deflated is not None:
        content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (
            len(deflated), deflated)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< {info} >>".encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


PDF_INFO = "/Title (Water and Borders) /Author (A. Writer) /CreationDate (D:20200306120000+06'00')"


def zip_of(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from members already deflated: (name, raw deflate data, CRC-32,
    size declared). zipfile cannot store data it did not compress, nor declare a false size."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size in members:
        offset, encoded = len(out), name.encode()
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size,
                           len(encoded), 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                                 len(central), len(out), 0)
    return bytes(out)


def deflated(*runs: tuple[bytes, int]) -> tuple[bytes, int, int]:
    """Runs of (bytes, times repeated) as raw deflate data, its CRC-32 and its size, made in
    milliseconds: a full flush makes every repetition compress to the same bytes."""
    data, crc, size = bytearray(), 0, 0
    for text, times in runs:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        data += (packer.compress(text) + packer.flush(zlib.Z_FULL_FLUSH)) * times
        for _ in range(times):
            crc = zlib.crc32(text, crc)
        size += len(text) * times
    data += zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    return bytes(data), crc, size


def docx_bomb(megabytes: int, *, declared: int | None = None) -> bytes:
    """A DOCX of a few hundred kilobytes holding one paragraph, whose document.xml unpacks to
    ``megabytes`` MiB of whitespace more; ``declared``: the size its headers claim instead."""
    import zipfile

    document = docx.Document()
    document.add_paragraph(ENGLISH)
    with io.BytesIO() as buffer:
        document.save(buffer)
        real = buffer.getvalue()
    parts = []
    with zipfile.ZipFile(io.BytesIO(real)) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename != "word/document.xml":
                parts.append((info.filename, *deflated((content, 1))))
                continue
            head, tail = content.split(b"<w:body>")
            data, crc, size = deflated((head + b"<w:body>", 1), (b" " * (1 << 20), megabytes),
                                       (tail, 1))
            parts.append((info.filename, data, crc, size if declared is None else declared))
    return zip_of(parts)


# --- plain text -----------------------------------------------------------------------------

def test_a_text_file_becomes_a_document_with_encoding_and_language(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(("\n" + RUSSIAN + "\r\n\r\nВторой абзац.\r\n").encode("cp1251"))
    doc = one(list(read_path(path)))
    assert doc.text == RUSSIAN + "\n\nВторой абзац."
    assert doc.meta.language == "ru" and doc.meta.path == str(path)
    assert doc.meta.extra["encoding"] == "cp1251"
    assert doc.meta.extra["meta_sources"] == {"language": "detected"}
    assert doc.origin.path == str(path) and doc.origin.row is None


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n ", "empty"),
        ("blank16.txt", "   \n".encode("utf-16"), "whitespace"),
        ("binary.txt", b"\x00\x01\x02\x03binary\x00\xff" * 50, "binary"),
    ],
)
def test_empty_and_binary_text_files_are_failures(
    tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    f = failure(list(read_path(path)))
    assert f.path == str(path) and words in f.reason


def test_an_unknown_suffix_names_the_supported_types(tmp_path: Path) -> None:
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"PK whatever")
    reason = failure(list(read_path(path))).reason
    assert "'.pptx'" in reason and ".pdf" in reason and ".jsonl" in reason


def test_a_file_over_the_size_limit_names_the_limit_and_the_option(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(ENGLISH * 10)
    reason = failure(list(read_path(path, max_bytes=100))).reason
    assert "100" in reason and "max_bytes" in reason
    assert isinstance(one(list(read_path(path, max_bytes=10_000))), RawDocument)


def test_a_text_over_the_character_cap_names_its_length_the_cap_and_the_option(
    tmp_path: Path
) -> None:
    path = tmp_path / "long.txt"
    path.write_text(ENGLISH * 20, encoding="utf-8")
    reason = failure(list(read_path(path, max_chars=1_000))).reason
    assert f"{len((ENGLISH * 20).strip()):,} characters, above the 1,000-character cap" in reason
    assert "split the file" in reason and "--max-chars" in reason
    assert one(list(read_path(path, max_chars=10_000))).text == (ENGLISH * 20).strip()


def test_a_long_text_file_stops_at_the_cap_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as f:
        for _ in range(40 * (1 << 20) // (len(ENGLISH) + 2)):
            f.write(ENGLISH + "\n\n")  # 40 MiB
    tracemalloc.start()
    try:
        items = list(read_path(path, max_bytes=100_000_000, max_chars=100_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    reason = failure(items).reason
    assert "more than 100,000 characters (reading stopped at the cap)" in reason
    assert peak < 8 * (1 << 20), f"{peak:,} bytes at the peak for a 40 MiB file"


def test_a_long_file_is_decoded_in_chunks_as_a_whole_would_be(tmp_path: Path) -> None:
    text = "\r\n".join([RUSSIAN, "", "Второй абзац; ещё строка.\rИ третья."] * 12_000)
    path = tmp_path / "long-ru.txt"
    path.write_bytes(text.encode("cp1251"))
    assert path.stat().st_size > 2 * (1 << 20)  # longer than the part the encoding is judged on
    doc = one(list(read_path(path)))
    assert doc.text == text.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert doc.meta.extra["encoding"] == "cp1251" and doc.meta.language == "ru"


@pytest.mark.parametrize(("codec", "mark"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                             ("utf-16-le", b"\xff\xfe"), ("cp1251", b"")])
def test_pieces_split_characters_and_line_ends_anywhere(codec: str, mark: bytes) -> None:
    text = ("Мир и вода.\r\nПереговоры\rидут.\n" if codec == "cp1251"
            else "Мир, water, ә, € and 😀\r\nnext\rline.\n") * 50
    if codec == "utf-16-le":
        text = text.replace("😀", "!")
    data = mark + text.encode(codec)
    for chunk in (1, 2, 3, 7):
        opened = open_text(io.BytesIO(data), "x.txt", sniff_bytes=64, chunk_bytes=chunk)
        assert "".join(opened.pieces) == decode(data, "x.txt").text, chunk


@given(st.text(alphabet=st.sampled_from("ab Я жә€😀.\r\n\t"), min_size=1, max_size=300)
       .filter(lambda t: t.strip()), st.integers(2, 40), st.integers(1, 9))
def test_streamed_utf8_equals_the_whole_decoded(text: str, sniff: int, chunk: int) -> None:
    data = text.encode("utf-8")
    opened = open_text(io.BytesIO(data), "x.txt", sniff_bytes=sniff, chunk_bytes=chunk)
    assert "".join(opened.pieces) == text.replace("\r\n", "\n").replace("\r", "\n")


def test_a_long_file_that_changes_encoding_is_a_failure_naming_where(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(ENGLISH.encode() * 10_000 + RUSSIAN.encode("cp1251"))
    reason = failure(list(read_path(path))).reason
    assert "starts as utf-8" in reason and "mixed encodings" in reason and "near byte" in reason


# --- HTML -----------------------------------------------------------------------------------

ARTICLE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title} | Example Ministry</title>
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2020-03-06">
<meta property="og:site_name" content="Example Ministry">
<style>p {{ color: red }}</style></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/contact">Contact</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<script>trackVisitor("do not keep me");</script>
<footer>Copyright notice of the example ministry</footer></body></html>
"""


def article(title: str, paragraphs: list[str], charset: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return ARTICLE.format(charset=charset, title=title, paragraphs=body)


def test_html_main_text_and_metadata_come_from_trafilatura(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(article("Talks on water", [ENGLISH, ENGLISH.upper(), "A third paragraph "
                                                                        "closes the piece."]))
    doc = one(list(read_path(path)))
    assert ENGLISH in doc.text and "A third paragraph closes the piece." in doc.text
    assert "trackVisitor" not in doc.text and "color: red" not in doc.text
    assert doc.meta.title is not None and "Talks on water" in doc.meta.title
    assert doc.meta.date == dt.date(2020, 3, 6)
    assert doc.meta.author == "Jane Roe" and doc.meta.source == "Example Ministry"
    assert doc.meta.language == "en" and doc.meta.extra["extractor"] == "trafilatura"


def test_html_in_a_declared_single_byte_charset(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(article("Переговоры о воде", [RUSSIAN, RUSSIAN], "windows-1251")
                     .encode("cp1251"))
    doc = one(list(read_path(path)))
    assert RUSSIAN in doc.text and doc.meta.language == "ru"
    assert doc.meta.extra["encoding"] == "cp1251"


def test_html_without_an_article_falls_back_to_the_visible_text(tmp_path: Path) -> None:
    path = tmp_path / "bare.html"
    path.write_text("<html><body><div class='footer'>Contact the press office of the ministry"
                    "</div><script>hidden()</script></body></html>")
    doc = one(list(read_path(path)))
    assert doc.text == "Contact the press office of the ministry"
    assert doc.meta.extra["extractor"] == "tag strip"


def test_html_with_no_text_at_all_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>x()</script></head><body></body></html>")
    assert "no text" in failure(list(read_path(path))).reason


# --- PDF ------------------------------------------------------------------------------------

def test_a_hand_written_pdf_gives_its_text_and_document_info(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(minimal_pdf(["Water and borders were discussed.", "Trade grew."], PDF_INFO))
    doc = one(list(read_path(path)))
    assert doc.text == "Water and borders were discussed.\nTrade grew."
    assert (doc.meta.title, doc.meta.author) == ("Water and Borders", "A. Writer")
    assert doc.meta.date == dt.date(2020, 3, 6) and doc.meta.extra["pages"] == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (minimal_pdf(["Water and borders were discussed."])[:300], "truncated"),
        (random.Random(3).randbytes(3000), "not a PDF"),
        (b"%PDF-1.4\n" + random.Random(4).randbytes(3000) + b"\n%%EOF\n", "damaged"),
        (minimal_pdf([]), "OCR"),
    ],
)
def test_broken_or_image_only_pdfs_are_failures(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    assert words in failure(list(read_path(path))).reason


def test_a_password_protected_pdf_is_a_failure_an_empty_password_is_not(tmp_path: Path) -> None:
    for password, name in (("secret", "locked.pdf"), ("", "open.pdf")):
        writer = PdfWriter()
        writer.append(PdfReader(io.BytesIO(minimal_pdf(["Sealed text of the protocol."]))))
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
        writer.write(tmp_path / name)
    assert "encrypted" in failure(list(read_path(tmp_path / "locked.pdf"))).reason
    assert one(list(read_path(tmp_path / "open.pdf"))).text == "Sealed text of the protocol."


def test_a_pdf_stream_that_inflates_beyond_the_safety_limit_is_a_failure(tmp_path: Path) -> None:
    errors = pytest.importorskip("pypdf.errors")
    if not hasattr(errors, "LimitReachedError"):
        pytest.skip("this pypdf has no limit on inflated streams")
    path = tmp_path / "bomb.pdf"
    data, _, _ = deflated((b" " * (1 << 20), 120))  # 120 MiB from some 130 KB
    zlib_header, any_checksum = b"\x78\xda", b"\0\0\0\0"
    path.write_bytes(minimal_pdf([], deflated=zlib_header + data + any_checksum))
    reason = failure(list(read_path(path))).reason
    assert "inflates beyond pypdf's safety limit" in reason and "bomb" in reason


def test_a_pdf_stops_at_the_character_cap(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(minimal_pdf(["Water and borders were discussed at length."] * 30))
    reason = failure(list(read_path(path, max_chars=200))).reason
    assert "more than 200 characters (reading stopped at page 1 of 1)" in reason


def test_randomly_damaged_pdfs_never_raise(tmp_path: Path) -> None:
    good = minimal_pdf(["Water and borders were discussed."], PDF_INFO)
    rng = random.Random(11)
    path = tmp_path / "damaged.pdf"
    for _ in range(40):
        data = bytearray(good)
        for _ in range(6):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
        assert len(list(read_path(path))) == 1


# --- DOCX -----------------------------------------------------------------------------------

def test_docx_paragraphs_and_core_properties(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Talks on water", level=1)
    document.add_paragraph(ENGLISH)
    document.add_paragraph("")
    document.add_paragraph("A closing paragraph.")
    document.core_properties.title = "Talks on water"
    document.core_properties.author = "A. Writer"
    document.core_properties.created = dt.datetime(2021, 5, 4, 10, 0)
    path = tmp_path / "memo.docx"
    document.save(str(path))
    doc = one(list(read_path(path)))
    assert doc.text == f"Talks on water\n\n{ENGLISH}\n\nA closing paragraph."
    assert (doc.meta.title, doc.meta.author, doc.meta.date) == (
        "Talks on water", "A. Writer", dt.date(2021, 5, 4))


@pytest.mark.parametrize("data", [b"PK\x03\x04" + b"not really a zip" * 20,
                                  b"\xd0\xcf\x11\xe0 an old binary .doc file" * 10])
def test_a_corrupt_docx_is_a_failure(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "memo.docx"
    path.write_bytes(data)
    assert "not a valid DOCX" in failure(list(read_path(path))).reason


def test_a_docx_zip_bomb_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bomb(300))
    assert path.stat().st_size < 1_000_000
    reason = failure(list(read_path(path))).reason
    assert "unpacks to 3" in reason and "above the 100,000,000-byte cap" in reason
    assert "zip bomb" in reason and "--max-unpacked-mb" in reason


def test_a_docx_that_lies_about_its_sizes_is_stopped_too(tmp_path: Path) -> None:
    """The headers say 1,000 bytes; the data inflates to 8 MiB: reading stops, nothing grows."""
    path = tmp_path / "liar.docx"
    path.write_bytes(docx_bomb(8, declared=1_000))
    reason = failure(list(read_path(path, max_unpacked_bytes=2_000_000))).reason
    assert "damaged" in reason or "unpacking stopped" in reason


def test_a_genuine_docx_under_a_raised_unpacked_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "spaces.docx"
    path.write_bytes(docx_bomb(3))
    assert "above the 1,000,000-byte cap" in failure(
        list(read_path(path, max_unpacked_bytes=1_000_000))).reason
    assert one(list(read_path(path, max_unpacked_bytes=10_000_000))).text == ENGLISH


def test_a_docx_over_the_character_cap_is_a_failure(tmp_path: Path) -> None:
    document = docx.Document()
    for _ in range(20):
        document.add_paragraph(ENGLISH)
    path = tmp_path / "long.docx"
    document.save(str(path))
    assert "above the 1,000-character cap" in failure(list(read_path(path, max_chars=1_000))).reason


# --- JSONL and CSV --------------------------------------------------------------------------

def test_jsonl_rows_map_metadata_and_a_malformed_line_fails_alone(tmp_path: Path) -> None:
    rows = [
        json.dumps({"text": ENGLISH, "title": "First", "date": "06.03.2020", "speaker": "A. Person",
                    "lang": "English", "genre": "statement", "country": "Kazakhstan",
                    "url": "https://example.org/1"}),
        '{"text": "broken line", ',
        "",
        json.dumps({"content": RUSSIAN, "genre": "interview", "date": "someday"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text here"}),
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(rows), encoding="utf-8")
    items = list(read_path(path))
    assert [type(i).__name__ for i in items] == [
        "RawDocument", "Failure", "RawDocument", "Failure", "Failure"]
    first, bad, second, not_object, no_text = items
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.origin.row == 1 and second.origin.row == 4
    assert (first.meta.title, first.meta.date, first.meta.author) == (
        "First", dt.date(2020, 3, 6), "A. Person")
    assert (first.meta.language, first.meta.genre, first.meta.country) == (
        "en", Genre.STATEMENT, "KAZ")
    assert first.meta.extra["url"] == "https://example.org/1"
    assert first.meta.extra["meta_sources"]["language"] == "file"
    assert second.text == RUSSIAN and second.meta.language == "ru"
    assert second.meta.genre is Genre.OTHER
    assert second.meta.extra["genre_original"] == "interview"
    assert second.meta.extra["date_original"] == "someday" and second.meta.date is None
    assert isinstance(bad, Failure) and bad.row == 2 and "not valid JSON" in bad.reason
    assert isinstance(not_object, Failure) and not_object.row == 5
    assert isinstance(no_text, Failure) and no_text.row == 6 and "text_column" in no_text.reason


def test_jsonl_text_column_can_be_named(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"Speech": ENGLISH, "text": "a short abstract"}) + "\n")
    assert one(list(read_path(path, text_column="speech"))).text == ENGLISH


def test_csv_rows_with_a_sniffed_delimiter_and_a_bad_row_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text(
        "title;date;author;text\n"
        f"One;2020-03-06;Mr. A;{ENGLISH}\n"
        "Two;2020-03-07;Mr. B;\n"
        f'Three;6 March 2020;Ms. C;"{RUSSIAN}\n\nВторой абзац; с точкой с запятой."\n'
        "Four;2020-03-09;Mr. D;text;with an extra field\n"
        f"Five;March 10, 2020;Mr. E;{ENGLISH}\n",
        encoding="utf-8",
    )
    items = list(read_path(path))
    assert [(type(i).__name__, i.origin.row if isinstance(i, RawDocument) else i.row)
            for i in items] == [("RawDocument", 2), ("Failure", 3), ("RawDocument", 4),
                                ("Failure", 7), ("RawDocument", 8)]
    one_, empty, three, extra_field, five = items
    assert isinstance(one_, RawDocument) and one_.meta.title == "One" and one_.text == ENGLISH
    assert isinstance(empty, Failure) and "'text' is empty" in empty.reason
    assert isinstance(three, RawDocument)
    assert three.text == RUSSIAN + "\n\nВторой абзац; с точкой с запятой."
    assert three.meta.date == dt.date(2020, 3, 6) and three.meta.language == "ru"
    assert isinstance(extra_field, Failure) and "quote" in extra_field.reason
    assert isinstance(five, RawDocument) and five.meta.date == dt.date(2020, 3, 10)


def test_csv_without_a_text_column_fails_once(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text("title,summary\nOne,two\nThree,four\n")
    f = failure(list(read_path(path)))
    assert f.row == 1 and "title, summary" in f.reason and "text_column" in f.reason


def test_an_unterminated_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text('text,date\n"Kazakhstan joined the WTO.",2015-11-30\n'
                    '"Russia and China signed a treaty,2016-01-01\nAnother row,2017-01-01\n',
                    encoding="utf-8")
    items = list(read_path(path))
    assert isinstance(items[0], RawDocument) and items[0].meta.language == "en"
    assert isinstance(items[1], Failure) and len(items) == 2
    assert items[1].row == 3 and items[1].reason.startswith("line 3: unterminated quoted field")
    assert "language" not in items[1].reason and '("")' in items[1].reason


def test_a_stray_quote_is_malformed_quoting_not_a_language(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text('text,date\n"Kazakhstan joined" the WTO,2015-11-30\n', encoding="utf-8")
    f = failure(list(read_path(path)))
    assert f.row == 2 and f.reason.startswith("line 2: a quoted field is followed by other text")


def test_a_field_over_the_cap_stops_the_table_and_the_csv_limit_is_restored(
    tmp_path: Path
) -> None:
    path = tmp_path / "items.csv"
    path.write_text(f'text,date\n"{ENGLISH}",2015-11-30\n"{ENGLISH * 50}",2016\n',
                    encoding="utf-8")
    before = csv.field_size_limit()
    items = list(read_path(path, max_chars=1_000))
    assert csv.field_size_limit() == before
    assert isinstance(items[0], RawDocument) and isinstance(items[1], Failure)
    assert items[1].reason.startswith("line 3: a field is longer than the 1,000-character cap")


def test_a_long_table_is_parsed_across_chunks_and_a_line_without_end_stops(
    tmp_path: Path
) -> None:
    path = tmp_path / "many.csv"
    row = f'"{ENGLISH}\r\n\r\n{ENGLISH}",2015-11-30\r\n'
    path.write_text("text,date\r\n" + row * 4_000, encoding="utf-8")
    assert path.stat().st_size > 1 << 20  # longer than the part the encoding is judged on
    items = list(read_path(path))
    assert len(items) == 4_000 and all(isinstance(i, RawDocument) for i in items)
    assert [i.origin.row for i in items[:3] if isinstance(i, RawDocument)] == [2, 5, 8]
    assert {i.text for i in items if isinstance(i, RawDocument)} == {f"{ENGLISH}\n\n{ENGLISH}"}
    path.write_text("text,date\n" + "x" * 3_000_000 + ",2015\n", encoding="utf-8")
    f = failure(list(read_path(path, max_chars=1_000_000)))
    assert f.row == 2 and f.reason.startswith("line 2 runs past the 1,000,000-character cap")


def test_jsonl_rows_over_the_cap_fail_alone(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"text": ENGLISH * 20}) + "\n" + json.dumps({"text": ENGLISH})
                    + "\n", encoding="utf-8")
    big, small = list(read_path(path, max_chars=1_000))
    assert isinstance(big, Failure) and big.row == 1 and "1,000-character cap" in big.reason
    assert isinstance(small, RawDocument)


@pytest.mark.parametrize("text", ["Kazakhstan and Russia signed a treaty.",
                                  "Talks in Astana", "Tokayev visits Beijing"])
def test_short_english_rows_are_english(tmp_path: Path, text: str) -> None:
    (tmp_path / "rows.csv").write_text(f'text\n"{text}"\n', encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    for name in ("rows.csv", "rows.jsonl"):
        assert one(list(read_path(tmp_path / name))).meta.language == "en", name


# --- metadata precedence and naming conventions --------------------------------------------

def test_options_beat_the_file_which_beats_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "2019-01-02_old_name.html"
    path.write_text(article("Talks on water", [ENGLISH, ENGLISH]))
    doc = one(list(read_path(path)))
    assert doc.meta.date == dt.date(2020, 3, 6)  # the page's own date, not the file name's
    assert doc.meta.extra["meta_sources"]["date"] == "file"
    overrides = DocumentMeta(date=dt.date(2021, 1, 1), genre=Genre.NEWS, language="ru")
    doc = one(list(read_path(path, overrides=overrides)))
    assert (doc.meta.date, doc.meta.genre, doc.meta.language) == (
        dt.date(2021, 1, 1), Genre.NEWS, "ru")
    assert doc.meta.extra["meta_sources"]["date"] == "option"
    assert doc.meta.author == "Jane Roe"  # fields the options leave open still come through


def test_a_dated_file_name_gives_date_and_title(tmp_path: Path) -> None:
    path = tmp_path / "2020-03-06_talks_on_water.txt"
    path.write_text(ENGLISH)
    doc = one(list(read_path(path)))
    assert (doc.meta.date, doc.meta.title) == (dt.date(2020, 3, 6), "talks on water")
    assert doc.meta.extra["meta_sources"]["date"] == "file name"


def test_ungd_names_and_a_speakers_table_one_folder_up(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "speakers.csv").write_text(
        "Year,Session,ISO Code,Country,Name of Person Speaking,Post,Unnamed: 6\n"
        "2020,75,TST,Testland,Mr.  Ivan PETROV ,Minister for Foreign Affairs ,\n"
        "2019,74,TST,Testland,Petrova,,\n", encoding="utf-8-sig")
    path = tmp_path / "texts" / "TST_75_2020.txt"
    path.write_text(ENGLISH)
    doc = one(list(read_path(path)))
    m = doc.meta
    assert (m.country, m.date, m.genre, m.source) == (
        "TST", dt.date(2020, 9, 25), Genre.SPEECH, "UN General Debate")
    assert m.author == "Ivan Petrov" and m.extra["post"] == "Minister for Foreign Affairs"
    assert m.extra["date_precision"] == UNGD_DATE_PRECISION and m.extra["session"] == 75
    other = meta_from_name(tmp_path / "texts" / "TST_74_2019.txt")
    assert other is not None and other.author == "Petrova" and "post" not in other.extra
    assert meta_from_name(tmp_path / "TST_12_2020.txt") is None  # session and year disagree


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2020-03-06", dt.date(2020, 3, 6)), ("06.03.2020", dt.date(2020, 3, 6)),
     ("6/3/2020", dt.date(2020, 3, 6)), ("6 March 2020", dt.date(2020, 3, 6)),
     ("March 6, 2020", dt.date(2020, 3, 6)), ("6 марта 2020 г.", dt.date(2020, 3, 6)),
     ("2020-03-06T10:15:00Z", dt.date(2020, 3, 6)), ("31.02.2020", None), ("soon", None)],
)
def test_dates_are_read_day_first(value: str, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_speaker_names_lose_honorifics_and_shouting() -> None:
    assert clean_speaker("Mr.  Kassymzhomart TOKAEV ") == "Kassymzhomart Tokaev"
    assert clean_speaker("H.E. Mrs. Roza OTUNBAYEVA") == "Roza Otunbayeva"
    assert clean_speaker("Nursultan A. Nazarbayev") == "Nursultan A. Nazarbayev"


def test_speakers_are_parsed_from_text_and_a_table_given_to_meta_from_name_wins(
    tmp_path: Path
) -> None:
    rows = parse_speakers(
        "YEAR,Session,iso code,Name of Person Speaking,POST\n"
        "2020,75,tst,Mr.  Ivan PETROV ,Minister  for Foreign Affairs \n"
        "2020,75,TST,Someone Else,President\n"  # the first row of a country and year wins
        "2019,74,TST,,President\n"  # no name
        "2017,72,,Nobody,President\n"  # no country
        "20x8,73,TST,Petrova,\n"  # no year
        "2016,71,TST,Petrova,\n")
    assert rows == {("TST", 2020): ("Ivan Petrov", "Mr.  Ivan PETROV",
                                    "Minister for Foreign Affairs"),
                    ("TST", 2016): ("Petrova", "Petrova", "")}
    assert parse_speakers("") == {} and parse_speakers("Year,Country\n2020,TST\n") == {}
    (tmp_path / "speakers.csv").write_text(
        "Year,ISO Code,Name of Person Speaking,Post\n2020,TST,On Disk,\n", encoding="utf-8")
    path = tmp_path / "TST_75_2020.txt"
    on_disk = meta_from_name(path)
    assert on_disk is not None and on_disk.author == "On Disk"
    assert on_disk.extra["speakers_table"] == str(tmp_path / "speakers.csv")
    given = meta_from_name(path, speakers=("archive:speakers.csv", rows))
    assert given is not None and (given.author, given.country, given.date) == (
        "Ivan Petrov", "TST", dt.date(2020, 9, 25))
    assert {k: given.extra[k] for k in ("speakers_table", "speaker_recorded", "post")} == {
        "speakers_table": "archive:speakers.csv", "speaker_recorded": "Mr.  Ivan PETROV",
        "post": "Minister for Foreign Affairs"}
    unnamed = meta_from_name(PurePosixPath("TST_74_2019.txt"), speakers=("t.csv", rows))
    assert unnamed is not None and unnamed.author is None
    assert "speakers_table" not in unnamed.extra and "post" not in unnamed.extra


# --- bytes already in memory ----------------------------------------------------------------

def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph(ENGLISH)
    document.core_properties.author = "A. Writer"
    with io.BytesIO() as buffer:
        document.save(buffer)
        return buffer.getvalue()


IN_MEMORY = {
    "TST_56_2001.txt": ("\r\n" + RUSSIAN + "\r\n").encode("cp1251"),
    "2020-03-06_page.html": article("Talks on water", [ENGLISH, ENGLISH]).encode(),
    "report.pdf": minimal_pdf(["Water and borders were discussed.", "Talks go on."], PDF_INFO),
    "memo.docx": docx_bytes(),
    "rows.jsonl": (json.dumps({"text": ENGLISH, "date": "2020-03-06"}) + "\n{broken\n"
                   + json.dumps({"note": "no text"}) + "\n").encode(),
    "rows.tsv": f"date\ttext\n2020-03-06\t{ENGLISH}\n\t\n".encode(),
    "blank.md": b"  \n\n ",
    "binary.txt": b"\x00\x01\x02\x03binary\x00\xff" * 50,
    "empty.html": b"  \n",
    "slides.pptx": b"PK whatever",
}


@pytest.mark.parametrize("name", IN_MEMORY)
def test_bytes_in_memory_read_as_the_same_file_on_disk(tmp_path: Path, name: str) -> None:
    (tmp_path / "speakers.csv").write_text(
        "Year,ISO Code,Name of Person Speaking,Post\n2001,TST,Mr. A. TESTOV,President\n",
        encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(IN_MEMORY[name])
    from_disk = list(read_path(path))
    assert from_disk == list(read_bytes(IN_MEMORY[name], str(path), name_meta=meta_from_name(path)))
    assert from_disk and all(i.path == str(path) if isinstance(i, Failure)
                             else i.origin.path == i.meta.path == str(path) for i in from_disk)


def test_read_bytes_takes_its_name_and_file_name_layer_from_the_caller() -> None:
    name = "sample:x/texts/Note.TXT"  # the suffix picks the reader, in any case
    layer = DocumentMeta(title="From the archive", date=dt.date(2001, 9, 25))
    doc = one(list(read_bytes(RUSSIAN.encode("cp1251"), name, name_meta=layer,
                              overrides=DocumentMeta(date=dt.date(2002, 1, 1)))))
    assert doc.text == RUSSIAN and doc.origin.path == doc.meta.path == name
    assert (doc.meta.title, doc.meta.date, doc.meta.language) == (
        "From the archive", dt.date(2002, 1, 1), "ru")
    assert doc.meta.extra["meta_sources"] == {"title": "file name", "date": "option",
                                              "language": "detected"}
    assert doc.meta.extra["encoding"] == "cp1251"
    # a table's rows ignore the file-name layer: the name says nothing about each row
    row = one(list(read_bytes(json.dumps({"text": ENGLISH}).encode(), "a.jsonl",
                              name_meta=layer)))
    assert (row.meta.title, row.meta.date, row.origin.row) == (None, None, 1)
    assert "'(no suffix)'" in failure(list(read_bytes(ENGLISH.encode(), "sample:x/README"))).reason


def test_read_bytes_keeps_the_caps() -> None:
    reason = failure(list(read_bytes((ENGLISH * 20).encode(), "long.txt", max_chars=1_000))).reason
    assert f"{len((ENGLISH * 20).strip()):,} characters, above the 1,000-character cap" in reason
    rows = list(read_bytes(
        (json.dumps({"text": ENGLISH}) + "\n" + json.dumps({"text": "Short."})).encode(),
        "rows.jsonl", max_chars=100))
    assert isinstance(rows[0], Failure) and "above the 100-character cap" in rows[0].reason
    assert isinstance(rows[1], RawDocument) and rows[1].text == "Short."
    bomb = docx_bomb(3)
    assert "above the 1,000,000-byte cap" in failure(
        list(read_bytes(bomb, "spaces.docx", max_unpacked_bytes=1_000_000))).reason
    assert one(list(read_bytes(bomb, "spaces.docx", max_unpacked_bytes=10_000_000))).text == (
        ENGLISH)
    assert "above the 100-character cap" in failure(
        list(read_bytes(docx_bytes(), "memo.docx", max_chars=100))).reason


# --- paths ----------------------------------------------------------------------------------

def test_folders_expand_sorted_without_hidden_or_corpus_description_files(tmp_path: Path) -> None:
    for name in ("b.txt", "a/c.txt", "a/.hidden.txt", ".git/x.txt", "README.md", "speakers.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(ENGLISH)
    missing = tmp_path / "missing.txt"
    items = list(iter_paths([tmp_path, tmp_path / "README.md", missing]))
    assert items[:3] == [tmp_path / "a/c.txt", tmp_path / "b.txt", tmp_path / "README.md"]
    assert isinstance(items[3], Failure) and items[3].path == str(missing)
    assert "folder" in failure(list(read_path(tmp_path / "a"))).reason
    assert "cannot read" in failure(list(read_path(missing))).reason
    docs = list(read_paths([tmp_path]))
    assert [d.origin.path for d in docs if isinstance(d, RawDocument)] == [
        str(tmp_path / "a/c.txt"), str(tmp_path / "b.txt")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_symbolic_link_loops_and_dangling_links_are_reported_and_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "inner").mkdir(parents=True)
    (corpus / "inner" / "a.txt").write_text(ENGLISH)
    (corpus / "b.txt").write_text(ENGLISH)
    (corpus / "inner" / "up").symlink_to("..")  # back to corpus: a loop
    (corpus / "itself").symlink_to("itself")  # a link to itself
    (corpus / "gone.txt").symlink_to("nowhere.txt")
    (corpus / "also-b.txt").symlink_to("b.txt")  # a sound link is followed
    items = list(iter_paths([corpus]))
    files = [i for i in items if isinstance(i, Path)]
    failures = {Path(i.path).name: i.reason for i in items if isinstance(i, Failure)}
    assert files == [corpus / "also-b.txt", corpus / "b.txt", corpus / "inner" / "a.txt"]
    assert set(failures) == {"up", "itself", "gone.txt"}
    assert failures["up"].startswith(f"symbolic link loop at {corpus / 'inner' / 'up'}")
    assert failures["itself"].startswith(f"symbolic link loop at {corpus / 'itself'}")
    assert failures["gone.txt"].startswith("dangling symbolic link") and "skipped" in failures[
        "gone.txt"]
    assert "symbolic link loop" in failure(list(read_path(corpus / "itself"))).reason
    assert "dangling" in failure(list(iter_paths([corpus / "gone.txt"]))).reason


# --- metadata from the head of a plain text ------------------------------------------------

PAGE_HEAD = (
    "Tuesday, 04 March 2014\n\n"
    "Water Talks Resume in the Valley\n\n"
    "Published in Regional News\n"
    "Rate this item\n"
    "(5 votes)\n\n"
    "By Dr. Jane Roe* (the 04/03/2014 issue of the Bulletin)\n\n"
)


def test_a_text_gives_its_title_dateline_and_byline(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(PAGE_HEAD + ENGLISH + "\n", encoding="utf-8")
    m = one(list(read_path(path))).meta
    assert (m.title, m.date, m.author) == ("Water Talks Resume in the Valley",
                                           dt.date(2014, 3, 4), "Jane Roe")
    assert {k: m.extra["meta_sources"][k] for k in ("title", "date", "author")} == {
        "title": "text", "date": "text", "author": "text"}


def test_text_metadata_beats_the_file_name_and_options_beat_it(tmp_path: Path) -> None:
    path = tmp_path / "2019-01-02_old_name.txt"
    path.write_text(PAGE_HEAD + ENGLISH, encoding="utf-8")
    m = one(list(read_path(path))).meta
    assert (m.date, m.title) == (dt.date(2014, 3, 4), "Water Talks Resume in the Valley")
    m = one(list(read_path(path, overrides=DocumentMeta(date=dt.date(2021, 1, 1))))).meta
    assert (m.date, m.extra["meta_sources"]["date"]) == (dt.date(2021, 1, 1), "option")
    assert m.extra["meta_sources"]["title"] == "text"
    (tmp_path / "2019-01-02_plain.txt").write_text(ENGLISH, encoding="utf-8")
    plain = one(list(read_path(tmp_path / "2019-01-02_plain.txt"))).meta
    assert plain.extra["meta_sources"]["date"] == "file name"  # no head: the name still counts


@pytest.mark.parametrize(("head", "expected"), [
    ("Astana, 28 June 2011\n\nA Council Opens\n\n", (dt.date(2011, 6, 28), "A Council Opens")),
    ("Published: 5 February 2014, 10:32\n\n", (dt.date(2014, 2, 5), None)),
    ("Среда, 5 февраля 2014 г.\n\nПереговоры о воде\n\nАвтор: Иван Петров\n\n",
     (dt.date(2014, 2, 5), "Переговоры о воде")),
    ("Talks on water\n\n", (None, "Talks on water")),
])
def test_datelines_and_titles_in_both_languages(
    head: str, expected: tuple[dt.date | None, str | None]
) -> None:
    m = meta_from_text(head + ENGLISH)
    assert m is not None and (m.date, m.title) == expected


@pytest.mark.parametrize("text", [
    ENGLISH,
    "Allow me\nto express my thanks to the President of the Assembly on his election to\n"
    "this post, and to wish him every success in the work of the session ahead of us all.",
    "Head Office, Main Street 12, tel.: 7 (7172) 123456\n\n" + ENGLISH,
    "Home | News | World\n\n" + ENGLISH,
    "Abstract\n\n" + ENGLISH,
    "The talks went on.\n\n" + ENGLISH,
])
def test_wrapped_lines_contact_lines_and_sentences_are_no_titles(text: str) -> None:
    m = meta_from_text(text)
    assert m is None or m.title is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["we", "the", "Talks", "on", "water", "signed", "in", "May",
                                 "2014", "By", "\n", "\n\n", ",", "."]), max_size=40))
def test_text_metadata_never_fails_and_a_title_is_one_line_of_the_text(words: list[str]) -> None:
    text = " ".join(words)
    m = meta_from_text(text)
    if m is not None and m.title is not None:
        assert m.title in text and "\n" not in m.title


# --- the real corpus (the bundled sample, written out as a folder) --------------------------

def test_every_real_ungd_statement_decodes_as_english_with_its_metadata(ungd_folder: Path) -> None:
    texts = ungd_folder / "texts"
    items = list(read_paths([texts]))
    assert len(items) == len(list(texts.glob("*.txt"))) > 100
    assert all(isinstance(i, RawDocument) for i in items), [i for i in items
                                                            if isinstance(i, Failure)]
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert {d.meta.language for d in docs} == {"en"}
    assert all(d.meta.source == "UN General Debate" and d.meta.author for d in docs)
    by_name = {Path(d.origin.path).name: d.meta for d in docs}
    # the statements open with their text, never a title line, dateline or byline
    assert not any("text" in d.meta.extra["meta_sources"].values() for d in docs)
    kaz = by_name["KAZ_75_2020.txt"]
    assert (kaz.author, kaz.country, kaz.date) == (
        "Kassym-Jomart Tokayev", "KAZ", dt.date(2020, 9, 25))
    assert kaz.extra["post"] == "President"
    assert kaz.extra["date_precision"] == UNGD_DATE_PRECISION
