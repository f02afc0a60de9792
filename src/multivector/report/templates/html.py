"""The report as one self-contained HTML page: inline CSS, charts as inline SVG, no external URL.

The same page prints to an A4 PDF with weasyprint (``print_version=True`` only tightens the
layout); the ``@page`` rules give running headers and page numbers there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from multivector.report import charts
from multivector.report.templates.blocks import (
    AppendixEntry,
    Block,
    Cell,
    Document,
    EvidenceList,
    Figure,
    Paragraph,
    Ref,
    Section,
    Table,
)
from multivector.report.templates.style import CSS


def write_html(
    document: Document, svgs: Mapping[int, str] | None = None, *, print_version: bool = False
) -> str:
    """The page; ``svgs`` maps figure numbers to SVG text made beforehand (else made here)."""
    svgs = svgs or {}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(document.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        f'<body class="{"print" if print_version else "screen"}">',
        _cover(document),
        _contents(document),
        _findings(document),
    ]
    if not print_version:  # on screen the body text is larger: enlarge charts to match
        svgs = {n: _scale(svg, SCREEN_ZOOM) for n, svg in svgs.items()}
    for number, section in enumerate(document.sections, start=1):
        parts.append(_section(section, number, svgs))
    parts.append(_appendix(document.appendix))
    parts.append(_stamp(document))
    parts.append("</body></html>")
    return "\n".join(parts)


_CODE = re.compile(r"`([^`]+)`")
_SIZE = re.compile(r'^(<svg[^>]*?)\bwidth="([\d.]+)"\s+height="([\d.]+)"')
SCREEN_ZOOM = 1.25
SNIPPET = 480  # characters of a passage shown in the appendix


def _scale(svg: str, factor: float) -> str:
    """The same SVG drawn ``factor`` times larger (its viewBox keeps the drawing)."""

    def resize(m: re.Match[str]) -> str:
        w, h = float(m.group(2)) * factor, float(m.group(3)) * factor
        return f'{m.group(1)}width="{w:.0f}" height="{h:.0f}"'

    return _SIZE.sub(resize, svg, count=1)


def _rich(text: str) -> str:
    """Escaped text in which `back-quoted` runs become <code>."""
    return _CODE.sub(r"<code>\1</code>", escape(text))


def _cover(d: Document) -> str:
    facts = "".join(
        f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in d.facts
    )
    subtitle = f'<p class="subtitle">{escape(d.subtitle)}</p>' if d.subtitle else ""
    return (
        '<header class="cover">'
        '<p class="kicker">multivector · analysis report</p>'
        f"<h1>{escape(d.title)}</h1>{subtitle}"
        f'<dl class="facts">{facts}</dl>'
        "</header>"
    )


def _contents(d: Document) -> str:
    items = ['<li><a href="#findings">Summary of findings</a></li>']
    items += [
        f'<li><a href="#{s.id}">{n}. {escape(s.title)}</a></li>'
        for n, s in enumerate(d.sections, start=1)
    ]
    items.append('<li><a href="#evidence">Appendix A. Evidence passages</a></li>')
    items.append('<li><a href="#stamp">Appendix B. Reproducibility</a></li>')
    return f'<nav class="toc"><h2 class="toc-title">Contents</h2><ol>{"".join(items)}</ol></nav>'


def _findings(d: Document) -> str:
    if d.findings:
        body = "<ul>" + "".join(f"<li>{_rich(f)}</li>" for f in d.findings) + "</ul>"
    else:
        body = '<p class="muted">No findings were written for this report.</p>'
    return f'<section id="findings" class="findings"><h2>Summary of findings</h2>{body}</section>'


def _section(section: Section, number: int, svgs: Mapping[int, str]) -> str:
    inner = "".join(_block(b, svgs) for b in section.blocks)
    return (
        f'<section id="{escape(section.id)}">'
        f"<h2>{number}. {escape(section.title)}</h2>{inner}</section>"
    )


def _block(block: Block, svgs: Mapping[int, str]) -> str:
    if isinstance(block, Paragraph):
        return f'<p class="intro">{_rich(block.text)}</p>'
    if isinstance(block, Figure):
        return _figure(block, svgs.get(block.number))
    if isinstance(block, Table):
        return _table(block)
    return _evidence(block)


def _refs(refs: Iterable[Ref], limit: int | None = None) -> str:
    refs = list(refs)
    shown = refs if limit is None else refs[:limit]
    links = " ".join(f'<a class="ref" href="#{r.anchor}">[{r.number}]</a>' for r in shown)
    more = f" … {len(refs) - len(shown)} more below" if len(shown) < len(refs) else ""
    return links + more


def _figure(f: Figure, svg: str | None) -> str:
    svg = svg or charts.to_svg(f.chart, prefix=f"f{f.number}")
    refs = (
        f' <span class="refs">Evidence: {_refs(f.refs, 8)}</span>' if f.refs else ""
    )
    return (
        f'<figure id="fig-{escape(f.id)}" class="chart">'
        f'<div class="svg">{svg}</div>'
        f"<figcaption><b>Figure {f.number}.</b> {_rich(f.caption)}{refs}</figcaption>"
        "</figure>"
    )


def _cell(cell: Cell, numeric: bool, tag: str = "td") -> str:
    classes = " ".join(c for c in (cell.style, "num" if numeric else "") if c)
    attr = f' class="{classes}"' if classes else ""
    refs = f" {_refs(cell.refs)}" if cell.refs else ""
    return f"<{tag}{attr}>{escape(cell.text)}{refs}</{tag}>"


def _table(t: Table) -> str:
    numeric: Sequence[bool] = t.numeric or [False] * len(t.columns)
    head = "".join(
        f'<th{" class=num" if n else ""}>{escape(c)}</th>'
        for c, n in zip(t.columns, numeric, strict=True)
    )
    body = "".join(
        "<tr>" + "".join(_cell(c, n) for c, n in zip(row, numeric, strict=True)) + "</tr>"
        for row in t.rows
    )
    note = f'<p class="note">{_rich(t.note)}</p>' if t.note else ""
    return (
        f'<div class="table" id="tab-{escape(t.id)}">'
        f'<p class="caption"><b>Table {t.number}.</b> {escape(t.title)}</p><table>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}</div>"
    )


def _evidence(e: EvidenceList) -> str:
    items = "".join(
        f'<li><span class="key">{escape(label)}</span> {_refs(refs)}</li>'
        for label, refs in e.items
    )
    listing = f'<ul class="cells">{items}</ul>' if items else ""
    note = f'<p class="note">{_rich(e.note)}</p>' if e.note else ""
    return f'<div class="evidence"><h4>Evidence</h4>{listing}{note}</div>'


def _passage(entry: AppendixEntry) -> str:
    p, doc = entry.passage, entry.document
    meta = [f"<b>{escape((doc.title if doc and doc.title else p.title) or 'Untitled document')}"
            "</b>"]
    if p.date:
        approximate = doc is not None and doc.date_note.startswith("approximate")
        meta.append(escape(p.date) + (" (date approximate)" if approximate else ""))
    meta.append(f"passage {p.passage}")
    if p.score is not None:
        meta.append(f"score {p.score:.2f}")
    if doc is not None and doc.url:
        meta.append(f'UN record <a class="record" href="{escape(doc.url)}" rel="noreferrer">'
                    f"{escape(doc.record or doc.url)}</a>")
    if doc is not None and doc.source:
        meta.append(f"file <code>{escape(doc.source)}</code>")
    cited = ", ".join(
        f'<a href="#fig-{escape(fid)}">{escape(label)}</a>' for fid, label in entry.cited_by
    )
    cited_text = f' <span class="cited">cited in {cited}</span>' if cited else ""
    return (
        f'<li id="{escape(entry.ref.anchor)}" class="passage">'
        f'<span class="num">[{entry.ref.number}]</span>'
        f'<div class="body"><p class="meta">{" · ".join(meta)}</p>'
        f"<blockquote>{escape(charts.shorten(p.text, SNIPPET))}</blockquote>"
        f'<p class="cmd"><code>multivector doc {escape(p.doc_id)}</code>{cited_text}</p>'
        "</div></li>"
    )


def _appendix(entries: Sequence[AppendixEntry]) -> str:
    if entries:
        body = '<ol class="passages">' + "".join(_passage(e) for e in entries) + "</ol>"
    else:
        body = '<p class="muted">No passages were cited.</p>'
    return (
        '<section id="evidence" class="appendix"><h2>Appendix A. Evidence passages</h2>'
        '<p class="intro">Every passage cited by a figure or table, numbered in order of first '
        "citation. The command under each shows the whole document with its annotations.</p>"
        f"{body}</section>"
    )


def _stamp(d: Document) -> str:
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in d.stamp)
    methods = ""
    if d.methods:
        method_rows = "".join(
            f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in d.methods
        )
        methods = f'<h3>Settings</h3><table class="stamp">{method_rows}</table>'
    return (
        '<section id="stamp" class="appendix stamp-section"><h2>Appendix B. Reproducibility</h2>'
        '<p class="intro">The same package, data versions and corpus (same hash) give the same '
        "report.</p>"
        f'<table class="stamp">{rows}</table>{methods}</section>'
    )
