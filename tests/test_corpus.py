"""The corpus service and its commands: ingest, idempotency, bad input, interruption, search,
events, documents and export. Texts are written for these tests."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from multivector.domain.corpus import DocumentMeta
from multivector.interfaces.cli import app
from multivector.services.corpus import Corpus
from multivector.store.base import Filters
from multivector.store.sqlite import SQLiteStore

FAST: dict[str, Any] = {
    "components": ["segment", "actors", "dates", "embed", "themes", "elements", "events"],
    "settings": {"embed": {"embedder": "hashing"}},
}

EN_1 = """Statement of the Minister of Foreign Affairs of Kazakhstan, Almaty, 12 May 1996

Kazakhstan closed the Semipalatinsk nuclear test site and renounced nuclear weapons. We call on
all States to sign the Comprehensive Nuclear-Test-Ban Treaty.

Last year our President paid a state visit to China and signed an agreement on the border with
the People's Republic of China. We support the Shanghai process of confidence building.
"""

EN_2 = """Kazakhstan and the Russian Federation signed a treaty on the Baikonur cosmodrome.

Our country will chair the OSCE in 2010, the first state of the former Soviet Union to do so.
Trade with the European Union keeps growing, and we welcome investment from Germany.
"""

RU_1 = """Заявление Министерства иностранных дел Республики Казахстан

Казахстан и Россия подписали соглашение о сотрудничестве в сфере транзита. Переговоры с Китаем
о поставках газа продолжаются.

