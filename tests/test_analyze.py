"""`multivector analyze` end to end on a small corpus written for the test."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from multivector.interfaces.cli import app
from tests.test_corpus import FAST

SPEECHES = {
    1996: "Kazakhstan closed the Semipalatinsk test site. We value our ties with Russia and "
          "China, and we work with Uzbekistan and Kyrgyzstan on water in Central Asia.",
    2003: "Kazakhstan supports the Shanghai Cooperation Organisation. Trade with China and "
          "Russia grows, and the European Union is our largest investor.",
    2010: "Kazakhstan chaired the OSCE this year. We thank the United States and the European "
          "Union for their support, and we signed an agreement with Turkey.",
    2016: "Our President paid a state visit to China. Kazakhstan calls for peace in Afghanistan "
          "and supports the Eurasian Economic Union with Russia and Belarus.",
    2021: "The pandemic showed the value of the World Health Organization. Kazakhstan sent "
          "humanitarian aid to Afghanistan and works with Uzbekistan on transit.",
    2023: "Kazakhstan and Uzbekistan signed a treaty on the border. We support the United "
          "Nations and call for dialogue between the United States, Russia and China.",
}


UZB_SPEECHES = {
    1996: "Uzbekistan works with Russia and Kazakhstan on security, and calls for peace in "
          "Afghanistan.",
    2003: "Uzbekistan calls for peace in Afghanistan. Our trade with China and Russia grows.",
    2016: "Uzbekistan supports dialogue in Central Asia and peace in Afghanistan, and welcomes "
          "investment from China.",
    2021: "Uzbekistan and Kazakhstan signed a treaty. We call for aid to Afghanistan.",
}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if a.get("href"):
            self.hrefs.append(str(a["href"]))
        self.svgs += tag == "svg"


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("analyze")
    folder = root / "texts"
    folder.mkdir()
    for year, text in SPEECHES.items():
        (folder / f"KAZ_{year - 1945}_{year}.txt").write_text(text, encoding="utf-8")
    config = root / "fast.json"
    config.write_text(json.dumps(FAST), encoding="utf-8")
    return folder, config


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr


def test_analyze_writes_an_html_report_with_linked_evidence(
    corpus_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, config = corpus_dir
    out = tmp_path / "report.html"
    code, err = run("analyze", str(folder), "--concept", "kaz/2020-2030", "--report", str(out),
                    "--db", str(tmp_path / "a.db"), "--config", str(config), "--bootstrap", "50",
                    "-q")
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(html)
    assert parser.svgs >= 5
    for heading in ("Summary of findings", "Multi-vector balance", "Priority coverage",
                    "Declared versus observed"):
        assert heading in html
    internal = [h[1:] for h in parser.hrefs if h.startswith("#")]
    assert internal and all(h in parser.ids for h in internal)
    assert not re.search(r'(src|href)="https?://', html)  # self-contained
    assert "6 documents" in html and "kaz/2020-2030" in html


@pytest.mark.slow  # 10-26 s; the default run keeps the shorter end-to-end tests
def test_analyze_markdown_and_rerun_reuses_the_store(
    corpus_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, config = corpus_dir
    db = str(tmp_path / "b.db")
    md = tmp_path / "report.md"
    args = ["--concept", "kaz/2020-2030", "--db", db, "--config", str(config), "--bootstrap",
            "20", "-q"]
    assert run("analyze", str(folder), "--report", str(md), *args)[0] == 0
    text = md.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images and all((tmp_path / i).exists() for i in images)
    # a second run finds every document stored and codes nothing again
    code, err = run("analyze", str(folder), "--report", str(tmp_path / "again.md"),
                    *args[:-1])
    assert code == 0 and "0 new, 6 already stored" in err
    assert "· coding" not in err  # every document was coded against this edition already
    # a report against another edition codes the stored documents against it first
    code, err = run("report", "--concept", "kaz/2014-2020", "--db", db, "--out",
                    str(tmp_path / "old.md"), "--bootstrap", "20")
    assert code == 0 and "coding 6 documents against kaz/2014-2020" in err
    assert "kaz/2014-2020" in (tmp_path / "old.md").read_text(encoding="utf-8")
    code, err = run("report", "--concept", "kaz/2014-2020", "--db", db, "--out",
                    str(tmp_path / "old2.md"), "--bootstrap", "20")
    assert code == 0 and "· coding" not in err


def test_analyze_rejects_an_unknown_report_type(
    corpus_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, _ = corpus_dir
    code, err = run("analyze", str(folder), "--concept", "kaz/2020-2030", "--report",
                    str(tmp_path / "r.docx"))
    assert code == 2 and ".html, .pdf or .md" in err


@pytest.mark.slow
def test_analyze_pdf_has_pages(corpus_dir: tuple[Path, Path], tmp_path: Path) -> None:
    from pypdf import PdfReader

    folder, config = corpus_dir
    out = tmp_path / "report.pdf"
    code, err = run("analyze", str(folder), "--concept", "kaz/2020-2030", "--report", str(out),
                    "--db", str(tmp_path / "c.db"), "--config", str(config), "--bootstrap", "20",
                    "-q")
    assert code == 0, err
    reader = PdfReader(out)
    assert len(reader.pages) >= 3
    assert "Multi-vector balance" in "".join(p.extract_text() for p in reader.pages[:4])


@pytest.fixture(scope="module")
def two_countries(corpus_dir: tuple[Path, Path],
                  tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Statements of Kazakhstan and Uzbekistan (the country read from each file's name)."""
    folder, _ = corpus_dir
    both = tmp_path_factory.mktemp("two") / "texts"
    both.mkdir()
    for source in folder.iterdir():
        (both / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    for year, text in UZB_SPEECHES.items():
        (both / f"UZB_{year - 1945}_{year}.txt").write_text(text, encoding="utf-8")
    return both


@pytest.mark.slow  # 5-7 s: kept for the CI's slow pass, the default run stays < 5 min
def test_the_summary_leads_with_the_channels_and_numbers_its_figures(
    corpus_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, config = corpus_dir
    out = tmp_path / "r.html"
    code, err = run("analyze", str(folder), "--concept", "kaz/2020-2030", "--report", str(out),
                    "--db", str(tmp_path / "ch.db"), "--config", str(config), "--bootstrap",
                    "30", "-q")
    assert code == 0, err
    findings = [line[4:] for line in err.splitlines() if line.startswith("  - ")]
    assert findings[0].startswith("Kazakhstan, under kaz/") and "UN General Assembly" in findings[0]
    assert not any("{figure" in f or "{section" in f for f in findings)
    html = out.read_text(encoding="utf-8")
    assert "1. What it says, does and votes" in html
    assert "Several countries side by side" not in html  # one country: no comparison
    assert "file <code>" in html and "KAZ_51_1996.txt" in html  # the appendix names the files
    assert "Alignment with the editions" not in html


@pytest.mark.slow  # 10-26 s; the default run keeps the shorter end-to-end tests
def test_analyze_and_report_compare_several_countries(
    two_countries: Path, corpus_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    _, config = corpus_dir
    db = str(tmp_path / "two.db")
    out = tmp_path / "two.html"
    code, err = run("analyze", str(two_countries), "--concept", "kaz/2020-2030", "--report",
                    str(out), "--db", db, "--config", str(config), "--bootstrap", "30", "-q")
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    section = html[html.index('<section id="comparison">'):]
    section = section[:section.index("</section>")]
    assert "Kazakhstan and Uzbekistan side by side" in section
    assert "No concept edition is encoded for Uzbekistan" in section
    assert "2001-2004" in section and "2014-2019" in section  # Kazakhstan's editions
    assert "Agreement in UN General Assembly votes" in section and "Russia" in section
    assert "Multi-vector balance: Kazakhstan" in html  # the main sections are Kazakhstan's
    # report reads the store: both countries compared, or one without a comparison
    code, err = run("report", "--concept", "kaz/2020-2030", "--db", db, "--country",
                    "KAZ,UZB", "--out", str(tmp_path / "both.md"), "--bootstrap", "30", "-q")
    assert code == 0, err
    assert "Several countries side by side" in (tmp_path / "both.md").read_text(encoding="utf-8")
    code, err = run("report", "--concept", "kaz/2020-2030", "--db", db, "--country", "UZB",
                    "--out", str(tmp_path / "uzb.md"), "--bootstrap", "30", "-q")
    assert code == 0, err
    uzb = (tmp_path / "uzb.md").read_text(encoding="utf-8")
    assert "Several countries" not in uzb and "Declared versus observed" not in uzb
    assert "Uzbekistan's foreign policy against Kazakhstan's concept" in uzb


def test_samples_lists_the_bundled_corpora() -> None:
    result = CliRunner().invoke(app, ["samples", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)["samples"]}
    assert rows["ungd-central-asia"]["count"] == 156
    assert rows["ungd-central-asia"]["licence"].startswith("CC0")
    assert "KAZ" in rows["ungd-central-asia"]["countries"] and rows["unvotes"]["kind"] == "votes"


@pytest.mark.slow  # 10-26 s; the default run keeps the shorter end-to-end tests
def test_analyze_a_sample_then_report_from_the_store(
    corpus_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    """The main job on the bundled sample with no path; then `report` reads the stored corpus
    without ingesting, filtered by country and dates."""
    _, config = corpus_dir
    db = tmp_path / "s.db"
    out = tmp_path / "sample.md"
    code, err = run("analyze", "--sample", "ungd-central-asia", "--country", "kaz",
                    "--from", "2019", "--to", "2020", "--concept", "KAZ/2020-2030",
                    "--report", str(out), "--db", str(db), "--config", str(config),
                    "--bootstrap", "20", "-q")
    assert code == 0, err
    assert "2 documents" in out.read_text(encoding="utf-8")
    from multivector.store.sqlite import SQLiteStore

    with SQLiteStore(db, create=False) as store:
        before = store.count()
        assert before["documents"] == 2
    again = tmp_path / "again.md"
    code, err = run("report", "--concept", "kaz/2020-2030", "--db", str(db), "--country", "KAZ",
                    "--from", "2020", "--out", str(again), "--bootstrap", "20", "-q")
    assert code == 0, err
    written = again.read_text(encoding="utf-8")
    assert "1 document," in written and "1 documents" not in written
    with SQLiteStore(db, create=False) as store:
        assert store.count() == before  # nothing ingested, nothing re-coded
    code, err = run("report", "--concept", "kaz/2020-2030", "--db", str(db), "--from", "2021",
                    "--to", "2020", "--out", str(tmp_path / "x.md"))
    assert code == 2 and "later than --to" in err
    code, err = run("report", "--concept", "kaz/2020-2030", "--db", str(db), "--country", "TKM",
                    "--out", str(tmp_path / "y.md"))
    assert code == 2 and "no stored document matches" in err


def test_a_run_that_stores_nothing_leaves_no_database(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    code, err = run("analyze", str(tmp_path / "missing"), "--concept", "kaz/2020-2030",
                    "--report", str(tmp_path / "r.html"), "--db", str(db), "-q")
    assert code != 0 and "no such file or folder" in err
    assert not db.exists() and not list(tmp_path.glob("never.db*"))
    code, err = run("report", "--concept", "kaz/2020-2030", "--db", str(db),
                    "--out", str(tmp_path / "r.html"))
    assert code == 2 and "no corpus at" in err and not db.exists()
    code, err = run("analyze", "--sample", "no-such-sample", "--concept", "kaz/2020-2030",
                    "--report", str(tmp_path / "r.html"), "--db", str(db))
    assert code == 2 and "ungd-central-asia" in err and not db.exists()


def test_unknown_countries_are_usage_errors_before_anything_is_stored(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Kazakhstan and Russia signed a treaty in 2018.", encoding="utf-8")
    db = tmp_path / "c.db"
    code, err = run("ingest", str(text), "--country", "Kazakstan", "--db", str(db))
    assert code == 2 and "did you mean KAZ (Kazakhstan)?" in err
    code, err = run("analyze", "--sample", "ungd-central-asia", "--country", "Uzbekistan",
                    "--concept", "kaz/2020-2030", "--report", str(tmp_path / "r.html"),
                    "--db", str(db))
    assert code == 2 and "did you mean UZB (Uzbekistan)?" in err
    code, err = run("analyze", "--sample", "ungd-central-asia", "--country", "RUS",
                    "--concept", "kaz/2020-2030", "--report", str(tmp_path / "r.html"),
                    "--db", str(db))
    assert code == 2 and "holds no statements of RUS" in err
    assert not db.exists()


def test_options_of_a_sample_apply_to_its_documents(
    corpus_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    _, config = corpus_dir
    db = tmp_path / "g.db"
    result = CliRunner().invoke(app, [
        "ingest", "--sample", "ungd-central-asia", "--country", "TKM", "--from", "2023",
        "--genre", "speech", "--source", "UN General Debate", "--db", str(db), "--config",
        str(config), "-q", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["ingested"] == 2  # 2023 and 2024
    exported = CliRunner().invoke(app, ["export", "--what", "documents", "--format", "jsonl",
                                        "--db", str(db)])
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert {(r["genre"], r["source"], r["country"]) for r in rows} == {
        ("speech", "UN General Debate", "TKM")}
    bad = CliRunner().invoke(app, ["ingest", "--sample", "ungd-central-asia", "--text-column",
                                   "body", "--db", str(db)])
    assert bad.exit_code == 2 and "--text-column" in bad.stderr


def test_outputs_that_cannot_be_written_are_refused_first(
    corpus_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, config = corpus_dir
    db = tmp_path / "o.db"
    code, err = run("ingest", str(folder), "--db", str(db), "--config", str(config), "-q")
    assert code == 0, err
    code, err = run("report", "--concept", "kaz/2020-2030", "--db", str(db), "--out",
                    str(tmp_path / "missing" / "r.html"))
    assert code == 2 and "does not exist" in err
    (tmp_path / "dir.html").mkdir()
    code, err = run("report", "--concept", "kaz/2020-2030", "--db", str(db), "--out",
                    str(tmp_path / "dir.html"))
    assert code == 2 and "is a folder" in err
    code, err = run("export", "--what", "events", "--out", str(tmp_path / "no" / "e.csv"),
                    "--db", str(db))
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "missing").exists() and not (tmp_path / "no").exists()


def test_an_interrupted_main_job_writes_no_report(tmp_path: Path) -> None:
    from collections.abc import Iterator

    from multivector.domain.corpus import DocumentMeta
    from multivector.ingest.readers import Origin, RawDocument
    from multivector.services.corpus import Corpus
    from multivector.services.reporting import analyze
    from tests.test_corpus import FAST

    def interrupted() -> Iterator[RawDocument]:
        yield RawDocument(SPEECHES[1996], DocumentMeta(language="en", country="KAZ"),
                          Origin("a.txt"))
        raise KeyboardInterrupt

    out = tmp_path / "r.html"
    with Corpus(tmp_path / "i.db", config=FAST) as corpus:
        with pytest.raises(KeyboardInterrupt):
            analyze(corpus, interrupted(), "kaz/2020-2030", out)
        assert corpus.store.count()["documents"] == 1  # what was coded is kept
    assert not out.exists()

