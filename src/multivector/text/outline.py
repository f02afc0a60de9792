"""The outline of an official text: headings, lead-in sentences, numbered items and lists, as
offsets into the text.

Legal texts in the post-Soviet official layout number their parts ("Раздел 2", "Глава 3",
"1.", "3.1.", "Chapter 2"), their points ("1)", "а)") and their lists (dashes, bullets), and
introduce a list by a lead-in sentence ending with a colon ("Целями внешней политики
являются:"). :func:`outline` finds those blocks and nests them: every :class:`Block` knows its
heading path and the lead-ins above it. A block's ``start``/``end`` cover its words without the
marker, so ``text[block.start:block.end]`` is the item's own text, line breaks intact.

Lines are joined into one block when the text is hard-wrapped (a PDF's lines): a line continues
the one before unless it starts with a marker, the one before closes a sentence, or the one
before stops well short of the text's width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from multivector.text.segment import Line, layout, lines

__all__ = ["Block", "Outline", "outline"]

_BULLET = r"[-–—•·▪◦*]"
_LETTER = r"[а-яёa-z]"
# the marker of a list item at the start of a line, and its kind
_ITEM_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("number", re.compile(r"^(\d{1,3})\)\s+")),  # 1)
    ("letter", re.compile(rf"^({_LETTER})\)\s+")),  # а)
    ("bullet", re.compile(rf"^({_BULLET})\s+")),  # - text
)
_PART_WORDS = {
    "раздел": "part", "часть": "part", "part": "part", "бөлім": "part",
    "глава": "chapter", "chapter": "chapter", "тарау": "chapter",
    "section": "section", "параграф": "section",
}
_NAMED_HEADING = re.compile(
    r"^(?P<word>раздел|часть|глава|параграф|part|chapter|section)\s+"
    r"(?P<num>\d{1,3}|[IVXLC]{1,6})\b\.?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# Kazakh puts the number first: "2-тарау. Сыртқы саясаттың қағидаттары"
_NAMED_HEADING_KK = re.compile(
    r"^(?P<num>\d{1,3})-(?P<word>тарау|бөлім)\b\.?\s*(?P<rest>.*)$", re.IGNORECASE
)
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<rest>\S.*)$")
_TERMINAL = (".", ";", ":", "!", "?", "…")
# "КОНЦЕПЦИЯ внешней политики ...", "Concept of Foreign Policy ...", "FOREIGN POLICY CONCEPT"
_CONCEPT_TITLE = re.compile(
    r"^(?:(?:the\s+)?(?:foreign[\s-]+policy|внешнеполитическая)\s+)?(?:концепция|concept)\b"
    r"|^(?:қазақстан\s+республикасының\s+)?сыртқы\s+саясат\w*\s+тұжырымдама\w*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Heading:
    """A numbered or named heading: ``level`` is part, chapter, section or subsection."""

    label: str  # as the text numbers it: "Глава 3", "3.1", "Chapter 2"
    number: str  # "3", "3.1", "II"
    title: str
    level: str
    start: int
    end: int
    order: int


@dataclass(frozen=True)
class Block:
    """A paragraph, list item or lead-in, with its place in the outline.

    ``marker`` is the item's marker as written ("1)", "а)", "-", "3.") or None for a plain
    paragraph; ``depth`` counts the lead-ins above it; ``headings`` run outermost first."""

    start: int
    end: int
    marker: str | None
    # number | letter | bullet | point (a numbered paragraph "1.") | unmarked (an item of a
    # list whose numbers are not in the text, as in a DOCX numbered by the word processor)
    marker_kind: str | None
    lead_in: bool
    depth: int
    headings: tuple[Heading, ...]
    parents: tuple[int, ...]  # indexes of the lead-in blocks above, outermost first
    index: int
    in_preamble: bool = False


@dataclass
class Outline:
    """The title, the preamble (an approving act before the title) and the blocks of a text."""

    text: str
    title: str | None = None
    title_span: tuple[int, int] | None = None
    preamble_end: int = 0  # where the concept's own text begins
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def words(self, block: Block) -> str:
        """The block's text on one line (wrapped lines joined)."""
        return " ".join(self.text[block.start : block.end].split())


