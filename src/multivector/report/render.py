"""Render a :class:`ReportData` as self-contained HTML, PDF (weasyprint) or Markdown.

The sections are built once as format-neutral blocks (``templates.blocks``); the writers in
``templates`` turn them into HTML (charts inline as SVG) or Markdown (charts as PNG files in
``<stem>_files/``). The PDF is printed by weasyprint from the same HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from multivector.errors import UsageError
from multivector.report import charts
from multivector.report import formats as fm
from multivector.report.model import (
    KEY_SEPARATOR,
    REFERENCE,
    DocumentInfo,
    EvidencePassage,
    ReportData,
    cell_key,
    join_words,
    plural,
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
# always columns of their own, in this order: the partners a multi-vector policy balances
MAIN_VECTORS = ("russia", "china", "usa", "europe", "central_asia")


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

    def entries(self, documents: Mapping[str, DocumentInfo] | None = None) -> list[AppendixEntry]:
        docs = documents or {}
        return [AppendixEntry(ref, p, tuple(c), docs.get(p.doc_id))
                for ref, p, c in self._entries.values()]


class Builder:
    """Turns a :class:`ReportData` into sections, numbering figures, tables and sections and
    the passages they cite. The sections of several countries and channels live in
    :mod:`multivector.report.sections`."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.registry = _Registry()
        self.figures = 0
        self.tables = 0
        self.figure_numbers: dict[str, int] = {}
        self.titles = self._document_titles()

    # numbering and evidence

    def figure(self, fid: str, title: str, caption: str, chart: Any,
               refs: tuple[Ref, ...] = ()) -> Figure:
        return Figure(fid, self.figures, title, caption, chart, refs)

    def next_figure(self, fid: str = "") -> int:
        self.figures += 1
        if fid:
            self.figure_numbers.setdefault(fid, self.figures)
        return self.figures

    def table(self, tid: str, title: str, columns: Sequence[str],
              rows: Sequence[Sequence[Cell]], numeric: Sequence[bool] = (),
              note: str = "") -> Table:
        self.tables += 1
        return Table(tid, self.tables, title, columns, rows, numeric, note)

    def evidence(
        self, fid: str, label: Callable[[str], str] | None = None,
        order: Callable[[str], Any] | None = None,
    ) -> tuple[EvidenceList, dict[str, str], tuple[Ref, ...]]:
        """The evidence list of figure ``fid``, chart links per cell key, and all its refs;
        cells listed in ``order`` of their keys (else by their labels)."""
        cited = (fid, f"Figure {self.figures}")
        cells = self.data.evidence.get(fid, {})
        name = label or self.key_label
        keys = sorted(cells, key=order or name)
        items: list[tuple[str, tuple[Ref, ...]]] = []
        links: dict[str, str] = {}
        every: list[Ref] = []
        for key in keys:
            refs = tuple(self.registry.ref(p, cited) for p in list(cells[key])[:PER_CELL])
            if not refs:
                continue
            links[key] = "#" + refs[0].anchor
            every.extend(r for r in refs if r not in every)
            items.append((name(key), refs))
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

    def period_vector_order(self, periods: Sequence[str]) -> Callable[[str], Any]:
        """Sort key of ``period · vector`` cell keys: periods in time order, then vectors."""
        rank = {p: i for i, p in enumerate(periods)}

        def key(cell: str) -> Any:
            parts = cell.split(KEY_SEPARATOR)
            return (rank.get(parts[0], len(rank)), *(charts.vector_order(p) for p in parts[1:]))

        return key

    def _document_titles(self) -> dict[str, str]:
        titles: dict[str, str] = {d: i.title for d, i in self.data.documents.items() if i.title}
        for cells in self.data.evidence.values():
            for passages in cells.values():
                for p in passages:
                    if p.title:
                        titles.setdefault(p.doc_id, p.title)
        return titles

    # sections

    def balance(self) -> Section | None:
        d = self.data
        if d.balance_index is None and d.vector_shares is None:
            return None
        how = d.methods.get("Intervals", "")
        blocks: list[Block] = [Paragraph(
            "Attention is counted from mentions of states, regions and organisations, each "
            "assigned to one foreign-policy vector; the speaker's own country counts toward none "
            "(nor do multilateral bodies such as the United Nations). The balance "
            "index is the normalised Shannon entropy of the vector shares: 1 when every vector "
            "gets the same attention, 0 when one vector gets all of it. 1 − HHI (one minus the "
            "Herfindahl-Hirschman concentration) is shown beside it as a check. The shaded band "
            f"is the 95% interval{f' ({how})' if how else ''}; a diamond marks a period whose "
            "index differs from the previous period's beyond its interval. A period with fewer "
            "than 3 documents or 10 effective mentions (mentions over the design effect of "
            "their clustering in documents) is marked insufficient evidence: it shows its "
            "interval, never a number."
        )]
        periods: list[str] = []
        if d.balance_index is not None and len(d.balance_index):
            frame = d.balance_index.copy()
            frame["_x"] = [charts.decimal_year(v) for v in frame["period_start"]]
            frame = frame.sort_values("_x", kind="stable")
            periods = [str(p) for p in frame["period"]]
            self.next_figure("balance_index")
            ev, links, refs = self.evidence("balance_index",
                                            order=self.period_vector_order(periods))
            blocks.append(self.figure(
                "balance_index", "Balance among vectors over time",
                "Balance index per period with its 95% interval; 1 − HHI dashed; diamonds: "
                "a shift from the previous period; a band without a line: insufficient "
                "evidence.", charts.balance_chart(frame, links), refs))
            blocks.append(self._balance_table(frame))
            blocks.append(ev)
        if d.vector_shares is not None and len(d.vector_shares):
            shares = d.vector_shares
            if not periods:
                periods = _periods_in_order(shares)
            self.next_figure("vector_shares")
            ev, links, refs = self.evidence("vector_shares",
                                            order=self.period_vector_order(periods))
            blocks.append(self.figure(
                "vector_shares", "Attention by vector",
                "Share of attention per vector and period; each vector keeps its colour in "
                "every chart; periods with too little evidence are left blank.",
                charts.shares_chart(shares, self._labels(), links), refs))
            blocks.append(self._shares_table(shares))
            blocks.append(ev)
        return Section("balance", "Multi-vector balance", blocks)

    def _balance_table(self, frame: pd.DataFrame) -> Table:
        has_mentions = "n_mentions" in frame and "effective" in frame
        rows: list[list[Cell]] = []
        for r in frame.to_dict("records"):
            short = fm.thin(r.get("evidence")) or fm.missing(r["entropy"])
            row = [Cell(str(r["period"])), Cell(fm.integer(r["n_documents"]))]
            if has_mentions:
                row.append(Cell(f"{fm.integer(r['n_mentions'])} ({fm.num(r['effective'], 1)})"))
            row += [
                Cell(fm.INSUFFICIENT if short else fm.num(r["entropy"]),
                     "muted" if short else ""),
                Cell(f"{fm.num(r['entropy_lo'])}–{fm.num(r['entropy_hi'])}"),
                Cell("—" if short else fm.num(r["one_minus_hhi"])),
                Cell("shift" if bool(r["flag"]) else "", "flag" if bool(r["flag"]) else ""),
            ]
            rows.append(row)
        columns = ["Period", "Documents"]
        if has_mentions:
            columns.append("Mentions (effective)")
        columns += ["Balance index", "95% interval", "1 − HHI", "Shift"]
        numeric = [False, True] + ([True] if has_mentions else []) + [True, True, True, False]
        return self.table("balance_table", "Balance index by period", columns, rows, numeric,
                          note=self._sources_note(frame))

    def _sources_note(self, frame: pd.DataFrame) -> str:
        """The sources and genres of each period, its caveat, and what the genre cannot say."""
        from multivector.report.sections import outside_note

        parts: list[str] = []
        if "sources" in frame:
            listed = [f"{r['period']}: {r['sources']}" for r in frame.to_dict("records")
                      if isinstance(r.get("sources"), str) and r["sources"]]
            if listed:
                parts.append("Sources (documents per source and genre): " + "; ".join(listed)
                             + ".")
        if "caveat" in frame:
            caveats = [(str(r["period"]), r["caveat"]) for r in frame.to_dict("records")
                       if isinstance(r.get("caveat"), str) and r["caveat"]]
            kinds = {c for _, c in caveats}
            if len(caveats) == len(frame) and len(kinds) == 1:
                parts.append(f"Every period: {next(iter(kinds))}.")
            else:
                parts += [f"{p}: {c}." for p, c in caveats]
        note = self.data.notes.get("balance", "")
        if note:
            parts.append(note)
        parts.append(outside_note(frame))
        return " ".join(p for p in parts if p)

    def _shares_table(self, frame: pd.DataFrame) -> Table:
        d = self.data
        df = frame.copy()
        df["_x"] = [charts.decimal_year(v) for v in df["period_start"]]
        df["vector"] = df["vector"].astype(str)
        present = set(df["vector"])
        main = [v for v in MAIN_VECTORS if v in present]
        rest = [v for v in sorted(present, key=charts.vector_order) if v not in main]
        if len(main) + len(rest) > MAX_SHARE_COLUMNS:
            mean = df[df["vector"].isin(rest)].groupby("vector")["share"].mean()
            keep = set(mean.sort_values(ascending=False).index[: MAX_SHARE_COLUMNS - len(main)])
            others = [v for v in rest if v not in keep]
            rest = [v for v in rest if v in keep]
        else:
            others = []
        columns = [*main, *rest]
        rows: list[list[Cell]] = []
        thin_periods: list[str] = []
        for (_, period), part in df.groupby(["_x", "period"], sort=True):
            by_vector = part.set_index("vector")
            short = ("evidence" in part and bool(part["evidence"].map(fm.thin).any())) or \
                bool(part["share"].isna().all())
            docs = fm.integer(part["n_documents"].iloc[0]) if "n_documents" in part else ""
            row = [Cell(str(period))] + ([Cell(docs)] if "n_documents" in part else [])
            if short:
                thin_periods.append(str(period))
            for v in columns:
                if v not in by_vector.index:
                    row.append(Cell("—"))
                elif short:
                    r = by_vector.loc[v]
                    row.append(Cell(fm.pct_range(r.get("share_lo"), r.get("share_hi"))
                                    if "share_lo" in by_vector else "—", "muted"))
                else:
                    row.append(Cell(fm.pct(by_vector.loc[v, "share"])))
            if others:
                other = part[part["vector"].isin(others)]["share"]
                row.append(Cell("—" if short else fm.pct(float(other.sum()))))
            rows.append(row)
        names = [d.vector_label(v) for v in columns] + (["Other"] if others else [])
        lead = ["Period"] + (["Documents"] if "n_documents" in df else [])
        notes = []
        if others:
            notes.append("Other: " + ", ".join(d.vector_label(v) for v in others) + ".")
        if thin_periods:
            notes.append(
                f"{join_words(thin_periods)}: {fm.INSUFFICIENT} (fewer than 3 documents or 10 "
                "effective mentions): the cells give each share's 95% interval, not a share.")
        behind = self._actors_behind(df)
        if behind:
            notes.append("Behind the largest shares: " + behind + ".")
        return self.table("shares_table", "Share of attention by vector (per cent)",
                          [*lead, *names], rows,
                          [False, *([True] * (len(lead) - 1))] + [True] * len(names),
                          note=" ".join(notes))

    def _actors_behind(self, df: pd.DataFrame) -> str:
        """The actors behind the two largest shares of each period ("kaz/2020-2030: South Asia
        = Afghanistan 15")."""
        if "actors" not in df:
            return ""
        d = self.data
        out: list[str] = []
        for (_, period), part in df.groupby(["_x", "period"], sort=True):
            ranked = part.dropna(subset=["share"]).sort_values("share", ascending=False)
            items = [f"{d.vector_label(r['vector'])} = {d.actors_text(r['actors'], 3)}"
                     for r in ranked.head(2).to_dict("records")
                     if isinstance(r.get("actors"), str) and r["actors"]]
            if items:
                out.append(f"{period}: " + ", ".join(items))
        return "; ".join(out)

    def gap(self) -> Section | None:
        d = self.data
        if d.gap is None or not len(d.gap):
            return None
        self.next_figure("gap")
        ev, links, refs = self.evidence("gap", order=lambda k: charts.vector_order(k))
        thin = "evidence" in d.gap and bool(d.gap["evidence"].map(fm.thin).any())
        fig = self.figure(
            "gap", "Declared versus observed",
            "Diamond: the weight the edition declares; dot and bar: the observed share of "
            "attention with its 95% interval (bar only: insufficient evidence); right: the gap "
            "(* where it lies beyond the interval).",
            charts.gap_chart(d.gap, self._labels(), links), refs)
        frame = d.gap.sort_values("declared", ascending=False)
        rows = []
        for r in frame.to_dict("records"):
            flag = bool(r["flag"]) and not thin
            span = fm.pct_range(r["observed_lo"], r["observed_hi"])
            observed = (f"{fm.INSUFFICIENT} ({span})" if thin or fm.missing(r["observed"])
                        else f"{fm.pct(r['observed'])} ({span})")
            rows.append([
                Cell(d.vector_label(r["vector"])), Cell(fm.pct(r["declared"])),
                Cell(observed, "muted" if thin else ""),
                Cell("—" if thin or fm.missing(r["gap"]) else f"{r['gap'] * 100:+.0f} pts",
                     "flag" if flag else ""),
                Cell("yes" if flag else "", "flag" if flag else ""),
                Cell(d.actors_text(r.get("actors"))),
            ])
        table = self.table(
            "gap_table", "Declared weight and observed attention per vector",
            ["Vector", "Declared", "Observed (95% interval)", "Gap", "Beyond interval",
             "Actors behind the observed share"],
            rows, [False, True, True, True, False, False], note=d.notes.get("gap", ""))
        intro = Paragraph(
            "The declared profile turns the edition's partner tiers and priorities into weights "
            "per vector (a documented rule the user can override); the observed profile is the "
            "share of attention in the statements dated while the edition is in force. The gap "
            "is observed minus declared, in percentage points: a negative gap means a vector "
            "gets less attention than the concept gives it. No gap is claimed on insufficient "
            "evidence.")
        return Section("gap", "Declared versus observed", [intro, fig, table, ev])

    def coverage(self) -> Section | None:
        d = self.data
        if d.coverage is None or not len(d.coverage):
            return None
        frame = d.coverage.sort_values(["share", "passages"], ascending=False)
        silent = int(frame["silent"].astype(bool).sum())
        self.next_figure("coverage")
        titles = dict(zip(frame["element"].astype(str), frame["title"].astype(str), strict=True))
        ev, links, refs = self.evidence("coverage", lambda k: titles.get(k, k))
        fig = self.figure(
            "coverage", "Priority coverage",
            "Share of periods in which each element of the edition has coded evidence; "
            "silent elements (no evidence at all) in red.",
            charts.coverage_chart(frame, links), refs)
        apart = "before" in frame and "weak_passages" in frame  # evidence not counted
        rows = [[
            Cell(str(r["title"] or r["element"]), "silent" if bool(r["silent"]) else ""),
            Cell(str(r["kind"]).replace("_", " ")), Cell(fm.integer(r["periods_with_evidence"])),
            Cell(fm.pct(r["share"])), Cell(fm.integer(r["passages"])),
            *([Cell(fm.integer(r["before"]), "muted"), Cell(fm.integer(r["weak_passages"]),
                                                            "muted")] if apart else []),
            Cell(fm.text(r.get("last_seen")) or "never", "muted" if bool(r["silent"]) else ""),
        ] for r in frame.to_dict("records")]
        table = self.table(
            "coverage_table", "Evidence per element of the edition",
            ["Element", "Kind", "Periods with evidence", "Share of periods", "Passages",
             *(["Passages before it", "Weak passages"] if apart else []), "Last seen"], rows,
            [False, False, True, True, True, *([True, True] if apart else []), False],
            note="Passages before it: passages coded to the element dated before the edition "
                 "came into force; weak passages: coded by a weaker route (theme and partner, "
                 "a partner or region alone, or meaning), not by the element's own cues. "
                 "Neither counts toward the periods with evidence."
            if apart else "")
        intro = Paragraph(
            f"{plural(len(frame), 'element')} of {d.edition.id}; {silent} silent. A period counts "
            "for an element when at least one passage or event in it is coded to the element. "
            "A silent element has no evidence in any period: the practice may be absent from "
            "this corpus, or the wording used in the texts may escape the lexicon, so read the "
            "element before concluding.")
        return Section("coverage", "Priority coverage", [intro, fig, table, ev])

    def themes(self) -> Section | None:
        d = self.data
        if d.theme_heatmap is None or not len(d.theme_heatmap):
            return None
        self.next_figure("theme_heatmap")
        heat = d.theme_heatmap
        periods = _periods_in_order(heat) if "period_start" in heat else []
        ev, links, refs = self.evidence(
            "theme_heatmap", order=lambda k: (periods.index(k.split(KEY_SEPARATOR)[-1])
                                              if k.split(KEY_SEPARATOR)[-1] in periods else 0,
                                              self.key_label(k)))
        fig = self.figure(
            "theme_heatmap", "Themes over time",
            "Share of coded theme passages per period; darker is more attention.",
            charts.heatmap_chart(heat, dict(d.theme_labels), links), refs)
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
        number = self.next_figure("events")
        cited = ("events", f"Figure {number}")
        links: dict[str, str] = {}
        rows: list[list[Cell]] = []
        refs: list[Ref] = []
        listed = frame.to_dict("records")[-EVENT_ROWS:]  # the appendix cites these only
        for r in listed:
            doc, index = str(r["doc_id"]), int(r["passage"])
            date, dated_by_document = _event_date(r)
            reported = fm.text(r.get("reported", r["date"]))[:10] or None
            ref = self.registry.ref(EvidencePassage(
                doc, index, str(r.get("evidence") or ""), reported, self.titles.get(doc, "")),
                cited)
            links[cell_key(doc, index)] = "#" + ref.anchor
            refs.append(ref)
            rows.append([Cell(date, "muted" if dated_by_document else ""),
                         Cell(str(r["type"]).replace("_", " ")),
                         Cell(self._actors(r["actor"])), Cell(self._actors(r["counterpart"])),
                         Cell(charts.shorten(str(r.get("evidence") or ""), 120), refs=(ref,))])
        shown = frame.drop(columns="_x").assign(
            actor=[self._actors(a) for a in frame["actor"]],
            counterpart=[self._actors(c) for c in frame["counterpart"]])
        fig = self.figure("events", "Events", "Events that happened, read from the texts, by "
                          "date and type; a point links to its passage when the table below "
                          "lists it.", charts.events_chart(shown, links),
                          tuple(dict.fromkeys(refs)))
        note = (f"The {EVENT_ROWS} most recent of {plural(len(frame), 'event')}; the chart shows "
                "all of them and `multivector events` lists them with their passages. "
                if len(frame) > EVENT_ROWS else "")
        if "date_source" in frame and (frame["date_source"] == "document").any():
            note += ("A date marked (document) is the date of the text that reports the event, "
                     "whose sentence gives none: when it was reported, not when it happened.")
        table = self.table("events_table", "Events and the passages they were read from",
                           ["Date", "Type", "Actor", "Counterpart", "Evidence"], rows,
                           note=note)
        return Section("events", "Events", [fig, table])

    def _actors(self, value: object) -> str:
        """Actor ids as names: 'KAZ' -> 'Kazakhstan', 'UN, USA' -> 'United Nations, ...'."""
        text = fm.text(value)
        if not text:
            return ""
        return ", ".join(self.data.actor_label(a.strip()) for a in text.split(","))

    def diff(self) -> Section | None:
        s = self.data.diff_summary
        if s is None:
            return None
        self.next_figure("diff_summary")
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
            [Cell(self.data.actor_label(r["partner"])),
             Cell(*arrows.get(str(r["direction"]), (str(r["direction"]), ""))),
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
                [[Cell(str(r["key"]).replace("_", " ")), Cell(fm.text(r["before"]) or "—"),
                  Cell(fm.text(r["after"]) or "—")] for r in s.claims.to_dict("records")]))
        blocks.append(ev)
        return Section("diff", "What changed between the editions", blocks)

    def _labels(self) -> dict[str, str]:
        vectors: set[str] = set()
        for frame in (self.data.vector_shares, self.data.gap, self.data.channels):
            if frame is not None:
                vectors |= {str(v) for v in frame["vector"]}
        if self.data.comparison is not None and self.data.comparison.shares is not None:
            vectors |= {str(v) for v in self.data.comparison.shares["vector"]}
        return {v: self.data.vector_label(v) for v in vectors}


