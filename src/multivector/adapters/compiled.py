"""A compiled cache of the knowledge base: data files turned into domain objects once, then loaded
from a pickle while neither the file nor the code that reads it changes.

Parsing and validating the YAML data files (and generating the Russian case forms of every alias)
takes seconds; unpickling their result takes milliseconds. Each entry is keyed by the SHA-256 of
its input files, of the source code of the modules that turn them into domain objects, and of the
versions of the libraries involved, so that editing a data file or upgrading multivector rebuilds
it. Entries live in the user's cache directory (``$MULTIVECTOR_CACHE_DIR``, else
``$XDG_CACHE_HOME/multivector``, else ``~/.cache/multivector``), one file per logical name, so the
cache does not grow as files change. ``MULTIVECTOR_CACHE_DIR=off`` turns it off.

The cache is an optimisation, never a source of truth: an unwritable directory, a truncated or
foreign file, or a pickle from other code is ignored and the data is read from its files.
Pickles run code when loaded; the directory is the user's own, as trusted as their home.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

ENV_DIR = "MULTIVECTOR_CACHE_DIR"
FORMAT = 1  # bump when the layout of entries changes
_PACKAGE = Path(__file__).resolve().parents[1]
# Modules whose code decides what a data file becomes: a change to any of them rebuilds entries.
_CODE_DIRS = ("adapters", "domain", "text")
_LIBRARIES = ("pydantic", "PyYAML", "pycountry", "pymorphy3", "pymorphy3-dicts-ru")


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    chosen = os.environ.get(ENV_DIR)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "none") else Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "multivector"


_code_key: str | None = None


def code_key() -> str:
    """A hash of the code and library versions that turn data files into domain objects."""
    global _code_key
    if _code_key is None:
        h = hashlib.sha256(f"{FORMAT}:{sys.version}".encode())
        for folder in _CODE_DIRS:
            for path in sorted((_PACKAGE / folder).glob("*.py")):
                h.update(path.name.encode())
                h.update(path.read_bytes())
        for name in _LIBRARIES:
            try:
                h.update(f"{name}={metadata.version(name)}".encode())
            except metadata.PackageNotFoundError:
                h.update(f"{name}=absent".encode())
        _code_key = h.hexdigest()
    return _code_key


def key_of(parts: Iterable[bytes | str]) -> str:
    """The key of an entry made from ``parts`` (file contents, names, other keys)."""
    h = hashlib.sha256(code_key().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


class CompiledCache:
    """Entries by logical name (``"edition:data/editions/kaz/1995.yaml"``), each valid for one
    key. ``directory=None`` keeps nothing (every call builds)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @classmethod
    def default(cls) -> CompiledCache:
        return cls(cache_dir())

    def _file(self, name: str) -> Path | None:
        if self.directory is None:
            return None
        digest = hashlib.sha256(name.encode()).hexdigest()[:24]
        kind = "".join(c for c in name.split(":", 1)[0] if c.isalnum())[:20] or "entry"
        return self.directory / f"{kind}-{digest}.pickle"

    def get(self, name: str, key: str, build: Callable[[], T]) -> T:
        """The entry ``name`` if stored under ``key``; else ``build()``, stored for next time."""
        path = self._file(name)
        if path is not None:
            try:
                with path.open("rb") as f:
                    stored_key, value = pickle.load(f)
                if stored_key == key:
                    return value  # type: ignore[no-any-return]
            except Exception:
                pass
        value = build()
        if path is not None:
            self._put(path, key, value)
        return value

    @staticmethod
    def _put(path: Path, key: str, value: object) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump((key, value), f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)  # atomic: a reader sees the old entry or the new one
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except (OSError, pickle.PicklingError, RecursionError):
            pass  # an unwritable or full cache directory only costs speed
