"""SQLite against PostgreSQL at scale: write throughput of the scale corpus, peak RSS and time of
the streamed analyses on each, and whether both stores give the same analyses (issue 13).

The corpus is the scale generator's (``_scale.py``: the bundled UN General Debate sample coded
once with the ``hashing`` stand-in embedder, copied with a unique first line per copy), written
with ``add_documents`` in batches of 200 documents (no model in the timing: the model's cost is
the same for both stores and is measured by ``dask_ingest.py``). Peer: SQLite, the default
store, in the same run; ``ratio`` is PostgreSQL's figure over SQLite's.

PostgreSQL: ``--pg URL`` (an empty database), or a throwaway cluster started from Debian's
server binaries as the tests do (``tests/postgres_cluster.py``).

Run: python benchmarks/scale_stores.py [--sizes 10000 100000] [--pg postgresql://...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.postgres_cluster

from _scale import coded_sample, fill
from scale_analyses import peak_rss

from multivector.services.stores import open_store

ANALYSES = {
    "balance": ["balance", "--draws", "200", "--format", "json"],
    "trends": ["trends", "--format", "json"],
    "gap": ["gap", "--concept", "kaz/2020-2030", "--draws", "200", "--format", "json"],
    "gap --all-dates --all-countries": ["gap", "--concept", "kaz/2020-2030", "--all-dates",
                                        "--all-countries", "--draws", "200", "--format", "json"],
    "coverage": ["coverage", "--concept", "kaz/2020-2030", "--format", "json"],
}


def output(argv: list[str], db: str) -> str:
    out = subprocess.run([sys.executable, "-m", "multivector", *argv, "--db", db],
                         capture_output=True, text=True, check=True)
    return out.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--pg", help="URL of an empty PostgreSQL database to use (dropped tables "
                                 "are not restored)")
    args = ap.parse_args()
    started = None
    if args.pg is None:
        from tests.postgres_cluster import start_cluster, stop_cluster

        started = start_cluster()
    try:
        base = coded_sample("hashing")
        print(f"{'passages':>9} {'store':<10} {'passages/s':>10} {'ratio':>6}  analyses "
              "(peak RSS MB, wall s)", flush=True)
        for size in args.sizes:
            with tempfile.TemporaryDirectory() as tmp:
                sqlite = str(Path(tmp) / "scale.db")
                if started is not None:
                    pg = started.cluster.create_database(f"scale_{size}_{int(time.time())}")
                else:
                    pg = args.pg
                rates = {}
                for name, db in (("sqlite", sqlite), ("postgresql", pg)):
                    store = open_store(db)
                    try:
                        done = fill(store, base, size)
                    finally:
                        store.close()
                    rates[name] = done["passages"] / done["seconds"]
                    figures = []
                    for analysis, argv in ANALYSES.items():
                        rss, wall, _, rc = peak_rss(
                            [sys.executable, "-m", "multivector", *argv, "--db", db])
                        figures.append(f"{analysis} {rss:.0f} MB {wall:.1f} s"
                                       + ("" if rc == 0 else f" (exit {rc})"))
                    ratio = rates[name] / rates["sqlite"]
                    print(f"{size:>9,} {name:<10} {rates[name]:>10,.0f} {ratio:>5.2f}x  "
                          + "; ".join(figures), flush=True)
                same = {a: json.loads(output(argv, sqlite)) == json.loads(output(argv, pg))
                        for a, argv in ANALYSES.items()}
                print(f"{size:>9,} same analyses in both stores: "
                      + ", ".join(f"{a} {'yes' if s else 'NO'}" for a, s in same.items()),
                      flush=True)
    finally:
        if started is not None:
            stop_cluster(started)


if __name__ == "__main__":
    main()
