"""The report as format-neutral blocks: sections of paragraphs, figures, tables and evidence.

``render.build_document`` fills these from a ``ReportData``; the HTML and Markdown writers turn
them into text. Links to evidence are :class:`Ref`: a number in the appendix and its anchor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from multivector.report.model import DocumentInfo, EvidencePassage


@dataclass(frozen=True)
class Ref:
    """A link to one passage of the evidence appendix: ``[number]`` pointing at ``#anchor``."""

    number: int
    anchor: str


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, an optional style (up, down, flag, silent, muted) and links."""

    text: str
    style: str = ""
    refs: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Figure:
    """A chart with its number and caption; ``refs`` are the passages its caption links to."""

    id: str
    number: int
    title: str
    caption: str
    chart: Any
    refs: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Table:
    id: str
    number: int
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    numeric: Sequence[bool] = ()
    note: str = ""


@dataclass(frozen=True)
class EvidenceList:
    """Evidence behind a figure or table: one line per cell, with links to its passages."""

    items: Sequence[tuple[str, tuple[Ref, ...]]]
    note: str = ""


Block = Paragraph | Figure | Table | EvidenceList


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: Sequence[Block]


@dataclass(frozen=True)
class AppendixEntry:
    """One passage of the evidence appendix and the figures that cite it."""

    ref: Ref
    passage: EvidencePassage
    cited_by: tuple[tuple[str, str], ...] = ()  # (figure id, "Figure 3")
    document: DocumentInfo | None = None  # where the passage's document came from


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    facts: Sequence[tuple[str, str]]
    findings: Sequence[str]
    sections: Sequence[Section]
    appendix: Sequence[AppendixEntry]
    stamp: Sequence[tuple[str, str]]
    methods: Sequence[tuple[str, str]] = field(default_factory=tuple)
