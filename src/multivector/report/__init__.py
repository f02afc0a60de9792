"""Reports a person reads (HTML, PDF, Markdown) from plain frames; every figure cites passages.

    from multivector.report import ReportData, render_report
    render_report(data, Path("report.html"))   # or .pdf, .md
"""

from __future__ import annotations

from multivector.report.model import (
    FIGURES,
    REFERENCE,
    Comparison,
    DiffSummary,
    DocumentInfo,
    EditionInfo,
    EvidencePassage,
    ReportData,
    Stamp,
    cell_key,
    corpus_hash,
    evidence_from_frame,
    join_words,
    parse_actors,
    passage_anchor,
    plural,
)
from multivector.report.render import build_document, render_html, render_report, summary

__all__ = [
    "FIGURES",
    "REFERENCE",
    "Comparison",
    "DiffSummary",
    "DocumentInfo",
    "EditionInfo",
    "EvidencePassage",
    "ReportData",
    "Stamp",
    "build_document",
    "cell_key",
    "corpus_hash",
    "evidence_from_frame",
    "join_words",
    "parse_actors",
    "passage_anchor",
    "plural",
    "render_html",
    "render_report",
    "summary",
]
