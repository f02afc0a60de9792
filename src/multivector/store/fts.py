"""Search queries to FTS5 expressions over lemmas, and keyword-in-context snippets of the hits.

A user query is words (AND by default), ``"quoted phrases"``, ``OR``, ``NOT``, parentheses and
``prefix*``. Every word is lemmatised as the index is, and every term is quoted, so FTS5 never
sees syntax the user did not mean; what cannot be parsed raises :class:`QuerySyntaxError`
with a hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from multivector.store.base import Highlight, QuerySyntaxError
from multivector.text.lemmas import _WORD, lemma, tokens

SYNTAX_HINT = (
    'write words (all must occur), "a quoted phrase", OR / NOT between terms, '
    "(parentheses) and prefix* - e.g. 'Россия (Китай OR \"Европейский союз\") NOT санкции'"
)
_LEXEME = re.compile(r'\s+|"[^"]*"\*?|"|\(|\)|[^\s"()]+')
_OPERATORS = {"AND", "OR", "NOT"}

OPEN_MARK = "\x01"  # highlight() markers; lemmas never contain control characters
CLOSE_MARK = "\x02"
_MARKED = re.compile(f"{OPEN_MARK}([^{CLOSE_MARK}]*){CLOSE_MARK}")


def _term(text: str, *, prefix: bool) -> str | None:
    words = [w for _, _, w in tokens(text)]
    if not words:
        return None
    parts = [lemma(w) for w in words]
    if prefix:
        # a prefix is no word: fold it as lemmas are folded, but do not lemmatise it
        parts[-1] = words[-1].lower().replace("ё", "е")
    return '"' + " ".join(parts) + '"' + (" *" if prefix else "")


def lexemes(query: str) -> list[str]:
    """The query's words, "quoted phrases", operators and parentheses, spaces left out."""
    out: list[str] = []
    pos = 0
    while pos < len(query):
        m = _LEXEME.match(query, pos)
        assert m is not None  # the alternatives cover every character
        pos = m.end()
        if not m.group().isspace():
            out.append(m.group())
    return out


def compile_query(query: str) -> str:
    """The FTS5 expression for ``query`` over the lemma column; :class:`QuerySyntaxError` if
    malformed.

    >>> compile_query('Россией "переговоры с Китаем" OR санкц*')
    '"россия" AND "переговоры с китай" OR "санкц" *'
    """
    out: list[str] = []
    depth = 0
    expect_operand = True  # at the start, after an operator and after "("
    pos = 0
    while pos < len(query):
        m = _LEXEME.match(query, pos)
        assert m is not None  # the alternatives cover every character
        lex = m.group()
        pos = m.end()
        if lex.isspace():
            continue
        if lex == '"':
            raise QuerySyntaxError(f"search query {query!r} has an unclosed quote",
                                   hint=SYNTAX_HINT)
        if lex in _OPERATORS:
            if expect_operand or (lex == "NOT" and not out):
                raise QuerySyntaxError(
                    f"search query {query!r}: {lex} needs a term before and after it",
                    hint=SYNTAX_HINT,
                )
            out.append(lex)
            expect_operand = True
            continue
        if lex == "(":
            if not expect_operand:
                out.append("AND")
            out.append("(")
            depth += 1
            expect_operand = True
            continue
        if lex == ")":
            if depth == 0 or expect_operand:
                raise QuerySyntaxError(
                    f"search query {query!r} has an unmatched or empty parenthesis",
                    hint=SYNTAX_HINT,
                )
            out.append(")")
            depth -= 1
            continue
        term = _term(lex.strip('"*') if lex.startswith('"') else lex.rstrip("*"),
                     prefix=lex.endswith("*"))
        if term is None:  # punctuation only: nothing to search for
            continue
        if not expect_operand:
            out.append("AND")
        out.append(term)
        expect_operand = False
    if depth:
        raise QuerySyntaxError(f"search query {query!r} has an unclosed parenthesis",
                               hint=SYNTAX_HINT)
    if not out:
        raise QuerySyntaxError(f"search query {query!r} has no words to search for",
                               hint=SYNTAX_HINT)
    if expect_operand:
        raise QuerySyntaxError(
            f"search query {query!r} ends with {out[-1]}, which needs a term after it",
            hint=SYNTAX_HINT,
        )
    return " ".join(out)


