"""Words and their lemmas for the full-text index: Russian word forms fold to one dictionary form.

The index stores each passage as its lemmas joined by spaces, and queries are lemmatised the same
way, so "России", "Россией" and "Россия" all find one another. Russian words go through pymorphy3
(most probable parse, but a proper-noun reading for capitalised words, so "Токаевым" is
"токаев", not a form of a common noun); other words are only lowercased and left to SQLite's
porter stemmer.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

# A word is a run of letters or digits (combining accents included); hyphenated words stay one.
_PART = r"(?:[^\W_]|[\u0300-\u036f\u0483-\u0489])+"
_WORD = re.compile(rf"{_PART}(?:[-\u2010\u2011]{_PART})*")
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "ё": "е", "Ё": "е"})
# Only words spelled entirely in the Russian alphabet go to the Russian analyser; Kazakh letters
# (ә, ғ, қ, ң, ө, ұ, ү, һ, і) would make it guess a Russian paradigm for a word it cannot know.
_RUSSIAN = re.compile(r"[а-яё]+(?:-[а-яё]+)*")
_LATIN_OR_DIGIT = re.compile(r"[a-z0-9-]+")
_CAPITALISED = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]*)*")
# a capitalised word with a surname ending and no surname reading is most likely a surname in the
# nominative the dictionary lacks ("Токаев" otherwise reads as a genitive plural of "токай")
_SURNAME_ENDING = re.compile(r".*(?:ов|ев|ёв|ин|ын)")
_PROPER = frozenset({"Geox", "Orgn", "Trad", "Name", "Patr"})

LEMMA_CACHE_SIZE = 200_000


def tokens(text: str) -> list[tuple[int, int, str]]:
    """The words of ``text`` as ``(start, end, word)``, offsets into ``text``."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


@cache
def _analyzer() -> Any:
    # Loaded on first use (about 0.1 s), not at import: most commands never lemmatise.
    from pymorphy3 import MorphAnalyzer  # type: ignore[import-untyped]

    return MorphAnalyzer(lang="ru")


@lru_cache(maxsize=LEMMA_CACHE_SIZE)
def lemma(token: str) -> str:
    """The index form of one word: lowercase, ``ё`` as ``е``, Russian words in dictionary form.

    >>> lemma("России"), lemma("переговорах"), lemma("Negotiations")
    ('россия', 'переговоры', 'negotiations')
    """
    low = token.lower()
    if _LATIN_OR_DIGIT.fullmatch(low):
        return low
    if _RUSSIAN.fullmatch(low):
        return _russian_lemma(low, capitalised=bool(_CAPITALISED.fullmatch(token)))
    return low.translate(_HYPHENS)


def _russian_lemma(word: str, *, capitalised: bool) -> str:
    parses = _analyzer().parse(word)
    best = parses[0]
    if capitalised:
        surname = next((p for p in parses if "Surn" in p.tag), None)
        proper = next((p for p in parses if _PROPER & p.tag.grammemes), None)
        if surname is not None:
            best = surname
        elif _SURNAME_ENDING.fullmatch(word):
            return word.translate(_HYPHENS)
        elif proper is not None:
            best = proper
    normal: str = best.normal_form
    return normal.translate(_HYPHENS)


def lemmas(text: str) -> list[str]:
    """The lemmas of the words of ``text``, in order."""
    return [lemma(word) for word in _WORD.findall(text)]  # the words of tokens(), no offsets
