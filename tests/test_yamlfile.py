"""Parsing YAML data files: once, with libyaml when present, the same data and lines either way,
and hostile files (recursive aliases, alias bombs, deep nesting, duplicate keys, huge integers)
rejected at their line within a second instead of hanging or raising a traceback."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import multivector
from multivector.adapters.yamlfile import (
    LIBYAML,
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    parse_yaml,
    read_yaml,
)
from multivector.errors import Problem, ValidationError

BOTH = pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "python"])
SHIPPED = sorted((Path(multivector.__file__).parent / "data").rglob("*.yaml"))


def rejected(text: str, *, libyaml: bool) -> Problem:
    """The one problem a hostile text gives, found within two seconds."""
    started = time.perf_counter()
    with pytest.raises(ValidationError) as exc:
        parse_yaml(text, "f.yaml", libyaml=libyaml)
    assert time.perf_counter() - started < 2.0
    [problem] = exc.value.problems
    assert problem.file == "f.yaml"
    return problem


# --------------------------------------------------------------------------- C and Python agree


@pytest.mark.skipif(not LIBYAML, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_libyaml_and_python_give_the_same_data_and_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = parse_yaml(text, path.name, libyaml=True)
    slow = parse_yaml(text, path.name, libyaml=False)
    assert fast.data == slow.data
    assert fast.lines == slow.lines
    assert len(fast.lines) > 100  # every value has its line, not just the top


def test_the_shipped_files_were_found() -> None:
    names = {p.name for p in SHIPPED}
    assert {"people.yaml", "countries.yaml", "codebook.yaml", "vectors.yaml"} <= names


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates().map(str),
)
_keys = st.text(alphabet="abcdefxyz_ -.:", min_size=1, max_size=8)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=80, deadline=None)
@given(data=_values, flow=st.booleans())
def test_any_data_reads_back_the_same_on_both_paths(data: Any, flow: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    fast = parse_yaml(text, "mem.yaml", libyaml=True)
    slow = parse_yaml(text, "mem.yaml", libyaml=False)
    assert fast.data == slow.data == data
    assert fast.lines == slow.lines


@BOTH
def test_dates_stay_strings_and_lines_point_at_keys_and_items(libyaml: bool) -> None:
    text = "id: x\nadopted: 2001-02-03\nitems:\n  - a\n  -\n    b: 1\n"
    doc = parse_yaml(text, "f.yaml", libyaml=libyaml)
    assert doc.data == {"id": "x", "adopted": "2001-02-03", "items": ["a", {"b": 1}]}
    assert doc.line_of(("adopted",)) == 2
    assert doc.line_of(("items",)) == 3
    assert doc.line_of(("items", 0)) == 4
    assert doc.line_of(("items", 1, "b")) == 6
    assert doc.line_of(("items", 1, "b", "deeper")) == 6  # the nearest ancestor


@BOTH
def test_empty_text_is_no_data(libyaml: bool) -> None:
    doc = parse_yaml("# nothing here\n", "f.yaml", libyaml=libyaml)
    assert doc.data is None and doc.line_of(()) is None


# --------------------------------------------------------------------------- aliases


@BOTH
def test_a_value_reused_through_an_alias_still_works(libyaml: bool) -> None:
    text = (
        "defaults: &d\n  lang: en\n  tier: ally\n"
        "first:\n  <<: *d\n  tier: partner\n"
        "second: *d\n"
        "list: [*d, *d]\n"
    )
    doc = parse_yaml(text, "f.yaml", libyaml=libyaml)
    assert doc.data["first"] == {"lang": "en", "tier": "partner"}
    assert doc.data["second"] == doc.data["list"][1] == {"lang": "en", "tier": "ally"}
    assert doc.line_of(("second", "tier")) == 3  # where the reused value is written


@BOTH
@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("a: &x [*x]\n", 1, "a[0]"),
        ("top:\n  loop: &m\n    name: m\n    again: *m\n", 2, "top.loop.again"),
        ("&x {a: *x, b: [*x]}\n", 1, "a"),
    ],
    ids=["sequence", "mapping", "root"],
)
def test_a_recursive_alias_is_a_located_problem(libyaml: bool, text: str, line: int,
                                                field: str) -> None:
    problem = rejected(text, libyaml=libyaml)
    assert (problem.line, problem.field) == (line, field)
    assert "alias refers to the value that contains it" in problem.message


def _laughs(levels: int, width: int = 10) -> str:
    """Each level lists the previous one ``width`` times: ``width ** levels`` values in all."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


@BOTH
def test_an_alias_bomb_is_rejected_without_expanding_it(libyaml: bool) -> None:
    problem = rejected(_laughs(9), libyaml=libyaml)  # a billion values once expanded
    assert f"more than {MAX_ALIAS_EXPANSION:,} values" in problem.message
    assert "alias bomb" in problem.message
    assert problem.line is not None and problem.field.startswith("l")


@BOTH
def test_the_alias_budget_counts_expanded_values(libyaml: bool) -> None:
    block = "[" + ", ".join(["v"] * 999) + "]"
    uses = MAX_ALIAS_EXPANSION // 1000  # each use repeats the list and its 999 items
    within = f"b: &b {block}\nuses: [{', '.join(['*b'] * uses)}]\n"
    assert len(parse_yaml(within, "f.yaml", libyaml=libyaml).data["uses"]) == uses
    beyond = f"b: &b {block}\nuses: [{', '.join(['*b'] * (uses + 1))}]\n"
    assert "alias bomb" in rejected(beyond, libyaml=libyaml).message


# --------------------------------------------------------------------------- nesting


def _nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth + "\n"


