"""No tracked file may share a run of 12 words with a seed article (other people's words).

The seed articles are not in the repository; their fingerprints are: the SHA-256 (16 hex digits)
of every run of 12 lower-cased words, in ``tests/data/seed_fingerprints.txt``. So the check runs
on any checkout, and where the seeds sit beside it (``../shared/seeds``) the fingerprints are
checked against them too.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
FINGERPRINTS = ROOT / "tests" / "data" / "seed_fingerprints.txt"
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".json", ".toml", ".txt", ".html", ".j2", ".rst",
                 ".csv", ".jsonl"}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def fingerprints(ws: list[str], n: int = 12) -> set[str]:
    return {hashlib.sha256(" ".join(ws[i:i + n]).encode()).hexdigest()[:16]
            for i in range(len(ws) - n + 1)}


def stored() -> set[str]:
    lines = FINGERPRINTS.read_text(encoding="utf-8").splitlines()
    return {x for x in lines if x and not x.startswith("#")}


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip():
        return [ROOT / name for name in out.stdout.split()]
    # not a git checkout (an unpacked archive): every text file but the fingerprints
    return [p for p in ROOT.rglob("*") if ".venv" not in p.parts and ".git" not in p.parts]


def test_no_tracked_file_shares_a_12_word_run_with_a_seed() -> None:
    seeds = stored()
    assert len(seeds) > 5_000  # the five articles' fingerprints are there to check against
    offenders = []
    for path in tracked_files():
        if path.suffix not in TEXT_SUFFIXES or not path.is_file() or path == FINGERPRINTS:
            continue
        ws = words(path.read_text(errors="ignore"))
        if fingerprints(ws) & seeds:
            hit = next(i for i in range(len(ws) - 11) if fingerprints(ws[i:i + 12]) & seeds)
            offenders.append(f"{path.relative_to(ROOT)}: {' '.join(ws[hit:hit + 12])}")
    assert offenders == []


def test_the_check_itself_detects_a_copied_run(tmp_path: Path) -> None:
    article = ("the delegation said that the water of the two rivers should be shared by all "
               "the states of the basin according to a treaty signed long ago")
    seed = fingerprints(words(article))
    copied = " ".join(words(article)[3:15])
    assert fingerprints(words(f"An intro, then {copied}; and an outro.")) & seed
    assert not fingerprints(words("the delegation said that water matters to the states")) & seed


def test_the_fingerprints_are_those_of_the_seeds_where_they_are_at_hand() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    expected = set().union(*(fingerprints(words(s.read_text(errors="ignore"))) for s in seeds))
    # where the seeds sit beside the checkout they must give the stored fingerprints exactly;
    # elsewhere the stored set is checked for its shape (the only thing left to check)
    if seeds:
        assert stored() == expected
    assert all(re.fullmatch(r"[0-9a-f]{16}", x) for x in stored())
