"""Analysis commands of the CLI: balance, coverage, gap, trends, keyness (and analyze)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.cli_corpus import (
    CountryF,
    DbOpt,
    FormatOpt,
    FromF,
    GenreF,
    LangF,
    SourceF,
    ToF,
    _write,
    fail,
    filters_from,
    open_corpus,
)
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
        fail(UsageError(f"--period: {value!r} is not a period",
                        hint="use year, quarter, edition or cut years like 1992,2001,2014"))
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
    from multivector.analysis.balance import frame_records

    return frame_records(frame)


def register(app: typer.Typer) -> None:
    @app.command("balance")
    def balance_cmd(
        period: PeriodOpt = "year",
        by: Annotated[str | None, typer.Option(
            help="Split by source, genre, speaker or country (of the speaker).")] = None,
        weighting: Annotated[str, typer.Option(
            help="mention, passage or document (see docs/analysis.md).")] = "mention",
        multilateral: Annotated[bool, typer.Option(
            "--multilateral", help="Count organisations as a vector of their own.")] = False,
        bootstrap: BootOpt = 1000, seed: SeedOpt = 0,
        country: CountryF = None, date_from: FromF = None, date_to: ToF = None,
        source: SourceF = None, genre: GenreF = None, lang: LangF = None,
        section: Annotated[str, typer.Option(
            help="With csv: index, shares or differences.")] = "index",
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Multi-vector balance: attention shares across vectors and the balance index
        (normalised entropy, 1 - HHI) with bootstrap 95% intervals, per period.

        Example: multivector balance --country KAZ --period edition
        """
        from multivector.analysis import balance
        from multivector.services.knowledge import default_knowledge

        f = filters_from(None, None, None, None, None, date_from, date_to, source, genre, lang,
                         country)
        kb = default_knowledge()
        try:
            fr = _frames(db, f, "mentions")
            res = balance(fr["mentions"], period=parse_period(period),
                          by="author" if by == "speaker" else by, weighting=weighting,
                          vectors=kb.vectors, include_multilateral=multilateral,
                          editions=kb.editions(), bootstrap=bootstrap, seed=seed)
        except MultivectorError as exc:
            fail(exc)
        doc = {"weighting": weighting, "period": period, "bootstrap": bootstrap,
               "index": _table(res.index_frame()), "shares": _table(res.shares_frame()),
               "differences": _table(res.differences_frame())}
        _write(render(doc, fmt, csv_rows=section, title="Multi-vector balance"))

    @app.command("gap")
    def gap_cmd(
        concept: ConceptReq,
        all_countries: Annotated[bool, typer.Option(
            "--all-countries", help="Use every speaker, not only the edition's country.")
        ] = False,
        whole: Annotated[bool, typer.Option(
            "--all-dates", help="Every date, not only the edition's validity period.")] = False,
        rule: Annotated[Path | None, typer.Option(
            help="YAML file overriding the declared-profile rule.")] = None,
        bootstrap: BootOpt = 1000, seed: SeedOpt = 0,
        section: Annotated[str, typer.Option(help="With csv: vectors or priorities.")
                           ] = "vectors",
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
            res = gap(edition, fr["mentions"], kb.vectors, themes=fr["themes"],
                      elements=fr["elements"], events=fr["events"],
                      period="all" if whole else None, all_countries=all_countries, rule=rule,
                      bootstrap=bootstrap, seed=seed)
        except MultivectorError as exc:
            fail(exc)
        doc = {"edition": edition.id, "vectors": _table(res.vectors_frame()),
               "priorities": _table(res.priorities_frame())}
        _write(render(doc, fmt, csv_rows=section, title=f"Declared versus observed: {concept}"))

    @app.command("coverage")
    def coverage_cmd(
        concept: ConceptReq,
        period: PeriodOpt = "year",
        country: CountryF = None, date_from: FromF = None, date_to: ToF = None,
        section: Annotated[str, typer.Option(
            help="With csv: scorecard, timeline or evidence.")] = "scorecard",
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Priority coverage: each element's evidence over time, the share of periods with
        evidence, silent elements, and the strongest passages.

        Example: multivector coverage --concept kaz/2020-2030 --country KAZ
        """
        from multivector.analysis.coverage import coverage
        from multivector.services.knowledge import default_knowledge

        f = filters_from(None, None, None, None, None, date_from, date_to, None, None, None,
                         country)
        try:
            edition = default_knowledge().edition(concept)
            fr = _frames(db, f, "elements", "events")
            res = coverage(edition, fr["elements"], fr["events"], period=parse_period(period),
                           documents=fr["documents"])
        except MultivectorError as exc:
            fail(exc)
        doc = {"edition": edition.id, "scorecard": _table(res.scorecard_frame()),
               "timeline": _table(res.timeline_frame()),
               "evidence": _table(res.evidence_frame())}
        _write(render(doc, fmt, csv_rows=section, title=f"Coverage of {concept}"))

    @app.command("trends")
    def trends_cmd(
        period: PeriodOpt = "year",
        level: Annotated[str, typer.Option(help="leaf themes or theme family.")] = "family",
        country: CountryF = None, date_from: FromF = None, date_to: ToF = None,
        source: SourceF = None, genre: GenreF = None, lang: LangF = None,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Theme attention over time: each theme's share of passages per period.

        Example: multivector trends --level family --period 1992,2001,2014,2020 -f csv
        """
        from multivector.analysis.trends import theme_attention

        if level not in ("leaf", "family"):
            fail(UsageError(f"--level: {level!r}", hint="use leaf or family"))
        f = filters_from(None, None, None, None, None, date_from, date_to, source, genre, lang,
                         country)
        try:
            fr = _frames(db, f, "themes")
            res = theme_attention(fr["themes"], fr["documents"], period=parse_period(period),
                                  level=level)  # type: ignore[arg-type]
        except MultivectorError as exc:
            fail(exc)
        _write(render({"level": level, "trends": res.records()}, fmt, csv_rows="trends",
                      title="Theme attention over time"))

    @app.command("keyness")
    def keyness_cmd(
        a: Annotated[str, typer.Option("--a", help="Side A: years (1992-2013) or a value of "
                                       "--by (e.g. KAZ).")],
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
                res = keyness_terms(fr["passages"], split, min_freq=min_freq, top=top,
                                    documents=fr["documents"])
            elif what == "themes":
                fr = _frames(db, None, "themes")
                res = keyness_themes(fr["themes"], split, top=top)
            else:
                raise UsageError(f"--what: {what!r}", hint="use terms or themes")
        except MultivectorError as exc:
            fail(exc)
        _write(render({"a": a, "b": b, "what": what, "keyness": res.records()}, fmt,
                      csv_rows="keyness", title=f"Keyness: {a} vs {b}"))


def _years(value: str) -> tuple[int, int]:
    try:
        first, _, last = value.partition("-")
        return int(first), int(last or first)
    except ValueError:
        raise UsageError(f"{value!r} is not a year range", hint="write 1992-2013") from None
