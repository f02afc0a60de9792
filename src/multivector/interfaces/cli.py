"""The `multivector` command line: thin commands over the services.

Read commands share ``--format table|json|csv|yaml|md``. Errors a user can cause print one line
(``error: ...``) and exit 1; usage errors exit 2. Every command's help ends with an example.
Each command imports what it needs when it runs, so that ``multivector concepts`` does not load
pandas, the pipeline or the embedder.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from multivector import __version__
from multivector.errors import MultivectorError, UsageError
from multivector.interfaces import (
    cli_analysis,
    cli_annotate,
    cli_corpus,
    cli_import,
    cli_votes,
    cli_web,
)
from multivector.interfaces.common import FormatOpt, emit, err, fail, knowledge, parse_date
from multivector.interfaces.output import Format

app = typer.Typer(
    name="multivector",
    help="Foreign-policy concepts as sourced data: compare editions, resolve actors, code and "
    "analyse corpora.\n\nExample: multivector analyze --sample ungd-central-asia --country KAZ "
    "--concept kaz/2020-2030 --report report.html",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
actors_app = typer.Typer(
    help="The actor registry: countries, organisations, people, places.\n\n"
    'Example: multivector actors resolve "Tokaev" --date 2005-06-01',
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(actors_app, name="actors")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"multivector {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Foreign-policy concepts as sourced data."""


@app.command()
def concepts(
    country: Annotated[str | None, typer.Option(help="Only this ISO3 country.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List the concept editions the knowledge base holds.

    Example: multivector concepts --format json
    """
    from multivector.services import documents as docs

    try:
        kb = knowledge()
        eds = kb.editions(country)
        if country is not None and not eds:
            held = sorted({e.country for e in kb.editions()})
            raise UsageError(
                f"--country: no editions of {country.upper()!r}",
                hint=f"editions are held for {', '.join(held)}",
            )
    except MultivectorError as exc:
        fail(exc)
    emit(docs.concepts_document(eds), fmt, title="Concept editions")


@app.command()
def show(
    edition: Annotated[str, typer.Argument(help="Edition id (kaz/2020-2030) or a YAML file.")],
    kind: Annotated[str | None, typer.Option("--kind", help="Only elements of this kind.")] = None,
    theme: Annotated[
        str | None,
        typer.Option("--theme", help="Only elements coded to this theme (or its sub-themes)."),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Summaries and evidence in full.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show an edition's elements with their evidence level and sources.

    Example: multivector show kaz/2020-2030 --kind principle
    """
    from multivector.domain.concept import ElementKind
    from multivector.interfaces.common import suggest
    from multivector.services import documents as docs

    try:
        kb = knowledge()
        ed = kb.edition(edition)
        kinds = [k.value for k in ElementKind]
        if kind is not None and kind not in kinds:
            raise suggest(kind, kinds, "kind", hint=f"use one of {', '.join(kinds)}")
        if theme is not None and theme not in kb.theme_ids:
            raise suggest(theme, sorted(kb.theme_ids), "theme",
                          hint="list themes with `multivector themes`")
        elements = ed.filter(kind=kind, theme=theme)
    except MultivectorError as exc:
        fail(exc)
    full = full or fmt in (Format.json, Format.yaml)
    emit(
        docs.show_document(ed, elements, full=full),
        fmt,
        csv_rows="elements",
        title=f"{ed.title} ({ed.id})",
    )


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="The older edition (id or file).")],
    b: Annotated[str, typer.Argument(help="The newer edition (id or file).")],
    section: Annotated[
        str,
        typer.Option(help="With --format csv: which table (changes, relations, claims, counts)."),
    ] = "changes",
    brief: Annotated[bool, typer.Option("--brief", help="Table view without evidence lines.")] = (
        False
    ),
    fmt: FormatOpt = Format.table,
) -> None:
    """Typed differences between two editions, with the sources of every change.

    Example: multivector diff kaz/2014-2020 kaz/2020-2030
    """
    from rich.console import Console

    from multivector.domain.diff import diff_editions
    from multivector.interfaces.diffview import print_diff
    from multivector.services import documents as docs

    if section not in ("changes", "relations", "claims", "counts"):
        fail(
            UsageError(
                f"--section: unknown table {section!r}",
                hint="use changes, relations, claims or counts",
            )
        )
    try:
        kb = knowledge()
        d = diff_editions(kb.edition(a), kb.edition(b))
    except MultivectorError as exc:
        fail(exc)
    if fmt is Format.table:
        print_diff(d, Console(), evidence=not brief)
        return
    flat = fmt not in (Format.json, Format.yaml)
    doc = docs.diff_document(d, flat_evidence=flat)
    if flat:
        summary = doc.pop("summary")
        doc = {"summary": ", ".join(f"{k} {v}" for k, v in summary.items()), **doc}
    emit(doc, fmt, csv_rows=section, title=f"{d.a.id} -> {d.b.id}")


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of YAML data files.")],
    kind: Annotated[
        str | None,
        typer.Option(
            help="File kind (edition, codebook, vectors, countries, organisations, people, "
            "places); guessed from the content when omitted."
        ),
    ] = None,
) -> None:
    """Check data files; print problems as file:line: field: message and exit 1 if any.

    Example: multivector validate my-editions/
    """
    from multivector.services.knowledge import validate as run
    from multivector.services.knowledge import yaml_files

    files = yaml_files(paths)
    if not files:
        fail(UsageError("no YAML files found", hint="name files or folders that hold .yaml files"))
    try:
        problems = run(files, kind=kind)
    except MultivectorError as exc:
        fail(exc)
    for pr in problems:
        typer.echo(str(pr))
    bad = len({pr.file for pr in problems})
    err.print(
        f"{len(files)} file(s) checked, {bad} with problems, {len(problems)} problem(s)",
        markup=False,
    )
    raise typer.Exit(1 if problems else 0)


