"""The docs name every command, and document the JSON shape of every read command."""

from __future__ import annotations

from pathlib import Path

from multivector.interfaces.cli import COMMANDS, app

ROOT = Path(__file__).resolve().parents[1]


def registered_commands() -> set[str]:
    import typer.main

    group = typer.main.get_command(app)
    names: set[str] = set()
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        if sub:
            names |= {f"{name} {s}" for s in sub}
        else:
            names.add(name)
    return names


def test_command_list_matches_the_app() -> None:
    assert set(COMMANDS) == registered_commands()


def test_readme_names_every_command() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [c for c in COMMANDS if f"multivector {c}" not in readme]
    assert missing == []


def test_json_doc_covers_every_command() -> None:
    doc = (ROOT / "docs/json-output.md").read_text()
    missing = [c for c in COMMANDS if f"`multivector {c}" not in doc]
    assert missing == []


def test_readme_has_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci/run").read_text()
    test_line = next(line for line in ci.splitlines() if "pytest" in line)
    assert test_line.strip() in readme
