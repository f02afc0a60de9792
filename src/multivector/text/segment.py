"""Split a text into paragraphs and sentences, as offsets into the original text.

Real texts break lines in three ways: hard-wrapped at a fixed width (the UN statements of
1992-2014 break every 50-80 characters, with page breaks mid-paragraph), one paragraph per line,
or blank lines between paragraphs. :func:`paragraphs` recognises the layout and rejoins wrapped
lines into real paragraphs; offsets always point into the original text, so a passage is
``text[start:end]`` with its line breaks intact.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

_TERMINAL = ('.', '!', '?', ':', '"', '”', '»', "'", ')', ';')
_LINE = re.compile(r"[^\n]*\n?")


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # end of the visible text (trailing spaces and newline excluded)
    text: str

    @property
    def blank(self) -> bool:
        return not self.text


def lines(text: str) -> list[Line]:
    out = []
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        raw = m.group().rstrip("\n").rstrip("\r")
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        start = m.start() + lead
        out.append(Line(start, start + len(stripped), stripped))
    return out


def layout(ls: list[Line]) -> str:
    """'wrapped' (fixed-width lines), 'lines' (a paragraph a line) or 'blocks' (blank-separated)."""
    content = [ln for ln in ls if not ln.blank]
    if len(content) < 4:
        return "lines"
    open_ended = sum(1 for ln in content if not ln.text.endswith(_TERMINAL))
    lengths = [len(ln.text) for ln in content]
    if open_ended / len(content) >= 0.4 and statistics.median(lengths) <= 110:
        return "wrapped"
    blocks = sum(1 for i, ln in enumerate(ls) if not ln.blank and (i == 0 or ls[i - 1].blank))
    if blocks >= 2 and len(content) / blocks >= 1.5:
        return "blocks"  # blank lines between paragraphs (lines inside may be sentences)
    return "lines"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans ``(start, end)`` of ``text``, in order, none empty."""
    ls = lines(text)
    kind = layout(ls)
    spans: list[tuple[int, int]] = []
    if kind == "lines":
        return [(ln.start, ln.end) for ln in ls if not ln.blank]
    if kind == "blocks":
        cur: list[Line] = []
        for ln in ls:
            if ln.blank:
                if cur:
                    spans.append((cur[0].start, cur[-1].end))
                    cur = []
            else:
                cur.append(ln)
        if cur:
            spans.append((cur[0].start, cur[-1].end))
        return spans
    # wrapped: a paragraph ends at a line that closes a sentence and stops short of the width,
    # or at a blank line after a closed sentence; a blank line mid-sentence is a page break.
    widths = sorted(len(ln.text) for ln in ls if not ln.blank)
    width = widths[int(len(widths) * 0.9)] if widths else 80
    cur = []
    for i, ln in enumerate(ls):
        if ln.blank:
            if cur and cur[-1].text.endswith(_TERMINAL):
                spans.append((cur[0].start, cur[-1].end))
                cur = []
            continue
        cur.append(ln)
        nxt = next((x for x in ls[i + 1 :] if not x.blank), None)
        short = len(ln.text) < 0.85 * width
        if ln.text.endswith(_TERMINAL) and (short or nxt is None or _starts_heading(nxt.text)):
            spans.append((cur[0].start, cur[-1].end))
            cur = []
    if cur:
        spans.append((cur[0].start, cur[-1].end))
    return spans


def _starts_heading(text: str) -> bool:
    return bool(re.match(r"^(?:[IVX]+\.|\d+\.|[A-Z]\.)\s", text))


ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vol", "art", "para", "paras", "e.g",
    "i.e", "etc", "cf", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "u.s", "u.n", "u.k", "e.u", "h.e", "gen", "col", "lt", "sr", "jr",
    "inc", "ltd", "co", "corp", "dept", "fig", "op", "ed", "eds", "approx",
    "г", "гг", "т.е", "т.д", "т.п", "им", "ст", "см", "стр", "млн", "млрд", "тыс", "руб", "др",
    "пр", "напр", "ул", "д", "т", "с",
}
_SENT_END = re.compile(r"[.!?…]+[\"'”»)\]]*(?=\s+|$)")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    s = start
    while s < end and text[s].isspace():
        s += 1
    for m in _SENT_END.finditer(text, s, end):
        stop = m.end()
        if not _is_boundary(text, m.start(), stop, end):
            continue
        if stop > s:
            out.append((s, stop))
        s = stop
        while s < end and text[s].isspace():
            s += 1
    if s < end:
        tail_end = end
        while tail_end > s and text[tail_end - 1].isspace():
            tail_end -= 1
        if tail_end > s:
            out.append((s, tail_end))
    return out


def _is_boundary(text: str, dot: int, stop: int, end: int) -> bool:
    if text[dot] == ".":
        w = dot
        while w > 0 and (text[w - 1].isalpha() or text[w - 1] == "."):
            w -= 1
        word = text[w:dot].lower()
        if word in ABBREVIATIONS:
            return False
        if len(word) == 1 and text[w].isupper():
            return False  # an initial: "J. Smith", "C.-J. Tokayev"
    nxt = stop
    while nxt < end and text[nxt].isspace():
        nxt += 1
    if nxt >= end:
        return True
    ch = text[nxt]
    # a new sentence starts with a capital, a digit, a quote or a bracket
    return ch.isupper() or ch.isdigit() or ch in "\"'“«(["
