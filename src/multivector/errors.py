"""The exception tree of multivector.

Every error a user can cause derives from :class:`MultivectorError` and says what went wrong,
where (file, line, field, document id) and what to do next. Interfaces translate these errors at
the edge: the CLI prints one line and exits non-zero, the API answers JSON with a status code.

::

    MultivectorError
    ├── ValidationError        a data file (edition, codebook, vectors, actors) is invalid
    ├── NotFoundError          an edition, theme, vector or actor id is unknown
    └── UsageError             arguments that cannot work together
"""

from __future__ import annotations

from dataclasses import dataclass


class MultivectorError(Exception):
    """Root of every error multivector raises on purpose."""

    code = "MV000"
    hint = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


@dataclass(frozen=True)
class Problem:
    """One problem found in a data file, located as precisely as the file allows."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.message}"


class ValidationError(MultivectorError):
    """A data file does not follow its schema; ``problems`` lists every problem found."""

    code = "MV100"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else Problem("<unknown>", None, "", "invalid")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{first}{more}",
            hint="fix the file and run `multivector validate FILE` again",
        )


class NotFoundError(MultivectorError):
    """An id names nothing the knowledge base holds."""

    code = "MV200"


class UsageError(MultivectorError):
    """Arguments that cannot work together, or a value outside its allowed set."""

    code = "MV300"
