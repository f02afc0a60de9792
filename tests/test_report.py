"""The report renders as HTML, PDF and Markdown from hand-made frames; its evidence resolves."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from multivector.report import (
    Comparison,
    DiffSummary,
    DocumentInfo,
    EditionInfo,
    EvidencePassage,
    ReportData,
    Stamp,
    cell_key,
    corpus_hash,
    evidence_from_frame,
    render_report,
)

VECTORS = ["russia", "china", "usa", "europe", "central_asia"]
YEARS = [2015, 2016, 2017, 2018, 2019, 2020]
DOCS = [f"{i:02d}" + "ab" * 31 for i in range(len(YEARS))]  # 64-character ids, one per year
TITLE = "Kazakhstan at the UN: balance and practice"


def passage(doc: int, index: int, text: str) -> EvidencePassage:
    return EvidencePassage(
        doc_id=DOCS[doc], passage=index, text=text, date=f"{YEARS[doc]}-09-2{doc}",
        title=f"Statement to the General Assembly, {YEARS[doc]}", score=0.9 - index / 100,
    )


LABELS = {"KAZ": "Kazakhstan", "UZB": "Uzbekistan", "RUS": "Russia", "CHN": "China",
          "USA": "United States", "EU": "European Union", "AFG": "Afghanistan",
          "region.central_asia": "Central Asia (the region)"}
CHANNEL_LEAD = ("Kazakhstan, under kaz/2014-2020: in the UN General Assembly it voted with "
                "China (86%) and the United States (31%) ({section:channels}).")


def make_channels() -> pd.DataFrame:
    """Two edition periods x the five main partners: declared, said, done, voted."""
    rows = []
    for period, start in (("kaz/2014-2020", 2014), ("kaz/2020-2030", 2020)):
        for i, v in enumerate(VECTORS):
            voted = period == "kaz/2014-2020"
            rows.append({
                "country": "KAZ", "period": period, "period_start": start, "vector": v,
                "declared_tier": "allied" if v == "russia" else None,
                "declared_share": 0.2, "rhetoric_share": None if v == "usa" else 0.05 * (i + 1),
                "rhetoric_low": 0.01, "rhetoric_high": 0.3,
                "rhetoric_evidence": "insufficient" if v == "usa" else "sufficient",
                "rhetoric_actors": "RUS 3 of 3" if v == "russia" else "",
                "events": float(i), "event_share": None, "event_low": 0.0, "event_high": 0.4,
                "event_evidence": "insufficient", "vote_partner": v.upper()[:3],
                "votes": 0.74 + 0.02 * i if voted else None,
                "votes_low": 0.70 + 0.02 * i if voted else None,
                "votes_high": 0.78 + 0.02 * i if voted else None,
                "n_rollcalls": 564 if voted else 0, "votes_status": "ok" if voted else "no votes",
            })
    return pd.DataFrame(rows)


def make_comparison() -> Comparison:
    """Kazakhstan and Uzbekistan on one axis; Uzbekistan has no edition."""
    periods = [("2014-2019", 2014), ("2020-2024", 2020)]
    balance = pd.DataFrame([
        {"country": c, "period": p, "period_start": y, "n_documents": 1 if thin else 5,
         "effective": 4.0 if thin else 30.0, "evidence": "insufficient" if thin else "sufficient",
         "entropy": None if thin else 0.7, "entropy_lo": 0.5, "entropy_hi": 0.9}
        for c in ("KAZ", "UZB") for p, y in periods
        for thin in [c == "UZB" and y == 2020]])
    shares = pd.DataFrame([
        {"country": c, "vector": v, "share": 0.2, "share_lo": 0.1, "share_hi": 0.3,
         "evidence": "sufficient", "n_documents": 10, "actors": "AFG 4 of 4"}
        for c in ("KAZ", "UZB") for v in [*VECTORS, "south_asia"]])
    votes = pd.DataFrame([
        {"country": c, "partner": p, "partner_name": n, "period": "2014-2019",
         "period_start": 2014, "value": 0.8, "low": 0.75, "high": 0.85, "n_rollcalls": 500,
         "status": "ok"}
        for c in ("KAZ", "UZB") for p, n in (("RUS", "Russia"), ("USA", "United States"))])
    return Comparison(countries=["KAZ", "UZB"], balance=balance, shares=shares, votes=votes,
                      declared={"KAZ": ["kaz/2020-2030"], "UZB": []},
                      periods="the years of Kazakhstan's editions: 2014-2019, 2020-2024",
                      findings=["Uzbekistan has no concept edition encoded: none is inferred."])


def make_data() -> ReportData:
    shares = {
        "russia": [0.40, 0.35, 0.30, 0.28, 0.25, 0.22],
        "china": [0.20, 0.22, 0.25, 0.24, 0.25, 0.26],
        "usa": [0.15, 0.15, 0.14, 0.16, 0.15, 0.17],
        "europe": [0.15, 0.16, 0.17, 0.17, 0.18, 0.18],
        "central_asia": [0.10, 0.12, 0.14, 0.15, 0.17, 0.17],
    }
    vector_shares = pd.DataFrame(
        [{"period": str(y), "period_start": y, "vector": v, "share": shares[v][i]}
         for i, y in enumerate(YEARS) for v in VECTORS]
    )
    balance = pd.DataFrame({
        "period": [str(y) for y in YEARS],
        "period_start": YEARS,
        "entropy": [0.82, 0.86, 0.90, 0.92, 0.95, 0.96],
        "entropy_lo": [0.74, 0.79, 0.84, 0.87, 0.91, 0.92],
        "entropy_hi": [0.88, 0.91, 0.94, 0.96, 0.98, 0.99],
        "one_minus_hhi": [0.70, 0.74, 0.77, 0.78, 0.79, 0.80],
        "n_documents": [1, 1, 1, 1, 1, 1],
        "flag": [False, False, False, False, True, False],
    })
    themes = ["security.nuclear", "economy.transit", "environment.aral", "statecraft.multivector"]
    heat = pd.DataFrame(
        [{"theme": t, "period": str(y), "period_start": y, "share": round(0.05 + 0.04 * j
                                                                        + 0.02 * i, 3)}
         for i, y in enumerate(YEARS) for j, t in enumerate(themes)]
    )
    coverage = pd.DataFrame({
        "element": ["p.balance", "p.nuclear", "p.transit", "p.water", "p.cyber", "p.space"],
        "kind": ["principle", "priority", "priority", "priority", "threat", "priority"],
        "title": ["Multi-vector, balanced policy", "Nuclear disarmament",
                  "Transit corridors (транзит)", "Water and the Aral Sea", "Cyber threats",
                  "Space cooperation"],
        "periods_with_evidence": [6, 5, 3, 2, 0, 0],
        "share": [1.0, 5 / 6, 0.5, 1 / 3, 0.0, 0.0],
        "passages": [14, 9, 4, 2, 0, 0],
        "silent": [False, False, False, False, True, True],
        "last_seen": ["2020-09-25", "2020-09-25", "2019-09-24", "2017-09-22", None, None],
    })
    events = pd.DataFrame({
        "date": [dt.date(2015, 9, 20), dt.date(2016, 6, 1), dt.date(2017, 3, 3),
                 dt.date(2018, 11, 5), dt.date(2019, 9, 24), dt.date(2020, 9, 25)],
        "type": ["visit", "agreement", "visit", "mediation", "agreement", "statement"],
        "actor": ["KAZ", "KAZ", "KAZ", "KAZ", "KAZ", "KAZ"],
        "counterpart": [["RUS"], ["CHN"], ["USA"], ["AFG", "UZB"], ["EU"], ["RUS", "CHN"]],
        "evidence": ["The President visited Moscow.", "A transit deal was signed with China.",
                     "Визит в Вашингтон.", "Kazakhstan hosted talks on Afghanistan.",
                     "An enhanced partnership agreement with the EU.", "A call for balance."],
        "doc_id": DOCS,
        "passage": [3, 4, 2, 6, 5, 1],
    })
    relations = pd.DataFrame({
        "partner": ["USA", "EU", "GBR", "BLR"],
        "direction": ["up", "down", "new", "dropped"],
        "before": ["strategic partnership (strategic partner)", "strategic partnership (Europe)",
                   "(not named)", "untiered (Customs Union partner)"],
        "after": ["expanded strategic partnership", "expanded partnership and cooperation",
                  "untiered (leading states of Europe)", "(not named)"],
    })
    claims = pd.DataFrame({"key": ["economic_priorities_count"], "before": ["9 priorities"],
                           "after": ["14 priorities"]})
    diff = DiffSummary(
        before="kaz/2014-2020", after="kaz/2020-2030",
        counts={"added": 26, "removed": 15, "reworded": 25, "reclassified": 0, "moved": 0,
                "recoded": 2, "unchanged": 3},
        relations=relations, claims=claims,
    )
    gap = pd.DataFrame({
        "vector": VECTORS,
        "declared": [0.30, 0.25, 0.15, 0.20, 0.10],
        "observed": [0.22, 0.26, 0.17, 0.18, 0.17],
        "observed_lo": [0.17, 0.20, 0.12, 0.13, 0.12],
        "observed_hi": [0.27, 0.32, 0.22, 0.23, 0.22],
        "gap": [-0.08, 0.01, 0.02, -0.02, 0.07],
        "flag": [True, False, False, False, True],
    })
    channels = make_channels()
    comparison = make_comparison()
    evidence = {
        "balance_index": {str(y): [passage(i, 1, f"Kazakhstan values its partners ({y}).")]
                          for i, y in enumerate(YEARS)},
        "vector_shares": {cell_key("2015", "russia"): [passage(0, 3, "Our ally Russia …")],
                          cell_key("2020", "china"): [passage(5, 4, "Китай — наш сосед.")]},
        "theme_heatmap": {cell_key("security.nuclear", "2016"): [
            passage(1, 7, "The closure of the Semipalatinsk test site, a lesson for all.")]},
        "coverage": {"p.balance": [passage(0, 1, "A balanced, multi-vector course."),
                                   passage(3, 2, "Balance remains our rule.")],
                     "p.nuclear": [passage(1, 7, "The closure of the test site …")]},
        "gap": {"russia": [passage(0, 3, "Our ally Russia …")],
                "central_asia": [passage(4, 8, "Central Asia is our first priority.")]},
        "channels": {cell_key("kaz/2014-2020", "russia"): [passage(0, 3, "Our ally Russia …")]},
    }
    docs = [f"{d}" for d in DOCS]
    stamp = Stamp(
        package_version="0.1.0", codebook_id="themes", codebook_version="1.0.0",
        edition_id="kaz/2020-2030", edition_data_version="3", vectors_id="default",
        vectors_version="1.0.0", corpus_hash=corpus_hash(docs), n_documents=len(docs),
        n_passages=120, date_from="2015-09-20", date_to="2020-09-25",
        generated_at=dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC),
    )
    return ReportData(
        title=TITLE,
        subtitle="UN General Assembly statements, 2015-2020 (test data)",
        edition=EditionInfo("kaz/2020-2030", "Foreign Policy Concept 2020-2030",
                            "Decree No. 280 of 6 March 2020", "2020-2030"),
        stamp=stamp,
        findings=[
            "Attention grew more even across vectors: the balance index rose from 0.82 to 0.96 "
            "({figure:balance_index}).",
            "Russia's share fell from 40% to 22% while Central Asia's rose to 17%.",
            "Two priorities (cyber threats, space) are silent: no passage speaks of them "
            "({figure:coverage}; tiers: {section:diff}).",
        ],
        channel_findings=[CHANNEL_LEAD],
        channel_periods=[CHANNEL_LEAD, "Kazakhstan, under kaz/2020-2030: no votes."],
        balance_index=balance, vector_shares=vector_shares, theme_heatmap=heat,
        coverage=coverage, events=events, diff_summary=diff, gap=gap, channels=channels,
        comparison=comparison, evidence=evidence, subject="Kazakhstan",
        documents={DOCS[0]: DocumentInfo(
                       title="Statement of Kazakhstan, 2015", source="speeches/KAZ_70_2015.txt",
                       record="A/70/PV.13", url="https://undocs.org/A/70/PV.13"),
                   **{d: DocumentInfo(title=f"Statement of Kazakhstan, {YEARS[i]}",
                                      source=f"speeches/KAZ_{YEARS[i] - 1945}_{YEARS[i]}.txt",
                                      date_note="approximate: UN General Debate week")
                      for i, d in enumerate(DOCS) if i}},
        actor_labels=LABELS,
        notes={"balance": "UN General Debate statements seldom name bilateral partners.",
               "gap": "Observed: 2 documents dated from 2020-03-06."},
        vector_labels={"russia": "Russia", "china": "China", "usa": "United States",
                       "europe": "Europe", "central_asia": "Central Asia"},
        theme_labels={"security.nuclear": "Nuclear non-proliferation",
                      "economy.transit": "Transit and logistics",
                      "environment.aral": "Aral Sea (Арал)",
                      "statecraft.multivector": "Multi-vector statecraft"},
        methods={"Weighting": "per mention", "Periods": "year", "Bootstrap": "1,000 draws"},
    )


# --- rendering once per module: the three formats ---------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("report")
    data = make_data()
    return {fmt: render_report(data, folder / f"report.{fmt}") for fmt in ("html", "md")}


class Page(HTMLParser):
    """Collects what the checks need: headings, ids, links, resources, svg count."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.records: list[str] = []
        self.sources: list[str] = []
        self.headings: list[str] = []
        self.svgs = 0
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "a" and values.get("class") == "record":  # a document's record online
            self.records.append(values["href"])
            return
        for key in ("href", "xlink:href"):
            if key in values:
                self.hrefs.append(values[key])
        for key in ("src", "data", "poster", "srcset"):
            if key in values:
                self.sources.append(values[key])
        if tag == "link":
            self.sources.append(values.get("href", ""))
        if tag == "svg":
            self.svgs += 1
        if tag in ("h1", "h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)


def parse(path: Path) -> tuple[str, Page]:
    text = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    page.close()
    return text, page


SECTIONS = ["Summary of findings", "What it says, does and votes", "Multi-vector balance",
            "Declared versus observed", "Several countries side by side", "Priority coverage",
            "Themes over time", "Events", "What changed between the editions",
            "Evidence passages", "Reproducibility"]
FIGURES = 10  # channels, balance, shares, gap, comparison x 2, coverage, themes, events, diff


def test_html_has_the_sections_in_order_findings_first(rendered: dict[str, Path]) -> None:
    _, page = parse(rendered["html"])
    assert page.headings[0] == TITLE
    positions = [next(i for i, h in enumerate(page.headings) if name in h) for name in SECTIONS]
    assert positions == sorted(positions)


def test_html_has_a_chart_per_figure(rendered: dict[str, Path]) -> None:
    text, page = parse(rendered["html"])
    assert page.svgs >= FIGURES
    assert text.count('<figure id="fig-') == FIGURES
    assert f"Figure {FIGURES}." in text
    assert "Alignment" not in text  # dropped: its score dates no shift (see the builder)


def test_html_evidence_links_resolve_to_passages(rendered: dict[str, Path]) -> None:
    text, page = parse(rendered["html"])
    ids = set(page.ids)
    internal = [h for h in page.hrefs if h.startswith("#")]
    assert [h for h in internal if h[1:] not in ids] == []
    passages = {h for h in internal if h.startswith("#p-")}
    # every evidence passage of the data and every event has its anchor in the appendix
    assert f"#p-{DOCS[1][:12]}-7" in passages  # the heatmap cell
    assert f"#p-{DOCS[3][:12]}-6" in passages  # the 2018 event
    assert len(passages) == 15
    # charts link their cells too (SVG <a> elements), and captions link passages
    svg_links = re.findall(r'<a[^>]*href="(#p-[^"]+)"[^>]*>\s*<(?:path|circle|text|g)', text)
    assert svg_links
    assert re.search(r'<figcaption>.*?href="#p-', text)
    assert f"multivector doc {DOCS[0]}" in text


def test_html_ids_are_unique_across_the_inlined_charts(rendered: dict[str, Path]) -> None:
    _, page = parse(rendered["html"])
    assert len(page.ids) == len(set(page.ids))


def test_html_loads_nothing_from_outside(rendered: dict[str, Path]) -> None:
    text, page = parse(rendered["html"])
    assert page.sources == []
    # the one outside link: a statement's UN record, followed by a reader, never loaded
    assert set(page.records) == {"https://undocs.org/A/70/PV.13"}
    external = [h for h in page.hrefs if re.match(r"(?i)(https?:)?//", h)]
    assert external == []
    assert "@import" not in text
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text)
    assert "<script" not in text


