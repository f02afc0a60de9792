"""Bad input never hangs or crashes: each case gets a one-line message naming the file (and the
line or field), a non-zero exit, no traceback, within seconds, and nothing stored is lost.

Every case runs the real command line in a subprocess with a time limit, so that a hang fails the
test instead of stalling the suite, and a traceback on standard error is seen as one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT = 30.0  # seconds; each case should answer in a few


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float


def cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        limit: float = TIME_LIMIT) -> Outcome:
    """Run ``multivector ARGS`` in a fresh interpreter; a hang beyond ``limit`` fails the test."""
    import time

    started = time.perf_counter()
    full_env = {**os.environ, "COLUMNS": "120", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "multivector", *map(str, args)],
        capture_output=True, text=True, timeout=limit, cwd=cwd, env=full_env,
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - started)


def assert_clean_failure(out: Outcome, *needles: str) -> None:
    """Non-zero exit, no traceback, and an ``error:``/``failed:`` line naming every needle."""
    assert out.code != 0, out
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout, out.stderr
    lines = [x for x in out.stderr.splitlines() if x.startswith(("error:", "failed:"))]
    assert lines, out.stderr
    assert any(all(n in line for n in needles) for line in lines), (needles, out.stderr)


# ----------------------------------------------------------------------------------------- YAML


# ---------------------------------------------------------------------- archives and text files


# --------------------------------------------------------------------------------------- search


# ---------------------------------------------------------------------------------------- store


# ------------------------------------------------------------------------------ output escaping


# ----------------------------------------------------------------------------- files and tables
