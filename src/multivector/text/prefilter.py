"""Which of many regular expressions can match a text, found in one pass over it.

Each expression's required words are read from its syntax: ``\\bvisit(?:ed|s|ing)?\\b`` needs
"visit", ``\\bmet\\s+with\\b`` needs "met" and "with", ``(?:summit|conference)s?`` needs
"summit" or "conference". One Aho-Corasick automaton over the lower-cased text finds every
required word at once; an expression is a candidate when each of its requirements is met, and
only candidates need to run. The filter never drops an expression that matches: an expression
whose requirements cannot be read (no literal text, a construct the reader does not know) is
always a candidate, and so is every expression on a text holding a character that the regular
expression engine folds onto a required letter while ``str.lower`` does not ("İ", "ı", "ſ",
the old Cyrillic "ᲀ").
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

# Bounds that keep the reading cheap and the automaton small: the strings a part of an
# expression can match are listed only while they are few, and a character class only when
# it is small ("[Jj]", "[sz]", not "[А-Яа-я]").
MAX_STRINGS = 64
MAX_CLASS = 8
MAX_REPEAT_LISTED = 3
# The scan reports every occurrence of every required string, one Python step each: a clause
# holding a string shorter than this ("i", "a", "of", "в") is met by nearly every sentence and
# is not checked, and of the rest an expression checks only its most selective few.
MIN_LENGTH = 3
MAX_CLAUSES = 2
MEMO_SIZE = 4096  # candidate lists kept, by the set of clauses a text met

Clause = frozenset[str]  # one of these strings must occur in the text


@dataclass(frozen=True)
class _Reading:
    """What one node of an expression's syntax tree says about the text it matches."""

    exact: frozenset[str] | None  # every string the node can match, when they are few
    clauses: tuple[Clause, ...]  # all of these must be met by any text the node matches


_UNKNOWN = _Reading(None, ())
_EMPTY = _Reading(frozenset({""}), ())


def requirements(pattern: re.Pattern[str]) -> tuple[Clause, ...]:
    """The clauses any text matched by ``pattern`` meets (lower-cased strings, one of each
    clause occurs in the lower-cased text); empty when nothing can be read from it."""
    parser = _parser()
    if parser is None:
        return ()
    try:
        tree = parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # an expression re compiled but the private parser reads otherwise
        return ()
    return _clauses_of(_sequence(list(tree)))


def _parser() -> Any:
    """``re._parser``: the parser of the standard library's engine, private but stable in
    practice; without it the filter keeps every expression."""
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - another interpreter
        return None


def _clauses_of(reading: _Reading) -> tuple[Clause, ...]:
    if reading.exact is not None:
        clause = _clause(reading.exact)
        return (clause,) if clause is not None else ()
    return reading.clauses


def _clause(strings: Iterable[str]) -> Clause | None:
    """A clause from the strings a part can match; None when one of them is empty (the part
    can match nothing). A string holding another of the set adds nothing and is dropped."""
    found = {s.lower() for s in strings}
    if "" in found or not found:
        return None
    return frozenset(s for s in found if not any(t != s and t in s for t in found))


def _node(op: Any, av: Any) -> _Reading:
    name = getattr(op, "name", str(op))
    if name == "LITERAL":
        return _Reading(_foldable({chr(av)}), ())
    if name in ("AT", "ASSERT", "ASSERT_NOT"):  # zero-width: adds no characters
        return _EMPTY
    if name == "IN":
        return _Reading(_class(av), ())
    if name == "SUBPATTERN":
        return _sequence(list(av[-1]))
    if name == "BRANCH":
        return _branch([_sequence(list(alt)) for alt in av[1]])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, body = av
        inner = _sequence(list(body))
        return _repeat(low, high, inner)
    if name == "ATOMIC_GROUP":
        return _sequence(list(av))
    return _UNKNOWN  # ANY, NOT_LITERAL, GROUPREF, CATEGORY ...


def _class(items: Any) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        name = getattr(op, "name", str(op))
        if name == "LITERAL":
            chars.add(chr(av))
        elif name == "RANGE" and av[1] - av[0] < MAX_CLASS:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY, a wide range
            return None
    folded = _foldable(chars)
    return folded if folded is not None and len(folded) <= MAX_CLASS else None


def _foldable(chars: set[str]) -> frozenset[str] | None:
    """The characters lower-cased, or None when one lower-cases to more than one ("İ" to "i"
    and a combining dot, while the engine folds it to "i" alone)."""
    folded = frozenset(c.lower() for c in chars)
    return folded if all(len(c) == 1 for c in folded) else None


def _repeat(low: int, high: int, inner: _Reading) -> _Reading:
    if inner.exact is not None and high <= MAX_REPEAT_LISTED:
        strings: set[str] = set()
        for k in range(low, high + 1):
            strings |= _power(inner.exact, k)
            if len(strings) > MAX_STRINGS:
                break
        else:
            return _Reading(frozenset(strings), ())
    if low == 0:
        return _UNKNOWN
    return _Reading(None, _clauses_of(inner))  # at least one copy of the body


def _power(strings: frozenset[str], k: int) -> set[str]:
    out = {""}
    for _ in range(k):
        out = {a + b for a in out for b in strings}
        if len(out) > MAX_STRINGS:
            break
    return out


