"""The `segment` component: split a document into passages (paragraphs or sentences)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from multivector.domain.corpus import AnnotatedDocument, Passage
from multivector.errors import UsageError
from multivector.pipeline import Component, Context, register
from multivector.text.segment import paragraphs, sentences

UNITS = ("paragraph", "sentence")


class Segmenter:
    name = "segment"
    version = "1"

    def __init__(self, unit: str = "paragraph", max_chars: int = 4000) -> None:
        if unit not in UNITS:
            raise UsageError(f"segment: unknown unit {unit!r}", hint="use paragraph or sentence")
        self.unit = unit
        self.max_chars = max_chars

    def spans(self, text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for start, end in paragraphs(text):
            if self.unit == "sentence" or end - start > self.max_chars:
                out.extend(self._sentence_spans(text, start, end))
            else:
                out.append((start, end))
        return out

    def _sentence_spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        sents = sentences(text, start, end)
        if self.unit == "sentence":
            return sents
        # an over-long paragraph (no line breaks at all) is cut at sentence ends into chunks
        chunks: list[tuple[int, int]] = []
        for s, e in sents:
            if chunks and e - chunks[-1][0] <= self.max_chars:
                chunks[-1] = (chunks[-1][0], e)
            else:
                chunks.append((s, e))
        return chunks

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        doc.passages = [
            Passage(doc.document.id, i, s, e, self.unit)
            for i, (s, e) in enumerate(self.spans(doc.text))
        ]
        return doc


@register("segment")
def make_segmenter(context: Context, settings: Mapping[str, Any]) -> Component:
    return Segmenter(**settings)
