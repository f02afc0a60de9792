"""How the report writes numbers and values in tables and prose: percentages, intervals,
missing values as a dash, and "insufficient evidence" where a figure has too little behind it."""

from __future__ import annotations

import pandas as pd

INSUFFICIENT = "insufficient evidence"


def missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def pct(value: object) -> str:
    """0.125 -> '13%', 0.042 -> '4.2%'; a dash when missing."""
    if missing(value):
        return "—"
    x = float(value)  # type: ignore[arg-type]
    return f"{x:.1%}" if 0 < abs(x) < 0.1 else f"{x:.0%}"


def pct_range(low: object, high: object) -> str:
    """'3–29%' (a dash when either end is missing)."""
    if missing(low) or missing(high):
        return "—"
    return f"{pct(low).rstrip('%')}–{pct(high)}"


def num(value: object, digits: int = 2) -> str:
    return "—" if missing(value) else f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def integer(value: object) -> str:
    return "—" if missing(value) else str(int(value))  # type: ignore[call-overload]


def count(value: object) -> int:
    """A whole number from a frame cell (0 when missing)."""
    return 0 if missing(value) else int(value)  # type: ignore[call-overload]


def text(value: object) -> str:
    if isinstance(value, list | tuple | set) or getattr(value, "ndim", 0) > 0:
        return ", ".join(str(v) for v in value)  # type: ignore[attr-defined]
    if missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def thin(evidence: object) -> bool:
    """Whether an ``evidence`` value says the figure has too little behind it."""
    return isinstance(evidence, str) and evidence == "insufficient"
