"""Turn the bytes of a text file into text, guessing the encoding the way a careful reader would.

Order of evidence: a byte-order mark; strict UTF-8; UTF-16 without a mark (recognised by its
zero-byte pattern); then the single-byte encodings. Russian single-byte text is read as cp1251,
KOI8-R or cp866, whichever gives the most plausible Russian (common letters, common bigrams,
lowercase runs); latin-1/cp1252 is chosen only for text that is plainly Latin. Binary data, empty
files and text in no supported encoding raise :class:`IngestError`. Line endings become ``\\n``.

A long file is read by :func:`open_text` a chunk at a time: the encoding is judged on its first
mebibyte, the rest is decoded as it is read, so that a reader can stop at a cap (:func:`read_text`)
or take the text line by line (tables) without holding the whole file twice.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from multivector.ingest.errors import IngestError
from multivector.ingest.limits import MAX_CHARS, text_over_cap

SNIFF_BYTES = 1 << 20  # the encoding of a long file is judged on its first mebibyte
CHUNK_BYTES = 1 << 22  # and the rest decoded four mebibytes at a time

_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE mark starts with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CYRILLIC_CODECS = ("cp1251", "koi8-r", "cp866")
_RUSSIAN_LOWER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_RUSSIAN_UPPER = _RUSSIAN_LOWER.upper()
_RUSSIAN_WORD = re.compile("[а-яёА-ЯЁ]{2,}")
_COMMON_LETTERS = frozenset("оеаинтсрОЕАИНТСР")
_COMMON_BIGRAMS = frozenset((
    "ст", "но", "то", "на", "ен", "ов", "ни", "ра", "во", "ко", "ро", "ал", "ре", "пр", "по",
    "ль", "ка", "ер", "он", "ос", "ли", "ет", "ол", "ел", "ом", "ан", "ин", "ор", "ва", "та",
    "ат", "не", "ны", "го", "од", "ит", "де", "да", "ой", "ле", "ла",
))
# Valid multi-byte UTF-8 sequences: if many appear in bytes that are not valid UTF-8 as a whole,
# the file mixes encodings and no single guess is right.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_WORD_BYTES = re.compile(rb"[A-Za-z\x80-\xff]+")
_CONTROL = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D})
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the codec that produced it, and how sure the guess is (0..1)."""

    text: str
    encoding: str
    confidence: float


def decode(data: bytes, name: str) -> Decoded:
    """Decode ``data`` (the contents of the file ``name``) to text with ``\\n`` line endings."""
    if not data:
        raise IngestError(f"{name}: the file is empty", hint="remove it or give it some text")
    decoded = _decode(data, name)
    if not decoded.text.strip():
        raise IngestError(
            f"{name}: the file is empty: it holds only whitespace",
            hint="remove it or give it some text",
        )
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text, decoded.encoding, decoded.confidence)


@dataclass(frozen=True)
class TextStream:
    """An open text file: its encoding (judged on the first ``SNIFF_BYTES``), how sure that is,
    and its text in pieces with ``\\n`` line endings, decoded as they are taken."""

    encoding: str
    confidence: float
    pieces: Iterator[str]
    complete: bool  # the file was decoded whole at once: ``pieces`` is that one text


def open_text(
    stream: IO[bytes], name: str, *, sniff_bytes: int = SNIFF_BYTES, chunk_bytes: int = CHUNK_BYTES
) -> TextStream:
    """The text of the binary ``stream`` (the file ``name``), decoded a chunk at a time.

    A file shorter than ``sniff_bytes`` is judged and decoded whole, exactly as :func:`decode`
    does. A longer one is judged on its first ``sniff_bytes``; a later byte that is not valid in
    that encoding, or a later stretch of binary data, raises :class:`IngestError` when reached.
    """
    prefix = stream.read(sniff_bytes)
    if len(prefix) < sniff_bytes:
        whole = decode(prefix, name)
        return TextStream(whole.encoding, whole.confidence, iter((whole.text,)), True)
    guess = _decode(prefix, name)
    bom = next((len(mark) for mark, codec in _BOMS
                if codec == guess.encoding and prefix.startswith(mark)), 0)
    confidence = 0.99 if guess.encoding == "utf-8" and guess.confidence < 0.99 else (
        guess.confidence)  # 0.9 said "cut in its last character": the prefix was cut, not the file
    pieces = _pieces(stream, name, prefix[bom:], guess.encoding.removesuffix("-sig"),
                     chunk_bytes, bom)
    return TextStream(guess.encoding, confidence, pieces, False)


