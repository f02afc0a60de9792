"""Corpus commands of the CLI: samples, ingest, code, search, doc, events, export, evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.common import (
    ConceptOpt,
    ConfigOpt,
    DbOpt,
    FormatOpt,
    SampleOpt,
    emit,
    err,
    fail,
    knowledge,
    say,
    selection,
    with_filters,
)
from multivector.interfaces.output import Format

if TYPE_CHECKING:
    from rich.progress import Progress

    from multivector.services.corpus import Corpus
    from multivector.services.ingest import IngestReport, Limits
    from multivector.store.base import Filters


def load_config(path: Path | None, unit: str = "paragraph") -> dict[str, Any] | None:
    """A pipeline config from a YAML/JSON file (``--config``), with the passage unit applied."""
    from multivector.services.config import pipeline_config

    try:
        return pipeline_config(path, unit)
    except MultivectorError as exc:
        fail(exc)


def open_corpus(
    db: Path | None,
    *,
    create: bool,
    concept: str | None = None,
    config: dict[str, Any] | None = None,
    max_passages: int | None = None,
) -> Corpus:
    """The corpus at ``--db``; an unknown ``--concept`` fails before any file is made."""
    from multivector.services.corpus import Corpus
    from multivector.services.stores import open_store

    try:
        kb = knowledge()
        edition = kb.edition(concept).id if concept else None
        corpus = Corpus(store=open_store(db, create=create), knowledge=kb, config=config,
                        edition=edition)
        if max_passages is not None:
            corpus.max_passages = max_passages
        return corpus
    except MultivectorError as exc:
        fail(exc)


def read_limits(max_mb: float | None, max_unpacked_mb: float | None, max_chars: int | None,
                max_passages: int | None) -> Limits:
    """The caps from their options (megabytes to bytes; None: the default), each checked."""
    from multivector.services.ingest import Limits

    given: dict[str, int] = {}
    if max_mb is not None:
        given["max_bytes"] = int(max_mb * MB)
    if max_unpacked_mb is not None:
        given["max_unpacked_bytes"] = int(max_unpacked_mb * MB)
    if max_chars is not None:
        given["max_chars"] = max_chars
    if max_passages is not None:
        given["max_passages"] = max_passages
    try:
        return Limits(**given)
    except MultivectorError as exc:
        fail(exc)


MB = 1e6
MaxMbOpt = Annotated[
    float | None, typer.Option(help="Skip files larger than this (MB; default 50).")
]
MaxUnpackedOpt = Annotated[
    float | None,
    typer.Option(help="Refuse a DOCX that unpacks to more than this (MB; default 100): zip "
                 "bombs."),
]
MaxCharsOpt = Annotated[
    int | None, typer.Option(help="Refuse a document whose text is longer (default 20000000).")
]
MaxPassagesOpt = Annotated[
    int | None, typer.Option(help="Refuse a document of more passages (default 50000).")
]


WorkersOpt = Annotated[
    int, typer.Option(help="Code on this many local worker processes (Dask; 1: in this one).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="Code on the workers of the Dask cluster at this address "
                 "(tcp://HOST:PORT)."),
]


def progress_bar(quiet: bool) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=True,
    )


def report_failures(report: IngestReport) -> None:
    for f in report.failures:
        err.print(f"failed: {f}", markup=False)
    if report.stopped is not None:
        err.print(f"error: {report.stopped}", markup=False)
        err.print("stopped: every document stored before the error is kept", markup=False)


def _write(text: str | None) -> None:
    import sys

    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def register(app: typer.Typer) -> None:
    @app.command()
    def samples(fmt: FormatOpt = Format.table) -> None:
        """List the samples bundled with multivector: corpora to run every command on, with
        their source, licence and citation.

        Example: multivector analyze --sample ungd-central-asia --country KAZ --concept
        kaz/2020-2030 --report report.html
        """
        from multivector.services.ingest import bundled_samples

        rows = [
            {
                "name": s.name,
                "kind": s.kind,
                "title": s.title,
                "count": s.count,
                "years": f"{s.years[0]}-{s.years[1]}",
                "countries": list(s.countries),
                "size_kb": round(s.size / 1024),
                "licence": s.licence,
                "cite": s.citation,
            }
            for s in bundled_samples()
        ]
        emit({"samples": rows}, fmt, csv_rows="samples", title="Bundled samples")

    @app.command()
    def ingest(
        paths: Annotated[
            list[Path] | None, typer.Argument(help="Files or folders to ingest.")
        ] = None,
        sample: SampleOpt = None,
        db: DbOpt = None,
        source: Annotated[str | None, typer.Option(help="Source name for every document.")] = None,
        genre: Annotated[
            str | None,
            typer.Option(help="speech, statement, news, analysis, official_document or other."),
        ] = None,
        lang: Annotated[str | None, typer.Option(help="Language (en, ru, kk) if known.")] = None,
        country: Annotated[
            list[str] | None,
            typer.Option(help="Speaker's ISO3 country of every document (with --sample: the "
                         "countries to take, repeatable)."),
        ] = None,
        date: Annotated[
            str | None, typer.Option(help="Date of every document (YYYY-MM-DD).")
        ] = None,
        date_from: Annotated[
            str | None, typer.Option("--from", help="With --sample: from this year.")
        ] = None,
        date_to: Annotated[
            str | None, typer.Option("--to", help="With --sample: up to this year.")
        ] = None,
        text_column: Annotated[
            str | None, typer.Option(help="Text column of CSV/JSONL files.")
        ] = None,
        max_mb: MaxMbOpt = None,
        max_unpacked_mb: MaxUnpackedOpt = None,
        max_chars: MaxCharsOpt = None,
        max_passages: MaxPassagesOpt = None,
        unit: Annotated[
            str, typer.Option(help="Passage unit: paragraph or sentence.")
        ] = "paragraph",
        concept: ConceptOpt = None,
        config: ConfigOpt = None,
        workers: WorkersOpt = 1,
        scheduler: SchedulerOpt = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Ingest documents (txt, md, html, pdf, docx, jsonl, csv) or a bundled sample, code
        them and store them.

        The same text is stored once however often it is ingested; a failed file or row is
        reported and the rest goes on (exit code 1 if anything failed). An interrupted run
        leaves the store consistent: run the same command again to complete it. --workers N
        codes on N local processes, --scheduler on a Dask cluster (the dask extra); this
        process still writes every batch.

        Example: multivector ingest speeches/ --concept kaz/2020-2030 --genre speech
        """
        from multivector.services.ingest import documents_from

        limits = read_limits(max_mb, max_unpacked_mb, max_chars, max_passages)
        try:
            chosen = selection(paths, sample, countries=country, date_from=date_from,
                               date_to=date_to, source=source, genre=genre, lang=lang,
                               date=date, text_column=text_column)
            docs, total = documents_from(chosen, limits)
        except MultivectorError as exc:
            fail(exc)
        corpus = open_corpus(db, create=True, concept=concept, config=load_config(config, unit),
                             max_passages=limits.max_passages)
        from multivector.services.distributed import dask_coder

        with corpus:
            try:
                with dask_coder(workers=workers, scheduler=scheduler, config=corpus.config,
                                edition=corpus.edition_id, max_passages=corpus.max_passages
                                ) as coder, progress_bar(quiet) as bar:
                    task = bar.add_task("ingesting", total=total)
                    report = corpus.ingest_documents(
                        docs,
                        progress=lambda name, n: bar.update(
                            task, completed=n, description=Path(name).name[:40]
                        ),
                        coder=coder,
                    )
            except MultivectorError as exc:
                fail(exc)
        report_failures(report)
        if fmt is Format.table:
            say(f"{report.describe()} -> {corpus.store}")
        else:
            from multivector.interfaces.output import render

            doc = {"summary": report.summary(), "documents": report.records()}
            _write(render(doc, fmt, csv_rows="documents"))
        if report.interrupted:
            say("interrupted: what was stored is complete; run the same command again to finish")
            raise typer.Exit(130)
        raise typer.Exit(0 if report.ok else 1)

    @app.command()
    def code(
        concept: ConceptOpt = None,
        config: ConfigOpt = None,
        db: DbOpt = None,
        workers: WorkersOpt = 1,
        scheduler: SchedulerOpt = None,
    ) -> None:
        """Re-code the stored passages (after a codebook, registry or edition change).

        --workers N codes on N local processes, --scheduler on a Dask cluster (the dask
        extra); this process writes every document. Vectors of texts embedded before are
        read from the store, not computed again.

        Example: multivector code --concept kaz/2014-2020
        """
        from multivector.services.distributed import dask_coder

        corpus = open_corpus(db, create=False, concept=concept, config=load_config(config))
        with corpus:
            try:
                with dask_coder(workers=workers, scheduler=scheduler, config=corpus.config,
                                edition=corpus.edition_id, max_passages=corpus.max_passages
                                ) as coder, progress_bar(False) as bar:
                    task = bar.add_task("coding", total=corpus.store.count()["documents"])
                    result = corpus.code(progress=lambda _m, n: bar.update(task, completed=n),
                                         recoders=coder.recoder if coder else None)
            except MultivectorError as exc:
                fail(exc)
        say(f"re-coded {result['documents']} documents: {result['annotations']} annotations")

    @app.command()
    @with_filters("actor", "vector", "theme", "element", "event", "from", "to", "source",
                  "genre", "lang", "country")
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
        limit: Annotated[int, typer.Option(help="Most hits to show (1-10000).")] = 20,
        exact: Annotated[
            bool,
            typer.Option(
                "--exact",
                help="Full text: search the words as typed, without an actor's other names.",
            ),
        ] = False,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
        filters: Filters | None = None,
    ) -> None:
        """Search passages: full text (default) or by meaning, with filters; keyword in context.

        A full-text query finds an actor under all its names and languages ("Россия" finds
        "Russia"); --exact turns that off. --semantic finds passages by meaning, across
        languages. Exit codes: 0 hits found, 1 no hits, 2 a malformed query or option.

        Example: multivector search "Semipalatinsk" --country KAZ --from 1992 --to 2000
        """
        from multivector.services.corpus import check_query

        try:
            check_query(query, semantic=semantic, limit=limit)
        except MultivectorError as exc:
            fail(exc)
        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                res = corpus.search(query, semantic=semantic, filters=filters, limit=limit,
                                    expand=not exact)
            except MultivectorError as exc:
                fail(exc)
        from multivector.services.corpus_documents import search_document

        doc = search_document(res)
        if fmt is Format.table:
            for x in doc.get("expansions", []):
                say(f"{x['typed']} ({x['actor']}) also as: {', '.join(x['names'])}"
                    " (--exact: as typed only)")
            _print_hits(doc["hits"])
            if not len(res) and not semantic:
                say("hint: --semantic finds passages by meaning, in any language")
        else:
            from multivector.interfaces.output import render

            _write(render(doc, fmt, csv_rows="hits"))
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
        from multivector.services.corpus_documents import check_layers, document_document

        try:
            layers = check_layers(layer)
        except MultivectorError as exc:
            fail(exc)
        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                document, passages, annotations = corpus.document(doc_id)
            except MultivectorError as exc:
                fail(exc)
        out = document_document(document, passages, annotations, layers)
        if fmt in (Format.table, Format.md):  # a readable subset; json/csv/yaml give every field
            out["annotations"] = [
                {"passage": r["passage"], "layer": r["layer"], "label": r["label"],
                 "text": r["text"], "score": r["score"], "why": r["producer"]}
                for r in out["annotations"]
            ]
        emit(out, fmt, csv_rows="annotations", title=document.meta.title)

    @app.command()
    @with_filters("actor", "vector", "theme", "event", "from", "to", "source", "genre", "lang",
                  "country")
    def events(
        limit: Annotated[
            int, typer.Option(help="Show the first N events by date (0: all).", min=0)
        ] = 0,
        status: Annotated[
            list[str] | None,
            typer.Option("--status", help="happened (default), planned, proposed, hoped, "
                         "negated, conditional, or all (repeatable)."),
        ] = None,
        db: DbOpt = None,
        fmt: FormatOpt = Format.table,
        filters: Filters | None = None,
    ) -> None:
        """Diplomatic events found in the corpus, with actor, counterpart, date and evidence:
        those that happened, unless --status asks for planned, proposed, hoped, negated or
        conditional ones too. A date the sentence does not give is the document's, marked
        "(reported)".

        Example: multivector events --event visit --event agreement_signed --from 2015
        """
        from multivector.services.corpus_documents import event_statuses

        try:
            chosen = event_statuses(status)
        except MultivectorError as exc:
            fail(exc)
        corpus = open_corpus(db, create=False)
        with corpus:
            table = corpus.events(filters, status=chosen)
        rows = table.records()
        if limit and len(rows) > limit:
            say(f"showing the first {limit} of {len(rows)} events (--limit 0: all)")
            rows = rows[:limit]
        if fmt in (Format.table, Format.md):  # a readable subset; json/csv/yaml give every field
            rows = [
                {
                    "date": r["date"] if r.get("date_source") != "document"
                    else f"{r['date']} (reported)",
                    "type": r["type"],
                    "status": r.get("status"),
                    "actor": r["actor"],
                    "counterpart": r["counterpart"],
                    "place": r["place"],
                    "evidence": r["evidence"],
                    "doc": f"{r['doc_id']}:{r['passage']}",
                }
                for r in rows
            ]
        emit({"events": rows}, fmt, csv_rows="events")

    @app.command()
    @with_filters("actor", "vector", "theme", "event", "from", "to", "source", "genre", "lang",
                  "country")
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
        db: DbOpt = None,
        filters: Filters | None = None,
    ) -> None:
        """Export documents, passages, annotations or events as CSV, Parquet or JSON Lines.

        Example: multivector export --what events --format parquet --out events.parquet
        """
        from multivector.services.export import write_rows

        if what not in ("documents", "passages", "annotations", "events"):
            fail(UsageError(f"--what: cannot export {what!r}",
                            hint="use documents, passages, annotations or events"))
        corpus = open_corpus(db, create=False)
        with corpus:
            try:
                n = write_rows(corpus.export_rows(what, filters), out_format, out)
            except MultivectorError as exc:
                fail(exc)
        if out is not None:
            say(f"wrote {n} {what} rows to {out}")

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
        from multivector.services.evaluate import evaluate_file

        try:
            result = evaluate_file(gold, knowledge(), config=load_config(config), edition=concept)
        except MultivectorError as exc:
            fail(exc)
        doc: dict[str, Any] = {
            "passages": result.passages,
            "averages": result.averages(),
            "labels": result.records(),
        }
        if errors:
            doc["errors"] = list(result.errors)
        emit(doc, fmt, csv_rows="labels", title=f"Evaluation on {gold}")


