"""Analysis commands of the CLI: balance, coverage, gap, trends, keyness (and analyze)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from multivector.domain.corpus import Layer
from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.cli_corpus import (
    CountryF,
    DbOpt,
    FromF,
    GenreF,
    LangF,
    SourceF,
    ToF,
    _write,
    filters_from,
    open_corpus,
)
from multivector.interfaces.common import FormatOpt, err, fail
from multivector.interfaces.output import Format, render

PeriodOpt = Annotated[
    str,
    typer.Option(
        "--period",
        help="year, quarter, edition (the concept editions' validity periods), or cut years "
        "such as 1992,2001,2014,2020.",
    ),
]
BootOpt = Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples (0: none).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed of the bootstrap.")]
ConceptReq = Annotated[str, typer.Option("--concept", help="Concept edition (kaz/2020-2030).")]


def parse_period(value: str) -> str | list[int]:
    if value in ("year", "quarter", "edition"):
        return value
    try:
        cuts = [int(x) for x in value.replace(" ", "").split(",") if x]
    except ValueError:
        fail(
            UsageError(
                f"--period: {value!r} is not a period",
                hint="use year, quarter, edition or cut years like 1992,2001,2014",
            )
        )
    if len(cuts) < 2 or cuts != sorted(cuts):
        fail(UsageError("--period: give at least two cut years in increasing order"))
    return cuts


def _frames(db: Path | None, f: Any, *layers: str) -> dict[str, pd.DataFrame]:
    from multivector.analysis import frames

    corpus = open_corpus(db, create=False)
    with corpus:
        out = {"documents": frames.documents_frame(corpus.store, f)}
        for layer in layers:
            out[layer] = getattr(frames, f"{layer}_frame")(corpus.store, f)
    return out


def _table(frame: pd.DataFrame) -> list[dict[str, Any]]:
    from multivector.analysis.frames import records_of

    return records_of(frame)


def register(app: typer.Typer) -> None:
    @app.command("balance")
    def balance_cmd(
        period: PeriodOpt = "year",
        by: Annotated[
            str | None,
            typer.Option(help="Split by source, genre, speaker or country (of the speaker)."),
        ] = None,
        weighting: Annotated[
            str, typer.Option(help="mention, passage or document (see docs/analysis.md).")
        ] = "mention",
        multilateral: Annotated[
            bool,
            typer.Option("--multilateral", help="Count organisations as a vector of their own."),
        ] = False,
        bootstrap: BootOpt = 1000,
        seed: SeedOpt = 0,
        country: CountryF = None,
        date_from: FromF = None,
        date_to: ToF = None,
        source: SourceF = None,
        genre: GenreF = None,
        lang: LangF = None,
        section: Annotated[
            str, typer.Option(help="With csv: index, shares or differences.")
        ] = "index",
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Multi-vector balance: attention shares across vectors and the balance index
        (normalised entropy, 1 - HHI) with bootstrap 95% intervals, per period.

        Example: multivector balance --country KAZ --period edition
        """
        from multivector.analysis import balance
        from multivector.services.knowledge import default_knowledge

        f = filters_from(
            None, None, None, None, None, date_from, date_to, source, genre, lang, country
        )
        kb = default_knowledge()
        try:
            fr = _frames(db, f, "mentions")
            res = balance(
                fr["mentions"],
                period=parse_period(period),
                by="author" if by == "speaker" else by,
                weighting=weighting,
                vectors=kb.vectors,
                include_multilateral=multilateral,
                editions=kb.editions(),
                bootstrap=bootstrap,
                seed=seed,
            )
        except MultivectorError as exc:
            fail(exc)
        doc = {
            "weighting": weighting,
            "period": period,
            "bootstrap": bootstrap,
            "index": _table(res.index_frame()),
            "shares": _table(res.shares_frame()),
            "differences": _table(res.differences_frame()),
        }
        _write(render(doc, fmt, csv_rows=section, title="Multi-vector balance"))

    @app.command("gap")
    def gap_cmd(
        concept: ConceptReq,
        all_countries: Annotated[
            bool,
            typer.Option(
                "--all-countries", help="Use every speaker, not only the edition's country."
            ),
        ] = False,
        whole: Annotated[
            bool,
            typer.Option("--all-dates", help="Every date, not only the edition's validity period."),
        ] = False,
        rule: Annotated[
            Path | None, typer.Option(help="YAML file overriding the declared-profile rule.")
        ] = None,
        bootstrap: BootOpt = 1000,
        seed: SeedOpt = 0,
        section: Annotated[str, typer.Option(help="With csv: vectors or priorities.")] = "vectors",
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Declared versus observed: the edition's declared profile (partner tiers and
        priorities) against the attention observed, per vector and per priority, with intervals.

        Example: multivector gap --concept kaz/2014-2020
        """
        from multivector.analysis import gap
        from multivector.services.knowledge import default_knowledge

        kb = default_knowledge()
        try:
            edition = kb.edition(concept)
            fr = _frames(db, None, "mentions", "themes", "elements", "events")
            res = gap(
                edition,
                fr["mentions"],
                kb.vectors,
                themes=fr["themes"],
                elements=fr["elements"],
                events=fr["events"],
                period="all" if whole else None,
                all_countries=all_countries,
                rule=rule,
                bootstrap=bootstrap,
                seed=seed,
            )
        except MultivectorError as exc:
            fail(exc)
        doc = {
            "edition": edition.id,
            "vectors": _table(res.vectors_frame()),
            "priorities": _table(res.priorities_frame()),
        }
        _write(render(doc, fmt, csv_rows=section, title=f"Declared versus observed: {concept}"))

    @app.command("coverage")
    def coverage_cmd(
        concept: ConceptReq,
        period: PeriodOpt = "year",
        country: CountryF = None,
        date_from: FromF = None,
        date_to: ToF = None,
        section: Annotated[
            str, typer.Option(help="With csv: scorecard, timeline or evidence.")
        ] = "scorecard",
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Priority coverage: each element's evidence over time, the share of periods with
        evidence, silent elements, and the strongest passages.

        Example: multivector coverage --concept kaz/2020-2030 --country KAZ
        """
        from multivector.analysis.coverage import coverage
        from multivector.services.knowledge import default_knowledge

        f = filters_from(
            None, None, None, None, None, date_from, date_to, None, None, None, country
        )
        try:
            edition = default_knowledge().edition(concept)
            fr = _frames(db, f, "elements", "events")
            res = coverage(
                edition,
                fr["elements"],
                fr["events"],
                period=parse_period(period),
                documents=fr["documents"],
            )
        except MultivectorError as exc:
            fail(exc)
        doc = {
            "edition": edition.id,
            "scorecard": _table(res.scorecard_frame()),
            "timeline": _table(res.timeline_frame()),
            "evidence": _table(res.evidence_frame()),
        }
        _write(render(doc, fmt, csv_rows=section, title=f"Coverage of {concept}"))

    @app.command("trends")
    def trends_cmd(
        period: PeriodOpt = "year",
        level: Annotated[str, typer.Option(help="leaf themes or theme family.")] = "family",
        country: CountryF = None,
        date_from: FromF = None,
        date_to: ToF = None,
        source: SourceF = None,
        genre: GenreF = None,
        lang: LangF = None,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Theme attention over time: each theme's share of passages per period.

        Example: multivector trends --level family --period 1992,2001,2014,2020 -f csv
        """
        from multivector.analysis.trends import theme_attention

        if level not in ("leaf", "family"):
            fail(UsageError(f"--level: {level!r}", hint="use leaf or family"))
        f = filters_from(
            None, None, None, None, None, date_from, date_to, source, genre, lang, country
        )
        try:
            fr = _frames(db, f, "themes")
            res = theme_attention(
                fr["themes"], fr["documents"], period=parse_period(period),
                level="leaf" if level == "leaf" else "family",
            )
        except MultivectorError as exc:
            fail(exc)
        _write(
            render(
                {"level": level, "trends": res.records()},
                fmt,
                csv_rows="trends",
                title="Theme attention over time",
            )
        )

    @app.command("keyness")
    def keyness_cmd(
        a: Annotated[
            str,
            typer.Option("--a", help="Side A: years (1992-2013) or a value of --by (e.g. KAZ)."),
        ],
        b: Annotated[str, typer.Option("--b", help="Side B, like --a.")],
        by: Annotated[str, typer.Option(help="year, country or source.")] = "year",
        what: Annotated[str, typer.Option(help="terms or themes.")] = "terms",
        top: Annotated[int, typer.Option(help="Most key items per side.")] = 30,
        min_freq: Annotated[int, typer.Option(help="Least frequency of a term.")] = 5,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Keyness between two periods or two sources: log-likelihood (G2) with the log ratio
        as effect size, for terms (lemmas) or themes.

        Example: multivector keyness --a 1992-2013 --b 2014-2024 --what themes
        """
        from multivector.analysis.trends import Split, keyness_terms, keyness_themes

        try:
            if by == "year":
                split = Split.years(_years(a), _years(b))
            elif by in ("country", "source"):
                split = Split.values(by, a, b)
            else:
                raise UsageError(f"--by: {by!r}", hint="use year, country or source")
            if what == "terms":
                fr = _frames(db, None, "passages")
                res = keyness_terms(
                    fr["passages"], split, min_freq=min_freq, top=top, documents=fr["documents"]
                )
            elif what == "themes":
                fr = _frames(db, None, "themes")
                res = keyness_themes(fr["themes"], split, top=top)
            else:
                raise UsageError(f"--what: {what!r}", hint="use terms or themes")
        except MultivectorError as exc:
            fail(exc)
        _write(
            render(
                {"a": a, "b": b, "what": what, "keyness": res.records()},
                fmt,
                csv_rows="keyness",
                title=f"Keyness: {a} vs {b}",
            )
        )


def register_analyze(app: typer.Typer) -> None:
    @app.command()
    def analyze(
        paths: Annotated[list[Path], typer.Argument(help="Files or folders to analyse.")],
        concept: ConceptReq,
        report: Annotated[
            Path,
            typer.Option("--report", help="Report to write: .html (self-contained), .pdf or .md."),
        ],
        period: PeriodOpt = "edition",
        bootstrap: BootOpt = 1000,
        seed: SeedOpt = 0,
        genre: Annotated[str | None, typer.Option(help="Genre of every document.")] = None,
        lang: Annotated[str | None, typer.Option(help="Language (en, ru, kk) if known.")] = None,
        config: Annotated[
            Path | None, typer.Option("--config", help="Pipeline config (YAML/JSON).")
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress.")] = False,
        db: DbOpt = None,
    ) -> None:
        """The main job: ingest and code the documents, run every analysis against the concept
        edition, and write the report (HTML, PDF or Markdown), with progress.

        Example: multivector analyze speeches/KAZ_* --concept kaz/2020-2030 --report report.html
        """
        from multivector.domain.corpus import DocumentMeta, Genre
        from multivector.interfaces.cli_corpus import _run_ingest, load_config
        from multivector.report import render_report
        from multivector.services.report_builder import build_report
        from multivector.store.base import Filters

        if report.suffix.lower() not in (".html", ".htm", ".pdf", ".md"):
            fail(
                UsageError(
                    f"--report: cannot write {report.suffix or 'a file without suffix'}",
                    hint="name a .html, .pdf or .md file",
                )
            )
        if genre is not None and genre not in {g.value for g in Genre}:
            fail(
                UsageError(
                    f"--genre: unknown genre {genre!r}",
                    hint=f"use one of {', '.join(g.value for g in Genre)}",
                )
            )

        def say(message: str) -> None:
            if not quiet:
                err.print(f"· {message}", markup=False, highlight=False)

        corpus = open_corpus(db, create=True, concept=concept, config=load_config(config))
        with corpus:
            try:
                edition = corpus.knowledge.edition(concept)
                say(f"ingesting into {corpus.store}")
                overrides = DocumentMeta(genre=Genre(genre) if genre else None, language=lang)
                result = _run_ingest(corpus, paths, overrides, None, 50_000_000, quiet)
                for failure in result.failures:
                    err.print(f"failed: {failure}", markup=False, highlight=False)
                ids = [r["doc_id"] for r in result.ingested + result.duplicates]
                if not ids:
                    raise UsageError(
                        "no document could be read from the paths given",
                        hint="check the paths and the failures above",
                    )
                say(
                    f"{len(result.ingested)} new, {len(result.duplicates)} already stored, "
                    f"{len(result.failures)} failed"
                )
                coded = {
                    a.doc_id
                    for a in corpus.store.annotations(
                        layers=[Layer.ELEMENT], filters=Filters(doc_ids=tuple(ids))
                    )
                    if a.attrs.get("edition") == edition.id
                }
                stale = [d for d in ids if d not in coded]
                if stale:
                    say(f"coding {len(stale)} documents against {edition.id}")
                    corpus.code(filters=Filters(doc_ids=tuple(stale)))
                data = build_report(
                    corpus,
                    edition,
                    doc_ids=ids,
                    period=parse_period(period),
                    bootstrap=bootstrap,
                    seed=seed,
                    step=say,
                )
                say(f"rendering {report}")
                render_report(data, report)
            except MultivectorError as exc:
                fail(exc)
        err.print(f"report written to {report}", markup=False, highlight=False)
        for line in data.findings:
            err.print(f"  - {line}", markup=False, highlight=False)
        raise typer.Exit(1 if result.failures or result.interrupted else 0)


def _years(value: str) -> tuple[int, int]:
    try:
        first, _, last = value.partition("-")
        return int(first), int(last or first)
    except ValueError:
        raise UsageError(f"{value!r} is not a year range", hint="write 1992-2013") from None