@BOTH
def test_nesting_is_allowed_up_to_the_limit(libyaml: bool) -> None:
    doc = parse_yaml(_nested(MAX_DEPTH - 1), "f.yaml", libyaml=libyaml)  # plus the scalar
    assert doc.data is not None


@BOTH
@pytest.mark.parametrize("depth", [MAX_DEPTH, 1000, 100_000])
def test_deeper_nesting_is_a_located_problem(libyaml: bool, depth: int) -> None:
    problem = rejected(_nested(depth), libyaml=libyaml)
    assert problem.line == 1
    assert f"nested more than {MAX_DEPTH} levels" in problem.message


@BOTH
def test_deep_block_mappings_give_the_same_line_on_both_paths(libyaml: bool) -> None:
    text = "".join("  " * i + "a:\n" for i in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "x\n"
    problem = rejected(text, libyaml=libyaml)
    assert problem.line == MAX_DEPTH + 1  # the first mapping one level too deep


@BOTH
def test_a_chain_of_aliases_counts_as_nesting(libyaml: bool) -> None:
    text = "k0: &k0 [0]\n" + "".join(f"k{i}: &k{i} [*k{i - 1}]\n" for i in range(1, 300))
    assert "nested more than" in rejected(text, libyaml=libyaml).message


# --------------------------------------------------------------------------- keys and values


@BOTH
def test_a_duplicate_key_names_both_lines(libyaml: bool) -> None:
    text = "id: x\nthemes:\n  - id: a\n    title: A\n    'id': b\n"
    problem = rejected(text, libyaml=libyaml)
    assert (problem.line, problem.field) == (5, "themes[0].id")
    assert problem.message.startswith("duplicate key 'id' (first at line 3)")


@BOTH
def test_every_duplicate_key_is_reported(libyaml: bool) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_yaml("a: 1\nb: 2\na: 3\nb: 4\n", "f.yaml", libyaml=libyaml)
    assert [(p.line, p.field) for p in exc.value.problems] == [(3, "a"), (4, "b")]


@BOTH
def test_keys_that_differ_in_type_are_not_duplicates(libyaml: bool) -> None:
    assert parse_yaml("1: int\n'1': text\n", "f.yaml", libyaml=libyaml).data == {
        1: "int",
        "1": "text",
    }


@BOTH
def test_a_list_as_key_is_a_located_problem(libyaml: bool) -> None:
    problem = rejected("a: 1\nb:\n  ? [x, y]\n  : 2\n", libyaml=libyaml)
    assert (problem.line, problem.field) == (3, "b")
    assert "key must be a plain value" in problem.message


@BOTH
def test_an_integer_beyond_the_digit_limit_is_a_located_problem(libyaml: bool) -> None:
    problem = rejected("id: x\nitems:\n  - 1\n  - " + "7" * 5000 + "\n", libyaml=libyaml)
    assert (problem.line, problem.field) == (4, "items[1]")
    assert problem.message.startswith("integer too long (5000 digits")


@BOTH
@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("a: 1\nb: !!timestamp 2001-02-30\n", "as timestamp (day is out of range"),
        ("a: 1\nb: !!int twelve\n", "'twelve' as int"),
        ("a: 1\nb: !!bool perhaps\n", "'perhaps' as bool"),
    ],
    ids=["date", "int", "bool"],
)
def test_a_value_its_tag_cannot_read_is_a_located_problem(libyaml: bool, text: str,
                                                          needle: str) -> None:
    problem = rejected(text, libyaml=libyaml)
    assert (problem.line, problem.field) == (2, "b")
    assert needle in problem.message and "quote it as text" in problem.message


@BOTH
def test_a_control_character_names_its_line(libyaml: bool) -> None:
    problem = rejected("a: café\nb: ok\nc: x\x01y\n", libyaml=libyaml)
    assert (problem.line, problem.field) == (3, "(syntax)")


@BOTH
def test_a_second_document_is_a_located_problem(libyaml: bool) -> None:
    problem = rejected("a: 1\n---\nb: 2\n", libyaml=libyaml)
    assert problem.line == 2 and "one document per file" in problem.message


@BOTH
def test_python_tags_are_refused(libyaml: bool) -> None:
    problem = rejected("a: !!python/object/apply:os.system [echo]\n", libyaml=libyaml)
    assert problem.line == 1 and problem.field == "(syntax)"


_PIECES = ["a", "b", ":", " ", "\n", "  ", "- ", "[", "]", "{", "}", ",", "&x ", "*x", "&y ",
           "*y", "!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!set ", "!!omap ", "!!binary ",
           "!!map ", "!!seq ", "<<: ", "? ", "'", '"', "1", "2001-02-30", "---\n", "%YAML 1.1\n",
           "#c", "|\n", "~", "\t", "!local ", "0x", ":30", "\x01"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_any_text_parses_or_gives_located_problems(text: str) -> None:
    for libyaml in (True, False):
        try:
            parse_yaml(text, "f.yaml", libyaml=libyaml)
        except ValidationError as exc:
            assert exc.problems and all(p.file == "f.yaml" for p in exc.problems)


# --------------------------------------------------------------------------- files


def test_a_file_that_is_not_utf8_names_the_line_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("id: x\ntitle: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(ValidationError) as exc:
        read_yaml(path)
    [problem] = exc.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 2, "(encoding)")
    assert "save the file as UTF-8" in problem.message


def test_a_folder_or_a_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    for path, needle in [(tmp_path, "is a folder"), (tmp_path / "gone.yaml", "cannot read")]:
        with pytest.raises(ValidationError) as exc:
            read_yaml(path)
        assert needle in exc.value.problems[0].message


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfid: x\n")
    assert read_yaml(path).data == {"id": "x"}

