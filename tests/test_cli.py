"""Every CLI command, in every output format, on shipped data and on hand-made files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from multivector.interfaces.cli import COMMANDS, app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "yaml", "md"])
def test_concepts_in_every_format(fmt: str) -> None:
    code, out, _ = run("concepts", "--format", fmt)
    assert code == 0
    assert "kaz/2020-2030" in out and "kaz/2014-2020" in out
    if fmt == "json":
        doc = json.loads(out)
        ids = [e["id"] for e in doc["editions"]]
        assert ids.index("kaz/2014-2020") < ids.index("kaz/2020-2030")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert {"id", "period", "elements", "completeness"} <= set(rows[0])
    if fmt == "yaml":
        assert yaml.safe_load(out)["editions"]


def test_show_filters_by_kind_and_theme() -> None:
    code, out, _ = run("show", "kaz/2020-2030", "--kind", "principle", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["elements"] and {e["kind"] for e in doc["elements"]} == {"principle"}
    assert all(e["evidence"] for e in doc["elements"])
    code, out, _ = run("show", "kaz/2020-2030", "--theme", "regional", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all("regional." in r["themes"] for r in rows)


def test_show_rejects_unknown_kind_and_edition() -> None:
    code, _, err = run("show", "kaz/2020-2030", "--kind", "wish")
    assert code == 2 and "unknown kind" in err
    code, _, err = run("show", "kaz/1066")
    assert code == 1 and "no concept edition 'kaz/1066'" in err


def test_diff_prints_typed_changes_with_sources() -> None:
    code, out, _ = run("diff", "kaz/2014-2020", "kaz/2020-2030", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["a"] == "kaz/2014-2020" and doc["b"] == "kaz/2020-2030"
    assert set(doc["summary"]) >= {"added", "removed", "reworded", "moved", "unchanged"}
    assert doc["changes"] and all(c["evidence"] for c in doc["changes"])
    assert all(e["location"] for c in doc["changes"] for e in c["evidence"])
    code, out, _ = run("diff", "kaz/2014-2020", "kaz/2020-2030")
    assert code == 0
    assert "Partner relations" in out and "▲ USA" in out and "Added (" in out
    assert "economic_priorities_count: 9 → 14" in out
    assert "seed003 (secondary)" in out  # evidence beneath each change
    code, brief, _ = run("diff", "kaz/2014-2020", "kaz/2020-2030", "--brief")
    assert code == 0 and "seed003 (secondary)" not in brief and "Added (" in brief


@pytest.mark.parametrize("section", ["changes", "relations", "claims", "counts"])
def test_diff_csv_sections(section: str) -> None:
    code, out, _ = run("diff", "kaz/2014-2020", "kaz/2020-2030", "-f", "csv",
                       "--section", section)
    assert code == 0
    assert list(csv.DictReader(io.StringIO(out)))


def test_validate_reports_file_line_field(tmp_path: Path, edition_data, write_yaml) -> None:
    good = write_yaml("good.yaml", edition_data())
    data = edition_data()
    data["elements"][0]["kind"] = "wish"
    bad = write_yaml("bad.yaml", data)
    code, out, err = run("validate", str(good))
    assert code == 0 and out == ""
    code, out, err = run("validate", str(good), str(bad))
    assert code == 1
    line = out.strip().splitlines()[0]
    file, lineno, field, message = line.split(":", 3)
    assert file == str(bad) and int(lineno) > 0 and field.strip() == "elements[0].kind"
    assert "wish" in bad.read_text().splitlines()[int(lineno) - 1]
    assert "2 file(s) checked, 1 with problems" in err


def test_validate_shipped_data_is_clean() -> None:
    data = Path(__file__).resolve().parents[1] / "src/multivector/data"
    code, out, err = run("validate", str(data))
    assert code == 0, out


def test_actors_resolve_with_date() -> None:
    code, out, _ = run("actors", "resolve", "Tokaev", "--date", "2005-06-01", "-f", "json")
    assert code == 0
    top = json.loads(out)["results"][0]
    assert top["actor"] == "tokayev"
    assert "Foreign" in top["reason"]
    code, _, err = run("actors", "resolve", "Qwxzyk Vbnmlp")
    assert code == 1 and "no actor found" in err
    code, _, err = run("actors", "resolve", "Russia", "--date", "yesterday")
    assert code == 2 and "not a date" in err


def test_actors_show() -> None:
    code, out, _ = run("actors", "show", "EAEU", "-f", "json")
    doc = json.loads(out)
    assert code == 0 and "ЕАЭС" in {a["text"] for a in doc["aliases"]}
    code, _, err = run("actors", "show", "NOPE")
    assert code == 1 and "no actor" in err


def test_schema_exports_json_schema(tmp_path: Path) -> None:
    code, out, _ = run("schema", "edition")
    assert code == 0 and json.loads(out)["title"] == "EditionModel"
    target = tmp_path / "people.json"
    assert run("schema", "people", "--out", str(target))[0] == 0
    assert "offices" in json.loads(target.read_text())["$defs"]["PersonModel"]["properties"]
    assert run("schema", "nonsense")[0] == 2


def test_shipped_files_validate_against_exported_schema(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = Path(__file__).resolve().parents[1] / "src/multivector/data"
    for kind, path in [("edition", data / "editions/kaz/2020-2030.yaml"),
                       ("codebook", data / "codebook.yaml"), ("vectors", data / "vectors.yaml")]:
        code, out, _ = run("schema", kind)
        instance = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        jsonschema.validate(instance, json.loads(out))


def test_themes_and_vectors() -> None:
    code, out, _ = run("themes", "-f", "json")
    assert code == 0 and len(json.loads(out)["themes"]) >= 26
    code, out, _ = run("vectors", "-f", "json")
    ids = [v["id"] for v in json.loads(out)["vectors"]]
    assert ids[:3] == ["russia", "china", "usa"]


def test_every_command_help_ends_with_an_example() -> None:
    for command in COMMANDS:
        code, out, _ = run(*command.split(), "--help")
        assert code == 0, command
        assert "Example: multivector" in out, command


def test_python_dash_m_and_version() -> None:
    out = subprocess.run([sys.executable, "-m", "multivector", "--version"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("multivector ")


def test_dates_at_the_ends_of_the_calendar_are_messages_or_dates() -> None:
    import datetime as dt

    from multivector.interfaces.common import parse_date

    code, out, err = run("actors", "resolve", "Russia", "--date", "0000")
    assert code == 2 and "'0000' is not a date" in err and "Traceback" not in err + out
    assert parse_date("9999-12", "--to", end=True) == dt.date(9999, 12, 31)
    assert parse_date("2023-02", "--to", end=True) == dt.date(2023, 2, 28)
    code, out, _ = run("actors", "resolve", "Russia", "--date", "2020", "--format", "json")
    assert code == 0 and json.loads(out)["date"] == "2020-07-01"