def _event_date(row: Mapping[Any, Any]) -> tuple[str, bool]:
    """An event's date as precise as its sentence gives it ('2010', '2010-06', '2010-06-05'),
    or the reporting document's date marked '(document)'; and whether it is the latter."""
    text = fm.text(row.get("date"))[:10]
    if not text:
        return "", False
    if row.get("date_source") == "document":
        return f"{text} (document)", True
    width = {"year": 4, "month": 7}.get(str(row.get("date_precision")), 10)
    return text[:width], False


def _periods_in_order(frame: pd.DataFrame) -> list[str]:
    """The distinct periods of a frame in time order (of ``period_start``)."""
    starts = frame["period_start"].map(charts.decimal_year)
    ordered = frame.assign(_x=starts).sort_values("_x", kind="stable")
    return list(dict.fromkeys(ordered["period"].astype(str)))


def build_document(data: ReportData) -> Document:
    """The report as blocks, in reading order: findings (the channels' first), sections,
    evidence, stamp. Figure and section references in the findings get their numbers."""
    from multivector.report.sections import channels_section, comparison_section

    b = Builder(data)
    built = [channels_section(b), b.balance(), b.gap(), comparison_section(b), b.coverage(),
             b.themes(), b.events(), b.diff()]
    sections = [s for s in built if s is not None]
    if data.comparison is not None and data.subject:  # say whom the other sections are about
        sections = [s if s.id == "comparison" else
                    Section(s.id, f"{s.title}: {data.subject}", s.blocks) for s in sections]
    numbers = {s.id: n for n, s in enumerate(sections, start=1)}
    ed, st = data.edition, data.stamp
    concept = f"{ed.id}: {ed.title}" + (f" ({ed.legal_act})" if ed.legal_act else "")
    facts = [
        ("Concept edition", concept + (f", in force {ed.period}" if ed.period else "")),
        ("Corpus", f"{plural(st.n_documents, 'document')}, {plural(st.n_passages, 'passage')}, "
                   f"{st.date_from or '?'} to {st.date_to or '?'}"),
        ("Corpus hash", st.corpus_hash[:16]),
        ("Generated", f"{st.generated_at:%Y-%m-%d} by multivector {st.package_version}"),
    ]

    def resolve(text: str) -> str:
        def number(m: re.Match[str]) -> str:
            kind, ident = m.group(1), m.group(2)
            if kind == "figure":
                n = b.figure_numbers.get(ident)
                return f"Figure {n}" if n else "not shown"
            n = numbers.get(ident)
            return f"Section {n}" if n else "not shown"

        return REFERENCE.sub(number, text)

    findings = [resolve(f) for f in [*data.channel_findings, *data.findings]]
    sections = [Section(s.id, s.title, [
        Paragraph(resolve(blk.text)) if isinstance(blk, Paragraph) else blk for blk in s.blocks
    ]) for s in sections]
    return Document(
        title=data.title, subtitle=data.subtitle, facts=facts, findings=findings,
        sections=sections, appendix=b.registry.entries(data.documents), stamp=st.rows(),
        methods=list(data.methods.items()),
    )


def summary(data: ReportData) -> list[str]:
    """The summary of findings as the report prints it: the channels' sentences first, figure
    and section numbers filled in."""
    return list(build_document(data).findings)


__all__ = ["FORMATS", "Builder", "build_document", "render_html", "render_report", "summary",
           "write_pdf"]
