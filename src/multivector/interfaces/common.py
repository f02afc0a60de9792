"""What every CLI module shares: the error exit, the consoles, printing a result, the options
several commands take (``--db``, ``--sample``, ``--concept``, ``--format``), and the one
definition of the corpus filter options (:func:`with_filters`).

Heavy modules (pandas, the pipeline, the store) are imported inside the commands that use them,
so that reading the knowledge base starts fast.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import inspect
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.output import Format, render

if TYPE_CHECKING:
    from multivector.adapters.knowledge import KnowledgeBase
    from multivector.services.ingest import Selection
    from multivector.store.base import Filters

err = Console(stderr=True, highlight=False, soft_wrap=True)  # one message, one line
LANGUAGES = ("en", "ru", "kk")  # the languages the pipeline codes

FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, json, csv, yaml or md.")
]


def _db_option(value: str) -> Any:
    """``--db`` as given: a file path, or a PostgreSQL URL kept as text (a Path would fold its
    ``//``); every command only hands ``--db`` on to the services, which take either."""
    from multivector.services.stores import is_postgres

    return value if is_postgres(value) else Path(value)


DbOpt = Annotated[
    Path | None,
    typer.Option("--db", parser=_db_option,
                 help="Corpus database: an SQLite file or a postgresql://USER:PASSWORD@HOST/DB "
                 "URL (default: $MULTIVECTOR_DB or ./multivector.db)."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Pipeline config (YAML/JSON): components and their settings."),
]
ConceptOpt = Annotated[
    str | None,
    typer.Option("--concept", help="Concept edition to code passages against (kaz/2020-2030)."),
]
ConceptReq = Annotated[str, typer.Option("--concept", help="Concept edition (kaz/2020-2030).")]
SampleOpt = Annotated[
    str | None,
    typer.Option(
        "--sample",
        help="A bundled sample instead of paths (list them with `multivector samples`).",
    ),
]


def fail(exc: MultivectorError) -> NoReturn:
    """One line on standard error; exit 2 for usage errors, 1 for the rest."""
    err.print(f"error: {exc}", markup=False)
    raise typer.Exit(2 if isinstance(exc, UsageError) else 1)


def say(message: str) -> None:
    err.print(message, markup=False)


def emit(
    doc: Mapping[str, Any], fmt: Format, *, csv_rows: str | None = None, title: str | None = None
) -> None:
    """Print a result document in ``fmt`` (tables at the terminal's width)."""
    text = render(doc, fmt, csv_rows=csv_rows, title=title, console=Console())
    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def knowledge() -> KnowledgeBase:
    """The knowledge base the commands share (read lazily, from the compiled cache)."""
    from multivector.services.knowledge import default_knowledge

    return default_knowledge()


def suggest(value: str, choices: Iterable[str], what: str, *, hint: str) -> UsageError:
    """A usage error for an unknown ``value`` with the nearest known ones."""
    near = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
    if near:
        hint = f"did you mean {', '.join(near)}? ({hint})"
    return UsageError(f"unknown {what} {value!r}", hint=hint)


# ------------------------------------------------------------------------------ filters

# The corpus filters, defined once: option name -> (help, parameter kind). Commands list the
# ones they take with @with_filters(...) and receive a validated Filters as `filters`.
_FILTERS: dict[str, tuple[str, str]] = {
    "actor": ("Actor id such as RUS, EAEU, tokayev (repeatable).", "many"),
    "vector": ("Vector id such as russia, china, europe (repeatable).", "many"),
    "theme": ("Theme id or family, such as economy (repeatable).", "many"),
    "element": ("Concept element id (repeatable).", "many"),
    "event": ("Event type such as visit, agreement_signed (repeatable).", "many"),
    "from": ("Documents dated on or after (YYYY or YYYY-MM-DD).", "one"),
    "to": ("Documents dated on or before (YYYY or YYYY-MM-DD).", "one"),
    "source": ("Source name (repeatable).", "many"),
    "genre": ("speech, statement, news, analysis, official_document, other.", "many"),
    "lang": ("Language: en, ru or kk (repeatable).", "many"),
    "country": ("Speaker's ISO3 country such as KAZ (repeatable, or KAZ,UZB,KGZ).", "many"),
}

F = TypeVar("F", bound=Callable[..., Any])


def with_filters(*names: str) -> Callable[[F], F]:
    """Give a command the filter options ``names`` (keys of the table above); the command gets
    them as one validated :class:`~multivector.store.base.Filters` argument ``filters``."""
    unknown = [n for n in names if n not in _FILTERS]
    if unknown:
        raise ValueError(f"unknown filter options {unknown}")

    def deco(func: F) -> F:
        sig = inspect.signature(func)
        # typer reads annotations as objects: evaluate the command's own (strings under
        # `from __future__ import annotations`), leaving out `filters`, which it never sees
        kept = [
            p.replace(annotation=eval(p.annotation, func.__globals__))
            if isinstance(p.annotation, str)
            else p
            for p in sig.parameters.values()
            if p.name != "filters"
        ]
        extra = []
        for name in names:
            help_text, kind = _FILTERS[name]
            annotation: Any = (
                Annotated[list[str] | None, typer.Option(f"--{name}", help=help_text)]
                if kind == "many"
                else Annotated[str | None, typer.Option(f"--{name}", help=help_text)]
            )
            extra.append(
                inspect.Parameter(
                    f"filter_{name}", inspect.Parameter.KEYWORD_ONLY, default=None,
                    annotation=annotation,
                )
            )

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(f"filter_{name}", None) for name in names}
            try:
                kwargs["filters"] = parse_filters(values)
            except MultivectorError as exc:
                fail(exc)
            return func(*args, **kwargs)

        params = [*kept, *extra]
        command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command  # type: ignore[return-value]

    return deco


def parse_date(value: str | None, option: str, *, end: bool = False) -> dt.date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a year or month reaches its last day with
    ``end`` (``--to 2014`` includes all of 2014)."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
            first = dt.date(year, month, 1)
            if not end:
                return first
            if month == 12:  # (December of 9999 has no following month)
                return dt.date(year, 12, 31)
            return dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option}: {value!r} is not a date", hint="use YYYY, YYYY-MM or YYYY-MM-DD"
        ) from None


