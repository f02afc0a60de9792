"""Find many phrases in text at once: Aho-Corasick over folded text, word boundaries respected.

Every phrase is indexed under its folded form (lower case, ``ё`` as ``е``, whitespace runs as
one space, then every character that is neither a letter nor a digit as a space), so one pass
over the text in the same form finds every candidate. The automaton holds each key between two
spaces and reads the text between two spaces, so a candidate starts and ends on word boundaries
by construction: "us" is never reported inside "thus", and no candidate needs checking.
Punctuation inside a phrase matches any punctuation or a space: "Asia-Pacific" is found as
"Asia Pacific" too, and "U.S." is reported as the span "U.S".

Case rules are then checked against the original: an abbreviation ("US", "UN", "EU", "ООН")
must appear with its own case, so "us" and "un" never match; a name that starts with a
capital letter ("Turkey", "China") must start with one in the text. Overlapping matches resolve
to the longest, leftmost, unless the caller asks for all of them.

A :class:`Scanner` merges several matchers into one automaton, so that the actors and the theme
lexicon of a pipeline read each document once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import ahocorasick

from multivector.text.normalize import Prepared, normalize, prepare

T = TypeVar("T")

_TAIL = re.compile(r"(?:[^\w\s]|_)+$")  # the punctuation a phrase ends with

Candidate = tuple[int, int, str]  # (start, end, key), offsets into the original text


def is_abbreviation(text: str) -> bool:
    """Acronyms and initialisms are matched with their case: US, UN, EU, U.S., ООН, G20."""
    letters = [c for c in text if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    if not letters or len(text) > 12:
        return False
    if upper == len(letters) and any(c.isdigit() for c in text):
        return True  # G20, C5, G7
    return upper >= 2 and upper / len(letters) >= 0.6


def exact_form(text: str) -> str:
    """The case-kept form an abbreviation is compared in (typography folded, spaces single,
    punctuation as spaces): "U.S." and the "U.S" a scan reports are the same form."""
    return normalize(text, keep_case=True, words=True).text.strip()


def match_key(phrase: str) -> str:
    """The key a phrase is indexed and found under: "U.S." -> "u s", "Asia-Pacific" ->
    "asia pacific", "Korea, Republic of" -> "korea  republic of"."""
    return normalize(phrase.strip(), words=True).text.strip()


@dataclass(frozen=True)
class Match(Generic[T]):
    start: int
    end: int
    key: str
    payloads: Sequence[T]  # shared with the index: do not mutate


@dataclass
class _Entry(Generic[T]):
    """The phrases of one key: case-free ones, capitalised ones, case-kept ones by exact form."""

    payloads: tuple[T, ...] = ()  # any case will do
    capital: tuple[T, ...] = ()  # the phrase starts with a capital letter: so must the match
    exact: dict[str, tuple[T, ...]] = field(default_factory=dict)
    tails: tuple[str, ...] = ()  # punctuation some phrase ends with ("U.S.", "ОПЕК+")
    simple: bool = False  # no rule to check: every candidate earns ``payloads``
    named: bool = False  # only capitalised phrases: a candidate with a capital earns ``capital``

    def refresh(self) -> None:
        plain = not self.exact and not self.tails
        self.simple = plain and not self.capital and bool(self.payloads)
        self.named = plain and not self.payloads and bool(self.capital)


class PhraseMatcher(Generic[T]):
    """Index phrases with payloads, then find them in texts.

    >>> m = PhraseMatcher[str]()
    >>> m.add("Russia", "RUS"); m.add("US", "USA")
    >>> [(x.start, x.payloads) for x in m.find("Russia and us and the US")]
    [(0, ('RUS',)), (22, ('USA',))]
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry[T]] = {}
        self._scanner: Scanner | None = None

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def keys(self) -> Iterable[str]:
        return self._entries.keys()

    def add(self, phrase: str, payload: T, *, case_sensitive: bool | None = None) -> None:
        phrase = phrase.strip()
        if not phrase:
            return
        if case_sensitive is None:
            case_sensitive = is_abbreviation(phrase)
        key = match_key(phrase)
        if not key:
            return  # punctuation only: nothing a word boundary could delimit
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry()
        if case_sensitive:
            form = exact_form(phrase)
            entry.exact[form] = (*entry.exact.get(form, ()), payload)
        elif phrase[0].isupper():
            entry.capital = (*entry.capital, payload)
        else:
            entry.payloads = (*entry.payloads, payload)
        tail = _TAIL.search(phrase)
        if tail and tail.group() not in entry.tails:
            entry.tails = (*entry.tails, tail.group())
        entry.refresh()
        self._scanner = None

    def lookup(self, phrase: str) -> tuple[T, ...]:
        """Payloads of a phrase given whole (case rules as in :meth:`find`)."""
        phrase = phrase.strip()
        entry = self._entries.get(match_key(phrase))
        if entry is None:
            return ()
        out = [*entry.exact.get(exact_form(phrase), ()), *entry.payloads]
        if entry.capital and phrase[:1].isupper():
            out.extend(entry.capital)
        return tuple(out)

    def accept(self, key: str, original: str, start: int, end: int) -> Sequence[T]:
        """The payloads a candidate match earns under the case rules (empty: rejected)."""
        entry = self._entries[key]
        out: Sequence[T] = entry.payloads
        if entry.capital and original[start].isupper():
            out = (*out, *entry.capital) if out else entry.capital
        if entry.exact:
            exact = entry.exact.get(exact_form(original[start:end]))
            if exact:
                out = (*out, *exact) if out else exact
        return out

    def find(self, text: str | Prepared, *, overlapping: bool = False) -> list[Match[T]]:
        """Matches in ``text`` with offsets into it; longest-leftmost unless ``overlapping``.

        A :class:`Prepared` text shares its normalisation (and, with a :class:`Scanner`, one
        automaton pass) among several matchers."""
        return [Match(*hit) for hit in self.hits(text, overlapping=overlapping)]

    def hits(
        self, text: str | Prepared, *, overlapping: bool = False
    ) -> list[tuple[int, int, str, Sequence[T]]]:
        """:meth:`find` as plain tuples ``(start, end, key, payloads)``: the fast path."""
        prep = prepare(text)
        cands = prep.cache.get(id(self))
        if cands is None:
            scanner = prep.scanner if isinstance(prep.scanner, Scanner) else None
            if scanner is None or not scanner.owns(self):
                if self._scanner is None:
                    self._scanner = Scanner([self])
                scanner = self._scanner
            scanner.scan(prep)
            cands = prep.cache[id(self)]
        original = prep.text
        entries = self._entries
        out: list[tuple[int, int, str, Sequence[T]]] = []
        last_end = -1
        for start, end, key in cands:  # sorted by start, longest first
            if not overlapping and start < last_end:
                continue
            entry = entries[key]
            if entry.simple:
                payloads: Sequence[T] = entry.payloads
            elif entry.named:  # most names: "Russia", "Central Asia"
                if not original[start].isupper():
                    continue
                payloads = entry.capital
            else:
                payloads = self.accept(key, original, start, end)
                if not payloads:
                    continue
                for tail in entry.tails:  # the span keeps the phrase's final punctuation
                    if original.startswith(tail, end):
                        end += len(tail)
                        break
            out.append((start, end, key, payloads))
            if end > last_end:
                last_end = end
        return out


