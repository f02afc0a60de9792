"""Peak memory (RSS) and time of the analysis commands at 10k, 100k and 1M passages (issue 13:
at most 500 MB at 1M).

Each size is a SQLite store filled by the scale generator (``_scale.py``: the bundled UN
General Debate sample coded once by the real pipeline with the ``hashing`` stand-in embedder,
copied with a unique first line per copy). Each command runs in a child process whose peak RSS
is read from ``RUSAGE_CHILDREN``; ``--repeat`` runs give min/median/max. Commands, as a user
types them:

* ``balance`` (all speakers, by year), ``trends`` (theme families by year), ``gap --concept
  kaz/2020-2030`` (the edition's window), ``gap ... --all-dates``, ``coverage --concept
  kaz/2020-2030``.

Peer, in the same run: the same analysis over whole-corpus frames, the path before issue 13
(``balance`` of ``mentions_frame``, ``theme_attention`` of ``themes_frame``, ``gap`` of the four
frames unfiltered), for the commands whose path changed. ``ratio`` is the peer's peak over the
command's. ``--peers-up-to`` leaves the peers out above a size (they need GBs at 1M).

Run: python benchmarks/scale_analyses.py [--sizes 10000 100000 1000000] [--repeat 3]
     [--stores DIR] (keep and reuse the generated stores)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _scale import coded_sample, fill

from multivector.services.stores import open_store

COMMANDS = {
    "balance": ["balance", "--draws", "200"],
    "trends": ["trends"],
    "gap": ["gap", "--concept", "kaz/2020-2030", "--draws", "200"],
    "gap --all-dates": ["gap", "--concept", "kaz/2020-2030", "--all-dates", "--draws", "200"],
    "coverage": ["coverage", "--concept", "kaz/2020-2030"],
}

# the path before issue 13: whole-corpus frames, then the same analysis functions
PEER = r"""
import sys
from multivector.analysis import frames as fr
from multivector.services import analyses
from multivector.services.knowledge import default_knowledge
from multivector.services.stores import open_store
kind, db = sys.argv[1], sys.argv[2]
k = default_knowledge()
store = open_store(db)
iv = analyses.intervals(draws=200)
if kind == "balance":
    from multivector.analysis.balance import balance
    balance(fr.mentions_frame(store), vectors=k.vectors, editions=analyses._editions(k),
            intervals=iv)
elif kind == "trends":
    from multivector.analysis.trends import theme_attention
    theme_attention(fr.themes_frame(store), fr.documents_frame(store), level="family",
                    editions=analyses._editions(k))
elif kind.startswith("gap"):
    from multivector.analysis.gap import gap
    gap(k.edition("kaz/2020-2030"), fr.mentions_frame(store), k.vectors,
        themes=fr.themes_frame(store), elements=fr.elements_frame(store),
        events=fr.events_frame(store), period="all" if "all" in kind else None, intervals=iv)
"""


def peak_rss(cmd: list[str]) -> tuple[float, float, float, int]:
    """Run ``cmd`` in a child: its peak RSS (MB), wall and CPU seconds, exit code."""
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(u.ru_maxrss, time.perf_counter() - t, u.ru_utime + u.ru_stime, rc)"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True,
                         check=True)
    kb, wall, cpu, rc = out.stdout.split()
    return int(kb) / 1024, float(wall), float(cpu), int(rc)


def summary(values: list[float]) -> str:
    return (f"{min(values):7.0f} {statistics.median(values):7.0f} {max(values):7.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peers-up-to", type=int, default=1_000_000)
    ap.add_argument("--stores", type=Path, help="folder to keep (and reuse) the stores in")
    ap.add_argument("--only", nargs="+", choices=list(COMMANDS), help="these commands only")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    folder = args.stores or Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    base = None
    results = []
    print(f"{'passages':>9} {'command':<16} {'RSS MB min/median/max':>24} {'wall s':>7} "
          f"{'peer RSS (whole frames)':>24} {'ratio':>6}", flush=True)
    for size in args.sizes:
        db = folder / f"scale-{size}.db"
        if not db.exists():
            base = base or coded_sample("hashing")
            store = open_store(db)
            try:
                fill(store, base, size)
            finally:
                store.close()
        for name, argv in COMMANDS.items():
            if args.only and name not in args.only:
                continue
            cmd = [sys.executable, "-m", "multivector", *argv, "--db", str(db)]
            runs = [peak_rss(cmd) for _ in range(args.repeat)]
            if any(r[3] != 0 for r in runs):
                raise SystemExit(f"{name} at {size}: exit code {runs[0][3]}")
            rss = [r[0] for r in runs]
            wall = statistics.median(r[1] for r in runs)
            peer = None
            if name != "coverage" and size <= args.peers_up_to:
                peer = [peak_rss([sys.executable, "-c", PEER, name, str(db)])[0]
                        for _ in range(max(1, args.repeat // 2))]
            ratio = statistics.median(peer) / statistics.median(rss) if peer else None
            print(f"{size:>9,} {name:<16} {summary(rss):>24} {wall:7.1f} "
                  f"{summary(peer) if peer else '':>24} "
                  f"{f'{ratio:.2f}x' if ratio else '':>6}", flush=True)
            results.append({"passages": size, "command": name, "rss_mb": rss, "wall_s": wall,
                            "peer_rss_mb": peer})
    print(json.dumps(results), file=sys.stderr)


if __name__ == "__main__":
    main()
