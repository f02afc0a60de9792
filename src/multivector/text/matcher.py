"""Find many phrases in text at once: Aho-Corasick over folded text, word boundaries respected.

Two automata share the work: one over case-folded text for names ("Russia", "России"), one over
case-preserved text for abbreviations ("US", "UN", "EU"), so that "us" and "un" never match. A
name that starts with a capital letter must start with one in the text, so "turkey" and "china"
in lower case are not countries. Overlapping matches resolve to the longest, leftmost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

from multivector.text.normalize import _TYPO, Normalized, fold, fold_key, normalize

T = TypeVar("T")

_RUNS = re.compile(r"  +")


def is_abbreviation(text: str) -> bool:
    """Acronyms and initialisms are matched with their case: US, UN, EU, U.S., ООН, G20."""
    letters = [c for c in text if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    if not letters or len(text) > 12:
        return False
    if upper == len(letters) and any(c.isdigit() for c in text):
        return True  # G20, C5, G7
    return upper >= 2 and upper / len(letters) >= 0.6


@dataclass(frozen=True)
class Match(Generic[T]):
    start: int
    end: int
    key: str
    payloads: tuple[T, ...]


class PhraseMatcher(Generic[T]):
    """Index phrases with payloads, then find them in texts.

    >>> m = PhraseMatcher[str]()
    >>> m.add("Russia", "RUS"); m.add("US", "USA")
    >>> [(x.start, x.payloads) for x in m.find("Russia and us and the US")]
    [(0, ('RUS',)), (22, ('USA',))]
    """

    def __init__(self) -> None:
        self._ci: dict[str, list[T]] = {}
        self._cs: dict[str, list[T]] = {}
        self._capital: set[str] = set()
        self._auto_ci: ahocorasick.Automaton | None = None
        self._auto_cs: ahocorasick.Automaton | None = None

    def __len__(self) -> int:
        return len(self._ci) + len(self._cs)

    def add(self, phrase: str, payload: T, *, case_sensitive: bool | None = None) -> None:
        phrase = phrase.strip()
        if not phrase:
            return
        if case_sensitive is None:
            case_sensitive = is_abbreviation(phrase)
        if case_sensitive:
            key = _RUNS.sub(" ", phrase.translate(_TYPO))
            self._cs.setdefault(key, []).append(payload)
        else:
            key = fold_key(phrase)
            self._ci.setdefault(key, []).append(payload)
            if phrase[0].isupper():
                self._capital.add(key)
        self._auto_ci = self._auto_cs = None

    def add_many(self, items: Iterable[tuple[str, T]]) -> None:
        for phrase, payload in items:
            self.add(phrase, payload)

    def _build(self) -> None:
        self._auto_ci = _automaton(self._ci)
        self._auto_cs = _automaton(self._cs)

    def lookup(self, phrase: str) -> tuple[T, ...]:
        """Payloads of a phrase given whole (case rules as in :meth:`find`)."""
        phrase = phrase.strip()
        cs = _RUNS.sub(" ", phrase.translate(_TYPO))
        out = list(self._cs.get(cs, ()))
        key = fold_key(phrase)
        if key in self._ci and (key not in self._capital or phrase[:1].isupper()):
            out.extend(self._ci[key])
        return tuple(out)

    def find(self, text: str, *, overlapping: bool = False) -> list[Match[T]]:
        """Matches in ``text`` with offsets into ``text``; longest-leftmost unless overlapping."""
        if self._auto_ci is None or self._auto_cs is None:
            self._build()
        assert self._auto_ci is not None and self._auto_cs is not None
        cands: list[tuple[int, int, str, bool]] = []
        if len(self._ci):
            norm = normalize(text)
            cands.extend(self._scan(self._auto_ci, norm, text, case_sensitive=False))
        if len(self._cs):
            cs_norm = normalize(text, keep_case=True)
            cands.extend(self._scan(self._auto_cs, cs_norm, text, case_sensitive=True))
        cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        out: list[Match[T]] = []
        last_end = -1
        for start, end, key, cs in cands:
            if not overlapping and start < last_end:
                continue
            payloads = self._cs[key] if cs else self._ci[key]
            out.append(Match(start, end, key, tuple(payloads)))
            last_end = max(last_end, end)
        return out

    def _scan(
        self,
        auto: ahocorasick.Automaton,
        norm: Normalized,
        original: str,
        *,
        case_sensitive: bool,
    ) -> Iterable[tuple[int, int, str, bool]]:
        t = norm.text
        n = len(t)
        capital = self._capital
        for end_idx, (key, klen) in auto.iter(t):
            start = end_idx - klen + 1
            end = end_idx + 1
            if start > 0 and _word_char(t[start - 1], t[start]):
                continue
            if end < n and _word_char(t[end], t[end - 1]):
                continue
            o_start = norm.to_original(start)
            o_end = norm.to_original(end - 1) + 1
            if not case_sensitive and key in capital and not original[o_start].isupper():
                continue
            yield o_start, o_end, key, case_sensitive


def _word_char(ch: str, neighbour: str) -> bool:
    """Whether ``ch`` continues the word that ``neighbour`` (inside the match) belongs to."""
    return ch.isalnum() and neighbour.isalnum()


def _automaton(patterns: dict[str, list[T]]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for key in patterns:
        auto.add_word(key, (key, len(key)))
    if len(patterns):
        auto.make_automaton()
    return auto


def keys_of(matches: Sequence[Match[T]]) -> list[str]:
    return [m.key for m in matches]


__all__ = ["Match", "PhraseMatcher", "fold", "is_abbreviation"]