def _branch(alternatives: list[_Reading]) -> _Reading:
    if all(a.exact is not None for a in alternatives):
        union = frozenset(s for a in alternatives for s in a.exact or ())
        if len(union) <= MAX_STRINGS:
            return _Reading(union, ())
    # each alternative keeps its best clause; the branch needs one of their strings
    strings: set[str] = set()
    for a in alternatives:
        best = _best(_clauses_of(a))
        if best is None:
            return _UNKNOWN
        strings |= best
    clause = _clause(strings)
    return _Reading(None, (clause,) if clause is not None else ())


def _selectivity(clause: Clause) -> tuple[int, int]:
    """The longer its shortest string, then the fewer its strings, the fewer texts meet it."""
    return min(len(s) for s in clause), -len(clause)


def _best(clauses: Sequence[Clause]) -> Clause | None:
    return max(clauses, key=_selectivity) if clauses else None


def _sequence(items: list[tuple[Any, Any]]) -> _Reading:
    """A concatenation: runs of parts with few strings multiply into longer strings ("visit"
    and "(?:ed|s)?" give "visit"); every other part adds its own clauses."""
    clauses: list[Clause] = []
    run = frozenset({""})  # the strings of the parts since the last flush
    whole: frozenset[str] | None = frozenset({""})  # the sequence's strings, while few

    def flush() -> None:
        if (clause := _clause(run)) is not None:
            clauses.append(clause)

    for op, av in items:
        part = _node(op, av)
        if part.exact is None:
            flush()
            run = frozenset({""})
            whole = None
            clauses.extend(part.clauses)
            continue
        product = frozenset(a + b for a in run for b in part.exact)
        if len(product) > MAX_STRINGS:
            flush()
            product = part.exact
        run = product
        if whole is not None:
            joined = frozenset(a + b for a in whole for b in part.exact)
            whole = joined if len(joined) <= MAX_STRINGS else None
    if whole is not None:
        return _Reading(whole, ())
    flush()
    return _Reading(None, tuple(dict.fromkeys(clauses)))


class Prefilter:
    """The expressions of ``patterns`` that can match a text, by one automaton scan.

    >>> f = Prefilter([re.compile(r"(?i)\\bvisit(?:ed|s)?\\b"), re.compile(r"\\bmet\\s+with")])
    >>> f.candidates("They visited Astana.")
    (0,)
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.requirements = [_checked(requirements(p)) for p in patterns]
        clause_ids: dict[Clause, int] = {}
        for needs in self.requirements:
            for clause in needs:
                clause_ids.setdefault(clause, len(clause_ids))
        masks: dict[str, int] = {}  # required string -> the clauses it meets, as bits
        for clause, i in clause_ids.items():
            for s in clause:
                masks[s] = masks.get(s, 0) | (1 << i)
        self._needs = [sum(1 << clause_ids[c] for c in set(needs))
                       for needs in self.requirements]
        self._all = tuple(range(len(patterns)))
        self._automaton: Any = None
        self._memo: dict[int, tuple[int, ...]] = {}  # clauses met -> candidates
        if masks:
            self._automaton = ahocorasick.Automaton()
            for s, mask in masks.items():
                self._automaton.add_word(s, mask)
            self._automaton.make_automaton()
        self._odd = _odd_characters("".join(masks))

    def candidates(self, text: str) -> tuple[int, ...]:
        """Indices (ascending) of the expressions that may match ``text``."""
        if self._automaton is None or (self._odd is not None and self._odd.search(text)):
            return self._all
        met = 0
        for _, mask in self._automaton.iter(text.lower()):
            met |= mask
        found = self._memo.get(met)
        if found is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            found = tuple(i for i, need in enumerate(self._needs) if need & met == need)
            self._memo[met] = found
        return found


def _checked(clauses: tuple[Clause, ...]) -> tuple[Clause, ...]:
    """The clauses worth a check: none with a string shorter than ``MIN_LENGTH``, and of the
    others the ``MAX_CLAUSES`` most selective. Fewer clauses only let more texts through."""
    usable = [c for c in clauses if min(len(s) for s in c) >= MIN_LENGTH]
    usable.sort(key=_selectivity, reverse=True)
    return tuple(usable[:MAX_CLAUSES])


def _odd_characters(required: str) -> re.Pattern[str] | None:
    """The characters the engine matches to a required character under IGNORECASE although
    they do not lower-case to it ("İ" and "ı" for "i", "ſ" for "s", "ᲀ" for "в"; "i" itself
    when "ı" is required): a text holding one is not filtered. What the engine folds is asked
    of the engine itself; the characters known safe are each required one and its capital,
    when the engine matches them to no other required character."""
    chars = sorted(set(required))
    if not chars:
        return None
    matchers = [(c, re.compile(re.escape(c), re.IGNORECASE)) for c in chars]
    safe = sorted(
        c for c in set(chars) | {c.upper() for c in chars if len(c.upper()) == 1}
        if all(c.lower() == q for q, m in matchers if m.fullmatch(c))
    )
    listed = "".join(re.escape(c) for c in chars)
    known = "".join(re.escape(c) for c in safe)
    return re.compile(f"(?i:[{listed}])(?<![{known}])" if known else f"(?i:[{listed}])")