@dataclass
class _Raw:
    start: int
    end: int
    lines: list[Line]


def _starts_with_marker(text: str) -> bool:
    return bool(
        any(p.match(text) for _, p in _ITEM_MARKERS)
        or _NAMED_HEADING.match(text)
        or _NAMED_HEADING_KK.match(text)
        or _NUMBERED.match(text)
    )


def _join_lines(ls: list[Line]) -> list[_Raw]:
    """Lines grouped into blocks (wrapped lines joined, blank lines and markers split)."""
    kind = layout(ls)
    widths = sorted(len(ln.text) for ln in ls if not ln.blank)
    width = widths[int(len(widths) * 0.9)] if widths else 80
    raws: list[_Raw] = []
    prev: Line | None = None
    for ln in ls:
        if ln.blank:
            prev = None
            continue
        cont = (
            kind != "lines"
            and prev is not None
            and raws
            and not _starts_with_marker(ln.text)
            and not prev.text.endswith(_TERMINAL)
            and len(prev.text) >= 0.7 * width
        )
        if cont:
            raws[-1].end = ln.end
            raws[-1].lines.append(ln)
        else:
            raws.append(_Raw(ln.start, ln.end, [ln]))
        prev = ln
    return raws


def _is_title_case_heading(words: str) -> bool:
    """A short line in capitals (a title or an unnumbered heading)."""
    letters = [c for c in words if c.isalpha()]
    return len(letters) >= 3 and len(words) <= 150 and all(c.isupper() for c in letters)


def _heading(text: str, words: str, raw: _Raw, order: int) -> Heading | None:
    if len(words) > 220 or words.endswith((";", ":", ",")):
        return None
    m = _NAMED_HEADING.match(words) or _NAMED_HEADING_KK.match(words)
    if m:
        word = m["word"].lower()
        level = _PART_WORDS[word]
        title = m["rest"].strip().rstrip(".")
        label = (f"{m['word'].capitalize()} {m['num']}" if m.re is _NAMED_HEADING
                 else f"{m['num']}-{m['word'].lower()}")
        return Heading(label, m["num"], title or label, level, raw.start, raw.end, order)
    m = _NUMBERED.match(words)
    if m and not words.endswith((".", "!", "?")) and m["rest"][:1].isupper():
        depth = m["num"].count(".")
        level = ("chapter", "section", "subsection", "subsection")[depth]
        return Heading(m["num"], m["num"], m["rest"].strip(), level, raw.start, raw.end, order)
    return None


def _find_title(raws: list[_Raw], text: str) -> tuple[int, str, tuple[int, int]] | None:
    """The block that opens the concept's own text ("КОНЦЕПЦИЯ внешней политики ..."), with the
    title (continued on following short lines)."""
    for i, raw in enumerate(raws):
        words = " ".join(text[raw.start : raw.end].split())
        if _CONCEPT_TITLE.match(words) and len(words) <= 250 and not words.endswith((";", ":")):
            title_end = raw.end
            parts = [words]
            j = i + 1
            has_years = bool(re.search(r"\d{4}", words))
            while j < len(raws):
                nxt = " ".join(text[raws[j].start : raws[j].end].split())
                if _starts_with_marker(nxt) or nxt.endswith(_TERMINAL) or len(nxt) > 160:
                    break
                if not (nxt[:1].islower() or (not has_years and re.search(r"\d{4}", nxt))):
                    break
                parts.append(nxt)
                has_years = has_years or bool(re.search(r"\d{4}", nxt))
                title_end = raws[j].end
                j += 1
            return j, " ".join(parts), (raw.start, title_end)
    return None


