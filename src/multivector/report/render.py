"""Render a :class:`ReportData` as self-contained HTML, PDF (weasyprint) or Markdown.

The sections are built once as format-neutral blocks (``templates.blocks``); the writers in
``templates`` turn them into HTML (charts inline as SVG) or Markdown (charts as PNG files in
``<stem>_files/``). The PDF is printed by weasyprint from the same HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from multivector.errors import UsageError
from multivector.report import charts
from multivector.report.model import (
    KEY_SEPARATOR,
    EvidencePassage,
    ReportData,
    cell_key,
)
from multivector.report.templates.blocks import (
    AppendixEntry,
    Block,
    Cell,
    Document,
    EvidenceList,
    Figure,
    Paragraph,
    Ref,
    Section,
    Table,
)

FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md", ".markdown": "md"}
PER_CELL = 4  # passages listed per cell of a figure
PER_LIST = 60  # cells listed per evidence list
EVENT_ROWS = 40  # events listed in the events table (the most recent ones)
MAX_SHARE_COLUMNS = 8  # vectors shown as columns of the shares table; the rest are "Other"


def render_report(data: ReportData, out: Path | str, fmt: str | None = None) -> Path:
    """Write the report to ``out``; the format is ``fmt`` or else the suffix (.html, .pdf, .md).

    Returns the path written. Markdown also writes its charts to ``<stem>_files/`` beside it.
    """
    out = Path(out)
    kind = (fmt or FORMATS.get(out.suffix.lower(), "")).lower().lstrip(".")
    kind = {"htm": "html", "markdown": "md"}.get(kind, kind)
    if kind not in ("html", "pdf", "md"):
        raise UsageError(
            f"cannot tell the report format of {out.name!r}: use a .html, .pdf or .md file name "
            "or pass fmt='html', 'pdf' or 'md'"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    document = build_document(data)
    if kind == "md":
        from multivector.report.templates.markdown import write_markdown

        folder = out.parent / f"{out.stem}_files"
        folder.mkdir(exist_ok=True)
        for stale in folder.glob("figure-*.png"):  # charts of an earlier run of this report
            stale.unlink()
        out.write_text(write_markdown(document, folder, out.parent), encoding="utf-8")
        return out
    from multivector.report.templates.html import write_html

    html = write_html(document, chart_svgs(document), print_version=kind == "pdf")
    if kind == "html":
        out.write_text(html, encoding="utf-8")
    else:
        write_pdf(html, out)
    return out


def render_html(data: ReportData) -> str:
    """The self-contained HTML of a report, as text."""
    from multivector.report.templates.html import write_html

    document = build_document(data)
    return write_html(document, chart_svgs(document))


def chart_svgs(document: Document) -> dict[int, str]:
    """SVG text of every figure by number, converted on a few threads (vl-convert allows it)."""
    figures = [b for s in document.sections for b in s.blocks if isinstance(b, Figure)]
    if not figures:
        return {}
    with ThreadPoolExecutor(max_workers=min(4, len(figures))) as pool:
        svgs = pool.map(lambda f: charts.to_svg(f.chart, prefix=f"f{f.number}"), figures)
        return {f.number: svg for f, svg in zip(figures, svgs, strict=True)}


def write_pdf(html: str, out: Path) -> None:
    """Print the HTML to an A4 PDF with weasyprint (it fetches nothing from the network)."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: the Pango libraries are missing
        raise UsageError(
            f"PDF reports need weasyprint and the Pango libraries ({exc}); install them "
            "(pip install weasyprint; apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            "fonts-dejavu-core) or write .html and print it"
        ) from None

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"the report does not load external resources ({url})")

    weasyprint.HTML(string=html, url_fetcher=no_fetch).write_pdf(str(out))


# --- building the blocks ---------------------------------------------------------------------


class _Registry:
    """Numbers each passage once, in order of first citation, and remembers who cites it."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Ref, EvidencePassage, list[tuple[str, str]]]] = {}

    def ref(self, passage: EvidencePassage, figure: tuple[str, str]) -> Ref:
        anchor = passage.anchor
        if anchor not in self._entries:
            ref = Ref(len(self._entries) + 1, anchor)
            self._entries[anchor] = (ref, passage, [])
        ref, _, cited = self._entries[anchor]
        if figure not in cited:
            cited.append(figure)
        return ref

    def entries(self) -> list[AppendixEntry]:
        return [AppendixEntry(ref, p, tuple(c)) for ref, p, c in self._entries.values()]


class _Builder:
    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.registry = _Registry()
        self.figures = 0
        self.tables = 0
        self.titles = self._document_titles()

    # numbering and evidence

    def figure(self, fid: str, title: str, caption: str, chart: Any,
               refs: tuple[Ref, ...] = ()) -> Figure:
        return Figure(fid, self.figures, title, caption, chart, refs)

    def next_figure(self) -> int:
        self.figures += 1
        return self.figures

    def table(self, tid: str, title: str, columns: Sequence[str],
              rows: Sequence[Sequence[Cell]], numeric: Sequence[bool] = (),
              note: str = "") -> Table:
        self.tables += 1
        return Table(tid, self.tables, title, columns, rows, numeric, note)

    def evidence(
        self, fid: str, label: Callable[[str], str] | None = None
    ) -> tuple[EvidenceList, dict[str, str], tuple[Ref, ...]]:
        """The evidence list of figure ``fid``, chart links per cell key, and all its refs."""
        cited = (fid, f"Figure {self.figures}")
        cells = self.data.evidence.get(fid, {})
        items: list[tuple[str, tuple[Ref, ...]]] = []
        links: dict[str, str] = {}
        every: list[Ref] = []
        for key, passages in cells.items():
            refs = tuple(self.registry.ref(p, cited) for p in list(passages)[:PER_CELL])
            if not refs:
                continue
            links[key] = "#" + refs[0].anchor
            every.extend(r for r in refs if r not in every)
            items.append(((label or self.key_label)(key), refs))
        note = "" if items else "No passages were recorded behind this figure."
        if len(items) > PER_LIST:
            note = f"{len(items) - PER_LIST} more cells are not listed here."
            items = items[:PER_LIST]
        return EvidenceList(items, note), links, tuple(every)

    def key_label(self, key: str) -> str:
        parts = key.split(KEY_SEPARATOR)
        named = [
            self.data.vector_labels.get(p) or self.data.theme_labels.get(p) or p for p in parts
        ]
        return KEY_SEPARATOR.join(named)

    def _document_titles(self) -> dict[str, str]:
        titles: dict[str, str] = {}
        for cells in self.data.evidence.values():
            for passages in cells.values():
                for p in passages:
                    if p.title:
                        titles.setdefault(p.doc_id, p.title)
        if self.data.alignment is not None and "title" in self.data.alignment:
            for doc, title in zip(self.data.alignment["doc_id"], self.data.alignment["title"],
                                  strict=True):
                titles.setdefault(str(doc), str(title))
        return titles

    # sections

    def balance(self) -> Section | None:
        d = self.data
        if d.balance_index is None and d.vector_shares is None:
            return None
        blocks: list[Block] = [Paragraph(
            "Attention is counted from mentions of states and organisations, each assigned to "
            "one foreign-policy vector; the speaker's own country counts toward none. The balance "
            "index is the normalised Shannon entropy of the vector shares: 1 when every vector "
            "gets the same attention, 0 when one vector gets all of it. 1 − HHI (one minus the "
            "Herfindahl-Hirschman concentration) is shown beside it as a check. The shaded band "
            "is a 95% bootstrap interval from resampling documents; a diamond marks a period "
            "whose index differs from the previous period's beyond both intervals."
        )]
        if d.balance_index is not None and len(d.balance_index):
            frame = d.balance_index.copy()
            frame["_x"] = [charts.decimal_year(v) for v in frame["period_start"]]
            frame = frame.sort_values("_x")
            self.next_figure()
            ev, links, refs = self.evidence("balance_index")
            blocks.append(self.figure(
                "balance_index", "Balance among vectors over time",
                "Balance index per period with its 95% interval; 1 − HHI dashed; diamonds: "
                "a shift from the previous period.",
                charts.balance_chart(frame, links), refs))
            rows = [[
                Cell(str(r["period"])), Cell(_int(r["n_documents"])),
                Cell(_num(r["entropy"])),
                Cell(f"{_num(r['entropy_lo'])}–{_num(r['entropy_hi'])}"),
                Cell(_num(r["one_minus_hhi"])),
                Cell("shift" if bool(r["flag"]) else "", "flag" if bool(r["flag"]) else ""),
            ] for r in frame.to_dict("records")]
            blocks.append(self.table(
                "balance_table", "Balance index by period",
                ["Period", "Documents", "Balance index", "95% interval", "1 − HHI", "Shift"],
                rows, [False, True, True, True, True, False]))
            blocks.append(ev)
        if d.vector_shares is not None and len(d.vector_shares):
            self.next_figure()
            ev, links, refs = self.evidence("vector_shares")
            blocks.append(self.figure(
                "vector_shares", "Attention by vector",
                "Share of attention per vector and period; each vector keeps its colour in "
                "every chart.", charts.shares_chart(d.vector_shares, self._labels(), links),
                refs))
            blocks.append(self._shares_table(d.vector_shares))
            blocks.append(ev)
        return Section("balance", "Multi-vector balance", blocks)

    def _shares_table(self, frame: pd.DataFrame) -> Table:
        df = frame.copy()
        df["_x"] = [charts.decimal_year(v) for v in df["period_start"]]
        df["vector"] = df["vector"].astype(str)
        vectors = sorted(df["vector"].unique(), key=charts.vector_order)
        if len(vectors) > MAX_SHARE_COLUMNS:
            mean = df.groupby("vector")["share"].mean().sort_values(ascending=False)
            keep = set(mean.index[: MAX_SHARE_COLUMNS - 1])
            vectors = [v for v in vectors if v in keep]
            df.loc[~df["vector"].isin(keep), "vector"] = "_other"
        table = df.pivot_table(index=["_x", "period"], columns="vector", values="share",
                               aggfunc="sum", fill_value=0.0).sort_index()
        columns = [*vectors, "_other"] if "_other" in table.columns else vectors
        rows = [
            [Cell(str(period))] + [Cell(_pct(table.loc[(x, period), v])) for v in columns]
            for x, period in table.index
        ]
        names = [self.data.vector_label(v) if v != "_other" else "Other" for v in columns]
        return self.table("shares_table", "Share of attention by vector (per cent)",
                          ["Period", *names], rows, [False] + [True] * len(columns))

    def gap(self) -> Section | None:
        d = self.data
        if d.gap is None or not len(d.gap):
            return None
        self.next_figure()
        ev, links, refs = self.evidence("gap")
        fig = self.figure(
            "gap", "Declared versus observed",
            "Diamond: the weight the edition declares; dot and bar: the observed share of "
            "attention with its 95% interval; right: the gap (* where it lies beyond the "
            "interval).", charts.gap_chart(d.gap, self._labels(), links), refs)
        frame = d.gap.sort_values("declared", ascending=False)
        rows = [[
            Cell(d.vector_label(r["vector"])), Cell(_pct(r["declared"])),
            Cell(f"{_pct(r['observed'])} ({_pct(r['observed_lo'])}–{_pct(r['observed_hi'])})"),
            Cell("—" if _missing(r["gap"]) else f"{r['gap'] * 100:+.0f} pts",
                 "flag" if bool(r["flag"]) else ""),
            Cell("yes" if bool(r["flag"]) else "", "flag" if bool(r["flag"]) else ""),
        ] for r in frame.to_dict("records")]
        table = self.table(
            "gap_table", "Declared weight and observed attention per vector",
            ["Vector", "Declared", "Observed (95% interval)", "Gap", "Beyond interval"],
            rows, [False, True, True, True, False])
        intro = Paragraph(
            "The declared profile turns the edition's partner tiers and priorities into weights "
            "per vector (a documented rule the user can override); the observed profile is the "
            "share of attention in the corpus. The gap is observed minus declared, in "
            "percentage points: a negative gap means a vector gets less attention than the "
            "concept gives it.")
        return Section("gap", "Declared versus observed", [intro, fig, table, ev])

    def coverage(self) -> Section | None:
        d = self.data
        if d.coverage is None or not len(d.coverage):
            return None
        frame = d.coverage.sort_values(["share", "passages"], ascending=False)
        silent = int(frame["silent"].astype(bool).sum())
        self.next_figure()
        titles = dict(zip(frame["element"].astype(str), frame["title"].astype(str), strict=True))
        ev, links, refs = self.evidence("coverage", lambda k: titles.get(k, k))
        fig = self.figure(
            "coverage", "Priority coverage",
            "Share of periods in which each element of the edition has coded evidence; "
            "silent elements (no evidence at all) in red.",
            charts.coverage_chart(frame, links), refs)
        rows = [[
            Cell(str(r["title"] or r["element"]), "silent" if bool(r["silent"]) else ""),
            Cell(str(r["kind"])), Cell(_int(r["periods_with_evidence"])),
            Cell(_pct(r["share"])), Cell(_int(r["passages"])),
            Cell(_text(r.get("last_seen")) or "never", "muted" if bool(r["silent"]) else ""),
        ] for r in frame.to_dict("records")]
        table = self.table(
            "coverage_table", "Evidence per element of the edition",
            ["Element", "Kind", "Periods with evidence", "Share of periods", "Passages",
             "Last seen"], rows, [False, False, True, True, True, False])
        intro = Paragraph(
            f"{len(frame)} elements of {d.edition.id}; {silent} silent. A period counts for an "
            "element when at least one passage or event in it is coded to the element. A "
            "silent element has no evidence in any period: the practice may be absent from "
            "this corpus, or the wording used in the texts may escape the lexicon, so read the "
            "element before concluding.")
        return Section("coverage", "Priority coverage", [intro, fig, table, ev])

    def themes(self) -> Section | None:
        d = self.data
        if d.theme_heatmap is None or not len(d.theme_heatmap):
            return None
        self.next_figure()
        ev, links, refs = self.evidence("theme_heatmap")
        fig = self.figure(
            "theme_heatmap", "Themes over time",
            "Share of coded theme passages per period; darker is more attention.",
            charts.heatmap_chart(d.theme_heatmap, dict(d.theme_labels), links), refs)
        intro = Paragraph(
            "Each passage is coded with the themes of the codebook it speaks about; a cell is "
            "the theme's share of all theme codings in the period.")
        return Section("themes", "Themes over time", [intro, fig, ev])

    def events(self) -> Section | None:
        d = self.data
        if d.events is None or not len(d.events):
            return None
        frame = d.events.copy()
        frame["_x"] = [charts.decimal_year(v) for v in frame["date"]]
        frame = frame.sort_values("_x")
        number = self.next_figure()
        cited = ("events", f"Figure {number}")
        links: dict[str, str] = {}
        rows: list[list[Cell]] = []
        refs: list[Ref] = []
        listed = frame.to_dict("records")[-EVENT_ROWS:]  # the appendix cites these only
        for r in listed:
            doc, index = str(r["doc_id"]), int(r["passage"])
            date = _text(r["date"])
            ref = self.registry.ref(EvidencePassage(
                doc, index, str(r.get("evidence") or ""), date, self.titles.get(doc, "")), cited)
            links[cell_key(doc, index)] = "#" + ref.anchor
            refs.append(ref)
            rows.append([Cell(date or ""), Cell(str(r["type"])), Cell(_text(r["actor"])),
                         Cell(_text(r["counterpart"])),
                         Cell(charts.shorten(str(r.get("evidence") or ""), 120), refs=(ref,))])
        fig = self.figure("events", "Events", "Events coded from the texts, by date and type; "
                          "a point links to its passage when the table below lists it.",
                          charts.events_chart(frame.drop(columns="_x"), links),
                          tuple(dict.fromkeys(refs)))
        note = (f"The {EVENT_ROWS} most recent of {len(frame)} events; the chart shows all of "
                "them and `multivector events` lists them with their passages."
                if len(frame) > EVENT_ROWS else "")
        table = self.table("events_table", "Events and the passages they were read from",
                           ["Date", "Type", "Actor", "Counterpart", "Evidence"], rows,
                           note=note)
        return Section("events", "Events", [fig, table])

    def alignment(self) -> Section | None:
        d = self.data
        if d.alignment is None or not len(d.alignment):
            return None
        frame = d.alignment
        scores = [c for c in frame.columns if str(c).startswith("score_")]
        editions = [str(c)[len("score_"):] for c in scores]
        self.next_figure()
        titles = self.titles
        ev, _, refs = self.evidence("alignment", lambda k: titles.get(k, k[:12]))
        fig = self.figure(
            "alignment", "Alignment with editions",
            "Similarity of each document to each edition (dots) and the yearly mean (lines).",
            charts.alignment_chart(frame), refs)
        rows: list[list[Cell]] = []
        for year, group in frame.groupby("year", sort=True):
            best = group["best_edition"].astype(str).value_counts()
            rows.append(
                [Cell(_text(year)), Cell(str(len(group)))]
                + [Cell(str(int(best.get(e, 0)))) for e in editions]
                + [Cell(_num(group[c].mean(), 3)) for c in scores]
            )
        table = self.table(
            "alignment_table", "Documents per year by best-aligned edition, and mean scores",
            ["Year", "Documents", *[f"best: {e}" for e in editions],
             *[f"mean: {e}" for e in editions]],
            rows, [False] + [True] * (1 + 2 * len(editions)))
        intro = Paragraph(
            "Each document is scored against each edition; the edition with the highest score is "
            "its best match. The year in which another edition starts to win dates a shift in "
            "the language of the statements.")
        return Section("alignment", "Alignment with the editions", [intro, fig, table, ev])

    def diff(self) -> Section | None:
        s = self.data.diff_summary
        if s is None:
            return None
        self.next_figure()
        ev, _, refs = self.evidence("diff_summary")
        if not ev.items:
            ev = EvidenceList([], f"Read from the editions themselves; `multivector diff "
                                  f"{s.before} {s.after}` shows the source of every change.")
        fig = self.figure("diff_summary", f"What changed: {s.before} → {s.after}",
                          "Elements of the two editions by type of change.",
                          charts.diff_chart(s.counts, s.before, s.after), refs)
        arrows = {"up": ("▲ up", "up"), "down": ("▼ down", "down"), "new": ("+ new", "up"),
                  "dropped": ("− dropped", "down"), "reworded": ("~ reworded", "muted"),
                  "same": ("= same", "muted")}
        rel_rows = [
            [Cell(str(r["partner"])), Cell(*arrows.get(str(r["direction"]),
                                                      (str(r["direction"]), ""))),
             Cell(str(r["before"])), Cell(str(r["after"]))]
            for r in s.relations.to_dict("records") if str(r["direction"]) != "same"
        ]
        blocks: list[Block] = [fig]
        if rel_rows:
            blocks.append(self.table("relations_table", "Partner relations: tier changes",
                                     ["Partner", "Change", f"In {s.before}", f"In {s.after}"],
                                     rel_rows))
        if len(s.claims):
            blocks.append(self.table(
                "claims_table", "Figures asserted about each edition",
                ["Claim", s.before, s.after],
                [[Cell(str(r["key"]).replace("_", " ")), Cell(_text(r["before"]) or "—"),
                  Cell(_text(r["after"]) or "—")] for r in s.claims.to_dict("records")]))
        blocks.append(ev)
        return Section("diff", "What changed between the editions", blocks)

    def _labels(self) -> dict[str, str]:
        vectors: set[str] = set()
        for frame in (self.data.vector_shares, self.data.gap):
            if frame is not None:
                vectors |= {str(v) for v in frame["vector"]}
        return {v: self.data.vector_label(v) for v in vectors}


def build_document(data: ReportData) -> Document:
    """The report as blocks, in reading order: findings, sections, evidence, stamp."""
    b = _Builder(data)
    sections = [s for s in (b.balance(), b.gap(), b.coverage(), b.themes(), b.events(),
                            b.alignment(), b.diff()) if s is not None]
    ed, st = data.edition, data.stamp
    concept = f"{ed.id}: {ed.title}" + (f" ({ed.legal_act})" if ed.legal_act else "")
    facts = [
        ("Concept edition", concept + (f", in force {ed.period}" if ed.period else "")),
        ("Corpus", f"{st.n_documents} documents, {st.n_passages} passages, "
                   f"{st.date_from or '?'} to {st.date_to or '?'}"),
        ("Corpus hash", st.corpus_hash[:16]),
        ("Generated", f"{st.generated_at:%Y-%m-%d} by multivector {st.package_version}"),
    ]
    return Document(
        title=data.title, subtitle=data.subtitle, facts=facts, findings=list(data.findings),
        sections=sections, appendix=b.registry.entries(), stamp=st.rows(),
        methods=list(data.methods.items()),
    )


# --- formatting ------------------------------------------------------------------------------


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _pct(value: object) -> str:
    if _missing(value):
        return "—"
    x = float(value)  # type: ignore[arg-type]
    return f"{x:.1%}" if 0 < abs(x) < 0.1 else f"{x:.0%}"


def _num(value: object, digits: int = 2) -> str:
    return "—" if _missing(value) else f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def _int(value: object) -> str:
    return "—" if _missing(value) else str(int(value))  # type: ignore[call-overload]


def _text(value: object) -> str:
    if isinstance(value, list | tuple | set) or getattr(value, "ndim", 0) > 0:
        return ", ".join(str(v) for v in value)  # type: ignore[attr-defined]
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


__all__ = ["FORMATS", "build_document", "render_html", "render_report", "write_pdf"]
