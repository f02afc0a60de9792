"""Normalise text for matching while keeping a map back to offsets in the original.

Matching folds case, ``ё`` to ``е``, typographic quotes and dashes, and collapses runs of
whitespace (hard-wrapped text breaks names across lines). Offsets of a match in the normalised
text map back to the original with :meth:`Normalized.to_original`. :class:`Prepared` computes
both normalised forms of a text once, so that several matchers can share them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# one character for one character, so that offsets survive folding
_TYPOGRAPHY: tuple[tuple[str, str], ...] = (
    ("’", "'"), ("‘", "'"), ("ʼ", "'"), ("`", "'"), ("´", "'"),
    ("‐", "-"), ("‑", "-"), ("‒", "-"), ("–", "-"), ("—", "-"), ("−", "-"),
    ("\n", " "), ("\r", " "), ("\t", " "), ("\u00a0", " "), ("\u2009", " "), ("\u202f", " "),
    ("\u200b", " "), ("\f", " "), ("\v", " "),
)
_YO = (("ё", "е"), ("Ё", "е"))
_RUNS = re.compile(r"  +")


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
    lowered = text.lower()
    if len(lowered) != len(text):  # 'İ'.lower() is two characters: keep lengths equal
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return _replace_all(lowered, _TYPOGRAPHY + _YO)


def fold_key(text: str) -> str:
    """The key under which a pattern (an alias or a label) is indexed."""
    return _RUNS.sub(" ", fold(text.strip()))


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

    def to_original(self, pos: int) -> int:
        """Offset in the original text of offset ``pos`` in the normalised text."""
        if not self._starts:
            return pos
        i = bisect_right(self._starts, pos) - 1
        return pos + self._shifts[i] if i >= 0 else pos


def normalize(text: str, *, keep_case: bool = False) -> Normalized:
    """Fold ``text`` (its case too, unless ``keep_case``) and collapse whitespace runs."""
    folded = typography(text) if keep_case else fold(text)
    if "  " not in folded:
        return Normalized(folded)
    starts: list[int] = []
    shifts: list[int] = []
    removed = 0
    for m in _RUNS.finditer(folded):
        # the run keeps one space; characters after it move left by the rest
        starts.append(m.start() + 1 - removed)
        removed += m.end() - m.start() - 1
        shifts.append(removed)
    return Normalized(_RUNS.sub(" ", folded), tuple(starts), tuple(shifts))


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
    def folded(self) -> Normalized:
        return normalize(self.text)

    @cached_property
    def typographic(self) -> Normalized:
        return normalize(self.text, keep_case=True)


def prepare(text: str | Prepared) -> Prepared:
    return text if isinstance(text, Prepared) else Prepared(text)