def _print_hits(rows: list[dict[str, Any]]) -> None:
    """Each hit: its short id, date, country and title; the snippet with the matched words in
    bold (wrapped under a hanging indent); the labels coded in the passage."""
    from rich.console import Console
    from rich.text import Text

    from multivector.interfaces.output import hanging, short_ids

    console = Console()
    if not rows:
        say("no passages found")
        return
    ids = short_ids(r["doc_id"] for r in rows)
    for r in rows:
        head = Text(f"{ids[r['doc_id']]}:{r['passage']}", style="cyan")
        about = " ".join(str(x) for x in (r.get("date"), r.get("country"), r.get("title")) if x)
        head.append(f" {about} score {r['score']}".rstrip(), style="dim")
        snippet = Text(r["snippet"].replace("\n", " "))
        for start, end in r["highlights"]:
            snippet.stylize("bold yellow", start, end)
        labels = "; ".join(
            f"{k}: {', '.join(r[k][:6])}" for k in ("actors", "themes", "events", "elements")
            if r.get(k)
        )
        lines = [*hanging(head, console, hang=4), *hanging(snippet, console, indent=2)]
        if labels:
            lines += hanging(Text(labels, style="dim"), console, indent=2, hang=4)
        for line in lines:
            console.print(line, soft_wrap=True)


__all__ = ["register"]