class Scanner:
    """One automaton over the keys of several matchers: each text is read once for all.

    Keys are indexed as " key " and the text is read as " text " (both in :func:`match_key`
    form), so every occurrence the automaton reports lies on word boundaries.
    """

    def __init__(self, matchers: Sequence[PhraseMatcher[Any]]) -> None:
        self.matchers = list(matchers)
        owners: dict[str, list[int]] = {}
        for i, m in enumerate(self.matchers):
            for key in m.keys:
                owners.setdefault(key, []).append(i)
        self._keys = list(owners)
        self._owners = [tuple(who) for who in owners.values()]
        self._auto = ahocorasick.Automaton()
        for k, key in enumerate(self._keys):
            # value: (start offset from the reported end, key index, owner(s))
            who = self._owners[k]
            self._auto.add_word(f" {key} ", (len(key) + 1, key, who[0] if len(who) == 1 else who))
        if self._keys:
            self._auto.make_automaton()
        self._ids = {id(m) for m in self.matchers}

    def owns(self, matcher: PhraseMatcher[Any]) -> bool:
        return id(matcher) in self._ids

    def scan(self, prep: Prepared) -> None:
        """Candidates of every matcher, stored in ``prep.cache`` under the matcher's id."""
        lists: list[list[Candidate]] = [[] for _ in self.matchers]
        if self._keys:
            norm = prep.words
            padded = f" {norm.text} "
            # in the padded text, " key " ending at ``e`` puts the key at [e - n, e - 1)
            if not norm.shifted:
                for e, (n, key, who) in self._auto.iter(padded):
                    if who.__class__ is int:
                        lists[who].append((e - n, e - 1, key))
                    else:
                        for i in who:
                            lists[i].append((e - n, e - 1, key))
            else:  # offsets move back to the original (Normalized.to_original, inlined)
                starts, shifts = norm.shift_table
                for e, (n, key, who) in self._auto.iter(padded):
                    a, b = e - n, e - 2
                    i = bisect_right(starts, a) - 1
                    j = bisect_right(starts, b) - 1
                    cand = (
                        a + shifts[i] if i >= 0 else a, (b + shifts[j] if j >= 0 else b) + 1, key
                    )
                    if who.__class__ is int:
                        lists[who].append(cand)
                    else:
                        for i in who:
                            lists[i].append(cand)
        for m, cands in zip(self.matchers, lists, strict=True):
            cands.sort(key=_longest_leftmost)
            prep.cache[id(m)] = cands


def _longest_leftmost(c: Candidate) -> tuple[int, int]:
    return (c[0], c[0] - c[1])


__all__ = ["Match", "PhraseMatcher", "Scanner", "exact_form", "is_abbreviation"]