def _pieces(
    stream: IO[bytes], name: str, first: bytes, codec: str, chunk_bytes: int, offset: int
) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    held = ""  # a final "\r" waits for the next piece, which may start with "\n"
    data = first
    while data:
        try:
            piece = held + decoder.decode(data)
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"{name}: the file starts as {codec}, but the bytes near byte "
                f"{offset + max(exc.start, 0):,} are not valid {codec} (mixed encodings?)",
                hint="repair the file or re-save all of it in one encoding, preferably UTF-8",
            ) from None
        held = "\r" if piece.endswith("\r") else ""
        piece = piece[:-1] if held else piece
        _reject_binary_text(piece, name, offset)
        offset += len(data)
        yield piece.replace("\r\n", "\n").replace("\r", "\n")
        data = stream.read(chunk_bytes)
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        tail = ""  # a file cut in the middle of its last character: keep everything before it
    if held or tail:
        yield (held + tail).replace("\r\n", "\n").replace("\r", "\n")


def _reject_binary_text(piece: str, name: str, offset: int) -> None:
    controls = len(_CONTROL_CHARS.findall(piece))
    if "\x00" in piece or controls > max(2, len(piece) // 100):
        raise IngestError(
            f"{name}: looks like binary data from about byte {offset:,} on ({controls} control "
            "characters in the stretch read there), not text",
            hint="remove the binary part, or give the file the suffix of its real type",
        )


def read_text(stream: IO[bytes], name: str, *, max_chars: int = MAX_CHARS) -> Decoded:
    """The whole text of ``stream``, stripped, read a chunk at a time; reading stops as soon as
    the text passes ``max_chars`` characters (:class:`IngestError` naming the cap).

    Peak memory is about twice the text (its pieces, then the joined text), never the bytes and
    the text and their copies at once.
    """
    opened = open_text(stream, name)
    parts: list[str] = []
    chars = 0
    for piece in opened.pieces:
        chars += len(piece)
        if chars > max_chars:
            if opened.complete:
                raise IngestError(f"{name}: " + text_over_cap(chars, max_chars))
            raise IngestError(
                f"{name}: " + text_over_cap(max_chars, max_chars, stopped_at="at the cap"))
        parts.append(piece)
    while parts and (not parts[0] or parts[0].isspace()):
        parts.pop(0)
    while parts and (not parts[-1] or parts[-1].isspace()):
        parts.pop()
    if not parts:
        raise IngestError(
            f"{name}: the file is empty: it holds only whitespace",
            hint="remove it or give it some text",
        )
    # strip the ends before joining: stripping the joined text would copy all of it once more
    parts[0] = parts[0].lstrip()
    parts[-1] = parts[-1].rstrip()
    text = "".join(parts)
    parts.clear()
    confidence = opened.confidence
    if opened.encoding == "utf-8":  # as decode() says it: sure of ASCII, nearly sure otherwise
        confidence = 1.0 if text.isascii() else 0.99
    return Decoded(text, opened.encoding, confidence)


def _decode(data: bytes, name: str) -> Decoded:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(codec.removesuffix("-sig")), codec, 1.0)
            except UnicodeDecodeError:
                break  # not a mark after all (cp1251 "яю" is b"\xff\xfe"): weigh the evidence
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    _reject_binary(data, name)
    try:
        text = data.decode("utf-8")
        return Decoded(text, "utf-8", 1.0 if text.isascii() else 0.99)
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            # a file cut in the middle of its last character: keep everything before it
            return Decoded(data[: exc.start].decode("utf-8"), "utf-8", 0.9)
        utf8_error = exc.start
    if _mostly_utf8(data):
        raise IngestError(
            f"{name}: mostly UTF-8, but byte {utf8_error} is not valid UTF-8 (mixed encodings?)",
            hint="repair or re-save the file as UTF-8",
        )
    if _looks_cyrillic(data):
        return _best_cyrillic(data, name)
    try:
        return Decoded(data.decode("cp1252"), "cp1252", 0.6)
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", 0.5)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text of Latin or Cyrillic script has a zero (or 0x04) byte in every other place."""
    if len(data) < 4 or len(data) % 2:
        return None
    low = [sum(1 for b in data[i::2] if b < 0x09) / (len(data) // 2) for i in (0, 1)]
    if max(low) < 0.3 or min(low) > 0.5 * max(low):
        return None
    codec = "utf-16-le" if low[1] > low[0] else "utf-16-be"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    plausible = sum(1 for c in text if _plausible_char(c))
    return Decoded(text, codec, 0.9) if plausible >= 0.98 * len(text) else None


def _mostly_utf8(data: bytes) -> bool:
    """Whether most non-ASCII bytes form UTF-8 sequences of Latin or Cyrillic characters.

    cp866 Russian often forms valid but implausible 3-byte sequences ("сно" is U+186E), so only
    sequences that decode to characters of the project's scripts count.
    """
    high = sum(1 for b in data if b >= 0x80)
    covered = sum(
        len(m) for m in _UTF8_SEQUENCE.findall(data)
        if (c := m.decode("utf-8", errors="ignore")) and _plausible_char(c)
    )
    return covered * 2 >= high


def _plausible_char(c: str) -> bool:
    o = ord(c)
    return (
        (0x20 <= o < 0x7F or c in "\t\n\r\f")
        or 0xA0 <= o < 0x250  # Latin-1 supplement and Latin Extended
        or 0x400 <= o < 0x530  # Cyrillic and its supplement (Kazakh letters)
        or 0x2000 <= o < 0x2070  # punctuation: dashes, quotes, ellipsis
        or o in (0x2116, 0x20AC, 0x20BD, 0x20B8)  # №, €, ₽, ₸
    )


def _reject_binary(data: bytes, name: str) -> None:
    controls = sum(1 for b in data if b in _CONTROL)
    if b"\x00" in data or controls > max(2, len(data) // 100):
        raise IngestError(
            f"{name}: looks like binary data ({controls} control bytes in {len(data)}), not text",
            hint="convert it to text, or give it the suffix of its real type (.pdf, .docx)",
        )


def _looks_cyrillic(data: bytes) -> bool:
    """Cyrillic single-byte words are made of high bytes only; accented Latin words are not."""
    # one-letter words are no evidence: Russian "и", "в" as much as French "à"
    words = [w for w in _WORD_BYTES.findall(data) if len(w) > 1 and any(b >= 0x80 for b in w)]
    all_high = sum(1 for w in words if all(b >= 0x80 for b in w))
    return bool(words) and all_high * 2 >= len(words)


def _best_cyrillic(data: bytes, name: str) -> Decoded:
    scored: list[tuple[float, int, str, str]] = []
    for rank, codec in enumerate(_CYRILLIC_CODECS):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue  # cp1251 leaves byte 0x98 undefined
        scored.append((russian_score(text), -rank, codec, text))  # ties: the commoner codec
    if not scored:
        raise IngestError(
            f"{name}: not valid in any supported encoding (UTF-8, UTF-16, cp1251, KOI8-R, cp866)",
            hint="re-save the file as UTF-8",
        )
    scored.sort(reverse=True)
    best, _, codec, text = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    confidence = 0.5 + 0.45 * min(1.0, (best - runner_up) / max(best, 1e-9) * 2)
    return Decoded(text, codec, round(confidence, 3))


def russian_score(text: str) -> float:
    """How much ``text`` reads like Russian: higher is more plausible (about 0 to 5).

    Sums the share of non-ASCII characters that are Russian letters (twice: the wrong codec
    turns letters into symbols and box drawing), the share of the commonest letters and of common
    bigrams (the wrong codec permutes the alphabet), the share of words cased like words
    ("мир", "Мир", "МИР", never "мИР") and, weakly, the share of lowercase letters.
    """
    # counted, not collected: a list of a million one-letter strings is some 80 MB
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    lower = sum(map(text.count, _RUSSIAN_LOWER))
    letters = lower + sum(map(text.count, _RUSSIAN_UPPER))
    if not non_ascii or not letters:
        return 0.0
    score = 2 * letters / non_ascii
    score += sum(map(text.count, _COMMON_LETTERS)) / letters
    score += 0.25 * lower / letters
    words = _RUSSIAN_WORD.findall(text)
    if words:
        pairs = sum(len(w) - 1 for w in words)
        common = sum(1 for w in map(str.lower, words) for i in range(len(w) - 1)
                     if w[i : i + 2] in _COMMON_BIGRAMS)
        score += common / pairs
        score += sum(1 for w in words if w.islower() or w.isupper() or w.istitle()) / len(words)
    return score
