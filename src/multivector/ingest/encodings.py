"""Turn the bytes of a text file into text, guessing the encoding the way a careful reader would.

Order of evidence: a byte-order mark; strict UTF-8; UTF-16 without a mark (recognised by its
zero-byte pattern); then the single-byte encodings. Russian single-byte text is read as cp1251,
KOI8-R or cp866, whichever gives the most plausible Russian (common letters, common bigrams,
lowercase runs); latin-1/cp1252 is chosen only for text that is plainly Latin. Binary data, empty
files and text in no supported encoding raise :class:`IngestError`. Line endings become ``\\n``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from multivector.ingest.errors import IngestError

_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE mark starts with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CYRILLIC_CODECS = ("cp1251", "koi8-r", "cp866")
_RUSSIAN = re.compile("[а-яёА-ЯЁ]")
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
            f"{name}: the file holds only whitespace", hint="remove it or give it some text"
        )
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text, decoded.encoding, decoded.confidence)


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
    non_ascii = sum(1 for c in text if ord(c) >= 0x80)
    letters = _RUSSIAN.findall(text)
    if not non_ascii or not letters:
        return 0.0
    score = 2 * len(letters) / non_ascii
    score += sum(1 for c in letters if c in _COMMON_LETTERS) / len(letters)
    score += 0.25 * sum(1 for c in letters if c.islower()) / len(letters)
    words = _RUSSIAN_WORD.findall(text)
    if words:
        pairs = [w[i : i + 2].lower() for w in words for i in range(len(w) - 1)]
        score += sum(1 for p in pairs if p in _COMMON_BIGRAMS) / len(pairs)
        score += sum(1 for w in words if w.islower() or w.isupper() or w.istitle()) / len(words)
    return score
