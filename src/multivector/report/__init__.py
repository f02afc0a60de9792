"""Reports a person reads (HTML, PDF, Markdown) from plain frames; every figure cites passages.

    from multivector.report import ReportData, render_report
    render_report(data, Path("report.html"))   # or .pdf, .md
"""

from __future__ import annotations

from multivector.report.model import (
    FIGURES,
    DiffSummary,
    EditionInfo,
    EvidencePassage,
    ReportData,
    Stamp,
    cell_key,
    corpus_hash,
    evidence_from_frame,
    passage_anchor,
)
from multivector.report.render import build_document, render_html, render_report

__all__ = [
    "FIGURES",
    "DiffSummary",
    "EditionInfo",
    "EvidencePassage",
    "ReportData",
    "Stamp",
    "build_document",
    "cell_key",
    "corpus_hash",
    "evidence_from_frame",
    "passage_anchor",
    "render_html",
    "render_report",
]