def parse_filters(values: Mapping[str, Any]) -> Filters:
    """Filters from option values, every value checked against what the knowledge base knows:
    an unknown one is a usage error with the nearest known values, never an empty result."""
    from multivector.domain.corpus import Genre
    from multivector.store.base import Filters
    from multivector.text.event_rules import EVENT_TYPES

    def many(name: str) -> list[str]:
        """The values of a repeatable option, commas splitting them too (--country KAZ,UZB)."""
        return [x.strip() for v in values.get(name) or [] for x in str(v).split(",")
                if x.strip()]

    kb = knowledge()  # read lazily: a filter that needs no knowledge loads none of it
    actors = many("actor")
    for a in actors:
        if a not in kb.registry:
            found = kb.registry.resolve(a)
            hint = (
                f"did you mean {found[0].actor.id} ({found[0].actor.name})?"
                if found
                else "find ids with `multivector actors resolve NAME`"
            )
            raise UsageError(f"--actor: unknown actor {a!r}", hint=hint)
    countries = [c.upper() for c in many("country")]
    if countries:
        from multivector.domain.actors import ActorType

        known = {x.id for x in kb.registry.of_type(ActorType.COUNTRY)}
        for c in countries:
            if c not in known:
                found = [r for r in kb.registry.resolve(c) if r.actor.id in known]
                hint = (
                    f"did you mean {found[0].actor.id} ({found[0].actor.name})?"
                    if found
                    else "use an ISO 3166 alpha-3 code such as KAZ, UZB, RUS"
                )
                raise UsageError(f"--country: unknown country {c!r}", hint=hint)
    vectors = many("vector")
    if vectors:
        ids = [*kb.vectors.ids, "multilateral"]
        for v in vectors:
            if v not in ids:
                raise suggest(v, ids, "vector", hint="list them with `multivector vectors`")
    themes = many("theme")
    if themes:
        ids = [t.id for t in kb.codebook]
        for t in themes:
            if t not in ids:
                raise suggest(t, ids, "theme", hint="list them with `multivector themes`")
    elements = many("element")
    if elements:
        ids = sorted({e.id for ed in kb.editions() for e in ed.elements})
        for e in elements:
            if e not in ids:
                raise suggest(e, ids, "element", hint="see `multivector show EDITION`")
    events = many("event")
    for e in events:
        if e not in EVENT_TYPES:
            raise suggest(e, EVENT_TYPES, "event type", hint="use " + ", ".join(EVENT_TYPES))
    genres = many("genre")
    for g in genres:
        if g not in {x.value for x in Genre}:
            raise suggest(g, [x.value for x in Genre], "genre",
                          hint="use " + ", ".join(x.value for x in Genre))
    langs = [x.lower() for x in many("lang")]
    for x in langs:
        if x not in LANGUAGES:
            raise suggest(x, LANGUAGES, "language", hint="use en, ru or kk")
    date_from = parse_date(values.get("from"), "--from")
    date_to = parse_date(values.get("to"), "--to", end=True)
    if date_from and date_to and date_from > date_to:
        raise UsageError(
            f"--from {values.get('from')} is later than --to {values.get('to')}",
            hint="swap them, or drop one",
        )
    return Filters(
        actors=tuple(actors),
        vectors=tuple(vectors),
        themes=tuple(themes),
        elements=tuple(elements),
        event_types=tuple(events),
        date_from=date_from,
        date_to=date_to,
        sources=tuple(many("source")),
        genres=tuple(genres),
        languages=tuple(langs),
        countries=tuple(countries),
    )