def _marker(words: str) -> tuple[str | None, str | None, int]:
    """(marker, kind, length of the marker with its spaces) of a block's words."""
    for kind, pattern in _ITEM_MARKERS:
        m = pattern.match(words)
        if m:
            return words[: m.end()].strip(), kind, m.end()
    m = re.match(r"^(\d{1,3})\.\s+(?=\S)", words)
    if m:
        return m[1] + ".", "point", m.end()
    return None, None, 0


_RANK = {"point": 0, "number": 1, "letter": 2}


def _unmarked_item(words: str, out: Outline) -> bool:
    """A paragraph without a marker that still continues the list of the lead-in above it (a
    list in a DOCX whose numbers the word processor draws, so they are not in the text): it
    starts in lower case, or ends with ";", or follows such an item that ended with ";"."""
    if words[:1].islower() or words.endswith(";"):
        return True
    prev = out.blocks[-1] if out.blocks else None
    return bool(prev is not None and prev.marker_kind == "unmarked"
                and out.words(prev).endswith(";"))


def outline(text: str) -> Outline:
    """The outline of ``text``: title, preamble, headings and blocks, as offsets into it."""
    raws = _join_lines(lines(text))
    out = Outline(text)
    found = _find_title(raws, text)
    first = 0
    if found is not None:
        first, out.title, out.title_span = found
        out.preamble_end = out.title_span[0]
    heads: list[Heading] = []
    # the open lead-ins: (block index, rank of its own marker kind, depth)
    open_leads: list[tuple[int, int]] = []
    for i, raw in enumerate(raws):
        if found is not None and out.title_span and out.title_span[0] <= raw.start < (
            out.title_span[1]
        ):
            continue
        words = " ".join(text[raw.start : raw.end].split())
        preamble = found is not None and i < first
        heading = None if preamble else _heading(text, words, raw, len(out.headings))
        if heading is None and not preamble and _is_title_case_heading(words) and (
            not words.endswith(_TERMINAL)
        ):
            heading = Heading("", "", words, "chapter", raw.start, raw.end, len(out.headings))
        if heading is not None:
            out.headings.append(heading)
            rank = ("part", "chapter", "section", "subsection").index(heading.level)
            heads = [h for h in heads
                     if ("part", "chapter", "section", "subsection").index(h.level) < rank]
            heads.append(heading)
            open_leads = []
            continue
        marker, kind, skip = _marker(words)
        # close the lead-ins this block is not under: a plain paragraph closes all of them; an
        # item closes those whose own items are of a deeper or the same rank as it
        if kind is None and open_leads and _unmarked_item(words, out):
            kind = "unmarked"  # a list numbered by the word processor: its numbers are no text
        elif kind is None:
            open_leads = []
        elif kind != "bullet":
            rank = _RANK[kind]
            open_leads = [(b, r) for b, r in open_leads if r < rank]
        start = _skip_marker(text, raw.start, skip)
        lead_in = words.endswith(":")
        block = Block(
            start=start,
            end=raw.end,
            marker=marker,
            marker_kind=kind,
            lead_in=lead_in,
            depth=len(open_leads),
            headings=tuple(heads),
            parents=tuple(b for b, _ in open_leads),
            index=len(out.blocks),
            in_preamble=preamble,
        )
        out.blocks.append(block)
        if lead_in:
            own = -1 if kind is None else _RANK.get(kind, 3)
            open_leads.append((block.index, own))
    return out


def _skip_marker(text: str, start: int, skip: int) -> int:
    """The offset just past a marker of ``skip`` characters of normalised words (the marker and
    its spaces sit on the block's first line, where normalising changes nothing but spaces)."""
    if skip == 0:
        return start
    pos = start
    seen = 0
    # walk the raw text, counting non-space characters of the marker
    marker_chars = sum(1 for c in " ".join(text[start : start + skip * 3].split())[:skip]
                       if not c.isspace())
    while pos < len(text) and seen < marker_chars:
        if not text[pos].isspace():
            seen += 1
        pos += 1
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos
