"""What every CLI module shares: the standard-error console, the error exit, `--format`."""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer
from rich.console import Console

from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.output import Format

err = Console(stderr=True)

FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, json, csv, yaml or md.")
]


def fail(exc: MultivectorError) -> NoReturn:
    """One line on standard error; exit 2 for usage errors, 1 for the rest."""
    err.print(f"error: {exc}", markup=False, highlight=False)
    raise typer.Exit(2 if isinstance(exc, UsageError) else 1)
