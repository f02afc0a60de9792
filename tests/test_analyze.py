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
    assert "report written" in err or code == 0


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