def marked_tokens(marked: str, lemma_list: list[str]) -> list[int]:
    """Indices of the lemmas that FTS5's ``highlight()`` marked in the lemma column.

    ``marked`` is the column (``lemma_list`` joined by spaces) with :data:`OPEN_MARK` and
    :data:`CLOSE_MARK` around each matched token; a hyphenated lemma is several FTS5 tokens, and
    counts as matched if any of them is."""
    ranges: list[tuple[int, int]] = []
    for n, m in enumerate(_MARKED.finditer(marked)):
        start = m.start() - 2 * n  # two marks per earlier match
        ranges.append((start, start + len(m.group(1))))
    hits: list[int] = []
    start = 0
    r = 0
    for i, lem in enumerate(lemma_list):
        end = start + len(lem)
        while r < len(ranges) and ranges[r][1] <= start:
            r += 1
        if r < len(ranges) and ranges[r][0] < end:
            hits.append(i)
        start = end + 1
    return hits


@dataclass(frozen=True)
class Snippet:
    text: str
    highlights: tuple[Highlight, ...]


_BLANKS = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\f": " ", "\v": " "})
ELLIPSIS = "…"


def marked_lemmas(marked: str) -> list[int]:
    """:func:`marked_tokens` from the marked column alone: a lemma holds no space, so the index
    of the lemma at a position is the number of spaces before it (the marks are no spaces)."""
    hits: list[int] = []
    spaces = 0
    pos = 0
    for m in _MARKED.finditer(marked):
        spaces += marked.count(" ", pos, m.start())
        pos = m.start()
        first = spaces
        last = first + m.group(1).count(" ")  # a phrase marks several lemmas in one run
        if hits and hits[-1] >= first:  # two FTS5 tokens of one hyphenated lemma
            first = hits[-1] + 1
        hits.extend(range(first, last + 1))
    return hits


def highlighted(text: str, marked: str, width: int = 80) -> Snippet:
    """:func:`kwic` around the words FTS5's ``highlight()`` marked in the lemma column of the
    passage ``text`` (``marked``); no highlights if the column does not line up with the words
    of the text (indexed by another tokeniser).

    Only the words up to the end of the snippet are split out: a long passage's tail is counted
    (for the check that it lines up), not tokenised."""
    indices = marked_lemmas(marked)
    if not indices:
        return kwic(text, [], width)
    words: list[tuple[int, int, str]] = []
    stop: int | None = None
    rest = 0
    for m in _WORD.finditer(text):
        words.append((m.start(), m.end(), m.group()))
        if stop is None:
            if len(words) > indices[0]:
                stop = m.end() + width  # the snippet ends before this (kwic's right edge)
        elif m.start() >= stop:  # kwic looks at one word past its right edge
            rest = len(_WORD.findall(text, m.end()))
            break
    if len(words) + rest != marked.count(" ") + 1:
        return kwic(text, [], width)
    spans = [words[i][:2] for i in indices if i < len(words)]
    return kwic(text, spans, width, words=words)


def kwic(
    text: str, spans: list[tuple[int, int]], width: int = 80,
    *, words: list[tuple[int, int, str]] | None = None,
) -> Snippet:
    """Keyword in context: ``width`` characters either side of the first span, cut between words.

    ``spans`` are offsets of matched words in ``text``; those inside the snippet come back as
    highlights (offsets into the snippet). Without spans, the snippet is the start of the text.
    ``words`` are ``tokens(text)`` when the caller has them already."""
    if words is None:
        words = tokens(text)
    spans = sorted(spans)
    first_start, first_end = spans[0] if spans else (0, 0)
    left = max(0, first_start - width)
    right = min(len(text), first_end + width if spans else 2 * width)
    if left > 0:
        # the first word starting at or after the cut; none before it means nothing is cut
        starts = [s for s, _, _ in words if s >= left]
        left = starts[0] if starts and starts[0] <= first_start else first_start
        if not any(e <= left for _, e, _ in words):
            left = 0
    if right < len(text):
        ends = [e for _, e, _ in words if e <= right]
        right = max(ends[-1] if ends else right, first_end)
        if not any(s >= right for s, _, _ in words):
            right = len(text)
    head = ELLIPSIS if left > 0 else ""
    tail = ELLIPSIS if right < len(text) else ""
    body = text[left:right].translate(_BLANKS)
    shift = len(head) - left
    marks = tuple(
        Highlight(s + shift, e + shift) for s, e in spans if s >= left and e <= right
    )
    return Snippet(head + body + tail, marks)
