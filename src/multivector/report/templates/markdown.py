"""The report as Markdown: charts as PNG files in a sibling folder, tables as pipe tables.

Passages of the evidence appendix carry ``<a id="p-...">`` anchors, so ``[3](#p-...)`` links
work wherever Markdown keeps inline HTML (GitHub, GitLab, most viewers).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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
    Table,
)


def write_markdown(document: Document, folder: Path, base: Path) -> str:
    """Markdown text; chart images are written into ``folder``, linked relative to ``base``."""
    figures = [b for s in document.sections for b in s.blocks if isinstance(b, Figure)]
    if figures:
        with ThreadPoolExecutor(max_workers=min(4, len(figures))) as pool:
            images = pool.map(lambda f: _write_png(f, folder), figures)
            list(images)
    lines = [f"# {document.title}", ""]
    if document.subtitle:
        lines += [f"*{_inline(document.subtitle)}*", ""]
    lines += [f"- **{k}:** {_inline(v)}" for k, v in document.facts] + [""]
    lines += ["## Summary of findings", ""]
    lines += [f"- {_inline(f)}" for f in document.findings] or ["No findings were written."]
    lines.append("")
    for number, section in enumerate(document.sections, start=1):
        lines += [f"## {number}. {section.title}", ""]
        for block in section.blocks:
            lines += [*_block(block, folder, base), ""]
    lines += ["## Appendix A. Evidence passages", ""]
    lines += [line for e in document.appendix for line in _passage(e)] or ["No passages cited."]
    lines += ["", "## Appendix B. Reproducibility", "", "| | |", "|---|---|"]
    lines += [f"| {_cell_text(k)} | {_cell_text(v)} |" for k, v in document.stamp]
    if document.methods:
        lines += ["", "**Settings**", "", "| | |", "|---|---|"]
        lines += [f"| {_cell_text(k)} | {_cell_text(v)} |" for k, v in document.methods]
    return "\n".join(lines).rstrip() + "\n"


def _block(block: Block, folder: Path, base: Path) -> list[str]:
    if isinstance(block, Paragraph):
        return [_inline(block.text)]
    if isinstance(block, Figure):
        image = _image_path(block, folder)
        link = image.relative_to(base).as_posix()
        caption = f"*Figure {block.number}. {_inline(block.caption)}*"
        refs = f" Evidence: {_refs(block.refs[:8])}" if block.refs else ""
        return [f"![Figure {block.number}: {_inline(block.title)}]({link})", "",
                caption + refs]
    if isinstance(block, Table):
        return _table(block)
    return _evidence(block)


def _image_path(figure: Figure, folder: Path) -> Path:
    return folder / f"figure-{figure.number}-{figure.id}.png"


def _write_png(figure: Figure, folder: Path) -> None:
    _image_path(figure, folder).write_bytes(charts.to_png(figure.chart))


def _refs(refs: Iterable[Ref]) -> str:
    return " ".join(f"[[{r.number}]](#{r.anchor})" for r in refs)


def _inline(text: str) -> str:
    """Text safe inside a Markdown paragraph (no accidental emphasis or HTML)."""
    for ch in ("\\", "*", "_", "<", ">", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def _cell_text(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _cell(cell: Cell) -> str:
    text = _cell_text(cell.text)
    if cell.style in ("flag", "silent", "down", "up"):
        text = f"**{text}**" if text else text
    return text + (f" {_refs(cell.refs)}" if cell.refs else "")


def _table(t: Table) -> list[str]:
    numeric = list(t.numeric) or [False] * len(t.columns)
    lines = [f"**Table {t.number}. {_inline(t.title)}**", ""]
    lines.append("| " + " | ".join(_cell_text(c) for c in t.columns) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    if t.note:
        lines += ["", f"*{_inline(t.note)}*"]
    return lines


def _evidence(e: EvidenceList) -> list[str]:
    lines = ["**Evidence**", ""]
    lines += [f"- {_inline(label)}: {_refs(refs)}" for label, refs in e.items]
    if e.note:
        lines += ["", f"*{_inline(e.note)}*"]
    return lines


def _passage(entry: AppendixEntry) -> list[str]:
    p, doc = entry.passage, entry.document
    title = (doc.title if doc and doc.title else p.title) or "Untitled document"
    meta = [f"**{_inline(title)}**"]
    if p.date:
        approximate = doc is not None and doc.date_note.startswith("approximate")
        meta.append(p.date + (" (date approximate)" if approximate else ""))
    meta.append(f"passage {p.passage}")
    if p.score is not None:
        meta.append(f"score {p.score:.2f}")
    if doc is not None and doc.url:
        meta.append(f"UN record [{_inline(doc.record or doc.url)}](<{doc.url}>)")
    if doc is not None and doc.source:
        meta.append(f"file `{doc.source}`")
    cited = ", ".join(label for _, label in entry.cited_by)
    return [
        f'<a id="{entry.ref.anchor}"></a>**[{entry.ref.number}]** ' + " · ".join(meta),
        "",
        f"> {_inline(charts.shorten(p.text, 480))}",
        "",
        f"`multivector doc {p.doc_id}`" + (f" (cited in {cited})" if cited else ""),
        "",
    ]
