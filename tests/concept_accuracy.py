"""Element-kind and relation-tier accuracy of `multivector import` on texts held out from tuning.

Each folder holds a Russian and an English concept text and their gold labels (gold.yaml),
written before the importer was run on them. ``fresh/`` has never been tuned on: its figures
are the ones to quote. ``untuned/`` was held out until its first measurement (kinds 57/60,
tiers 10/13, commit 2c84e78); the rules were then fixed on what it showed, so it is now a
regression set. Run:

    python -m tests.concept_accuracy            # fresh/
    python -m tests.concept_accuracy untuned    # the earlier held-out pair
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.concept_texts import CONCEPTS

HELD_OUT = ("fresh", "untuned")


@dataclass(frozen=True)
class Score:
    name: str
    kinds_right: int
    kinds_total: int  # gold items; one the draft does not have as an item counts as wrong
    extra: list[str]  # draft elements no gold item opens (a title or act line read as an item)
    tiers_right: int
    tiers_total: int
    spurious: list[str]  # partners given a tier the gold does not list

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_right / self.kinds_total if self.kinds_total else 0.0

    @property
    def tier_accuracy(self) -> float:
        return self.tiers_right / self.tiers_total if self.tiers_total else 0.0


def score(folder: Path, name: str, gold: dict, out: Path) -> Score:
    from multivector.services.concept_import import import_concept
    from multivector.services.knowledge import default_knowledge

    result = import_concept(folder / name, country=gold["country"], out=out,
                            knowledge=default_knowledge())
    elements = list(result.edition.elements)
    matched: set[str] = set()
    right = 0
    for opening, kind in gold["items"]:
        found = next((e for e in elements if e.id not in matched
                      and _plain(e.summary).startswith(_plain(opening))), None)
        if found is not None:
            matched.add(found.id)
            right += found.kind.value == kind
    extra = [e.summary[:40] for e in elements if e.id not in matched]
    total = len(gold["items"])
    tiers = {a: (r.tier.slug if r.tier else None)
             for a, r in result.edition.partner_tiers().items()}
    tiers_right = sum(tiers.get(p) == t for p, t in gold["partners"].items())
    spurious = sorted(p for p, t in tiers.items() if t and p not in gold["partners"])
    return Score(name, right, total, extra, tiers_right, len(gold["partners"]), spurious)


def _plain(words: str) -> str:
    """Words compared without a leading number ("5.1 ") or case."""
    return re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", words).casefold()


def scores(which: str = "fresh") -> list[Score]:
    folder = CONCEPTS / which
    gold = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        return [score(folder, name, g, Path(tmp) / f"{Path(name).stem}.yaml")
                for name, g in gold.items()]


def main() -> None:
    import sys

    which = sys.argv[1] if len(sys.argv) > 1 else "fresh"
    rows = scores(which)
    for s in rows:
        print(f"{s.name}: kinds {s.kinds_right}/{s.kinds_total} ({s.kind_accuracy:.0%}), "
              f"tiers {s.tiers_right}/{s.tiers_total} ({s.tier_accuracy:.0%}); "
              f"{len(s.extra)} extra items; "
              f"spurious tiered partners: {', '.join(s.spurious) or 'none'}")
        for line in s.extra:
            print(f"  extra: {line}")
    k = sum(s.kinds_right for s in rows), sum(s.kinds_total for s in rows)
    t = sum(s.tiers_right for s in rows), sum(s.tiers_total for s in rows)
    print(f"all: kinds {k[0]}/{k[1]} ({k[0] / k[1]:.0%}), tiers {t[0]}/{t[1]} ({t[0] / t[1]:.0%})")


if __name__ == "__main__":
    main()
