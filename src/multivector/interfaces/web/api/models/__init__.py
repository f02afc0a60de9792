"""The response models of the REST API: the OpenAPI contract of every JSON body.

A read endpoint answers with the document the matching command prints with ``--format json``
(docs/json-output.md), so these models describe those documents; every body is validated
against its model before it is sent, so the spec and the code cannot drift. Rows whose columns
depend on the options (a grouping column, ``attr_*`` attributes) allow the extra fields and
say of which type they are.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["ErrorBody", "ErrorDetail", "Strict"]


class Strict(BaseModel):
    """A document whose fields are all known: an unknown one is an error, not a silent drift."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Strict):
    code: str
    message: str
    hint: str


class ErrorBody(Strict):
    """Every error: what went wrong and what to do next; never a trace or a server path."""

    error: ErrorDetail
