"""Corpus commands of the CLI: ingest, code, search, doc, events, export, evaluate."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from multivector.domain.corpus import DocumentMeta, Genre
from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.common import FormatOpt, err, fail
from multivector.interfaces.output import Format, render
from multivector.services.corpus import Corpus
from multivector.store.base import Filters
from multivector.store.sqlite import SQLiteStore, default_db_path

DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="Corpus database (default: $MULTIVECTOR_DB or ./multivector.db)."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Pipeline config (YAML/JSON): components and their settings."),
]
ConceptOpt = Annotated[
    str | None,
    typer.Option("--concept", help="Concept edition to code passages against (kaz/2020-2030)."),
]


def load_config(path: Path | None, unit: str = "paragraph") -> dict[str, Any] | None:
    """A pipeline config from a YAML/JSON file, with the passage unit applied."""
    from multivector.pipeline import DEFAULT_CONFIG

    if path is None and unit == "paragraph":
        return None
    config: dict[str, Any] = {"components": list(DEFAULT_CONFIG["components"]), "settings": {}}
    if path is not None:
        import yaml

        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            fail(
                UsageError(
                    f"--config: cannot read {path}: {exc}",
                    hint="give a YAML or JSON file with `components` and `settings`",
                )
            )
        if not isinstance(loaded, dict) or not set(loaded) <= {"components", "settings"}:
            fail(
                UsageError(
                    f"--config: {path} must be a mapping with `components` and/or `settings`",
                    hint="see docs/pipeline.md",
                )
            )
        config.update(loaded)
    if unit != "paragraph":
        config.setdefault("settings", {}).setdefault("segment", {})["unit"] = unit
    return config


def open_corpus(
    db: Path | None,
    *,
    create: bool,
    concept: str | None = None,
    config: dict[str, Any] | None = None,
) -> Corpus:
    path = db or default_db_path()
    if not create and str(path) != ":memory:" and not Path(path).exists():
        fail(
            UsageError(
                f"no corpus at {path}",
                hint="ingest documents first with `multivector ingest PATH`, or pass --db",
            )
        )
    try:
        return Corpus(store=SQLiteStore(path, create=create), config=config, edition=concept)
    except MultivectorError as exc:
        return fail(exc)


def filters_from(
    actor: list[str] | None,
    vector: list[str] | None,
    theme: list[str] | None,
    element: list[str] | None,
    event: list[str] | None,
    date_from: str | None,
    date_to: str | None,
    source: list[str] | None,
    genre: list[str] | None,
    lang: list[str] | None,
    country: list[str] | None,
) -> Filters:
    def day(value: str | None, name: str) -> dt.date | None:
        if value is None:
            return None
        try:
            return (
                dt.date(int(value), 1 if name == "--from" else 12, 1 if name == "--from" else 31)
                if len(value) == 4
                else dt.date.fromisoformat(value)
            )
        except ValueError:
            return fail(UsageError(f"{name}: {value!r} is not a date", hint="use YYYY-MM-DD"))

    return Filters(
        actors=tuple(actor or ()),
        vectors=tuple(vector or ()),
        themes=tuple(theme or ()),
        elements=tuple(element or ()),
        event_types=tuple(event or ()),
        date_from=day(date_from, "--from"),
        date_to=day(date_to, "--to"),
        sources=tuple(source or ()),
        genres=tuple(genre or ()),
        languages=tuple(lang or ()),
        countries=tuple(c.upper() for c in country or ()),
    )


ActorF = Annotated[list[str] | None, typer.Option("--actor", help="Actor id (repeatable).")]
VectorF = Annotated[list[str] | None, typer.Option("--vector", help="Vector id (repeatable).")]
ThemeF = Annotated[list[str] | None, typer.Option("--theme", help="Theme id or family.")]
ElementF = Annotated[list[str] | None, typer.Option("--element", help="Concept element id.")]
EventF = Annotated[list[str] | None, typer.Option("--event", help="Event type (repeatable).")]
FromF = Annotated[
    str | None, typer.Option("--from", help="Documents dated on/after (YYYY[-MM-DD]).")
]
ToF = Annotated[str | None, typer.Option("--to", help="Documents dated on/before (YYYY[-MM-DD]).")]
SourceF = Annotated[list[str] | None, typer.Option("--source", help="Source (repeatable).")]
GenreF = Annotated[list[str] | None, typer.Option("--genre", help="Genre (repeatable).")]
LangF = Annotated[list[str] | None, typer.Option("--lang", help="Language en/ru/kk.")]
CountryF = Annotated[list[str] | None, typer.Option("--country", help="Speaker's ISO3 country.")]


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
        db: DbOpt = None,
        source: Annotated[str | None, typer.Option(help="Source name for every document.")] = None,
        genre: Annotated[
            str | None,
            typer.Option(help="speech, statement, news, analysis, official_document or other."),
        ] = None,
        lang: Annotated[str | None, typer.Option(help="Language (en, ru, kk) if known.")] = None,
        country: Annotated[str | None, typer.Option(help="Speaker's ISO3 country.")] = None,
        date: Annotated[
            str | None, typer.Option(help="Date of every document (YYYY-MM-DD).")
        ] = None,
        text_column: Annotated[
            str | None, typer.Option(help="Text column of CSV/JSONL files.")
        ] = None,
        max_mb: Annotated[float, typer.Option(help="Skip files larger than this (MB).")] = 50,
        unit: Annotated[
            str, typer.Option(help="Passage unit: paragraph or sentence.")
        ] = "paragraph",
        concept: ConceptOpt = None,
        config: ConfigOpt = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Ingest documents (txt, md, html, pdf, docx, jsonl, csv), code them and store them.

        The same text is stored once however often it is ingested; a failed file or row is
        reported and the rest goes on (exit code 1 if anything failed). An interrupted run
        leaves the store consistent: run the same command again to complete it.

        Example: multivector ingest speeches/ --concept kaz/2020-2030 --genre speech
        """
        if genre is not None and genre not in {g.value for g in Genre}:
            fail(
                UsageError(
                    f"--genre: unknown genre {genre!r}",
                    hint=f"use one of {', '.join(g.value for g in Genre)}",
                )
            )
        if lang is not None and lang not in ("en", "ru", "kk"):
            fail(UsageError(f"--lang: unsupported language {lang!r}", hint="use en, ru or kk"))
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            fail(UsageError(f"--date: {date!r} is not a date", hint="use YYYY-MM-DD"))
        overrides = DocumentMeta(
            source=source,
            genre=Genre(genre) if genre else None,
            language=lang,
            country=country.upper() if country else None,
            date=day,
        )
        corpus = open_corpus(
            db,
            create=True,
            concept=concept,
            config=load_config(config, unit),
        )
        with corpus:
            report = _run_ingest(corpus, paths, overrides, text_column, int(max_mb * 1e6), quiet)
        summary = report.summary()
        for f in report.failures:
            err.print(f"failed: {f}", markup=False, highlight=False)
        doc: dict[str, Any] = {"summary": summary, "documents": report.records()}
        if fmt is Format.table:
            err.print(
                f"{summary['ingested']} ingested, {summary['duplicates']} duplicates skipped, "
                f"{summary['failed']} failed; {summary['passages']} passages, "
                f"{summary['annotations']} annotations in {summary['seconds']} s "
                f"-> {corpus.store}",
                markup=False,
                highlight=False,
            )
        else:
            _write(render(doc, fmt, csv_rows="documents"))
        if report.interrupted:
            err.print(
                "interrupted: what was stored is complete; run the same command again to finish",
                markup=False,
                highlight=False,
            )
            raise typer.Exit(130)
        raise typer.Exit(0 if report.ok else 1)

    @app.command()
    def code(
        concept: ConceptOpt = None,
        config: ConfigOpt = None,
        db: DbOpt = None,
    ) -> None:
        """Re-code the stored passages (after a codebook, registry or edition change).

        Example: multivector code --concept kaz/2014-2020
        """
        corpus = open_corpus(db, create=False, concept=concept, config=load_config(config))
        with corpus:
            try:
                with _progress(False) as bar:
                    task = bar.add_task("coding", total=corpus.store.count()["documents"])
                    result = corpus.code(progress=lambda _m, n: bar.update(task, completed=n))
            except MultivectorError as exc:
                fail(exc)
        err.print(
            f"re-coded {result['documents']} documents: {result['annotations']} annotations",
            markup=False,
            highlight=False,
        )

    @app.command()
    def search(
        query: Annotated[
            str,
            typer.Argument(
                help='Words (Russian forms are matched), "a '
                'phrase", OR, prefix*; with --semantic, any text.'
            ),
        ],
        semantic: Annotated[
            bool,
            typer.Option(
                "--semantic", help="Nearest passages by meaning (multilingual embeddings)."
            ),
        ] = False,
        actor: ActorF = None,
        vector: VectorF = None,
        theme: ThemeF = None,
        element: ElementF = None,
        event: EventF = None,
        date_from: FromF = None,
        date_to: ToF = None,
        source: SourceF = None,
        genre: GenreF = None,
        lang: LangF = None,
        country: CountryF = None,
        limit: Annotated[int, typer.Option(help="Most hits to show.")] = 20,
        exact: Annotated[
            bool,
            typer.Option(
                "--exact",
                help="Full text: search the words as typed, without an actor's other names.",
            ),
        ] = False,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Search passages: full text (default) or by meaning, with filters; keyword in context.

        A full-text query finds an actor under all its names and languages ("Россия" finds
        "Russia"); --exact turns that off. --semantic finds passages by meaning, across
        languages.

        Example: multivector search "Semipalatinsk" --country KAZ --from 1992 --to 2000
        """
        f = filters_from(
            actor, vector, theme, element, event, date_from, date_to, source, genre, lang, country
        )
        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                res = corpus.search(query, semantic=semantic, filters=f, limit=limit,
                                    expand=not exact)
            except MultivectorError as exc:
                fail(exc)
        expansions = [
            {"typed": x.typed, "actor": x.actor_id, "names": list(x.names)}
            for x in (res.expanded.expansions if res.expanded else ())
        ]
        if fmt is Format.table:
            for x in expansions:
                err.print(f"{x['typed']} ({x['actor']}) also as: {', '.join(x['names'])}"
                          " (--exact: as typed only)", markup=False, highlight=False)
            _print_hits(res.records())
            if not len(res) and not semantic:
                err.print("hint: --semantic finds passages by meaning, in any language",
                          markup=False, highlight=False)
        else:
            out: dict[str, Any] = {"query": query, "semantic": semantic}
            if res.expanded:
                out["expanded_query"] = res.expanded.query
                out["expansions"] = expansions
            _write(render({**out, "hits": res.records()}, fmt, csv_rows="hits"))
        if not len(res):
            raise typer.Exit(1)

    @app.command()
    def doc(
        doc_id: Annotated[str, typer.Argument(help="Document id (or its first characters).")],
        layer: Annotated[
            list[str] | None, typer.Option(help="Only these annotation layers.")
        ] = None,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Show a document with its passages and annotations (and why each was made).

        Example: multivector doc 3fa2c1 --layer event --layer theme
        """
        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                document, passages, annotations = corpus.document(doc_id)
            except MultivectorError as exc:
                fail(exc)
        from multivector.services.corpus import annotation_row, document_row

        rows = [
            annotation_row(a, document.text)
            for a in annotations
            if not layer or a.layer.value in layer
        ]
        out = {**document_row(document), "passages": len(passages), "annotations": rows}
        _write(render(out, fmt, csv_rows="annotations", title=document.meta.title))

    @app.command()
    def events(
        actor: ActorF = None,
        vector: VectorF = None,
        theme: ThemeF = None,
        event: EventF = None,
        date_from: FromF = None,
        date_to: ToF = None,
        source: SourceF = None,
        genre: GenreF = None,
        lang: LangF = None,
        country: CountryF = None,
        limit: Annotated[
            int, typer.Option(help="Show the first N events by date (0: all).", min=0)
        ] = 0,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Diplomatic events found in the corpus, with actor, counterpart, date and evidence.

        Example: multivector events --event visit --event agreement_signed --from 2015
        """
        f = filters_from(
            actor, vector, theme, None, event, date_from, date_to, source, genre, lang, country
        )
        corpus = open_corpus(db, create=False)
        with corpus:
            table = corpus.events(f)
        rows = table.records()
        if limit and len(rows) > limit:
            err.print(f"showing the first {limit} of {len(rows)} events (--limit 0: all)")
            rows = rows[:limit]
        if fmt in (Format.table, Format.md):  # a readable subset; json/csv/yaml give every field
            rows = [
                {
                    "date": r["date"],
                    "type": r["type"],
                    "actor": r["actor"],
                    "counterpart": r["counterpart"],
                    "place": r["place"],
                    "evidence": _clip(r["evidence"], 160),
                    "doc": f"{r['doc_id'][:12]}:{r['passage']}",
                }
                for r in rows
            ]
        _write(render({"events": rows}, fmt, csv_rows="events"))

    @app.command()
    def export(
        what: Annotated[
            str, typer.Option("--what", help="documents, passages, annotations or events.")
        ] = "documents",
        out_format: Annotated[
            str, typer.Option("--format", "-f", help="csv, parquet or jsonl.")
        ] = "csv",
        out: Annotated[
            Path | None,
            typer.Option(
                "--out", "-o", help="Output file (default: standard output; parquet needs --out)."
            ),
        ] = None,
        actor: ActorF = None,
        vector: VectorF = None,
        theme: ThemeF = None,
        event: EventF = None,
        date_from: FromF = None,
        date_to: ToF = None,
        source: SourceF = None,
        genre: GenreF = None,
        lang: LangF = None,
        country: CountryF = None,
        db: DbOpt = None,
    ) -> None:
        """Export documents, passages, annotations or events as CSV, Parquet or JSON Lines.

        Example: multivector export --what events --format parquet --out events.parquet
        """
        from multivector.services.export import write_rows

        f = filters_from(
            actor, vector, theme, None, event, date_from, date_to, source, genre, lang, country
        )
        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                n = write_rows(corpus.export_rows(what, f), out_format, out)
            except MultivectorError as exc:
                fail(exc)
        if out is not None:
            err.print(f"wrote {n} {what} rows to {out}", markup=False, highlight=False)

    @app.command()
    def evaluate(
        gold: Annotated[Path, typer.Option("--gold", help="Gold passages (JSON Lines).")],
        concept: ConceptOpt = None,
        config: ConfigOpt = None,
        errors: Annotated[
            bool,
            typer.Option("--errors", help="Also list each passage's missed and spurious labels."),
        ] = False,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Precision, recall and F1 per label (and micro/macro averages) against a gold set.

        Example: multivector evaluate --gold src/multivector/data/gold/passages-v1.jsonl
        """
        from multivector.pipeline import Pipeline
        from multivector.services.evaluate import evaluate as run_eval
        from multivector.services.evaluate import read_gold

        corpus = Corpus(store=SQLiteStore(":memory:"), edition=concept, config=load_config(config))
        try:
            passages = read_gold(gold)
            leaves = frozenset(t.id for t in corpus.knowledge.codebook.leaves)
            result = run_eval(passages, Pipeline.from_config(corpus.config, corpus.context),
                              leaves=leaves)
        except MultivectorError as exc:
            fail(exc)
        doc: dict[str, Any] = {
            "passages": result.passages,
            "averages": result.averages(),
            "labels": result.records(),
        }
        if errors:
            doc["errors"] = list(result.errors)
        _write(render(doc, fmt, csv_rows="labels", title=f"Evaluation on {gold}"))


def _run_ingest(
    corpus: Corpus,
    paths: list[Path],
    overrides: DocumentMeta,
    text_column: str | None,
    max_bytes: int,
    quiet: bool,
) -> Any:
    from multivector.ingest.readers import iter_paths

    total = sum(1 for _ in iter_paths(paths))
    with _progress(quiet) as bar:
        task = bar.add_task("ingesting", total=total)
        return corpus.ingest(
            paths,
            overrides=overrides,
            text_column=text_column,
            max_bytes=max_bytes,
            progress=lambda name, n: bar.update(
                task, completed=n, description=Path(name).name[:40]
            ),
        )


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=True,
    )


def _print_hits(rows: list[dict[str, Any]]) -> None:
    console = Console()
    if not rows:
        err.print("no passages found", markup=False, highlight=False)
        return
    for r in rows:
        snippet = r["snippet"]
        marked, last = "", 0
        for start, end in r["highlights"]:
            marked += escape(snippet[last:start]) + f"[bold yellow]{escape(snippet[start:end])}"
            marked += "[/bold yellow]"
            last = end
        marked += escape(snippet[last:])
        head = " ".join(
            str(x) for x in (r.get("date") or "", r.get("country") or "", r.get("title") or "") if x
        )
        console.print(
            f"[cyan]{r['doc_id'][:12]}[/cyan]:{r['passage']} [dim]{escape(head)} "
            f"score {r['score']}[/dim]"
        )
        console.print("  " + marked.replace("\n", " "))
        labels = {
            k: v
            for k, v in r.items()
            if k.endswith("s") and k in ("actors", "themes", "events", "elements")
        }
        if any(labels.values()):
            console.print(
                "  [dim]"
                + escape("; ".join(f"{k}: {', '.join(v[:6])}" for k, v in labels.items() if v))
                + "[/dim]"
            )


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def _write(text: str | None) -> None:
    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


__all__ = ["register"]
