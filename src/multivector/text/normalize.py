"""Normalise text for matching while keeping a map back to offsets in the original.

Matching folds case, ``ё`` to ``е``, typographic quotes and dashes, and collapses runs of
whitespace (hard-wrapped text breaks names across lines). Offsets of a match in the normalised
text map back to the original with :meth:`Normalized.to_original`. :class:`Prepared` computes
the scanners' form of a text once, so that several matchers can share it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from operator import add, sub
from typing import Any

# one character for one character, so that offsets survive folding
_TYPOGRAPHY: tuple[tuple[str, str], ...] = (
    ("’", "'"), ("‘", "'"), ("ʼ", "'"), ("`", "'"), ("´", "'"),
    ("“", '"'), ("”", '"'), ("„", '"'), ("«", '"'), ("»", '"'),
    ("‐", "-"), ("‑", "-"), ("‒", "-"), ("–", "-"), ("—", "-"), ("−", "-"),
    ("\n", " "), ("\r", " "), ("\t", " "), ("\u00a0", " "), ("\u2009", " "), ("\u202f", " "),
    ("\u200b", " "), ("\ufeff", " "), ("\f", " "), ("\v", " "),
)
_YO = (("ё", "е"), ("Ё", "е"))
_RUNS = re.compile(r"  +")
_RUN_SPLIT = re.compile(r"(  +)")
# the punctuation and symbols of real text (after typography folding): ASCII, Latin-1, the
# General Punctuation block, currency signs and a few more; in a document they become spaces by
# plain replacement (fast), and any other character that is neither a letter nor a digit counts
# as part of the word it touches (rare: CJK punctuation, arrows, emoji)
_SYMBOL_RANGES = (
    (0x21, 0x7F), (0xA1, 0xC0), (0xD7, 0xD8), (0xF7, 0xF8), (0x2010, 0x205F), (0x20A0, 0x20C1),
    (0x2116, 0x2117), (0x2122, 0x2123), (0x2190, 0x2194), (0x2212, 0x2213), (0x25A0, 0x25A2),
    (0x25CF, 0x25D0), (0x2E3A, 0x2E3C), (0x3001, 0x3003), (0xFEFF, 0xFF00),
    (0xFF01, 0xFF02), (0xFF08, 0xFF0A), (0xFF0C, 0xFF0F), (0xFF1A, 0xFF1C), (0xFF1F, 0xFF20),
)
_PUNCT: tuple[tuple[str, str], ...] = tuple(
    (chr(i), " ")
    for lo, hi in _SYMBOL_RANGES
    for i in range(lo, hi)
    if not chr(i).isalnum() and not chr(i).isspace()
)
_OTHER = re.compile(r"[^\w ]|_")


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    # str.replace scans at C speed; far faster than str.translate with a dict on mixed text
    for a, b in pairs:
        if a in text:
            text = text.replace(a, b)
    return text


def typography(text: str) -> str:
    """Quotes, dashes and whitespace folded; case kept; same length as ``text``."""
    return _replace_all(text, _TYPOGRAPHY)


def fold(text: str) -> str:
    """Case- and typography-folded text of the same length as ``text``."""
    # typography first: English text with curly quotes becomes ASCII, which lowers fastest
    text = typography(text)
    lowered = text.lower()
    if len(lowered) != len(text):  # 'İ'.lower() is two characters: keep lengths equal
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return lowered if lowered.isascii() else _replace_all(lowered, _YO)


def fold_key(text: str) -> str:
    """The key under which a pattern (an alias or a label) is indexed."""
    return _RUNS.sub(" ", fold(text.strip()))


_ASCII_WORDS = bytes.maketrans(
    bytes(range(128)), bytes(c if chr(c).isalnum() else 32 for c in range(128))
)


def words_only(text: str) -> str:
    """``text`` with every character that is not a letter or a digit as a space (same length).

    Phrase matching compares texts in this form, so that word boundaries are plain spaces."""
    if text.isascii():  # most English text once its quotes are folded: one table lookup
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii")
    if len(text) < 200:  # a phrase: one regular-expression pass is cheapest
        return _OTHER.sub(" ", text)
    return _replace_all(text, _PUNCT)  # a document: plain replacements run at C speed


@dataclass(frozen=True)
class Normalized:
    """Normalised text, and where its characters came from in the original.

    Collapsing a whitespace run shifts every later character left; ``_starts[i]`` is the
    normalised offset from which the cumulative shift ``_shifts[i]`` applies.
    """

    text: str
    _starts: tuple[int, ...] = ()
    _shifts: tuple[int, ...] = ()

    @property
    def shifted(self) -> bool:
        """Whether collapsing whitespace moved any character (offsets need mapping)."""
        return bool(self._starts)

    @property
    def shift_table(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """``(starts, shifts)``: from normalised offset ``starts[i]`` on, add ``shifts[i]``."""
        return self._starts, self._shifts

    def to_original(self, pos: int) -> int:
        """Offset in the original text of offset ``pos`` in the normalised text."""
        if not self._starts:
            return pos
        i = bisect_right(self._starts, pos) - 1
        return pos + self._shifts[i] if i >= 0 else pos


def normalize(text: str, *, keep_case: bool = False, words: bool = False) -> Normalized:
    """Fold ``text`` (its case too, unless ``keep_case``) and collapse whitespace runs.

    With ``words``, punctuation then turns into spaces (one for one, after the collapse, so
    that "Korea, Republic of" keeps the two spaces its key has too)."""
    folded = typography(text) if keep_case else fold(text)
    if "  " not in folded:
        return Normalized(words_only(folded) if words else folded)
    # each run keeps one space; the characters after it move left by the rest of the run
    # (computed with C-level iteration: a hard-wrapped page has a run every few lines)
    pieces = _RUN_SPLIT.split(folded)  # text, run, text, run, ..., text
    parts = pieces[::2]
    numbers = range(1, len(parts))
    # piece j (j >= 1) starts in the collapsed text after j - 1 pieces and j single spaces
    starts = tuple(map(add, accumulate(map(len, parts[:-1])), numbers))
    shifts = tuple(map(sub, accumulate(map(len, pieces[1::2])), numbers))
    collapsed = " ".join(parts)
    return Normalized(words_only(collapsed) if words else collapsed, starts, shifts)


class Prepared:
    """A text with its normalised form computed once and shared by every matcher.

    ``cache`` holds what matchers derive from the text (their candidate matches); ``scanner``,
    when set, is a :class:`~multivector.text.matcher.Scanner` that reads the text once for
    several matchers."""

    def __init__(self, text: str, scanner: object | None = None) -> None:
        self.text = text
        self.scanner = scanner
        self.cache: dict[int, Any] = {}

    @cached_property
    def words(self) -> Normalized:
        """Folded, whitespace runs collapsed, punctuation as spaces: what scanners read."""
        return normalize(self.text, words=True)


def prepare(text: str | Prepared) -> Prepared:
    return text if isinstance(text, Prepared) else Prepared(text)
