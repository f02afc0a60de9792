"""The `multivector` command line: thin commands over the Python API.

Read commands share ``--format table|json|csv|yaml|md``. Errors a user can cause print one line
(``error: ...``) and exit 1; usage errors exit 2. Every command's help ends with an example.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from multivector import __version__
from multivector.adapters.schemas import SCHEMAS
from multivector.adapters.validation import validate_path
from multivector.domain.diff import diff_editions
from multivector.errors import MultivectorError, Problem, UsageError
from multivector.interfaces import cli_analysis, cli_corpus
from multivector.interfaces.common import FormatOpt, err, fail
from multivector.interfaces.diffview import print_diff
from multivector.interfaces.output import Format, render
from multivector.services import documents as docs
from multivector.services.knowledge import default_knowledge

app = typer.Typer(
    name="multivector",
    help="Foreign-policy concepts as sourced data: compare editions, resolve actors, validate "
    "data files.\n\nExample: multivector diff kaz/2014-2020 kaz/2020-2030",
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



def _emit(
    doc: dict[str, object], fmt: Format, *, csv_rows: str | None = None, title: str | None = None
) -> None:
    text = render(
        doc, fmt, csv_rows=csv_rows, title=title, console=Console(width=max(100, Console().width))
    )
    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        if len(value) == 4 and value.isdigit():
            return dt.date(int(value), 7, 1)
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(UsageError(f"{option}: {value!r} is not a date", hint="use YYYY-MM-DD or YYYY"))


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
    try:
        eds = default_knowledge().editions(country)
    except MultivectorError as exc:
        fail(exc)
    _emit(docs.concepts_document(eds), fmt, title="Concept editions")


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
    try:
        kb = default_knowledge()
        ed = kb.edition(edition)
        kinds = {k.value for k in type(ed.elements[0].kind)} if ed.elements else set()
        if kind is not None and kinds and kind not in kinds:
            raise UsageError(f"--kind: unknown kind {kind!r}", hint=f"use one of {sorted(kinds)}")
        if theme is not None and theme not in kb.codebook:
            raise UsageError(
                f"--theme: unknown theme {theme!r}", hint="list themes with `multivector themes`"
            )
        elements = ed.filter(kind=kind, theme=theme)
    except MultivectorError as exc:
        fail(exc)
    full = full or fmt in (Format.json, Format.yaml)
    _emit(
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
    if section not in ("changes", "relations", "claims", "counts"):
        fail(
            UsageError(
                f"--section: unknown table {section!r}",
                hint="use changes, relations, claims or counts",
            )
        )
    try:
        kb = default_knowledge()
        d = diff_editions(kb.edition(a), kb.edition(b))
    except MultivectorError as exc:
        fail(exc)
    if fmt is Format.table:
        print_diff(d, Console(width=max(120, Console().width)), evidence=not brief)
        return
    flat = fmt not in (Format.json, Format.yaml)
    doc = docs.diff_document(d, flat_evidence=flat)
    if flat:
        summary = doc.pop("summary")
        doc = {"summary": ", ".join(f"{k} {v}" for k, v in summary.items()), **doc}
    _emit(doc, fmt, csv_rows=section, title=f"{d.a.id} -> {d.b.id}")


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of YAML data files.")],
    kind: Annotated[
        str | None,
        typer.Option(
            help="File kind (edition, codebook, vectors, countries, organisations, people, "
            "places); "
            "guessed from the content when omitted."
        ),
    ] = None,
) -> None:
    """Check data files; print problems as file:line: field: message and exit 1 if any.

    Example: multivector validate my-editions/
    """
    if kind is not None and kind not in SCHEMAS:
        fail(UsageError(f"--kind: unknown kind {kind!r}", hint=f"use one of {sorted(SCHEMAS)}"))
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(p.rglob("*.yaml")) + sorted(p.rglob("*.yml"))
        else:
            files.append(p)
    if not files:
        fail(UsageError("no YAML files found", hint="name files or folders that hold .yaml files"))
    problems: list[Problem] = []
    for f in files:
        file_problems = validate_path(f, kind)
        if not file_problems and kind in (None, "edition"):
            file_problems = _edition_references(f)
        problems += file_problems
    for pr in problems:
        typer.echo(str(pr))
    bad = len({pr.file for pr in problems})
    err.print(
        f"{len(files)} file(s) checked, {bad} with problems, {len(problems)} problem(s)",
        markup=False,
        highlight=False,
    )
    raise typer.Exit(1 if problems else 0)


def _edition_references(path: Path) -> list[Problem]:
    from multivector.adapters import knowledge_files as kf
    from multivector.adapters.validation import detect_kind

    doc = kf.read_document(path)
    if detect_kind(doc) != "edition":
        return []
    edition = kf.load_edition_document(doc)
    return default_knowledge().check_edition_references(edition, doc)


@app.command()
def schema(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(SCHEMAS)}.")],
    out: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """Print the JSON Schema of a data file kind.

    Example: multivector schema edition --out edition.schema.json
    """
    if name not in SCHEMAS:
        fail(UsageError(f"unknown schema {name!r}", hint=f"use one of {', '.join(SCHEMAS)}"))
    text = json.dumps(SCHEMAS[name].model_json_schema(by_alias=True), indent=2, ensure_ascii=False)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@app.command()
def themes(fmt: FormatOpt = Format.table) -> None:
    """List the codebook's themes with their labels and Manifesto crosswalk.

    Example: multivector themes --format csv
    """
    try:
        cb = default_knowledge().codebook
    except MultivectorError as exc:
        fail(exc)
    rows = [
        {
            "id": t.id,
            "label": t.label("en"),
            "label_ru": t.label("ru"),
            "labels": sum(len(lab.alternative) + 1 for lab in t.labels.values()),
            "negative": sum(len(v) for v in t.negative.values()),
            "cues": sum(len(v) for v in t.cues.values()),
            "manifesto": [c.code for c in t.crosswalk],
        }
        for t in cb
    ]
    _emit({"codebook": cb.id, "version": cb.version, "themes": rows}, fmt, csv_rows="themes")


@app.command()
def vectors(fmt: FormatOpt = Format.table) -> None:
    """List the vector scheme: each vector's member states and the organisations counted in it.

    Example: multivector vectors --format yaml
    """
    try:
        scheme = default_knowledge().vectors
    except MultivectorError as exc:
        fail(exc)
    rows = [
        {
            "id": v.id,
            "label": v.label,
            "members": sorted(v.members),
            "count": len(v.members),
            "organisations": sorted(v.organisations),
        }
        for v in scheme
    ]
    _emit(
        {"scheme": scheme.id, "version": scheme.version, "home": scheme.home, "vectors": rows},
        fmt,
        csv_rows="vectors",
    )


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
    on = _date(date, "--date")
    try:
        res = default_knowledge().registry.resolve(text, on=on)
    except MultivectorError as exc:
        fail(exc)
    _emit(docs.resolution_document(text, on, res), fmt, csv_rows="results")
    if not res:
        err.print(f"no actor found for {text!r}", markup=False, highlight=False)
        raise typer.Exit(1)


@actors_app.command("show")
def actors_show(
    actor: Annotated[str, typer.Argument(help="Actor id: RUS, EAEU, tokayev, astana ...")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Show one actor with its offices, memberships and aliases.

    Example: multivector actors show tokayev
    """
    try:
        reg = default_knowledge().registry
        a = reg.get(actor)
    except MultivectorError as exc:
        fail(exc)
    doc = docs.actor_document(a)
    doc["members"] = [m.member for m in a.members]
    doc["aliases"] = [
        {
            "text": x.text,
            "lang": x.lang,
            "kind": x.kind.value,
            "valid": str(x.valid) if x.valid.start or x.valid.end else "",
        }
        for x in reg.aliases_of(a.id)
    ]
    _emit(doc, fmt, csv_rows="aliases")


cli_corpus.register(app)
cli_analysis.register(app)
cli_analysis.register_analyze(app)


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except MultivectorError as exc:  # anything a command did not translate itself
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)


COMMANDS = [
    "concepts", "show", "diff", "validate", "schema", "themes", "vectors", "actors resolve",
    "actors show", "ingest", "code", "search", "doc", "events", "export", "evaluate",
    "balance", "gap", "coverage", "trends", "keyness", "analyze",
]
