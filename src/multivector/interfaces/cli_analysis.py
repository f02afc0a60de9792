"""Analysis commands of the CLI: balance, gap, coverage, trends, keyness, report and analyze."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.cli_corpus import (
    MaxCharsOpt,
    MaxMbOpt,
    MaxPassagesOpt,
    MaxUnpackedOpt,
    load_config,
    open_corpus,
    progress_bar,
    read_limits,
    report_failures,
)
from multivector.interfaces.common import (
    ConceptReq,
    DbOpt,
    FormatOpt,
    SampleOpt,
    emit,
    fail,
    knowledge,
    say,
    selection,
    with_filters,
)
from multivector.interfaces.output import Format

if TYPE_CHECKING:
    from multivector.analysis.stats import Intervals
    from multivector.store.base import Filters

PeriodOpt = Annotated[
    str,
    typer.Option(
        "--period",
        help="year, quarter, edition (the concept editions' validity periods), or cut years "
        "such as 1992,2001,2014,2020.",
    ),
]
DrawsOpt = Annotated[
    int,
    typer.Option("--draws", "--bootstrap",
                 help="Posterior draws or bootstrap resamples of the intervals (0: none).",
                 min=0, max=100_000),
]
IntervalOpt = Annotated[
    str,
    typer.Option("--interval", help="posterior (Dirichlet, honest with few documents and zero "
                 "counts; default) or bootstrap (documents resampled)."),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed of the intervals.")]
ReportOpt = Annotated[
    Path, typer.Option("--report", "--out", help="Report to write: .html, .pdf or .md.")
]


def _period(value: str) -> str | list[int]:
    from multivector.services.analyses import parse_period

    try:
        return parse_period(value)
    except MultivectorError as exc:
        fail(exc)


def _sections(doc: dict[str, Any], fmt: Format, section: str, tables: tuple[str, ...]
              ) -> dict[str, Any]:
    """JSON and YAML give every table; the terminal and Markdown the one ``--section`` names
    (a thousand-row timeline is for a file, not a screen)."""
    if section not in tables:
        fail(UsageError(f"--section: unknown table {section!r}", hint=f"use {', '.join(tables)}"))
    if fmt in (Format.table, Format.md):
        return {k: v for k, v in doc.items() if k not in tables or k == section}
    return doc


def _intervals(method: str, draws: int, seed: int) -> Intervals:
    from multivector.services.analyses import intervals

    try:
        return intervals(method, draws, seed)
    except MultivectorError as exc:
        fail(exc)


def register(app: typer.Typer) -> None:
    @app.command("balance")
    @with_filters("country", "from", "to", "source", "genre", "lang")
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
        draws: DrawsOpt = 2000,
        interval: IntervalOpt = "posterior",
        seed: SeedOpt = 0,
        section: Annotated[
            str, typer.Option(help="The table to print (all of them with json/yaml): index, "
                              "shares or differences.")
        ] = "index",
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
        filters: Filters | None = None,
    ) -> None:
        """Multi-vector balance: attention shares across vectors and the balance index
        (normalised entropy, 1 - HHI) with 95% intervals, per period; a period with too little
        evidence (fewer than 3 documents or 10 effective mentions) gets its interval, never a
        point; each share names the actors behind it.

        Example: multivector balance --country KAZ --period edition
        """
        from multivector.services.analysis_documents import balance_document

        _period(period)
        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                doc = balance_document(
                    corpus.store, corpus.knowledge, filters=filters, period=period, by=by,
                    weighting=weighting, multilateral=multilateral, interval=interval,
                    draws=draws, seed=seed,
                )
            except MultivectorError as exc:
                fail(exc)
        emit(_sections(doc, fmt, section, ("index", "shares", "differences")), fmt,
             csv_rows=section, title="Multi-vector balance")

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
        draws: DrawsOpt = 2000,
        interval: IntervalOpt = "posterior",
        seed: SeedOpt = 0,
        section: Annotated[
            str, typer.Option(help="The table to print (both with json/yaml): vectors or "
                              "priorities.")
        ] = "vectors",
        country: Annotated[
            list[str] | None,
            typer.Option("--country", help="Countries side by side (KAZ,UZB,...): only the "
                         "edition's own has a declared profile."),
        ] = None,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Declared versus observed: the edition's declared profile (partner tiers and
        priorities) against the attention observed, per vector and per priority, with intervals.

        Example: multivector gap --concept kaz/2014-2020 --country KAZ,UZB
        """
        from multivector.interfaces.common import parse_filters
        from multivector.services.analysis_documents import gap_document

        try:
            codes = parse_filters({"country": country or []}).countries
        except MultivectorError as exc:
            fail(exc)
        corpus = open_corpus(db, create=False, concept=concept)
        with corpus:
            try:
                doc = gap_document(
                    corpus.store, corpus.knowledge, concept, countries=codes,
                    all_countries=all_countries, all_dates=whole, rule=rule,
                    interval=interval, draws=draws, seed=seed,
                )
            except MultivectorError as exc:
                fail(exc)
        emit(_sections(doc, fmt, section, ("vectors", "priorities")), fmt, csv_rows=section,
             title=f"Declared versus observed: {doc['edition']}")

    @app.command("coverage")
    @with_filters("country", "from", "to")
    def coverage_cmd(
        concept: ConceptReq,
        period: PeriodOpt = "year",
        section: Annotated[
            str, typer.Option(help="The table to print (all of them with json/yaml): "
                              "scorecard, timeline or evidence.")
        ] = "scorecard",
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
        filters: Filters | None = None,
    ) -> None:
        """Priority coverage: each element's evidence over time, the share of periods with
        evidence, silent elements, and the strongest passages.

        Example: multivector coverage --concept kaz/2020-2030 --country KAZ
        """
        from multivector.services.analysis_documents import coverage_document

        _period(period)
        corpus = open_corpus(db, create=False, concept=concept)
        with corpus:
            try:
                doc, warnings = coverage_document(
                    corpus.store, corpus.knowledge, concept, filters=filters, period=period
                )
            except MultivectorError as exc:
                fail(exc)
        for warning in warnings:
            say(f"warning: {warning}")
        emit(_sections(doc, fmt, section, ("scorecard", "timeline", "evidence")), fmt,
             csv_rows=section, title=f"Coverage of {doc['edition']}")

    @app.command("trends")
    @with_filters("country", "from", "to", "source", "genre", "lang")
    def trends_cmd(
        period: PeriodOpt = "year",
        level: Annotated[str, typer.Option(help="leaf themes or theme family.")] = "family",
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
        filters: Filters | None = None,
    ) -> None:
        """Theme attention over time: each theme's share of passages per period.

        Example: multivector trends --level family --period 1992,2001,2014,2020 -f csv
        """
        from multivector.services.analysis_documents import trends_document

        _period(period)
        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                doc = trends_document(
                    corpus.store, corpus.knowledge, filters=filters, period=period, level=level
                )
            except MultivectorError as exc:
                fail(exc)
        emit(doc, fmt, csv_rows="trends", title="Theme attention over time")

    @app.command("channels")
    def channels_cmd(
        country: Annotated[
            list[str] | None,
            typer.Option("--country", help="ISO3 countries (KAZ, or KAZ,UZB,KGZ,TJK,TKM)."),
        ] = None,
        draws: DrawsOpt = 2000,
        interval: IntervalOpt = "posterior",
        seed: SeedOpt = 0,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Channels side by side per edition period: the tier and share each concept edition
        declares for Russia, China, the USA, the EU and Central Asia, the attention the
        statements give them, the events that happened with them, and UN General Assembly
        agreement (votes 1946-2019), each with its interval; then where they agree and part.

        Example: multivector channels --country KAZ,UZB
        """
        from multivector.interfaces.common import parse_filters
        from multivector.services.analysis_documents import channels_document

        try:
            codes = parse_filters({"country": country or ["KAZ"]}).countries
        except MultivectorError as exc:
            fail(exc)
        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                doc = channels_document(corpus.store, corpus.knowledge, countries=codes,
                                        interval=interval, draws=draws, seed=seed)
            except MultivectorError as exc:
                fail(exc)
        if fmt in (Format.json, Format.yaml):
            emit(doc, fmt, csv_rows="channels")
            return
        emit({"channels": doc["channels"]}, fmt, csv_rows="channels",
             title="Channels side by side")
        if fmt is not Format.csv:
            for line in doc["findings"]:
                typer.echo(f"- {line}")

    @app.command("keyness")
    def keyness_cmd(
        a: Annotated[
            str,
            typer.Option("--a", help="Side A: years (1992-2013) or a value of --by (e.g. KAZ)."),
        ],
        b: Annotated[str, typer.Option("--b", help="Side B, like --a.")],
        by: Annotated[str, typer.Option(help="year, country or source.")] = "year",
        what: Annotated[str, typer.Option(help="terms or themes.")] = "terms",
        top: Annotated[int, typer.Option(help="Most key items per side.", min=1)] = 30,
        min_freq: Annotated[int, typer.Option(help="Least frequency of a term.", min=1)] = 5,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Keyness between two periods or two sources: log-likelihood (G2) with the log ratio
        as effect size, for terms (lemmas) or themes.

        Example: multivector keyness --a 1992-2013 --b 2014-2024 --what themes
        """
        from multivector.services.analysis_documents import keyness_document

        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                doc = keyness_document(
                    corpus.store, a=a, b=b, by=by, what=what, top=top, min_freq=min_freq
                )
            except MultivectorError as exc:
                fail(exc)
        emit(doc, fmt, csv_rows="keyness", title=f"Keyness: {a} vs {b}")

    @app.command()
    @with_filters("country", "from", "to", "source", "genre", "lang")
    def report(
        concept: ConceptReq,
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Report to write: .html, .pdf or .md.")
        ],
        period: PeriodOpt = "edition",
        draws: DrawsOpt = 2000,
        interval: IntervalOpt = "posterior",
        seed: SeedOpt = 0,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress.")] = False,
        db: DbOpt = None,
        filters: Filters | None = None,
    ) -> None:
        """Write the report (HTML, PDF or Markdown) of the stored corpus against a concept
        edition, without ingesting anything: what the state says, does and votes, balance,
        declared versus observed, coverage, trends, events and the evidence behind every
        figure; with several countries (--country KAZ,UZB,KGZ,TJK,TKM) they are compared side
        by side.

        Example: multivector report --concept kaz/2020-2030 --country KAZ --out report.html
        """
        from multivector.services.reporting import check_report_path, summary
        from multivector.services.reporting import report as run

        cut = _period(period)
        try:
            check_report_path(out)
        except MultivectorError as exc:
            fail(exc)
        corpus = open_corpus(db, create=False, concept=concept)
        with corpus:
            try:
                data = run(corpus, concept, out, filters=filters, period=cut,
                           intervals=_intervals(interval, draws, seed),
                           step=None if quiet else _step)
            except MultivectorError as exc:
                fail(exc)
        say(f"report written to {out}")
        for line in summary(data):
            say(f"  - {line}")

    @app.command()
    def analyze(
        concept: ConceptReq,
        report: ReportOpt,
        paths: Annotated[
            list[Path] | None, typer.Argument(help="Files or folders to analyse.")
        ] = None,
        sample: SampleOpt = None,
        country: Annotated[
            list[str] | None,
            typer.Option("--country", help="With --sample: only these countries (ISO3; "
                         "KAZ,UZB,... are compared side by side in the report)."),
        ] = None,
        date_from: Annotated[
            str | None, typer.Option("--from", help="With --sample: from this year.")
        ] = None,
        date_to: Annotated[
            str | None, typer.Option("--to", help="With --sample: up to this year.")
        ] = None,
        period: PeriodOpt = "edition",
        draws: DrawsOpt = 2000,
        interval: IntervalOpt = "posterior",
        seed: SeedOpt = 0,
        genre: Annotated[str | None, typer.Option(help="Genre of every document.")] = None,
        lang: Annotated[str | None, typer.Option(help="Language (en, ru, kk) if known.")] = None,
        config: Annotated[
            Path | None, typer.Option("--config", help="Pipeline config (YAML/JSON).")
        ] = None,
        max_mb: MaxMbOpt = None,
        max_unpacked_mb: MaxUnpackedOpt = None,
        max_chars: MaxCharsOpt = None,
        max_passages: MaxPassagesOpt = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress.")] = False,
        db: DbOpt = None,
    ) -> None:
        """The main job: ingest and code the documents (files, or a bundled --sample), run
        every analysis against the concept edition, and write the report (HTML, PDF or
        Markdown), with progress.

        Example: multivector analyze --sample ungd-central-asia --country KAZ --concept
        kaz/2020-2030 --report report.html
        """
        from multivector.services.ingest import documents_from
        from multivector.services.reporting import analyze as run
        from multivector.services.reporting import check_report_path, summary

        cut = _period(period)
        limits = read_limits(max_mb, max_unpacked_mb, max_chars, max_passages)
        try:
            check_report_path(report)
            knowledge().edition(concept)
            chosen = selection(paths, sample, countries=country, date_from=date_from,
                               date_to=date_to, genre=genre, lang=lang)
            docs, total = documents_from(chosen, limits)
        except MultivectorError as exc:
            fail(exc)
        corpus = open_corpus(db, create=True, concept=concept, config=load_config(config),
                             max_passages=limits.max_passages)
        with corpus:
            try:
                with progress_bar(quiet) as bar:
                    task = bar.add_task("ingesting", total=total)
                    result = run(
                        corpus, docs, concept, report, period=cut,
                        intervals=_intervals(interval, draws, seed), step=None if quiet else _step,
                        progress=lambda name, n: bar.update(
                            task, completed=n, description=Path(name).name[:40]
                        ),
                    )
            except KeyboardInterrupt:
                say("interrupted: what was stored is complete; run the same command again to "
                    "finish")
                raise typer.Exit(130) from None
            except MultivectorError as exc:
                fail(exc)
        report_failures(result.ingest)
        say(f"report written to {report}")
        for line in summary(result.data):
            say(f"  - {line}")
        raise typer.Exit(0 if result.ingest.ok else 1)


def _step(message: str) -> None:
    say(f"· {message}")
