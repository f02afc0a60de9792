"""Human labels: the store's label table, import/export in the gold format, the interactive
`annotate` command, disagreements, reconciliation and `agreement`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from multivector.domain.labels import Label
from multivector.interfaces.cli import app
from multivector.store.base import StoreError
from multivector.store.sqlite import SQLiteStore
from tests.test_corpus import FAST

runner = CliRunner()

TEXT = (
    "The Minister of Foreign Affairs of Uzbekistan called for reform of the Security Council "
    "and for a larger voice of developing states in the Organization.\n\n"
    "He also proposed a regional centre to fight drug trafficking along the Afghan border, "
    "with the help of the UN Office on Drugs and Crime.\n\n"
    "In closing, he thanked the President of the Assembly for his able guidance.\n"
)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    config = tmp_path / "fast.json"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    text = tmp_path / "2019-09-25_statement.txt"
    text.write_text(TEXT, encoding="utf-8")
    path = tmp_path / "l.db"
    done = runner.invoke(app, ["ingest", str(text), "--db", str(path), "--config", str(config),
                               "--country", "UZB", "-q"])
    assert done.exit_code == 0, done.stderr
    return path


def _doc_id(db: Path) -> str:
    with SQLiteStore(db) as store:
        return next(iter(store.documents())).id


def _labels(db: Path) -> list[Label]:
    with SQLiteStore(db) as store:
        return list(store.labels())


def test_a_label_replaces_the_same_coders_earlier_one_and_needs_a_stored_passage(db: Path) -> None:
    doc = _doc_id(db)
    with SQLiteStore(db) as store:
        store.set_labels([Label.make(doc, 0, "themes", "ann", ["multilateral.un"], "cb@1")])
        store.set_labels([Label.make(doc, 0, "themes", "ann", [], "cb@1", note="changed")])
        store.set_labels([Label.make(doc, 0, "themes", "bob", ["multilateral.un"], "cb@1")])
        got = {x.coder: x for x in store.labels("themes")}
        assert got["ann"].values == () and got["ann"].note == "changed"
        assert got["bob"].values == ("multilateral.un",)
        assert [p for p in store.unlabelled("ann", "themes", limit=10)] == [(doc, 1), (doc, 2)]
        with pytest.raises(StoreError):
            store.set_labels([Label.make(doc, 99, "themes", "ann", [], "cb@1")])
        assert len(list(store.labels())) == 2  # the failed batch stored nothing


def test_annotate_one_passage_at_a_time(db: Path) -> None:
    # first passage: pick by prefix; second: skip; third: a typo, then none; the session ends
    # when nothing is left, and the next session offers the skipped passage
    answers = "un\ns\nnosuchtheme\n-\n"
    done = runner.invoke(app, ["annotate", "--coder", "aigerim", "--db", str(db)],
                         input=answers)
    assert done.exit_code == 0, done.stderr
    assert "Security Council" in done.stderr and "suggested themes" in done.stderr
    assert "names 0 values" in done.stderr  # the typo is explained, the prompt asked again
    assert "nothing left to label (some skipped)" in done.stderr
    got = {x.passage: x for x in _labels(db)}
    assert got[0].values == ("multilateral.un",) and got[0].coder == "aigerim"
    assert got[2].values == ()
    assert 1 not in got
    assert got[0].codebook.startswith("multivector-themes@")
    again = runner.invoke(app, ["annotate", "--coder", "aigerim", "--db", str(db)],
                          input="transnational\n")
    assert again.exit_code == 0 and "[1 left]" in again.stderr
    assert {x.passage: x.values for x in _labels(db)}[1] == ("security.transnational_crime",)


def test_annotate_a_named_passage_and_refuse_unknown_values(db: Path) -> None:
    doc = _doc_id(db)
    ok = runner.invoke(app, ["annotate", "--coder", "bob", "--db", str(db), "--passage",
                             f"{doc[:12]}:1", "--set", "security.transnational_crime"])
    assert ok.exit_code == 0, ok.stderr
    bad = runner.invoke(app, ["annotate", "--coder", "bob", "--db", str(db), "--passage",
                              f"{doc[:12]}:1", "--set", "security.transnational_crim"])
    assert bad.exit_code == 2 and "did you mean security.transnational_crime" in bad.stderr
    who = runner.invoke(app, ["annotate", "--coder", "bad name!", "--db", str(db)])
    assert who.exit_code == 2 and "coder name" in who.stderr
    show = runner.invoke(app, ["annotate", "--coder", "bob", "--db", str(db), "--passage",
                               f"{doc}:1"])
    item = json.loads(show.stdout)
    assert item["labels"] == {"bob": ["security.transnational_crime"]}
    assert "drug trafficking" in item["text"]


def test_export_import_round_trip_is_idempotent_and_bad_lines_are_named(db: Path,
                                                                        tmp_path: Path) -> None:
    doc = _doc_id(db)
    for coder, values in (("ann", "multilateral.un"), ("bob", "multilateral.un,health")):
        runner.invoke(app, ["annotate", "--coder", coder, "--db", str(db), "--passage",
                            f"{doc}:0", "--set", values])
    out = tmp_path / "labels.jsonl"
    done = runner.invoke(app, ["labels", "export", "--db", str(db), "--out", str(out)])
    assert done.exit_code == 0, done.stderr
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert {r["coder"] for r in rows} == {"ann", "bob"}
    assert all(r["text"].startswith("The Minister") and r["passage"] == 0 for r in rows)
    before = _labels(db)
    again = runner.invoke(app, ["labels", "import", str(out), "--db", str(db)])
    assert again.exit_code == 0 and "2 label set(s) stored" in again.stderr
    assert [(x.doc_id, x.passage, x.coder, x.values) for x in _labels(db)] == [
        (x.doc_id, x.passage, x.coder, x.values) for x in before]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([
        json.dumps({"document": doc, "passage": 2, "coder": "cid", "themes": []}),
        "{not json",
        json.dumps({"document": doc, "passage": 7, "coder": "cid", "themes": []}),
        json.dumps({"document": doc, "passage": 1, "coder": "cid", "themes": ["nope"]}),
        json.dumps({"path": "missing.txt", "passage": 1, "coder": "cid", "themes": []}),
        json.dumps({"id": "w1", "text": "A passage written for a gold set.", "coder": "cid",
                    "themes": []}),
    ]) + "\n", encoding="utf-8")
    mixed = runner.invoke(app, ["labels", "import", str(bad), "--db", str(db)])
    assert mixed.exit_code == 1
    for n in (2, 3, 4, 5):
        assert f"bad.jsonl:{n}" in mixed.stderr or f"bad.jsonl, line {n}" in mixed.stderr
    assert "ingest it first" in mixed.stderr and "no passage 7" in mixed.stderr
    assert "1 line(s) (6-6) carry their own text" in mixed.stderr and "bad.jsonl:6" not in mixed.stderr
    assert any(x.coder == "cid" and x.passage == 2 for x in _labels(db))  # the good line


def test_disagreements_reconcile_and_agreement(db: Path, tmp_path: Path) -> None:
    doc = _doc_id(db)
    for coder, sets in (("ann", ["multilateral.un", "security.transnational_crime", ""]),
                        ("bob", ["multilateral.un", "health", ""])):
        for i, values in enumerate(sets):
            runner.invoke(app, ["annotate", "--coder", coder, "--db", str(db), "--passage",
                                f"{doc}:{i}", "--set", values])
    listed = json.loads(runner.invoke(app, ["labels", "disagreements", "--db", str(db),
                                            "-f", "json"]).stdout)
    assert [d["passage"] for d in listed["disagreements"]] == [1]
    rec = runner.invoke(app, ["labels", "reconcile", f"{doc[:10]}:1", "--db", str(db),
                              "--set", "security.transnational_crime"])
    assert rec.exit_code == 0, rec.stderr
    after = json.loads(runner.invoke(app, ["labels", "disagreements", "--db", str(db),
                                           "-f", "json"]).stdout)
    assert after["disagreements"] == []
    every = json.loads(runner.invoke(app, ["labels", "disagreements", "--db", str(db), "--all",
                                           "-f", "json"]).stdout)
    assert every["disagreements"][0]["consensus"] == ["security.transnational_crime"]
    result = json.loads(runner.invoke(app, ["agreement", "--db", str(db), "-f", "json",
                                            "--bootstrap", "50"]).stdout)
    assert result["coders"] == ["ann", "bob"]  # the consensus is not a coder
    assert result["pairable"] == 3 and result["pairs"][0]["exact"] == pytest.approx(2 / 3, abs=1e-3)
    lone = runner.invoke(app, ["agreement", "--db", str(db), "--coder", "ann"])
    assert lone.exit_code == 2 and "two coders" in lone.stderr
