"""Inline markup of spans in a text: each stretch covered by spans becomes a ``<mark>`` whose
classes name their layers, every piece of text escaped on the way.

This is the only place where document text turns into HTML, and it never trusts the text: the
markup is built from offsets, and each piece between two offsets goes through :func:`escape`
(so a ``<script>`` in a document shows as text). Overlapping spans (an element's sentence and an
actor's name inside it) split the text into flat segments, each marked with every layer that
covers it, so marks never nest or cross.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    """A stretch ``[start, end)`` of a text, in the text's own coordinates, with its layer (a
    CSS class suffix: ``actor``, ``theme``, ``hit``) and what a tooltip says about it."""

    start: int
    end: int
    layer: str
    title: str = ""


@lru_cache(maxsize=256)
def _clean_layer(layer: str) -> str:
    """A layer name usable as a class: letters, digits and dashes only."""
    return "".join(c for c in layer.lower() if c.isalnum() or c == "-") or "span"


def segments(length: int, spans: Iterable[Span], offset: int = 0
             ) -> list[tuple[int, int, tuple[Span, ...]]]:
    """The text ``[0, length)`` cut at every span boundary: ``(start, end, covering spans)``
    per piece, in order, offsets relative to the text (spans are shifted by ``offset`` and
    clipped to it; empty and inverted spans are dropped)."""
    clipped = []
    for s in spans:
        start, end = max(s.start - offset, 0), min(s.end - offset, length)
        if start < end:
            clipped.append((start, end, s))
    cuts = sorted({0, length, *(c for a, b, _ in clipped for c in (a, b))})
    out: list[tuple[int, int, tuple[Span, ...]]] = []
    for a, b in itertools.pairwise(cuts):
        covering = tuple(s for start, end, s in clipped if start <= a and b <= end)
        out.append((a, b, covering))
    return out


def highlight(text: str, spans: Sequence[Span], *, offset: int = 0) -> Markup:
    """``text`` as HTML with the stretches ``spans`` cover marked; ``offset`` is where ``text``
    begins in the coordinates of the spans (a passage inside its document)."""
    # Built as plain strings from escaped pieces (escape() is markupsafe's C escaper), then
    # wrapped once: Markup.format per mark cost half the render time of a document page.
    parts: list[str] = []
    for a, b, covering in segments(len(text), spans, offset):
        piece = str(escape(text[a:b]))
        if not covering:
            parts.append(piece)
            continue
        layers = sorted({_clean_layer(s.layer) for s in covering})
        classes = " ".join(["a", *(f"a-{x}" for x in layers)])
        titles = list(dict.fromkeys(s.title for s in covering if s.title))
        title = f' title="{escape(chr(10).join(titles))}"' if titles else ""
        parts.append(f'<mark class="{escape(classes)}"{title}>{piece}</mark>')
    return Markup("".join(parts))
