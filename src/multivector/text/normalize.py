"""Normalise text for matching while keeping a map back to offsets in the original.

Matching folds case, ``ё`` to ``е``, typographic quotes and dashes, and collapses runs of
whitespace (hard-wrapped text breaks names across lines). Offsets of a match in the normalised
text map back to the original with :meth:`Normalized.to_original`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_FOLD = str.maketrans(
    {
        "ё": "е",
        "Ё": "е",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "−": "-",
        "\n": " ",
        "\r": " ",
        "\t": " ",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": " ",
        "\f": " ",
        "\v": " ",
    }
)
_TYPO = {k: v for k, v in _FOLD.items() if k not in (ord("ё"), ord("Ё"))}
_RUNS = re.compile(r"  +")


def fold(text: str) -> str:
    """Case- and typography-folded text of the same length as ``text`` (when possible)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # 'İ'.lower() is two characters: keep lengths equal
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return lowered.translate(_FOLD)


def fold_key(text: str) -> str:
    """The key under which a pattern (an alias or a label) is indexed."""
    return _RUNS.sub(" ", fold(text.strip()))


@dataclass(frozen=True)
class Normalized:
    text: str
    _starts: tuple[int, ...] = ()
    _shifts: tuple[int, ...] = ()

    def to_original(self, pos: int) -> int:
        """Offset in the original text of offset ``pos`` in the normalised text."""
        if not self._starts:
            return pos
        i = bisect_right(self._starts, pos) - 1
        return pos + (self._shifts[i] if i >= 0 else 0)


def normalize(text: str, *, keep_case: bool = False) -> Normalized:
    """Fold ``text`` (its case too, unless ``keep_case``) and collapse whitespace runs."""
    folded = text.translate(_TYPO) if keep_case else fold(text)
    if "  " not in folded:
        return Normalized(folded)
    parts: list[str] = []
    starts: list[int] = []
    shifts: list[int] = []
    last = 0
    removed = 0
    for m in _RUNS.finditer(folded):
        parts.append(folded[last : m.start() + 1])
        removed += m.end() - m.start() - 1
        last = m.end()
        # from this normalised position on, add `removed` to get the original offset
        starts.append(m.start() + 1 - (removed - (m.end() - m.start() - 1)))
        shifts.append(removed)
    parts.append(folded[last:])
    return Normalized("".join(parts), tuple(starts), tuple(shifts))