Мы поддерживаем усилия Организации Объединённых Наций по урегулированию конфликта в Афганистане.
"""


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kaz_1996.txt").write_text(EN_1, encoding="utf-8")
    (folder / "2009-06-01_treaties.md").write_text(EN_2, encoding="utf-8")
    (folder / "ru_statement.txt").write_bytes(RU_1.encode("cp1251"))
    rows = [{"text": "Uzbekistan and Kazakhstan opened a new border crossing near Tashkent.",
             "date": "2018-03-15", "country": "UZB", "genre": "news"},
            {"text": "Kyrgyzstan joined the Eurasian Economic Union in 2015.",
             "date": "2015-08-12", "country": "KGZ", "genre": "news"}]
    with (folder / "news.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return Corpus(tmp_path / "c.db", config=FAST, edition="kaz/2020-2030")


def test_ingest_codes_and_stores(corpus: Corpus, docs: Path) -> None:
    report = corpus.ingest([docs], overrides=DocumentMeta(country=None))
    assert report.ok, [str(f) for f in report.failures]
    assert len(report.ingested) == 5
    counts = corpus.store.count()
    assert counts["documents"] == 5 and counts["passages"] >= 9 and counts["embeddings"] >= 9
    ru = next(r for r in report.ingested if r["path"].endswith("ru_statement.txt"))
    assert ru["language"] == "ru"
    dated = next(r for r in report.ingested if r["path"].endswith("_treaties.md"))
    assert str(dated["date"]) == "2009-06-01"


def test_ingest_twice_stores_once(corpus: Corpus, docs: Path) -> None:
    corpus.ingest([docs])
    before = corpus.store.count()
    again = corpus.ingest([docs])
    assert again.ingested == [] and len(again.duplicates) == 5
    assert corpus.store.count() == before


def test_search_english_russian_and_semantic(corpus: Corpus, docs: Path) -> None:
    corpus.ingest([docs])
    hits = corpus.search("Semipalatinsk")
    assert len(hits) == 1 and "Semipalatinsk" in hits.hits[0].snippet
    h = hits.hits[0]
    assert any(h.snippet[x.start:x.end] == "Semipalatinsk" for x in h.highlights)
    ru = corpus.search("Китай", expand=False)  # the text says «Китаем»
    assert len(ru) == 1 and "Китаем" in ru.hits[0].snippet
    assert len(corpus.search("переговоры")) == 1  # «Переговоры» in the text
    sem = corpus.search("nuclear test site", semantic=True, limit=3)
    assert len(sem) == 3 and sem.hits[0].score >= sem.hits[-1].score


def test_an_actor_is_searched_under_all_its_names(corpus: Corpus, docs: Path) -> None:
    corpus.ingest([docs])
    # «Китай» also finds the English statement that says "China" and "People's Republic of China"
    both = corpus.search("Китай")
    assert len(both) == 2 and both.expanded is not None
    [x] = both.expanded.expansions
    assert x.actor_id == "CHN" and "China" in x.names
    english = next(h for h in both.hits if "China" in h.snippet)
    assert any(english.snippet[y.start:y.end] == "China" for y in english.highlights)
    # and the other way round: "Russia" finds «Россия» and "the Russian Federation"
    assert len(corpus.search("Russia")) == 2 and len(corpus.search("Russia", expand=False)) == 0
    # a word that names no actor is searched as typed; so is a prefix
    assert corpus.search("переговоры").expanded is None
    assert corpus.search("Kazakh*").expanded is None


def test_filters_narrow_search(corpus: Corpus, docs: Path) -> None:
    corpus.ingest([docs])
    assert len(corpus.search("Kazakhstan", filters=Filters(countries=("UZB",)))) == 1
    assert len(corpus.search("Kazakhstan", filters=Filters(date_from=__import__(
        "datetime").date(2017, 1, 1)))) == 1
    assert len(corpus.search("Kazakhstan", filters=Filters(actors=("RUS",)))) >= 1
    assert len(corpus.search("Kazakhstan", filters=Filters(themes=("security",)))) >= 1


def test_events_with_roles_and_evidence(corpus: Corpus, docs: Path) -> None:
    corpus.ingest([docs])
    events = corpus.events().records()
    types = {e["type"] for e in events}
    assert {"agreement_signed", "visit"} <= types
    signed = [e for e in events if e["type"] == "agreement_signed"]
    assert any("CHN" in e["counterpart"] for e in signed)
    for e in events:
        assert e["evidence"], e  # every event names the passages it comes from
        assert e["plover"] is None or isinstance(e["plover"], str), e


def test_document_view_explains_each_annotation(corpus: Corpus, docs: Path) -> None:
    report = corpus.ingest([docs])
    doc_id = report.ingested[0]["doc_id"]
    document, passages, annotations = corpus.document(doc_id[:10])
    assert document.id == doc_id and passages
    for a in annotations:
        assert document.text[a.start:a.end].strip()
        assert a.producer.component and a.producer.rule


def test_bad_input_is_reported_and_the_rest_goes_on(corpus: Corpus, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "good.txt").write_text(EN_2, encoding="utf-8")
    (bad / "empty.txt").write_text("")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (bad / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (bad / "big.txt").write_text("Kazakhstan " * 2000, encoding="utf-8")
    (bad / "french.txt").write_text(
        "Le Kazakhstan et la France ont signé un accord sur la coopération dans le domaine de "
        "l'énergie et des transports, et les deux pays veulent renforcer leurs liens.",
        encoding="utf-8")
    (bad / "rows.jsonl").write_text(
        json.dumps({"text": "Tajikistan hosted a water conference in Dushanbe.",
                    "date": "2018-06-20"}) + "\n{not json\n"
        + json.dumps({"text": "Turkmenistan declared its neutrality at the United Nations.",
                      "date": "1995-12-12"}) + "\n", encoding="utf-8")
    (bad / "rows.csv").write_text('text,date\n"Kazakhstan joined the WTO.",2015-11-30\n,2016\n',
                                  encoding="utf-8")
    (bad / "notes.xyz").write_text("what is this")
    report = corpus.ingest([bad, tmp_path / "missing.txt"], max_bytes=15_000)
    failed = {(Path(f.path).name, f.row): f.reason for f in report.failures}
    assert set(failed) == {("empty.txt", None), ("binary.txt", None), ("broken.pdf", None),
                           ("big.txt", None), ("french.txt", None), ("rows.jsonl", 2),
                           ("rows.csv", 3), ("notes.xyz", None), ("missing.txt", None)}
    assert "language" in failed[("french.txt", None)]
    assert "15000" in failed[("big.txt", None)].replace(",", "").replace("_", "") or \
        "limit" in failed[("big.txt", None)]
    assert len(report.ingested) == 4  # good.txt, two JSONL rows, one CSV row
    again = corpus.ingest([bad], max_bytes=15_000)
    assert again.ingested == [] and len(again.duplicates) == 4


def test_interrupted_ingest_resumes_without_loss_or_duplicates(
    corpus: Corpus, docs: Path, tmp_path: Path
) -> None:
    def stop_after_two(_name: str, n: int) -> None:
        if n == 2:
            raise KeyboardInterrupt

    first = corpus.ingest([docs], progress=stop_after_two)
    assert first.interrupted and not first.ok
    stored = corpus.store.count()["documents"]
    assert 1 <= stored < 5
    second = corpus.ingest([docs])
    assert len(second.ingested) + len(second.duplicates) == 5
    assert corpus.store.count()["documents"] == 5
    clean = Corpus(tmp_path / "clean.db", config=FAST, edition="kaz/2020-2030")
    clean.ingest([docs])
    assert clean.store.count() == corpus.store.count()


@pytest.mark.slow
def test_killed_ingest_leaves_a_consistent_store(docs: Path, tmp_path: Path) -> None:
    """SIGKILL the CLI in the middle of a batch, then run the same command again."""
    many = tmp_path / "many"
    many.mkdir()
    n_docs = 400  # enough that the kill lands mid-batch however fast ingest becomes
    for i in range(n_docs):
        (many / f"d{i:03}.txt").write_text(f"Document {i}. " + EN_1.replace("1996", str(1950 + i)),
                                           encoding="utf-8")
    config = tmp_path / "fast.yaml"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    db = tmp_path / "k.db"
    cmd = [sys.executable, "-m", "multivector", "ingest", str(many), "--db", str(db), "--config",
           str(config), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.05)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as c:
                    if c.execute("SELECT count(*) FROM documents").fetchone()[0] >= 3:
                        break
            except sqlite3.Error:
                continue
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = c.execute("SELECT count(*) FROM documents").fetchone()[0]
        orphans = c.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS "
                            "(SELECT 1 FROM passages p WHERE p.doc_id = d.id)").fetchone()[0]
    assert 3 <= partial < n_docs and orphans == 0
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    store = SQLiteStore(db, create=False)
    assert store.count()["documents"] == n_docs
    store.close()


# ---------------------------------------------------------------- the commands


runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, docs: Path) -> tuple[Path, Path]:
    config = tmp_path / "fast.yaml"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    db = tmp_path / "cli.db"
    result = runner.invoke(app, ["ingest", str(docs), "--db", str(db), "--config", str(config),
                                 "--concept", "kaz/2020-2030", "--quiet"])
    assert result.exit_code == 0, result.stderr
    return db, config


def test_cli_ingest_reports_and_exit_codes(cli_db: tuple[Path, Path], tmp_path: Path) -> None:
    db, config = cli_db
    again = runner.invoke(app, ["ingest", str(tmp_path / "docs"), "--db", str(db), "--config",
                                str(config), "--quiet", "-f", "json"])
    assert again.exit_code == 0
    assert json.loads(again.stdout)["summary"]["duplicates"] == 5
    (tmp_path / "empty.txt").write_text("")
    bad = runner.invoke(app, ["ingest", str(tmp_path / "empty.txt"), "--db", str(db),
                              "--config", str(config), "--quiet"])
    assert bad.exit_code == 1 and "empty.txt" in bad.stderr
    usage = runner.invoke(app, ["ingest", str(tmp_path), "--db", str(db), "--genre", "poem"])
    assert usage.exit_code == 2 and "genre" in usage.stderr


def test_cli_search_doc_events_export(cli_db: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = cli_db
    res = runner.invoke(app, ["search", "Semipalatinsk", "--db", str(db), "-f", "json"])
    assert res.exit_code == 0
    hit = json.loads(res.stdout)["hits"][0]
    assert "Semipalatinsk" in hit["snippet"] and "security.nuclear" in hit.get("themes", [])
    table = runner.invoke(app, ["search", "Россия", "--db", str(db)])
    assert table.exit_code == 0 and "Россия" in table.stdout and "Russian Federation" in table.stdout
    assert "also as" in table.stderr
    exact = runner.invoke(app, ["search", "Россия", "--exact", "--db", str(db), "-f", "json"])
    assert "expansions" not in json.loads(exact.stdout)
    assert len(json.loads(exact.stdout)["hits"]) == 1
    cross = json.loads(runner.invoke(app, ["search", "Россия", "--db", str(db), "-f",
                                           "json"]).stdout)
    assert cross["expansions"][0]["actor"] == "RUS" and len(cross["hits"]) == 2
    none = runner.invoke(app, ["search", "Zanzibar", "--db", str(db)])
    assert none.exit_code == 1
    doc = runner.invoke(app, ["doc", hit["doc_id"][:12], "--db", str(db), "-f", "json"])
    assert doc.exit_code == 0 and json.loads(doc.stdout)["annotations"]
    ev = runner.invoke(app, ["events", "--db", str(db), "--event", "agreement_signed", "-f",
                             "csv"])
    rows = list(csv.DictReader(io.StringIO(ev.stdout)))
    assert rows and {r["type"] for r in rows} == {"agreement_signed"}
    every = json.loads(runner.invoke(app, ["events", "--db", str(db), "-f", "json"]).stdout)
    first = runner.invoke(app, ["events", "--db", str(db), "-f", "json", "--limit", "2"])
    assert len(every["events"]) > 2 and "of" in first.stderr
    assert json.loads(first.stdout)["events"] == every["events"][:2]
    for what in ("documents", "passages", "annotations", "events"):
        out = tmp_path / f"{what}.jsonl"
        r = runner.invoke(app, ["export", "--what", what, "--format", "jsonl", "--out", str(out),
                                "--db", str(db)])
        assert r.exit_code == 0 and out.read_text().strip()
    pq = tmp_path / "ann.parquet"
    r = runner.invoke(app, ["export", "--what", "annotations", "-f", "parquet", "-o", str(pq),
                            "--db", str(db)])
    assert r.exit_code == 0
    import pandas as pd

    frame = pd.read_parquet(pq)
    assert {"layer", "label", "start", "end", "producer"} <= set(frame.columns)
    missing = runner.invoke(app, ["search", "x", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 2 and "no corpus" in missing.stderr
