"""What people read on a terminal: tables that fit the console, one block per record when they
cannot, long text cut in tables and whole in blocks, short document ids, Markdown with HTML
inert, and data never read as rich markup. Documents are built by hand."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from multivector.adapters import knowledge_files as kf
from multivector.adapters.yamlfile import parse_yaml
from multivector.domain.diff import diff_editions
from multivector.interfaces.diffview import print_diff
from multivector.interfaces.output import (
    MIN_CELL,
    SHORT_ID,
    Format,
    column_widths,
    hanging,
    render,
    short_ids,
    to_markdown,
)
from tests.conftest import base_edition

WIDTHS = (80, 120)
LONG = (
    "The concept sees trust among international actors falling and conflicts multiplying, in "
    "part because multilateral bodies for security and dialogue work less well and preventive "
    "diplomacy and conflict settlement achieve little."
)
IDS = [f"{n:02d}" + "ab" * 31 for n in range(3)]  # three 64-hex document ids


def editions_doc() -> dict[str, Any]:
    """Like `multivector concepts`: twelve columns, long titles, numbers."""
    rows = [
        {
            "id": f"tst/{year}-{year + 10}",
            "country": "KAZ",
            "title": f"Foreign Policy Concept of the Republic of Testland for {year}-{year + 10}",
            "period": f"{year}-{year + 10}",
            "adopted": f"{year}-03-06",
            "legal_act": f"Decree No. {year % 1000} of 6 March {year}",
            "supersedes": f"tst/{year - 10}-{year}",
            "elements": 51,
            "official": 5,
            "secondary": 46,
            "unverified": 0,
            "completeness": "fragmentary",
            "summary": LONG,
        }
        for year in (1995, 2005, 2015)
    ]
    return {"editions": rows}


def themes_doc(n: int = 12) -> dict[str, Any]:
    """Many short records with one long text column: a table that cuts the text."""
    return {
        "codebook": "test-themes",
        "themes": [
            {"id": f"theme.number_{i}", "label": f"Label {i}", "labels": i, "definition": LONG}
            for i in range(n)
        ],
    }


def narrow_doc() -> dict[str, Any]:
    return {"aliases": [{"text": "Eurasian Economic Union", "lang": "en", "kind": "name"},
                        {"text": "EAEU", "lang": "en", "kind": "abbreviation"}]}


def show(doc: dict[str, Any], width: int, title: str | None = None) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    assert render(doc, Format.table, title=title, console=console) is None
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def words_of(doc: Any) -> set[str]:
    """Every word of every key and value, and the parts a column name may wrap into."""
    found: set[str] = set()
    if isinstance(doc, dict):
        for k, v in doc.items():
            found |= {k, f"{k}:", *re.split(r"(?<=_)", k)} | words_of(v)
    elif isinstance(doc, list):
        for v in doc:
            found |= words_of(v)
    else:
        found |= {w.strip(",;") for w in str(doc).split()}
    return found


def fragments(out: str, doc: dict[str, Any]) -> list[str]:
    """Tokens printed that are neither a whole word of the document nor a cut one (``Fore…``):
    what a column folded letter by letter leaves behind."""
    known = words_of(doc)
    bad = []
    out = out.replace(" …", "…")  # rich pads a cut before a wide character
    for token in re.split(r"[\s│┃┏┓┗┛┡┩└┘┳┻╇┴━─]+", out):
        token = token.strip(",;")
        if not token or token in known or re.fullmatch(r"\(\d+\)|•|\(no", token):
            continue  # a count, a bullet, a heading "(no id)"
        if token.endswith(")") and token[:-1] in known:
            continue
        if token.endswith("…") and any(w.startswith(token[:-1]) for w in known):
            continue
        bad.append(token)
    return bad


def assert_fits(out: str, width: int) -> None:
    wide = [line for line in out.splitlines() if cell_len(line) > width]
    assert not wide, wide[:3]
    assert all(line == line.rstrip() for line in out.splitlines())


# ------------------------------------------------------------------------------- the layout


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("make", [editions_doc, themes_doc, narrow_doc])
def test_every_line_fits_and_no_word_is_folded(make: Any, width: int) -> None:
    doc = make()
    out = show(doc, width)
    assert_fits(out, width)
    assert not fragments(out, doc)


def test_the_fragment_check_sees_a_folded_column() -> None:
    # rich's own table at 80 columns folds these columns into pieces of words
    from rich.table import Table

    doc = editions_doc()
    console = Console(width=80, file=io.StringIO(), color_system=None)
    table = Table()
    rows = doc["editions"]
    for c in rows[0]:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    console.print(table)
    assert fragments(console.file.getvalue(), doc)  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_records_print_as_blocks_with_the_id_as_heading(width: int) -> None:
    doc = editions_doc()
    out = show(doc, width)
    lines = out.splitlines()
    assert "┃" not in out and lines[0] == "editions (3)"
    for row in doc["editions"]:
        heading = next(line for line in lines if line.startswith(row["id"] + " "))
        assert set(heading[len(row["id"]):].strip()) == {"─"}  # the id, then a rule
    assert "  id:" not in out  # the heading, not a field
    assert "  country:" in out and "  title:" in out and "  unverified:" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_blocks_show_long_text_whole_under_a_hanging_indent(width: int) -> None:
    out = show(editions_doc(), width)
    block = out.split("\n\n")[0].splitlines()
    start = next(i for i, line in enumerate(block) if line.startswith("  summary:"))
    column = block[start].index(LONG.split()[0])
    text = [block[start][column:]]
    for line in block[start + 1:]:
        if line[:column].strip():
            break
        assert line.startswith(" " * column) and not line[column].isspace()
        text.append(line[column:])
    assert len(text) > 1  # it wrapped
    assert " ".join(text) == LONG and "…" not in out


@pytest.mark.parametrize("width", WIDTHS)
def test_tables_cut_long_text_with_a_marker_and_keep_ids_whole(width: int) -> None:
    doc = themes_doc()
    out = show(doc, width)
    assert "┃" in out  # many short records: a table
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == len(doc["themes"])
    for line, theme in zip(rows, doc["themes"], strict=True):
        cells = [c.strip() for c in line.strip("│").split("│")]
        assert cells[0] == theme["id"]
        assert cells[-1].endswith("…") and LONG.startswith(cells[-1][:-1])
        assert len(cells[-1]) >= MIN_CELL


def test_a_table_that_fits_is_printed_whole() -> None:
    out = show(narrow_doc(), 80)
    assert "┃ text" in out and "Eurasian Economic Union" in out and "…" not in out


def test_a_few_records_are_read_whole_rather_than_cut() -> None:
    out = show(themes_doc(2), 120)
    assert "┃" not in out and LONG.split()[-1] in out


def test_column_widths_give_way_down_to_a_minimum_then_give_up() -> None:
    columns = ["id", "label", "text"]
    cells = [["theme.one", "short", "x" * 200]]
    assert column_widths(columns, [["a", "b", "c"]], 80) == [2, 5, 4]  # natural
    widths = column_widths(columns, cells, 80)
    assert widths is not None and sum(widths) + 3 * 3 + 1 == 80 and widths[:2] == [9, 5]
    assert column_widths(columns, [["i" * 60, "x" * 40, "y" * 40]], 80) is None
    # a long column name wraps between its words instead of forcing the table wider
    assert column_widths(["one_minus_hhi_high"], [["0.5"]], 10) == [6]


def test_scalars_wrap_under_their_value_column() -> None:
    out = show({"edition": "tst/2020-2030", "statement": LONG}, 80)
    lines = out.splitlines()
    assert lines[0] == "edition:   tst/2020-2030"
    assert lines[1].startswith("statement: The concept") and lines[2].startswith(" " * 11)
    assert_fits(out, 80)


def test_hanging_indent() -> None:
    console = Console(width=30, file=io.StringIO())
    lines = [t.plain for t in hanging("alpha beta gamma delta epsilon zeta eta theta iota kappa",
                                      console, indent=2, hang=6)]
    assert lines == ["  alpha beta gamma delta", "      epsilon zeta eta theta",
                     "      iota kappa"]


# ------------------------------------------------------------------------------ document ids


def test_short_ids_are_twelve_characters_unless_two_share_them() -> None:
    assert set(short_ids(IDS).values()) == {i[:SHORT_ID] for i in IDS}
    twins = ["a" * 13 + "1" * 51, "a" * 13 + "2" * 51, "b" * 64]
    assert set(short_ids(twins).values()) == {"a" * 13 + "1", "a" * 13 + "2", "b" * 14}
    assert short_ids([]) == {}


def corpus_doc() -> dict[str, Any]:
    return {
        "hits": [{"doc_id": i, "passage": n, "snippet": "nuclear weapons"}
                 for n, i in enumerate(IDS)],
        "events": [{"date": "1992", "doc": f"{IDS[0]}:9", "evidence": "At the forty-seventh"}],
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_document_ids_show_as_short_prefixes_on_the_terminal(width: int) -> None:
    out = show(corpus_doc(), width)
    assert not any(i in out for i in IDS)
    assert all(i[:SHORT_ID] in out for i in IDS) and f"{IDS[0][:SHORT_ID]}:9" in out
    assert IDS[0][:SHORT_ID + 1] not in out


def test_a_document_id_printed_above_is_not_repeated_in_each_row() -> None:
    doc = {"doc_id": IDS[0], "title": "A speech",
           "annotations": [{"doc_id": IDS[0], "passage": p, "label": "KAZ"} for p in range(8)]}
    out = show(doc, 80)
    assert out.count(IDS[0][:SHORT_ID]) == 1 and "┃ passage" in out


@pytest.mark.parametrize("fmt", [Format.json, Format.csv, Format.yaml])
def test_machine_formats_keep_full_ids(fmt: Format) -> None:
    out = render(corpus_doc(), fmt, csv_rows="hits")
    assert out is not None and all(i in out for i in IDS)
    if fmt is Format.json:
        assert [h["doc_id"] for h in json.loads(out)["hits"]] == IDS
    if fmt is Format.yaml:
        assert yaml.safe_load(out)["events"][0]["doc"] == f"{IDS[0]}:9"
    if fmt is Format.csv:
        assert [r["doc_id"] for r in csv.DictReader(io.StringIO(out))] == IDS


# ---------------------------------------------------------------------------------- escaping

HOSTILE = {
    "title": "<script>alert(1)</script> & co",
    "note": "[bold]not bold[/bold] [red]x[/red] :warning: [link=http://x]y[/link]",
    "passages": [{"id": "p1", "text": "a <img src=x onerror=alert(1)> | b\nc [bold]d"}],
}


def test_markdown_makes_html_inert_everywhere() -> None:
    md = to_markdown(HOSTILE, title="<b>Report</b>")
    assert "<" not in md and ">" not in md
    assert md.startswith("# &lt;b&gt;Report&lt;/b&gt;\n")
    assert "- **title**: &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in md
    row = next(line for line in md.splitlines() if line.startswith("| p1"))
    assert row == "| p1 | a &lt;img src=x onerror=alert(1)&gt; \\| b c \\[bold\\]d |"


@pytest.mark.parametrize("width", WIDTHS)
def test_rich_markup_in_data_prints_literally(width: int) -> None:
    many = copy.deepcopy(HOSTILE)
    many["passages"] *= 8  # a table as well as blocks
    for doc in (HOSTILE, many):
        out = show(doc, width, title="[bold]Title[/bold]")
        assert "[bold]Title[/bold]" in out
        assert "[bold]not bold[/bold] [red]x[/red] :warning: [link=http://x]y[/link]" in out
        assert "[bold]d" in out and "<script>alert(1)</script>" in out


# ------------------------------------------------------------------------------- the diff view


def edition(data: dict[str, Any]) -> Any:
    return kf.load_edition_document(parse_yaml(yaml.safe_dump(data), f"{data['id']}.yaml"))


def diff_text(width: int, **title: str) -> str:
    old = base_edition()
    new = copy.deepcopy(old)
    new.update(id="tst/2011-2020", period={"start": 2011, "end": 2020}, supersedes=old["id"],
               **title)
    new["elements"].append({
        "id": "priority.bilateral.china", "kind": "priority", "domain": "bilateral",
        "title": "China [bold]" + " and the whole of East Asia" * 4,
        "summary": "Develop the partnership with China.", "themes": ["economy.trade"],
        "partners": [{"actor": "CHN", "wording": "comprehensive strategic partnership "
                      "[red]" * 3, "tier": "comprehensive_strategic_partnership"}],
        "parent": "ch2", "order": 4,
        "evidence": [{"source": "text", "locator": "ch. 2 para 4 " * 12, "level": "official"}],
    })
    console = Console(width=width, file=io.StringIO(), color_system=None)
    print_diff(diff_editions(edition(old), edition(new)), console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_diff_lines_fit_and_wrap_under_their_indent(width: int) -> None:
    out = diff_text(width, title="Test concept [bold]2011-2020[/bold] <b>")
    assert_fits(out, width)
    lines = out.splitlines()
    added = next(i for i, line in enumerate(lines) if line.startswith("  + priority.bilateral"))
    assert lines[added + 1].startswith("    ") and not lines[added + 1][4].isspace()
    assert "[bold]" in out and "[red]" in out and "[bold]2011-2020[/bold] <b>" in out
    relation = next(i for i, line in enumerate(lines) if line.startswith("  + CHN   "))
    assert lines[relation + 1].startswith(" " * 10) and not lines[relation + 1][10].isspace()


# ------------------------------------------------------------------------- random documents

_word = st.text(st.characters(codec="utf-8", categories=("L", "N", "P")), min_size=1, max_size=14)
_text = st.lists(_word, min_size=0, max_size=40).map(" ".join)
_row = st.fixed_dictionaries(
    {"id": _word},
    optional={
        f"field_{i}": st.one_of(_text, st.integers(-10**12, 10**12),
                                st.floats(-1e9, 1e9, allow_nan=False))
        for i in range(9)
    },
)


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(_row, min_size=1, max_size=8), width=st.sampled_from(WIDTHS))
def test_any_document_fits_the_console_without_folded_words(
    rows: list[dict[str, Any]], width: int
) -> None:
    doc = {"records": rows}
    out = show(doc, width)
    assert_fits(out, width)
    numbers = {_num(v) for r in rows for v in r.values() if isinstance(v, (int, float))}
    assert not [f for f in fragments(out, doc) if f not in numbers]


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def test_markdown_shows_links_and_images_in_data_as_written() -> None:
    from multivector.interfaces.output import to_markdown

    doc = {"title": "![pixel](http://tracker.example/p.gif)",
           "rows": [{"text": "see [here](javascript:alert(1)) and *this*"}]}
    md = to_markdown(doc)
    assert "![pixel](" not in md and "[here](" not in md and "*this*" not in md
    assert r"\!\[pixel\](http://tracker.example/p.gif)" in md
