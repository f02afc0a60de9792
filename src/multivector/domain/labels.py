"""Human labels: what a named coder said a passage is about, layer by layer.

A label set belongs to one passage, one layer (``themes``, ``elements`` or ``events``) and one
coder; it may be empty (the coder read the passage and found nothing of that layer), which is
different from no label at all. Each carries the codebook version it was made under and when.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from multivector.errors import UsageError

LABEL_LAYERS = ("themes", "elements", "events")
CONSENSUS = "consensus"  # the coder name of reconciled labels
_CODER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")


def check_coder(name: str) -> str:
    """A coder name: letters, digits and ``_ . @ -``, 1-64 characters."""
    if not _CODER.fullmatch(name or ""):
        raise UsageError(f"coder name {name!r} is not usable",
                         hint="use letters, digits, '_', '.', '@' or '-', e.g. --coder aigerim")
    return name


def check_layer(layer: str) -> str:
    if layer not in LABEL_LAYERS:
        raise UsageError(f"unknown label layer {layer!r}",
                         hint=f"use one of {', '.join(LABEL_LAYERS)}")
    return layer


@dataclass(frozen=True)
class Label:
    """One coder's label set for one passage and layer."""

    doc_id: str
    passage: int
    layer: str
    coder: str
    values: tuple[str, ...]  # sorted, unique
    codebook: str  # e.g. "multivector-themes@1.1.0"
    labelled_at: dt.datetime
    note: str | None = None

    @classmethod
    def make(cls, doc_id: str, passage: int, layer: str, coder: str,
             values: list[str] | tuple[str, ...], codebook: str,
             labelled_at: dt.datetime | None = None, note: str | None = None) -> Label:
        return cls(doc_id, passage, check_layer(layer), check_coder(coder),
                   tuple(sorted(set(values))), codebook,
                   labelled_at or dt.datetime.now(dt.UTC).replace(microsecond=0),
                   note or None)
