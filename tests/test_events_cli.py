"""`multivector events`: events that happened by default, others on request, and a date the
sentence does not give marked as the report's."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from multivector.interfaces.cli import app
from tests.test_corpus import FAST

runner = CliRunner()


def test_events_show_what_happened_unless_asked(tmp_path: Path) -> None:
    config = tmp_path / "fast.json"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    text = tmp_path / "2019-05-10_statement.txt"
    text.write_text(
        "The President of Kazakhstan paid a state visit to China in April 2019.\n\n"
        "Next year the President will pay an official visit to Japan.\n", encoding="utf-8")
    db = tmp_path / "e.db"
    done = runner.invoke(app, ["ingest", str(text), "--db", str(db), "--config", str(config),
                               "--country", "KAZ", "-q"])
    assert done.exit_code == 0, done.stderr
    happened = json.loads(runner.invoke(app, ["events", "--db", str(db), "-f", "json"]).stdout)
    assert {e["status"] for e in happened["events"]} == {"happened"}
    assert any("CHN" in e["counterpart"] for e in happened["events"])
    every = json.loads(runner.invoke(app, ["events", "--db", str(db), "--status", "all",
                                           "-f", "json"]).stdout)
    assert {"happened", "planned"} <= {e["status"] for e in every["events"]}
    planned = [e for e in every["events"] if e["status"] == "planned"]
    assert planned and all("JPN" in e["counterpart"] for e in planned)
    table = runner.invoke(app, ["events", "--db", str(db), "--status", "planned"])
    assert table.exit_code == 0 and "planned" in table.stdout
    bad = runner.invoke(app, ["events", "--db", str(db), "--status", "plannd"])
    assert bad.exit_code == 2 and "did you mean planned" in bad.stderr