@app.command()
def schema(
    name: Annotated[
        str,
        typer.Argument(
            help="One of: edition, codebook, vectors, countries, organisations, people, places."
        ),
    ],
    out: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Print the JSON Schema of a data file kind.

    Example: multivector schema edition --out edition.schema.json
    """
    from multivector.services.knowledge import json_schema

    try:
        text = json.dumps(json_schema(name), indent=2, ensure_ascii=False)
    except MultivectorError as exc:
        fail(exc)
    if out:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            fail(UsageError(f"--out: cannot write {out}: {exc.strerror}",
                            hint="choose a writable path"))
    else:
        typer.echo(text)


@app.command()
def themes(fmt: FormatOpt = Format.table) -> None:
    """List the codebook's themes with their labels and Manifesto crosswalk.

    Example: multivector themes --format csv
    """
    from multivector.services import documents as docs

    try:
        cb = knowledge().codebook
    except MultivectorError as exc:
        fail(exc)
    emit(docs.themes_document(cb), fmt, csv_rows="themes")


@app.command()
def vectors(fmt: FormatOpt = Format.table) -> None:
    """List the vector scheme: each vector's member states and the organisations counted in it.

    Example: multivector vectors --format yaml
    """
    from multivector.services import documents as docs

    try:
        scheme = knowledge().vectors
    except MultivectorError as exc:
        fail(exc)
    emit(docs.vectors_document(scheme), fmt, csv_rows="vectors")


@actors_app.command("resolve")
def actors_resolve(
    text: Annotated[str, typer.Argument(help="A name, a role phrase or a text.")],
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="Date of the text (YYYY-MM-DD or YYYY): decides dated names and offices."
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Resolve a name to actors, with confidence and the reason.

    Example: multivector actors resolve "the Foreign Minister of Kazakhstan" --date 2005-06-01
    """
    from multivector.services import documents as docs

    try:
        on = _mid_year(date)
        if len(text) > 10_000:
            raise UsageError(
                f"the text is {len(text):,} characters", hint="resolve a name or a sentence"
            )
        res = knowledge().registry.resolve(text, on=on)
    except MultivectorError as exc:
        fail(exc)
    emit(docs.resolution_document(text, on, res), fmt, csv_rows="results")
    if not res:
        err.print(f"no actor found for {text!r}", markup=False)
        raise typer.Exit(1)


def _mid_year(value: str | None) -> dt.date | None:
    """A date; a bare year means its middle (1 July), where offices of the year overlap least."""
    on = parse_date(value, "--date")  # checks the year too (0000 is no date)
    if on is not None and value is not None and len(value.strip()) == 4:
        return on.replace(month=7, day=1)
    return on


@actors_app.command("show")
def actors_show(
    actor: Annotated[str, typer.Argument(help="Actor id: RUS, EAEU, tokayev, astana ...")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Show one actor with its offices, memberships and aliases.

    Example: multivector actors show tokayev
    """
    from multivector.services import documents as docs

    try:
        reg = knowledge().registry
        a = reg.get(actor if actor in reg else actor.upper() if actor.upper() in reg else actor)
    except MultivectorError as exc:
        fail(exc)
    doc = docs.actor_show_document(reg, a)
    emit(doc, fmt, csv_rows="aliases")


cli_corpus.register(app)
cli_analysis.register(app)
cli_votes.register(app)
cli_web.register(app)
cli_import.register(app)
cli_annotate.register(app)


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except MultivectorError as exc:  # anything a command did not translate itself
        err.print(f"error: {exc}", markup=False)
        sys.exit(2 if isinstance(exc, UsageError) else 1)


COMMANDS = [
    "concepts", "show", "diff", "validate", "schema", "themes", "vectors", "actors resolve",
    "actors show", "samples", "ingest", "code", "search", "doc", "events", "export", "evaluate",
    "balance", "gap", "coverage", "channels", "trends", "keyness", "report", "analyze", "votes",
    "serve", "import", "review", "annotate", "labels import", "labels export",
    "labels disagreements", "labels reconcile", "agreement", "train", "model-card",
]
