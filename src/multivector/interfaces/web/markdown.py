"""A small Markdown renderer for documents the application writes itself (a model card):
headings, paragraphs, bullet lists, pipe tables, ``**bold**`` and `` `code` ``. Every piece of text
is escaped before any markup is added, and nothing else (links, images, raw HTML) is read as
markup, so whatever the text holds renders as text."""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_HEADING = re.compile(r"(#{1,6})\s+(.*)")
_BULLET = re.compile(r"[-*]\s+(.*)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"(`[^`]+`)")
_RULE = re.compile(r"\s*:?-{3,}:?\s*")


def inline(text: str) -> str:
    """``text`` escaped, with `` `code` `` and ``**bold**`` spans as markup (none inside code)."""
    out = []
    for part in _CODE.split(text):
        if len(part) > 2 and part.startswith("`") and part.endswith("`"):
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
        else:
            out.append(_BOLD.sub(r"<strong>\1</strong>", html.escape(part)))
    return "".join(out)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _table(rows: list[str]) -> str:
    head, body = _cells(rows[0]), rows[1:]
    right: list[bool] = []
    if body and all(_RULE.fullmatch(c) for c in _cells(body[0])):
        right = [c.endswith(":") for c in _cells(body[0])]
        body = body[1:]

    def cls(i: int) -> str:
        return ' class="num"' if i < len(right) and right[i] else ""

    out = ['<div class="table-wrap"><table class="compact"><thead><tr>']
    out += [f'<th scope="col"{cls(i)}>{inline(c)}</th>' for i, c in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for row in body:
        out.append("<tr>" + "".join(f"<td{cls(i)}>{inline(c)}</td>"
                                    for i, c in enumerate(_cells(row))) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def render(text: str, *, shift: int = 1) -> Markup:
    """``text`` as HTML; headings go ``shift`` levels down (the page has its own ``h1``)."""
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []
    rows: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(f"<p>{inline(' '.join(para))}</p>")
            para.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{inline(x)}</li>" for x in items) + "</ul>")
            items.clear()
        if rows:
            blocks.append(_table(rows))
            rows.clear()

    for raw in text.splitlines():
        line = raw.strip()
        heading = _HEADING.fullmatch(line)
        bullet = _BULLET.fullmatch(line)
        if not line:
            flush()
        elif heading:
            flush()
            level = min(len(heading.group(1)) + shift, 6)
            blocks.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif line.startswith("|"):
            if not rows:
                flush()
            rows.append(line)
        elif bullet:
            if para or rows:
                flush()
            items.append(bullet.group(1))
        elif items:  # a continuation of the last item
            items[-1] += " " + line
        else:
            if rows:
                flush()
            para.append(line)
    flush()
    return Markup("\n".join(blocks))  # every piece of text went through inline()