def selection(
    paths: list[Path] | None,
    sample: str | None,
    *,
    countries: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    source: str | None = None,
    genre: str | None = None,
    lang: str | None = None,
    date: str | None = None,
    text_column: str | None = None,
) -> Selection:
    """What ``ingest`` and ``analyze`` read, from their options, each checked once here: with
    ``--sample``, ``--country`` and ``--from``/``--to`` choose its documents; with files,
    ``--country`` is the speaker's country of every document."""
    from multivector.domain.corpus import DocumentMeta, Genre
    from multivector.services.ingest import Selection

    genres = [g.value for g in Genre]
    if genre is not None and genre not in genres:
        raise suggest(genre, genres, "genre", hint=f"use one of {', '.join(genres)}")
    language = lang.lower() if lang else None
    if language is not None and language not in LANGUAGES:
        raise suggest(language, LANGUAGES, "language", hint="use en, ru or kk")
    codes = parse_filters({"country": countries or []}).countries
    if not sample and len(codes) > 1:
        raise UsageError("--country: give one country for files",
                         hint="each document has one speaker's country")
    first = parse_date(date_from, "--from")
    last = parse_date(date_to, "--to", end=True)
    if first and last and first > last:
        raise UsageError(f"--from {date_from} is later than --to {date_to}",
                         hint="swap them, or drop one")
    day = parse_date(date, "--date")
    overrides = DocumentMeta(
        source=source,
        genre=Genre(genre) if genre else None,
        language=language,
        country=codes[0] if codes and not sample else None,
        date=day,
    )
    return Selection(
        paths=tuple(paths or ()),
        sample=sample,
        countries=tuple(codes) if sample else (),
        years=(first.year if first else 0, last.year if last else 9999) if first or last
        else None,
        overrides=overrides,
        text_column=text_column,
    )
