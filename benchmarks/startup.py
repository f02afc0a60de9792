"""Start-up time of the read commands, against a named peer measured in the same run.

Each read command runs as a fresh process (what a user types), ``--repeat`` times, interleaved
with the peer ``python -c "import yaml, pydantic"`` (an interpreter that loads the two libraries
any YAML-and-schema tool loads, and does nothing else). Reported per command: wall time and CPU
time (user + system of the child; steadier on a shared machine) as min / median / max, and the
ratio of the medians to the peer's. The knowledge cache is warmed by one untimed run, as after
the first command a user ever runs; ``--cold`` times the first run as well, with an empty cache.

Target (issue 8): every read command under 1 s wall on 2 cores.
Run: python benchmarks/startup.py [--repeat 7] [--cold]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITION = ROOT / "src/multivector/data/editions/kaz/2020-2030.yaml"
COMMANDS: list[list[str]] = [
    ["concepts"],
    ["show", "kaz/2020-2030"],
    ["diff", "kaz/2014-2020", "kaz/2020-2030"],
    ["vectors"],
    ["themes"],
    ["actors", "resolve", "Tokaev", "--date", "2005-06-01"],
    ["validate", str(EDITION)],
]
PEER = [sys.executable, "-c", "import yaml, pydantic"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def spread(values: list[float]) -> str:
    return (f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="also time a run with no cache")
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="mv-startup-cache-")
    env = {**os.environ, "MULTIVECTOR_CACHE_DIR": cache, "COLUMNS": "120"}
    mv = [sys.executable, "-m", "multivector"]
    if args.cold:
        wall, cpu = timed([*mv, "concepts"], env)
        print(f"cold cache: multivector concepts {wall:.3f} s wall, {cpu:.3f} s CPU "
              "(parses every data file once and fills the cache)")
    for cmd in COMMANDS:  # warm: the compiled cache holds every data file the commands read
        timed([*mv, *cmd], env)
    peer_wall: list[float] = []
    peer_cpu: list[float] = []
    rows = []
    results: dict[str, tuple[list[float], list[float]]] = {" ".join(c): ([], []) for c in COMMANDS}
    for _ in range(args.repeat):
        w, c = timed(PEER, env)
        peer_wall.append(w)
        peer_cpu.append(c)
        for cmd in COMMANDS:
            w, c = timed([*mv, *cmd], env)
            results[" ".join(cmd)][0].append(w)
            results[" ".join(cmd)][1].append(c)
    pw, pc = statistics.median(peer_wall), statistics.median(peer_cpu)
    print(f"{args.repeat} runs each, interleaved; min / median / max in seconds")
    print(f"{'command':42} {'wall':>22} {'CPU':>22} {'wall/peer':>9} {'CPU/peer':>9}")
    print(f"{'peer: python -c import yaml, pydantic':42} {spread(peer_wall):>22} "
          f"{spread(peer_cpu):>22} {1.0:>9.2f} {1.0:>9.2f}")
    worst = 0.0
    for name, (walls, cpus) in results.items():
        rows.append(name)
        worst = max(worst, statistics.median(walls))
        print(f"{'multivector ' + name[:30]:42} {spread(walls):>22} {spread(cpus):>22} "
              f"{statistics.median(walls) / pw:>9.2f} {statistics.median(cpus) / pc:>9.2f}")
    verdict = "met" if worst < 1.0 else "NOT met"
    print(f"target: every read command under 1 s wall (median): {verdict} "
          f"(slowest median {worst:.3f} s)")


if __name__ == "__main__":
    main()
