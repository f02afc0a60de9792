"""PostgreSQL connection URLs as ``--db`` and ``$MULTIVECTOR_DB`` take them: recognised, shown
without their password, and made read-only. Needs no PostgreSQL driver.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql", "postgres")
SECRET_PARAMS = frozenset({"password", "sslpassword"})


def is_postgres(location: str | os.PathLike[str] | None) -> bool:
    """Whether ``location`` is a PostgreSQL URL (``postgresql://...`` or ``postgres://...``)
    rather than an SQLite file."""
    if location is None:
        return False
    scheme, sep, _ = str(location).partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


def redact(dsn: str) -> str:
    """``dsn`` with its password (in the user part or the query) left out, for messages.

    >>> redact("postgresql://ana:s3cret@db.example.org:5432/corpus?sslmode=require")
    'postgresql://ana@db.example.org:5432/corpus?sslmode=require'
    """
    try:
        parts = urlsplit(dsn)
    except ValueError:
        return "a PostgreSQL URL that cannot be read"
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}@{host}"
    query = parts.query
    if query:
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True)
                if k.lower() not in SECRET_PARAMS]
        query = urlencode(kept, quote_via=quote)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def password_of(dsn: str) -> str | None:
    """The password written in ``dsn``, if any: messages from the server are scrubbed of it."""
    try:
        parts = urlsplit(dsn)
    except ValueError:
        return None
    if parts.password:
        return parts.password
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() == "password" and value:
            return value
    return None


def read_only(dsn: str) -> str:
    """``dsn`` with ``default_transaction_read_only`` on for its sessions: every write the
    server is asked for fails, as an SQLite file opened with ``mode=ro``."""
    parts = urlsplit(dsn)
    params = parse_qsl(parts.query, keep_blank_values=True)
    setting = "-c default_transaction_read_only=on"
    options = [v for k, v in params if k == "options"]
    others = [(k, v) for k, v in params if k != "options"]
    value = " ".join([*options, setting])
    query = urlencode([*others, ("options", value)], quote_via=quote)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