def test_html_shows_the_stamp_and_cyrillic(rendered: dict[str, Path]) -> None:
    text, _ = parse(rendered["html"])
    assert corpus_hash(DOCS) in text
    assert "kaz/2020-2030 (data version 3)" in text
    assert "Визит в Вашингтон." in text
    assert 'charset="utf-8"' in text


def pdf_text(path: Path, pages: int | None = None) -> tuple[int, str]:
    from pypdf import PdfReader

    assert path.read_bytes()[:5] == b"%PDF-"
    reader = PdfReader(path)
    chosen = reader.pages if pages is None else reader.pages[:pages]
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in chosen)


def test_pdf_of_a_small_report_has_pages_title_and_cyrillic(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    full = make_data()
    data = ReportData(
        title=TITLE, edition=full.edition, stamp=full.stamp, balance_index=full.balance_index,
        findings=["Казахстан: многовекторность в цифрах."],
        evidence={"balance_index": full.evidence["balance_index"]},
    )
    pages, text = pdf_text(render_report(data, tmp_path / "small.pdf"), pages=2)
    assert pages >= 2  # the evidence appendix starts on a new page
    assert TITLE in text
    assert "Казахстан: многовекторность в цифрах." in text
    assert "Page 2 of" in text


@pytest.mark.slow
def test_pdf_of_the_full_report(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    pages, text = pdf_text(render_report(make_data(), tmp_path / "report.pdf"))
    assert pages >= 5
    assert TITLE in text
    assert all(f"Figure {n}." in text for n in range(1, FIGURES + 1))
    assert "Визит в Вашингтон" in text
    assert corpus_hash(DOCS)[:40] in text.replace(" ", "")


def test_markdown_has_tables_images_and_anchors(rendered: dict[str, Path]) -> None:
    md = rendered["md"]
    text = md.read_text(encoding="utf-8")
    assert "| Period | Documents | Balance index | 95% interval | 1 − HHI | Shift |" in text
    assert "|---|---:|---:|---:|---:|---|" in text
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) == FIGURES
    assert "file `speeches/KAZ_71_2016.txt`" in text
    assert "UN record [A/70/PV.13](<https://undocs.org/A/70/PV.13>)" in text
    for link in images:
        assert link.startswith("report_files/")
        assert (md.parent / link).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    anchors = set(re.findall(r'<a id="(p-[^"]+)"></a>', text))
    links = set(re.findall(r"\]\(#(p-[^)]+)\)", text))
    assert links and links <= anchors
    assert text.startswith(f"# {TITLE}\n")
    assert text.index("## Summary of findings") < text.index("## 2. Multi-vector balance")


# --- behaviour without rendering everything ----------------------------------------------------


def test_absent_sections_are_left_out(tmp_path: Path) -> None:
    full = make_data()
    data = ReportData(title="Only balance", edition=full.edition, stamp=full.stamp,
                      balance_index=full.balance_index)
    text, page = parse(render_report(data, tmp_path / "r.html"))
    assert "Multi-vector balance" in " ".join(page.headings)
    assert not any("Priority coverage" in h for h in page.headings)
    assert page.svgs == 1
    assert "No findings were written" in text


def test_format_from_argument_and_unknown_suffix(tmp_path: Path) -> None:
    from multivector.errors import UsageError

    data = ReportData(title="Empty", edition=make_data().edition, stamp=make_data().stamp)
    out = render_report(data, tmp_path / "notes.txt", fmt="md")
    assert out.read_text(encoding="utf-8").startswith("# Empty")
    with pytest.raises(UsageError, match=r"\.html, \.pdf or \.md"):
        render_report(data, tmp_path / "report.docx")


def test_text_is_escaped(tmp_path: Path) -> None:
    base = make_data()
    data = ReportData(title="<script>alert(1)</script> & co", edition=base.edition,
                      stamp=base.stamp, findings=["Use `multivector doc` <b>now</b>"])
    text = render_report(data, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<code>multivector doc</code> &lt;b&gt;now&lt;/b&gt;" in text


def test_svg_defines_before_use_and_links_locally() -> None:
    from multivector.report import charts

    data = make_data()
    svg = charts.to_svg(charts.heatmap_chart(data.theme_heatmap, links={
        cell_key("security.nuclear", "2016"): "#p-abc-1"}), prefix="t")
    assert svg.index("<defs>") < svg.index("url(#t-")  # weasyprint needs gradients first
    assert 'gradientUnits="userSpaceOnUse"' in svg  # and does not paint bounding-box ones
    assert 'href="#p-abc-1"' in svg and "vega.github.io" not in svg


def test_a_vector_keeps_its_colour_across_charts() -> None:
    from multivector.report import charts

    data = make_data()

    def colours(spec: dict[str, object]) -> dict[str, str]:
        found: dict[str, str] = {}

        def walk(node: object) -> None:
            if isinstance(node, dict):
                scale = node.get("scale")
                if node.get("field") == "label" and isinstance(scale, dict) and "range" in scale:
                    found.update(zip(scale["domain"], scale["range"], strict=True))
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(spec)
        return found

    shares = colours(charts.shares_chart(data.vector_shares, data.vector_labels).to_dict())
    gap = colours(charts.gap_chart(data.gap.iloc[::-1], data.vector_labels).to_dict())
    assert shares["Russia"] == gap["Russia"] == charts.VECTOR_COLORS["russia"]
    assert shares == gap


def test_evidence_from_frame_keeps_the_strongest_distinct_passages() -> None:
    frame = pd.DataFrame({
        "period": ["2015", "2015", "2015", "2015", "2016"],
        "vector": ["russia"] * 5,
        "doc_id": ["a", "a", "b", "c", "a"],
        "passage": [1, 1, 2, 3, 4],
        "text": ["one", "one again", "two", "three", "four"],
        "score": [0.5, 0.4, 0.9, 0.1, 0.3],
        "date": [pd.Timestamp("2015-09-01")] * 5,
    })
    ev = evidence_from_frame(frame, ["period", "vector"], limit=2)
    assert list(ev) == ["2015 · russia", "2016 · russia"]
    assert [(p.doc_id, p.passage) for p in ev["2015 · russia"]] == [("b", 2), ("a", 1)]
    assert ev["2015 · russia"][1].text == "one"
    assert ev["2016 · russia"][0].date == "2015-09-01"


def test_corpus_hash_ignores_order_and_duplicates() -> None:
    assert corpus_hash(["b", "a", "a"]) == corpus_hash(["a", "b"])
    assert corpus_hash(["a", "b"]) != corpus_hash(["a", "c"])
    assert len(corpus_hash([])) == 64


def test_diff_summary_from_the_shipped_editions() -> None:
    import multivector as mv

    d = mv.diff("kaz/2014-2020", "kaz/2020-2030")
    s = DiffSummary.from_diff(d)
    assert dict(s.counts) == d.summary()
    usa = s.relations.set_index("partner").loc["USA"]
    assert usa["direction"] == "up"
    assert "Expanded strategic partnership" in usa["after"] or "expanded" in usa["after"]
    info = EditionInfo.from_edition(d.b)
    assert info.period == "2020-2030" and info.legal_act and "280" in info.legal_act


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_decimal_year_stays_within_its_year(day: dt.date) -> None:
    from multivector.report.charts import decimal_year

    value = decimal_year(day)
    assert value is not None and day.year <= value < day.year + 1
    assert decimal_year(pd.Timestamp(day)) == value
    assert decimal_year(day.year) == float(day.year)


def test_quarters_dates_and_missing_values_render() -> None:
    from multivector.report import render_html

    quarters = pd.date_range("2019-01-01", periods=6, freq="QS")
    balance = pd.DataFrame({
        "period": [f"{q.year}Q{q.quarter}" for q in quarters], "period_start": quarters,
        "entropy": [0.5, 0.6, None, 0.7, 0.65, 0.6],
        "entropy_lo": [0.4, 0.5, None, 0.6, 0.55, 0.5],
        "entropy_hi": [0.6, 0.7, None, 0.8, 0.75, 0.7],
        "one_minus_hhi": [0.4, 0.5, None, 0.6, 0.6, 0.5],
        "n_documents": [2, 3, 0, 4, 2, 2], "flag": [False] * 6,
    })
    events = pd.DataFrame({
        "date": [pd.Timestamp("2019-03-05"), None], "type": ["visit", "visit"],
        "actor": ["KAZ", "KAZ"], "counterpart": [pd.Series(["RUS", "CHN"]).to_numpy(), None],
        "evidence": ["A visit.", None], "doc_id": [DOCS[0], DOCS[1]], "passage": [1, 2],
    })
    base = make_data()
    html = render_html(ReportData(title="Quarters", edition=base.edition, stamp=base.stamp,
                                  balance_index=balance, events=events))
    assert "2019Q3" in html and "—" in html  # the empty quarter shows as missing, not 0
    assert "RUS, CHN" in html
    assert html.count("<svg") == 2


# --- what a reader checks: labels, numbering, thin evidence, caveats, channels, countries ------


def thin_data() -> ReportData:
    """Three periods of UN statements, the middle one with too little evidence to be given a
    number; eleven vectors, China among the smallest."""
    base = make_data()
    periods = [("kaz/2005", 2005), ("kaz/2014-2020", 2014), ("kaz/2020-2030", 2020)]
    balance = pd.DataFrame({
        "period": [p for p, _ in periods], "period_start": [y for _, y in periods],
        "entropy": [0.81, None, 0.58], "entropy_lo": [0.70, 0.213, 0.55],
        "entropy_hi": [0.90, 0.977, 0.78], "one_minus_hhi": [0.80, None, 0.64],
        "n_documents": [9, 2, 5], "n_mentions": [86, 7, 27], "effective": [35.2, 4.1, 16.2],
        "evidence": ["sufficient", "insufficient", "sufficient"],
        "sources": ["UN General Debate, speech: 9", "UN General Debate, speech: 2",
                    "UN General Debate, speech: 5"],
        "caveat": ["one kind of source only (UN General Debate, speech)"] * 3,
        "flag": [False, False, False],
    })
    many = ["russia", "china", "usa", "europe", "central_asia", "post_soviet", "middle_east",
            "south_asia", "asia_pacific", "africa", "americas"]
    big = {"south_asia": 0.5, "middle_east": 0.2, "central_asia": 0.1, "post_soviet": 0.06,
           "asia_pacific": 0.05, "africa": 0.04, "americas": 0.03, "china": 0.004}
    rows = []
    for p, y in periods:
        thin = p == "kaz/2014-2020"
        for v in many:
            rows.append({"period": p, "period_start": y, "vector": v,
                         "share": None if thin else big.get(v, 0.0), "share_lo": 0.0123,
                         "share_hi": 0.4567, "n_documents": 2 if thin else 5,
                         "evidence": "insufficient" if thin else "sufficient",
                         "actors": "AFG 15 of 15" if v == "south_asia" else ""})
    assert base.gap is not None
    gap = base.gap.assign(observed=None, evidence="insufficient", flag=True,
                          actors=["RUS 1 of 1", "", "", "", ""])
    return ReportData(
        title="Thin", edition=base.edition, stamp=base.stamp, balance_index=balance,
        vector_shares=pd.DataFrame(rows), gap=gap, vector_labels=base.vector_labels,
        actor_labels=LABELS, notes={"balance": "UN General Debate statements seldom name "
                                               "bilateral partners."})


def _table(html: str, table_id: str) -> str:
    start = html.index(f'id="tab-{table_id}"')
    return html[start:html.index("</div>", start)]


def test_china_has_its_own_column_among_many_vectors() -> None:
    from multivector.report import render_html

    shares = _table(render_html(thin_data()), "shares_table")
    head = shares[:shares.index("</thead>")]
    for name in ("Russia", "China", "United States", "Europe", "Central Asia", "South asia",
                 "Other"):
        assert f">{name}</th>" in head
    assert "Other: " in shares and "Americas" in shares  # what Other holds
    assert "0.4%" in shares  # China's small share, in its own column


def test_findings_name_the_figures_and_sections_they_get(rendered: dict[str, Path]) -> None:
    text, _ = parse(rendered["html"])
    numbers = dict(re.findall(r'<figure id="fig-([a-z_]+)".*?<b>Figure (\d+)\.</b>', text))
    sections = dict(re.findall(r'<section id="([a-z_]+)"><h2>(\d+)\.', text))
    findings = text[text.index('id="findings"'):text.index("</section>",
                                                          text.index('id="findings"'))]
    assert f"rose from 0.82 to 0.96 (Figure {numbers['balance_index']})." in findings
    assert f"(Figure {numbers['coverage']}; tiers: Section {sections['diff']})" in findings
    assert "{figure" not in text and "{section" not in text
    # the channels lead the summary and name their section
    assert findings.index("Kazakhstan, under kaz/2014-2020") < findings.index("Attention grew")
    assert f"(Section {sections['channels']})" in findings
    assert sections["channels"] == "1"


def test_an_insufficient_period_shows_its_interval_never_a_number() -> None:
    from multivector.report import render_html

    html = render_html(thin_data())
    balance = _table(html, "balance_table")
    row = balance[balance.index("kaz/2014-2020"):]
    row = row[:row.index("</tr>")]
    assert "insufficient evidence" in row and "0.21–0.98" in row
    assert "7 (4.1)" in row  # mentions and effective mentions
    shares = _table(html, "shares_table")
    thin_row = shares[shares.index("<td>kaz/2014-2020"):]
    thin_row = thin_row[:thin_row.index("</tr>")]
    assert "1.2–46%" in thin_row and "insufficient evidence" in shares
    # the chart draws the band, not a point: the index line breaks at the period
    from multivector.report import charts

    thin = thin_data().balance_index
    assert thin is not None
    spec = charts.balance_chart(thin).to_dict()
    assert '"invalid": "break-paths-show-domains"' in str(spec).replace("'", '"')
    assert "insufficient evidence" in str(spec)


def test_each_periods_sources_and_caveat_stand_under_the_balance_table() -> None:
    from multivector.report import render_html

    note = _table(render_html(thin_data()), "balance_table")
    assert "kaz/2005: UN General Debate, speech: 9" in note
    assert "Every period: one kind of source only (UN General Debate, speech)" in note
    assert "seldom name bilateral partners" in note


def test_declared_versus_observed_claims_no_gap_on_insufficient_evidence() -> None:
    from multivector.report import render_html

    gap = _table(render_html(thin_data()), "gap_table")
    assert "insufficient evidence (" in gap
    assert "pts" not in gap and ">yes<" not in gap  # no gap, nothing beyond an interval
    assert "Russia 1 (of 1 mentions)" in gap  # the actor behind it, by name


def test_appendix_names_each_statements_file_or_its_un_record(
    rendered: dict[str, Path],
) -> None:
    text, _ = parse(rendered["html"])
    appendix = text[text.index('id="evidence"'):]
    assert "file <code>speeches/KAZ_71_2016.txt</code>" in appendix
    assert '<a class="record" href="https://undocs.org/A/70/PV.13"' in appendix
    assert "(date approximate)" in appendix


def test_prose_and_tables_use_labels_not_ids(rendered: dict[str, Path]) -> None:
    text, _ = parse(rendered["html"])
    events = _table(text, "events_table")
    assert "<td>Kazakhstan</td>" in events and "<td>Afghanistan, Uzbekistan</td>" in events
    assert ">KAZ<" not in events
    relations = _table(text, "relations_table")
    assert "<td>United States</td>" in relations and "<td>USA</td>" not in relations
    assert "<td>GBR</td>" in relations  # an id without a label stays as it is


def test_counts_agree_with_their_nouns() -> None:
    from multivector.report import plural

    assert plural(1, "document") == "1 document"
    assert plural(3, "document") == "3 documents"
    assert plural(1, "country", "countries") == "1 country"
    assert plural(2, "country", "countries") == "2 countries"
    base = make_data()
    one = ReportData(title="One", edition=base.edition,
                     stamp=Stamp(**{**base.stamp.__dict__, "n_documents": 1, "n_passages": 1}))
    from multivector.report import render_html

    assert "1 document, 1 passage," in render_html(one)


def test_channels_section_sets_the_channels_side_by_side(rendered: dict[str, Path]) -> None:
    text, _ = parse(rendered["html"])
    table = _table(text, "channels_table")
    head = table[:table.index("</thead>")]
    for column in ("Declared (tier; weight)", "Attention (95% interval)", "Events (share)",
                   "UN votes: agreement (95% interval; roll calls)"):
        assert column in head
    assert "allied; 20%" in table
    assert "74% (70–78%; 564 roll calls)" in table
    assert "no votes (the data end in 2019)" in table
    assert "insufficient evidence (1.0–30%)" in table  # attention with too little behind it
    assert "Kazakhstan, under kaz/2020-2030: no votes." in text  # every period's sentence


def test_comparison_says_which_countries_have_no_declared_profile(
    rendered: dict[str, Path],
) -> None:
    text, _ = parse(rendered["html"])
    section = text[text.index('<section id="comparison">'):]
    section = section[:section.index("</section>")]
    assert "No concept edition is encoded for Uzbekistan" in section
    assert "Kazakhstan: kaz/2020-2030" in section
    assert "insufficient (0.50–0.90); 1 doc" in section  # Uzbekistan 2020-2024
    assert section.count('<figure id="fig-comparison_') == 2
    # the other sections say whom they are about
    assert "Multi-vector balance: Kazakhstan" in text


def test_a_single_country_report_has_no_comparison(tmp_path: Path) -> None:
    from multivector.report import render_html

    base = make_data()
    one = Comparison(countries=["KAZ"], balance=base.comparison.balance)  # type: ignore[union-attr]
    html = render_html(ReportData(title="One", edition=base.edition, stamp=base.stamp,
                                  balance_index=base.balance_index, comparison=one))
    assert "Several countries" not in html


def test_long_period_labels_tilt_instead_of_overlapping() -> None:
    from multivector.report import charts, charts_channels

    def angles(spec: object) -> list[object]:
        found: list[object] = []

        def walk(node: object) -> None:
            if isinstance(node, dict):
                if "labelAngle" in node:
                    found.append(node["labelAngle"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(spec)
        return found

    shares = thin_data().vector_shares
    assert shares is not None
    heat = pd.DataFrame([{"theme": "security", "period": p, "period_start": y, "share": 0.2}
                         for p, y in (("before kaz/1995", 1992), ("kaz/2014-2020", 2014))])
    assert -35 in angles(charts.heatmap_chart(heat).to_dict())
    assert -30 in angles(charts.shares_chart(shares, make_data().vector_labels).to_dict())
    assert -35 in angles(charts_channels.channels_chart(make_channels()).to_dict())
    short = heat.assign(period=["1992", "2014"])
    assert set(angles(charts.heatmap_chart(short).to_dict())) == {0}


def test_actors_behind_a_share_read_with_names() -> None:
    from multivector.report import parse_actors

    assert parse_actors("AFG 15, PAK 3 ... of 20") == ([("AFG", 15), ("PAK", 3)], True, 20)
    assert parse_actors("USA 2, clinton_bill 1") == ([("USA", 2), ("clinton_bill", 1)], False,
                                                     None)
    assert parse_actors(None) == ([], False, None)
    data = make_data()
    assert data.actors_text("AFG 15, PAK 3 ... of 20") == ("Afghanistan 15, PAK 3 and others "
                                                           "(of 20 mentions)")
    assert data.actors_text("AFG 15, PAK 3 of 18", top=1) == ("Afghanistan 15 and others "
                                                              "(of 18 mentions)")


def test_event_dates_keep_their_precision_and_mark_document_dates() -> None:
    from multivector.report import render_html

    base = make_data()
    assert base.events is not None
    events = base.events.iloc[:3].assign(
        date_source=["sentence", "sentence", "document"],
        date_precision=["year", "month", "day"],
        reported=[dt.date(2016, 9, 20), dt.date(2016, 9, 21), dt.date(2017, 3, 3)])
    table = _table(render_html(ReportData(title="Events", edition=base.edition,
                                          stamp=base.stamp, events=events)), "events_table")
    assert "<td>2015</td>" in table and "<td>2016-06</td>" in table
    assert "2017-03-03 (document)" in table and "when it was reported" in table


def test_coverage_shows_evidence_it_does_not_count() -> None:
    from multivector.report import render_html

    base = make_data()
    assert base.coverage is not None
    card = base.coverage.assign(before=[4, 0, 1, 0, 0, 2], weak_passages=[0, 3, 0, 0, 1, 0])
    html = render_html(ReportData(title="Coverage", edition=base.edition, stamp=base.stamp,
                                  coverage=card))
    table = _table(html, "coverage_table")
    assert "Passages before it" in table and "Weak passages" in table
    assert "Neither counts toward the periods with evidence" in table
