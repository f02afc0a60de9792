"""Full-text search in PostgreSQL: the words of a passage's lemma string as a ``tsvector``, the
query syntax of :mod:`.fts` as a ``tsquery``, and which words of a hit to highlight.

The store tokenises here, not with the server's parser (which splits words by the database's
locale), so that a passage has the words SQLite's FTS5 index gives it: the lemmas, split at
hyphens, Latin diacritics and combining marks dropped. English words (ASCII letters) are then
stemmed by the server's Snowball dictionary (no stop words), as FTS5's porter tokenizer stems
them; other words are their own lexemes. Position N of a ``tsvector`` is the N-th word, so
phrases match as in SQLite and highlights are found in Python for the page of hits returned.

A query is compiled by :func:`.fts.compile_query` first (the same checks, lemmas and error
messages as in SQLite) and its FTS5 expression read back as a tree. Highlights follow the tree
as SQLite's ``highlight()`` does: the instances of the terms of every part of the query that
matched the passage, none from the right side of a ``NOT``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from multivector.store.fts import compile_query

STEMMER = "multivector_english"  # the Snowball dictionary English words are stemmed with
MAX_POSITION = 16383  # PostgreSQL's limits: positions above are clamped ...
MAX_POSITIONS = 256  # ... a lexeme keeps this many positions ...
MAX_LEXEME_BYTES = 2046  # ... and longer words cannot be indexed (to_tsvector skips them too)


@dataclass(frozen=True)
class Term:
    """A phrase of index words (one word is a phrase of one); ``prefix``: the last word is a
    prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Op:
    op: str  # AND, OR, NOT (``left NOT right``: left and not right)
    left: Node
    right: Node


Node = Term | Op

_FTS5_LEXEME = re.compile(r'"([^"]*)"( \*)?|AND|OR|NOT|\(|\)|\s+')


# words -------------------------------------------------------------------------------------
@cache
def _folded(char: str) -> str:
    """``char`` as SQLite's ``remove_diacritics 2`` leaves it: a Latin letter without its
    diacritics (``é`` -> ``e``), a combining mark removed, anything else as it is."""
    if unicodedata.combining(char):
        return ""
    parts = unicodedata.normalize("NFD", char)
    if (len(parts) > 1 and parts[0].isascii() and parts[0].isalpha()
            and all(unicodedata.combining(c) for c in parts[1:])):
        return parts[0]
    return char


def fold(word: str) -> str:
    return word if word.isascii() else "".join(_folded(c) for c in word)


def words_of(lemmas: str) -> tuple[list[str], list[int]]:
    """The index words of a lemma string (lemmas joined by spaces), and for each the index of
    the lemma it comes from (a hyphenated lemma gives one word per part)."""
    words: list[str] = []
    lemma_of: list[int] = []
    for n, lem in enumerate(lemmas.split(" ")):
        for part in lem.split("-"):
            word = fold(part)
            if word:
                words.append(word)
                lemma_of.append(n)
    return words, lemma_of


def stemmable(word: str) -> bool:
    """Whether ``word`` is an English word for the stemmer (ASCII letters only)."""
    return word.isalpha() and word.isascii()


_STEMS: dict[str, str] = {}
_STEMS_MAX = 500_000


def known_stems(words: Iterable[str]) -> list[str]:
    """Of ``words``, the English ones whose stem is not known yet in this process."""
    return sorted({w for w in words if stemmable(w) and w not in _STEMS})


def remember_stems(stems: Iterable[tuple[str, list[str] | None]]) -> None:
    """Keep what the server's stemmer made of words (``ts_lexize``: a list, or None)."""
    if len(_STEMS) > _STEMS_MAX:
        _STEMS.clear()
    for word, lexemes in stems:
        _STEMS[word] = lexemes[0] if lexemes else word


def lexeme(word: str) -> str:
    """The lexeme of an index word (its stem, for an English word whose stem is known)."""
    return _STEMS.get(word, word) if stemmable(word) else word


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(lexemes: list[str]) -> str:
    """The ``tsvector`` input of a passage whose N-th word has the lexeme ``lexemes[N-1]``."""
    positions: dict[str, list[int]] = {}
    for pos, lex in enumerate(lexemes, 1):
        if len(lex.encode()) <= MAX_LEXEME_BYTES:
            positions.setdefault(lex, []).append(min(pos, MAX_POSITION))
    return " ".join(f"{_quote(lex)}:{','.join(map(str, ps[:MAX_POSITIONS]))}"
                    for lex, ps in positions.items())


