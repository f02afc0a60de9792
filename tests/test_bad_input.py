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

import pytest

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

HUGE_CHARS = 21_000_000  # past the default cap of 20,000,000 characters, within --max-mb 50


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Outcome]:
    """One folder of files that would hang or exhaust a careless reader, ingested once: a zip
    bomb, a PDF stream bomb, 21 million characters of text, a link loop, a dangling link."""
    from tests.test_ingest_readers import deflated, docx_bomb, minimal_pdf

    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    (folder / "inner").mkdir(parents=True)
    (folder / "good.txt").write_text("Kazakhstan and Uzbekistan agreed to share the water of the "
                                     "Syr Darya in a new treaty.", encoding="utf-8")
    (folder / "bomb.docx").write_bytes(docx_bomb(300))  # 300 MiB from some 300 KB
    data, _, _ = deflated((b" " * (1 << 20), 120))
    (folder / "bomb.pdf").write_bytes(minimal_pdf([], deflated=b"\x78\xda" + data + b"\0" * 4))
    line = "The delegation spoke about water sharing and the transit corridor.\n"
    (folder / "huge.txt").write_text(line * (HUGE_CHARS // len(line) + 1), encoding="utf-8")
    if hasattr(os, "symlink"):
        (folder / "inner" / "up").symlink_to("..")
        (folder / "gone.txt").symlink_to("nowhere.txt")
    return folder, cli("ingest", folder, "--db", folder.parent / "x.db", "-q", limit=60)


def test_a_zip_bomb_docx_is_refused_with_the_cap(hostile_folder: tuple[Path, Outcome]) -> None:
    folder, out = hostile_folder
    assert_clean_failure(out, str(folder / "bomb.docx"), "unpacks to", "100,000,000-byte cap",
                         "--max-unpacked-mb")


def test_a_pdf_stream_bomb_is_refused(hostile_folder: tuple[Path, Outcome]) -> None:
    if not hasattr(pytest.importorskip("pypdf.errors"), "LimitReachedError"):
        pytest.skip("this pypdf has no limit on inflated streams")
    folder, out = hostile_folder
    assert_clean_failure(out, str(folder / "bomb.pdf"), "safety limit")


def test_text_past_the_character_cap_stops_there(hostile_folder: tuple[Path, Outcome]) -> None:
    folder, out = hostile_folder
    assert_clean_failure(out, str(folder / "huge.txt"), "more than 20,000,000 characters",
                         "split the file", "--max-chars")
    assert out.seconds < 30


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_link_loops_and_dangling_links_are_reported(hostile_folder: tuple[Path, Outcome]) -> None:
    folder, out = hostile_folder
    up = folder / "inner" / "up"
    assert_clean_failure(out, f"{up}: symbolic link loop at {up}", "skipped")
    assert_clean_failure(out, str(folder / "gone.txt"), "dangling symbolic link", "skipped")


def test_the_rest_of_a_hostile_folder_is_ingested(hostile_folder: tuple[Path, Outcome]) -> None:
    _, out = hostile_folder
    assert out.code == 1 and "1 ingested" in out.stderr, out.stderr


# --------------------------------------------------------------------------------------- search

FAST = ('{"components": ["segment", "actors", "dates", "embed", "themes", "elements", "events"],'
        ' "settings": {"embed": {"embedder": "hashing"}}}')


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small corpus stored by the CLI: (database, pipeline config)."""
    root = tmp_path_factory.mktemp("stored")
    config = root / "fast.json"
    config.write_text(FAST, encoding="utf-8")
    texts = root / "texts"
    texts.mkdir()
    (texts / "one.txt").write_text(
        "Kazakhstan and Russia signed a treaty on the Caspian Sea in 2018.", encoding="utf-8")
    (texts / "two.txt").write_text(
        "Kazakhstan hosted talks on Syria in Astana in 2017, and China took part.",
        encoding="utf-8")
    db = root / "corpus.db"
    out = cli("ingest", texts, "--db", db, "--config", config, "-q")
    assert out.code == 0, out.stderr
    return db, config


def test_a_huge_query_is_refused_before_any_work(stored: tuple[Path, Path]) -> None:
    db, _ = stored
    out = cli("search", "Kazakhstan " * 10_000, "--db", db)
    assert out.code == 2 and out.seconds < TIME_LIMIT
    assert_clean_failure(out, "characters")
    many = " ".join(f"word{i}" for i in range(3_000))  # thousands of terms, under the size cap
    out = cli("search", many[:1_999], "--db", db)
    assert_clean_failure(out, "terms")
    assert out.code == 2
    out = cli("search", "x" * 30_000, "--semantic", "--db", db)
    assert_clean_failure(out, "semantic")


@pytest.mark.parametrize("limit", ["0", "-5", "100000000"])
def test_a_limit_out_of_range_is_a_usage_error(stored: tuple[Path, Path], limit: str) -> None:
    db, _ = stored
    out = cli("search", "Kazakhstan", "--limit", limit, "--db", db)
    assert out.code == 2
    assert_clean_failure(out, "--limit")


def test_a_syntax_error_exits_apart_from_no_hits(stored: tuple[Path, Path]) -> None:
    db, _ = stored
    bad = cli("search", '"unclosed phrase', "--db", db)
    assert bad.code == 2
    assert_clean_failure(bad, "unclosed quote")
    none = cli("search", "Zanzibar", "--db", db)
    assert none.code == 1 and "Traceback" not in none.stderr and "no passages found" in none.stderr
    hit = cli("search", "Caspian", "--db", db)
    assert hit.code == 0 and "Caspian" in hit.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (["--country", "XYZ"], "--country: unknown country 'XYZ'"),
    (["--country", "Kazakhstan"], "did you mean KAZ"),
    (["--actor", "Russia"], "did you mean RUS"),
    (["--theme", "econmy"], "did you mean economy"),
    (["--lang", "de"], "unknown language 'de'"),
    (["--vector", "rusia"], "did you mean russia"),
    (["--event", "visits"], "did you mean visit"),
    (["--from", "2020", "--to", "2010"], "later than --to"),
    (["--from", "yesterday"], "not a date"),
])
def test_unknown_filter_values_are_usage_errors(
    stored: tuple[Path, Path], args: list[str], needle: str
) -> None:
    db, _ = stored
    out = cli("search", "Kazakhstan", *args, "--db", db)
    assert out.code == 2, out
    assert_clean_failure(out, needle)


def test_a_document_is_found_by_a_unique_prefix(stored: tuple[Path, Path]) -> None:
    db, _ = stored
    import json

    hits = json.loads(cli("search", "Caspian", "--db", db, "-f", "json").stdout)["hits"]
    full = hits[0]["doc_id"]
    shown = cli("doc", full[:8], "--db", db, "-f", "json")
    assert shown.code == 0 and json.loads(shown.stdout)["doc_id"] == full
    assert_clean_failure(cli("doc", "zz", "--db", db), "not a document id")
    assert_clean_failure(cli("doc", "0000000000", "--db", db), "no document")



# ---------------------------------------------------------------------------------------- store


def _count(db: Path) -> tuple[int, str]:
    import sqlite3

    with sqlite3.connect(db) as c:
        return (c.execute("SELECT count(*) FROM documents").fetchone()[0],
                c.execute("PRAGMA integrity_check").fetchone()[0])


def _long_text(folder: Path) -> Path:
    path = folder / "long.txt"
    path.write_text("\n\n".join(
        f"Paragraph {i}: Kazakhstan discussed trade, water and energy with its neighbours in "
        f"Central Asia, and the ministers agreed to meet again in {1990 + i % 30}." for i in
        range(400)), encoding="utf-8")
    return path


def test_a_read_only_database_stops_ingest_and_keeps_what_it_holds(
    stored: tuple[Path, Path], tmp_path: Path
) -> None:
    db, config = stored
    before = _count(db)
    out = cli("ingest", _long_text(tmp_path), "--db", f"file:{db}?mode=ro", "--config", config,
              "-q")
    assert out.code == 1
    assert_clean_failure(out, "read-only", str(db))
    assert "0 ingested" in out.stderr and "kept" in out.stderr
    assert _count(db) == before
    # read commands work on the read-only database (an SQLite URI as --db)
    found = cli("search", "Caspian", "--db", f"file:{db}?mode=ro")
    assert found.code == 0 and "Caspian" in found.stdout


def test_a_locked_database_answers_within_seconds(
    stored: tuple[Path, Path], tmp_path: Path
) -> None:
    import sqlite3

    db, config = stored
    before = _count(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        out = cli("ingest", _long_text(tmp_path), "--db", db, "--config", config, "-q",
                  env={"MULTIVECTOR_BUSY_TIMEOUT": "1"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert out.code == 1 and out.seconds < 20
    assert_clean_failure(out, "locked", str(db))
    assert _count(db) == before


def test_a_full_disk_stops_ingest_and_keeps_what_it_holds(
    stored: tuple[Path, Path], tmp_path: Path
) -> None:
    """The file-size limit of the process stands in for a full disk: writes past it fail."""
    import resource
    import shutil
    import signal

    db, config = stored
    copy = tmp_path / "full.db"
    shutil.copy(db, copy)
    before = _count(copy)
    limit = copy.stat().st_size + 16_384

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, no kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "multivector", "ingest", str(_long_text(tmp_path)), "--db",
         str(copy), "--config", str(config), "-q"],
        capture_output=True, text=True, timeout=TIME_LIMIT, preexec_fn=small_files,
    )
    out = Outcome(proc.returncode, proc.stdout, proc.stderr, 0.0)
    assert out.code == 1
    assert_clean_failure(out, "disk", str(copy))
    assert _count(copy) == before



# ------------------------------------------------------------------------------ output escaping

HOSTILE_TITLE = '<script>alert("title")</script> [bold]T[/bold]'
HOSTILE_TEXT = ("Kazakhstan supports nuclear disarmament <img src=x onerror=alert(1)> | "
                "[red]now[/red].")


@pytest.mark.slow  # 5-7 s: kept for the CI's slow pass, the default run stays < 5 min
def test_markdown_and_tables_of_a_hostile_document_stay_inert(tmp_path: Path) -> None:
    """HTML in a title and a passage comes out as text in Markdown; rich markup prints as is."""
    import json

    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps({"title": HOSTILE_TITLE, "text": HOSTILE_TEXT}) + "\n",
                      encoding="utf-8")
    db = tmp_path / "c.db"
    ingested = cli("ingest", source, "--db", db, "--lang", "en")
    assert ingested.code == 0, ingested.stderr
    found = cli("search", "nuclear", "--db", db, "-f", "json")
    assert found.code == 0, found.stderr
    doc_id = json.loads(found.stdout)["hits"][0]["doc_id"]

    for args in (("search", "nuclear"), ("doc", doc_id)):
        md = cli(*args, "--db", db, "-f", "md")
        assert md.code == 0 and "Traceback" not in md.stderr, md.stderr
        assert "<script" not in md.stdout and "<img" not in md.stdout, md.stdout
        assert "&lt;img src=x onerror=alert(1)&gt; \\| \\[red\\]now\\[/red\\]" in md.stdout, (
            md.stdout)
    assert md.stdout.startswith(
        '# &lt;script&gt;alert("title")&lt;/script&gt; \\[bold\\]T\\[/bold\\]')

    table = cli("doc", doc_id, "--db", db)
    assert table.code == 0, table.stderr
    assert "[bold]T[/bold]" in table.stdout and doc_id not in table.stdout


def test_markdown_of_a_hostile_name_stays_inert() -> None:
    out = cli("actors", "resolve", "<script>alert(1)</script>", "-f", "md")
    assert "Traceback" not in out.stderr, out.stderr
    assert "- **text**: &lt;script&gt;alert(1)&lt;/script&gt;" in out.stdout, out.stdout
    assert "<script" not in out.stdout


# ----------------------------------------------------------------------------- files and tables


def test_an_unterminated_quote_in_a_csv_is_named_not_a_language(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('text,date\n"Kazakhstan joined the WTO.",2015-11-30\n'
                    '"Russia and China signed a treaty,2016-01-01\nAnother row,2017-01-01\n',
                    encoding="utf-8")
    out = cli("ingest", path, "--db", tmp_path / "x.db", "-q")
    assert_clean_failure(out, f"{path}:3: line 3: unterminated quoted field", '("")')
    assert "language" not in out.stderr and "1 ingested" in out.stderr, out.stderr


def test_short_english_rows_are_ingested_as_english(tmp_path: Path) -> None:
    import json

    (tmp_path / "rows.csv").write_text(
        'text\n"Kazakhstan and Russia signed a treaty."\nTalks in Astana\n', encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text(
        json.dumps({"text": "Tokayev visits Beijing"}) + "\n", encoding="utf-8")
    out = cli("ingest", tmp_path / "rows.csv", tmp_path / "rows.jsonl", "--db",
              tmp_path / "x.db", "-q", "-f", "json")
    assert out.code == 0 and "Traceback" not in out.stderr, out.stderr
    documents = json.loads(out.stdout)["documents"]
    assert [(d["status"], d["language"]) for d in documents] == [("ingested", "en")] * 3
