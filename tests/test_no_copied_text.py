"""No tracked file may share a run of 12 words with a seed article (other people's words)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".json", ".toml", ".txt", ".html", ".j2", ".rst",
                 ".csv", ".jsonl"}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def grams(ws: list[str], n: int = 12) -> set[tuple[str, ...]]:
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / name for name in out.stdout.split()]


def test_no_tracked_file_shares_a_12_word_run_with_a_seed() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("shared/seeds is not beside this checkout")
    seed_grams: set[tuple[str, ...]] = set()
    for s in seeds:
        seed_grams |= grams(words(s.read_text(errors="ignore")))
    offenders = []
    for path in tracked_files():
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        shared = grams(words(path.read_text(errors="ignore"))) & seed_grams
        if shared:
            offenders.append(f"{path.relative_to(ROOT)}: {' '.join(next(iter(shared)))}")
    assert offenders == []


def test_the_check_itself_detects_a_copied_run(tmp_path: Path) -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("shared/seeds is not beside this checkout")
    ws = words(seeds[0].read_text(errors="ignore"))
    copied = " ".join(ws[100:112])
    assert grams(words(f"intro {copied} outro")) & grams(ws)
