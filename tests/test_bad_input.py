"""Bad input never hangs or crashes: each case gets a one-line message naming the file (and the
line or field), a non-zero exit, no traceback, within seconds, and nothing stored is lost.

Every case runs the real command line in a subprocess with a time limit, so that a hang fails the
test instead of stalling the suite, and a traceback on standard error is seen as one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT = 30.0  # seconds; each case should answer in a few


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float


def cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        limit: float = TIME_LIMIT) -> Outcome:
    """Run ``multivector ARGS`` in a fresh interpreter; a hang beyond ``limit`` fails the test."""
    import time

    started = time.perf_counter()
    full_env = {**os.environ, "COLUMNS": "120", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "multivector", *map(str, args)],
        capture_output=True, text=True, timeout=limit, cwd=cwd, env=full_env,
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - started)


def assert_clean_failure(out: Outcome, *needles: str) -> None:
    """Non-zero exit, no traceback, and an ``error:``/``failed:`` line naming every needle."""
    assert out.code != 0, out
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout, out.stderr
    lines = [x for x in out.stderr.splitlines() if x.startswith(("error:", "failed:"))]
    assert lines, out.stderr
    assert any(all(n in line for n in needles) for line in lines), (needles, out.stderr)


# ----------------------------------------------------------------------------------------- YAML


def assert_validate_problem(out: Outcome, path: Path | str, line: int | None,
                            *needles: str) -> None:
    """`validate` exits 1 with no traceback and prints ``path:line: field: message`` lines on
    standard output (not ``error:`` lines); one of them names every needle."""
    assert out.code == 1, out
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout, out.stderr
    where = f"{path}:{line}: " if line is not None else f"{path}:"
    found = [x for x in out.stdout.splitlines() if x.startswith(where)]
    assert any(all(n in x for n in needles) for x in found), (where, needles, out.stdout)


def _billion_laughs() -> str:
    """Nine levels of ten aliases each: a billion values once expanded, 91 as written."""
    lines = ["id: x", "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


HOSTILE_YAML = {  # case: (text, line of the problem or None, field, words of the message)
    "recursive-alias": ("id: x\nitems: &x [a, *x]\n", 2, "items[1]",
                        "alias refers to the value that contains it"),
    "alias-bomb": (_billion_laughs(), None, "l", "(an alias bomb?); write the values out"),
    "huge-integer": ("id: x\ncount: " + "9" * 5000 + "\n", 2, "count", "integer too long"),
    "duplicate-key": ("id: x\ntitle: A\nid: y\n", 3, "id", "duplicate key 'id' (first at line 1)"),
    "deep-nesting": ("id: x\nitems: " + "[" * 100_000 + "]" * 100_000 + "\n", 2, "(syntax)",
                     "levels deep; flatten the data"),
}


def _validate_hostile(tmp_path: Path, case: str) -> None:
    text, line, field, words = HOSTILE_YAML[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    out = cli("validate", path, limit=10)
    assert_validate_problem(out, path, line, f": {field}", words)


def test_a_recursive_alias_is_a_located_problem(tmp_path: Path) -> None:
    _validate_hostile(tmp_path, "recursive-alias")


def test_an_alias_bomb_is_refused_in_seconds(tmp_path: Path) -> None:
    _validate_hostile(tmp_path, "alias-bomb")


def test_an_integer_beyond_the_digit_limit_is_a_located_problem(tmp_path: Path) -> None:
    _validate_hostile(tmp_path, "huge-integer")


def test_a_duplicate_key_is_a_located_problem(tmp_path: Path) -> None:
    _validate_hostile(tmp_path, "duplicate-key")


def test_deep_nesting_is_a_located_problem(tmp_path: Path) -> None:
    _validate_hostile(tmp_path, "deep-nesting")


def test_show_of_a_recursive_alias_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").write_text("id: x\nitems: &x [a, *x]\n", encoding="utf-8")
    out = cli("show", "loop.yaml", cwd=tmp_path, limit=10)  # a short path keeps one line
    assert_clean_failure(out, "loop.yaml:2: items[1]:", "alias refers")


def test_unreadable_files_in_a_folder_each_say_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (tmp_path / "latin.yaml").write_bytes("id: x\ntitle: Caf\xe9\n".encode("latin-1"))
    (tmp_path / "folder.yaml").mkdir()
    out = cli("validate", tmp_path, limit=10)
    assert_validate_problem(out, tmp_path / "empty.yaml", None, "the file is empty",
                            "multivector schema")
    assert_validate_problem(out, tmp_path / "latin.yaml", 2, "(encoding)", "save the file as UTF-8")
    assert_validate_problem(out, tmp_path / "folder.yaml", None, "is a folder")
    assert "3 file(s) checked, 3 with problems" in out.stderr


def test_a_parent_cycle_in_an_edition_names_the_element(edition_data, write_yaml) -> None:
    data = edition_data()
    data["structure"][1]["parent"] = "priority.old"  # priority.old's parent is ch2
    path = write_yaml("cycle.yaml", data)
    out = cli("validate", path, limit=20)
    line = next(i for i, x in enumerate(path.read_text().splitlines(), 1) if "priority.old" in x
                and "parent" in x)
    assert_validate_problem(out, path, line, "structure[1].parent",
                            "parent cycle ch2 -> priority.old -> ch2")


# ---------------------------------------------------------------------- archives and text files


# --------------------------------------------------------------------------------------- search


# ---------------------------------------------------------------------------------------- store


# ------------------------------------------------------------------------------ output escaping


# ----------------------------------------------------------------------------- files and tables
