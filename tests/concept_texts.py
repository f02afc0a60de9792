"""The team's own concept texts in the official layout (tests/fixtures/concepts/), and the same
text written as DOCX, HTML and PDF, for the import tests."""

from __future__ import annotations

import html
from pathlib import Path

CONCEPTS = Path(__file__).resolve().parent / "fixtures" / "concepts"


def to_html(text: str, title: str = "Concept") -> str:
    """A page with a paragraph per line, as legal databases publish acts."""
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title></head><body><article>\n{body}\n</article></body></html>")


def write_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(text: str, path: Path) -> Path:
    import weasyprint

    page = to_html(text).replace(
        "<head>", "<head><style>@page{size:A4;margin:2cm} body{font:11pt serif}"
        " p{margin:0 0 4pt 0}</style>", 1)
    weasyprint.HTML(string=page).write_pdf(str(path))
    return path


def write_formats(name: str, folder: Path) -> dict[str, Path]:
    """``name`` (a .txt fixture) as txt, docx, html and pdf files in ``folder``."""
    text = (CONCEPTS / name).read_text(encoding="utf-8")
    stem = Path(name).stem
    txt = folder / f"{stem}.txt"
    txt.write_text(text, encoding="utf-8")
    page = folder / f"{stem}.html"
    page.write_text(to_html(text), encoding="utf-8")
    return {"txt": txt, "html": page, "docx": write_docx(text, folder / f"{stem}.docx"),
            "pdf": write_pdf(text, folder / f"{stem}.pdf")}