# queries -----------------------------------------------------------------------------------
def parse(query: str) -> Node:
    """The user's ``query`` as a tree (raises :class:`~.base.QuerySyntaxError` as
    :func:`.fts.compile_query` does)."""
    lexemes: list[tuple[str, str | None, bool]] = []
    for m in _FTS5_LEXEME.finditer(compile_query(query)):
        if m.group().isspace():
            continue
        if m.group(1) is not None:
            lexemes.append(("TERM", m.group(1), m.group(2) is not None))
        else:
            lexemes.append((m.group(), None, False))
    node, end = _or(lexemes, 0)
    assert end == len(lexemes), (query, lexemes)  # compile_query checked the syntax
    return node


def _or(lex: list[tuple[str, str | None, bool]], i: int) -> tuple[Node, int]:
    node, i = _and(lex, i)
    while i < len(lex) and lex[i][0] == "OR":
        right, i = _and(lex, i + 1)
        node = Op("OR", node, right)
    return node, i


def _and(lex: list[tuple[str, str | None, bool]], i: int) -> tuple[Node, int]:
    node, i = _not(lex, i)
    while i < len(lex) and lex[i][0] == "AND":
        right, i = _not(lex, i + 1)
        node = Op("AND", node, right)
    return node, i


def _not(lex: list[tuple[str, str | None, bool]], i: int) -> tuple[Node, int]:
    # FTS5: NOT binds tighter than AND, AND tighter than OR
    node, i = _primary(lex, i)
    while i < len(lex) and lex[i][0] == "NOT":
        right, i = _primary(lex, i + 1)
        node = Op("NOT", node, right)
    return node, i


def _primary(lex: list[tuple[str, str | None, bool]], i: int) -> tuple[Node, int]:
    kind, text, prefix = lex[i]
    if kind == "(":
        node, i = _or(lex, i + 1)
        return node, i + 1  # the ")"
    assert kind == "TERM" and text is not None, lex
    return Term(tuple(words_of(text)[0]), prefix), i + 1


def terms(node: Node) -> list[Term]:
    """Every term of the query, left to right."""
    if isinstance(node, Term):
        return [node]
    return terms(node.left) + terms(node.right)


def tsquery(node: Node) -> str:
    """The ``tsquery`` input for ``node``, fully parenthesised, with the lexemes of
    :func:`lexeme` (stems of English words must be known)."""
    if isinstance(node, Term):
        if not node.words:  # nothing left to search for after folding: matches nothing
            return "(" + _quote("\x01") + ")"
        words = [_quote(lexeme(w)) for w in node.words]
        if node.prefix:
            words[-1] += ":*"
        return "(" + " <-> ".join(words) + ")"
    left, right = tsquery(node.left), tsquery(node.right)
    if node.op == "NOT":
        return f"({left} & !{right})"
    return f"({left} {'&' if node.op == 'AND' else '|'} {right})"


# highlights ----------------------------------------------------------------------------------
def marked_words(node: Node, words: tuple[list[str], list[int]],
                 lexeme_of: Callable[[str], str] = lexeme) -> list[int]:
    """Indices of the lemmas (the words of the passage's text) to highlight for ``node`` in a
    passage whose lemma string has the index ``words`` (:func:`words_of`)."""
    lexemes = [lexeme_of(w) for w in words[0]]
    lemma_of = words[1]

    def instances(term: Term) -> set[int]:
        wanted = [lexeme_of(w) for w in term.words]
        found: set[int] = set()
        if not wanted:
            return found
        last = len(wanted) - 1

        def fits(j: int, have: str) -> bool:
            return have.startswith(wanted[j]) if term.prefix and j == last else have == wanted[j]

        for first in [i for i, have in enumerate(lexemes[:len(lexemes) - last])
                      if fits(0, have)]:
            if all(fits(j, lexemes[first + j]) for j in range(1, last + 1)):
                found.update(range(first, first + last + 1))
        return found

    def evaluate(n: Node) -> tuple[bool, set[int]]:
        if isinstance(n, Term):
            found = instances(n)
            return bool(found), found
        lm, lmarks = evaluate(n.left)
        rm, rmarks = evaluate(n.right)
        if n.op == "AND":
            return (True, lmarks | rmarks) if lm and rm else (False, set())
        if n.op == "OR":
            return lm or rm, (lmarks if lm else set()) | (rmarks if rm else set())
        return (True, lmarks) if lm and not rm else (False, set())

    _, marks = evaluate(node)
    return sorted({lemma_of[i] for i in marks})
