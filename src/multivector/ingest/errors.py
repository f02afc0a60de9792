"""The error the ingest layer raises: a file that cannot be turned into text.

:class:`IngestError` sits under :class:`~multivector.errors.MultivectorError`; like every error of
the project its message names the file and its hint says what to do. The readers never let it
escape: they turn it into a :class:`~multivector.ingest.readers.Failure` for that file or row.
"""

from __future__ import annotations

from multivector.errors import MultivectorError


class IngestError(MultivectorError):
    """A file (or a table row) cannot be read as text: binary, empty, or undecodable."""

    code = "MV400"
