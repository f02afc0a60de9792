"""Load on `multivector serve`: concurrent clients on loopback against search, an edition diff and
a document page, beside a named peer measured in the same run.

The server is the real thing: ``multivector serve --db DB`` (one uvicorn process) over the bundled
UN General Debate sample, ingested and coded once into ``--db`` (kept between runs). The clients
are asyncio tasks in this process (one keep-alive connection each, a small HTTP/1.1 reader: see
``Connection``); each loops over the targets in turn for ``--seconds``, picking one of many paths
of each (every document of the sample, 25 searches in each of five countries, every pair of one
country's editions) so that most first visits miss the server's page cache, and waiting ``--think``
seconds (exponentially distributed, mean given; the first wait uniform) between requests: 0 is a
closed loop, the server's saturation; 1 is fifty people clicking about once a second. The peer,
loaded the same way for the same time just before, in each run: uvicorn as ``serve`` runs it,
sending a body of a document page's size from memory with no framework and no work
(``_peer_server.py``); the ratio of p95s is what multivector adds.

Reported per target: requests, requests/s, latency min / p50 / p95 / max (ms) and errors (a non-2xx
status or a failed connection), and the p95 of first visits alone; the ratio of each target's p95
to the peer's; CPU seconds of the server and of the client process (on a 2-core machine they share
the cores). ``--repeat`` runs the whole load that many times and reports min / median / max of each
p95.

Target (issue 10): 0 errors; p95 under 100 ms for the diff and document pages.
Run: python benchmarks/web_load.py [--clients 50] [--seconds 60] [--think 0] [--repeat 1] [--api]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

SAMPLE = "ungd-central-asia"
CONCEPT = "kaz/2020-2030"
PEER = "bare uvicorn (peer)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def prepare(db: Path) -> None:
    """Ingest and code the sample into ``db`` unless it is there already."""
    if db.exists():
        return
    print(f"ingesting and coding the sample {SAMPLE} into {db} (once) ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "multivector", "ingest", "--sample", SAMPLE, "--db", str(db),
         "--concept", CONCEPT, "--quiet"],
        check=True,
    )


def start(command: list[str], port: int) -> subprocess.Popen[bytes]:
    """Start a server and wait until it answers on ``port``."""
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            err = server.stderr.read().decode() if server.stderr else ""
            raise SystemExit(f"the server stopped: {err[-800:]}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1", timeout=1).raise_for_status()
            return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


def serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    return start([sys.executable, "-m", "multivector", "serve", "--db", str(db), "--port",
                  str(port), "--read-only", "--quiet"], port)


def peer(port: int, size: int) -> subprocess.Popen[bytes]:
    script = Path(__file__).with_name("_peer_server.py")
    return start([sys.executable, str(script), str(port), str(size)], port)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


QUERIES = ("nuclear weapons", "Aral Sea", "terrorism", "Afghanistan", "water resources",
           "climate change", "sanctions", "peacekeeping", "Russia", "China", "United States",
           "European Union", "drug trafficking", "Caspian Sea", "transit corridors", "energy",
           "sustainable development", "human rights", "disarmament", "OSCE", "refugees",
           "Security Council reform", "landlocked", "Semipalatinsk", "neutrality")


def targets(base: str, api: bool) -> dict[str, list[str]]:
    """The paths to load, many per target so that most first visits miss the server's cache:
    every document of the sample, searches for QUERIES in each country, every pair of
    editions of one country (or their JSON twins)."""
    docs: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = httpx.get(f"{base}/api/v1/documents", params=params, timeout=30)
        page.raise_for_status()
        body = page.json()
        docs += [row["doc_id"] for row in body["documents"]]
        cursor = body.get("next_cursor")
        if not cursor:
            break
    editions = httpx.get(f"{base}/api/v1/editions", timeout=30).json()["editions"]
    pairs = [(a["id"], b["id"]) for i, a in enumerate(editions) for b in editions[i + 1:]
             if a["country"] == b["country"]]
    countries = sorted({e["country"] for e in editions} | {"KAZ", "KGZ", "TJK", "TKM", "UZB"})
    if not docs or not pairs:
        raise SystemExit(f"nothing to load: {len(docs)} documents, {len(pairs)} edition pairs")
    prefix = "/api/v1" if api else ""
    found = {
        "search": [f"{prefix}/search?q={q.replace(' ', '+')}&country={c}"
                   for q in QUERIES for c in countries],
        "diff": [f"{prefix}/diff?a={a}&b={b}" for a, b in pairs],
        "document": [f"{prefix}/documents/{d}" for d in docs],
    }
    for name, paths in found.items():  # one of each answers before the load starts
        r = httpx.get(base + paths[-1], timeout=30)
        if r.status_code != 200:
            raise SystemExit(f"{name}: {paths[-1]} answered {r.status_code}: {r.text[:300]}")
    return found


Result = dict[str, tuple[list[float], list[float], int]]


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, on asyncio streams.

    The load generator shares the two cores with the server, so it has to be light: httpx spent
    56 CPU-seconds per minute of closed-loop load (more than the server's 23) and its own event
    loop's delays showed up as the server's latency. This reads what uvicorn sends (a status
    line, headers, a body by Content-Length or chunked) and nothing more; a malformed answer
    raises, which counts as an error.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, int]:
        """The status and body size of ``GET path``; sent again on a new connection if the
        server had closed an idle one before answering (as browsers and httpx do: uvicorn
        closes a connection idle for 5 s)."""
        reused = self.writer is not None
        try:
            return await self._get(path)
        except (ConnectionError, asyncio.IncompleteReadError) as e:
            partial = getattr(e, "partial", b"")
            if not reused or partial:
                raise
            self.close()
            return await self._get(path)

    async def _get(self, path: str) -> tuple[int, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None and self.writer is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                          "Accept: text/html,application/json\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
            size = len(body)
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            size = 0
            while True:
                chunk = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                size += len(await self.reader.readexactly(chunk + 2)) - 2
                if chunk == 0:
                    break
        else:
            raise ValueError(f"{path}: an answer with neither Content-Length nor chunks")
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, size

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def load(host: str, port: int, paths: dict[str, list[str]], clients: int, seconds: float,
               think: float, seen: set[str]) -> Result:
    """Per target: latencies (seconds) of every request, those of first visits to a path since
    the server started (``seen`` holds the paths visited before; the server has not cached a
    first visit), and the number of errors."""
    latencies: dict[str, list[float]] = {name: [] for name in paths}
    first: dict[str, list[float]] = {name: [] for name in paths}
    errors = dict.fromkeys(paths, 0)
    order = list(paths)
    stop = time.monotonic() + seconds

    async def client(n: int) -> None:
        rng = random.Random(n)
        conn = Connection(host, port)
        i = n  # clients start at different targets
        if think:  # and at different moments, as people do
            await asyncio.sleep(rng.uniform(0, think))
        while time.monotonic() < stop:
            name = order[i % len(order)]
            path = rng.choice(paths[name])
            i += 1
            new = path not in seen
            seen.add(path)
            began = time.perf_counter()
            try:
                status, _size = await asyncio.wait_for(conn.get(path), 30)
                ok = status == 200
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError):
                conn.close()
                ok = False
            took = time.perf_counter() - began
            latencies[name].append(took)
            if new:
                first[name].append(took)
            if not ok:
                errors[name] += 1
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))
        conn.close()

    await asyncio.gather(*(client(n) for n in range(clients)))
    return {name: (latencies[name], first[name], errors[name]) for name in paths}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(title: str, results: Result, paths: dict[str, list[str]], seconds: float,
           peer95: float | None) -> None:
    print(title)
    print(f"{'target':20} {'paths':>5} {'requests':>8} {'req/s':>7} {'min':>7} {'p50':>7} "
          f"{'p95':>7} {'max':>7} {'errors':>6} {'p95/peer':>8} {'first':>6} {'first p95':>9}")
    for name, (lat, first, errs) in results.items():
        p95 = pct(lat, 0.95)
        ratio = f"{p95 / peer95:>8.2f}" if peer95 else f"{'':>8}"
        print(f"{name:20} {len(paths[name]):>5} {len(lat):>8} {len(lat) / seconds:>7.1f} "
              f"{min(lat) * 1000:>7.1f} {pct(lat, 0.5):>7.1f} {p95:>7.1f} "
              f"{max(lat) * 1000:>7.1f} {errs:>6} {ratio} {len(first):>6} "
              f"{pct(first, 0.95):>9.1f}")


def measured(host: str, port: int, pid: int, paths: dict[str, list[str]],
             args: argparse.Namespace, seen: set[str]) -> tuple[Result, float, float]:
    """One load phase: its results and the CPU seconds of the server and of the clients."""
    cpu_server = cpu_of(pid)
    before = resource.getrusage(resource.RUSAGE_SELF)
    results = asyncio.run(load(host, port, paths, args.clients, args.seconds, args.think, seen))
    after = resource.getrusage(resource.RUSAGE_SELF)
    client = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return results, cpu_of(pid) - cpu_server, client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a client waits between requests (0: closed loop)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--api", action="store_true", help="load the JSON twins instead")
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "mv-load.db")
    args = parser.parse_args()

    prepare(args.db)
    port, peer_port = free_port(), free_port()
    server = serve(args.db, port)
    try:
        paths = targets(f"http://127.0.0.1:{port}", args.api)
        sizes = sorted(len(httpx.get(f"http://127.0.0.1:{port}{p}", timeout=30).content)
                       for p in paths["document"][:20])
    finally:
        stop(server)
    size = sizes[len(sizes) // 2]  # the peer sends a page of a document page's size
    peer_paths = {PEER: ["/"]}
    print(f"{args.clients} clients, {args.seconds:.0f} s per phase, think {args.think} s; "
          f"loading {', '.join(f'{len(v)} {k} paths' for k, v in paths.items())}; "
          f"peer: bare uvicorn sending {size:,} bytes from memory; a new server each run")
    p95s: dict[str, list[float]] = {name: [] for name in [*paths, PEER]}
    first95s: dict[str, list[float]] = {name: [] for name in paths}
    total_errors = 0
    for run in range(1, args.repeat + 1):
        other = peer(peer_port, size)
        try:
            peer_results, peer_cpu, peer_client = measured(
                "127.0.0.1", peer_port, other.pid, peer_paths, args, set())
        finally:
            stop(other)
        server = serve(args.db, port)  # a new process: nothing cached
        try:
            for some in paths.values():  # one of each, so the process has warmed up
                httpx.get(f"http://127.0.0.1:{port}{some[-1]}", timeout=30).raise_for_status()
            seen = {some[-1] for some in paths.values()}
            results, server_cpu, client_cpu = measured(
                "127.0.0.1", port, server.pid, paths, args, seen)
        finally:
            stop(server)
        peer95 = pct(peer_results[PEER][0], 0.95)
        p95s[PEER].append(peer95)
        for name, (lat, first, errs) in results.items():
            p95s[name].append(pct(lat, 0.95))
            first95s[name].append(pct(first, 0.95))
            total_errors += errs
        report(f"\nrun {run}/{args.repeat}, peer (CPU: server {peer_cpu:.1f} s, clients "
               f"{peer_client:.1f} s)", peer_results, peer_paths, args.seconds, None)
        report(f"multivector serve (CPU: server {server_cpu:.1f} s, clients "
               f"{client_cpu:.1f} s)", results, paths, args.seconds, peer95)
        print("(ms; first: the first request to its path in this run, which the server renders "
              "rather than serves from its cache)")
    if args.repeat > 1:
        print("\np95 over runs (ms), min / median / max:")
        for name, values in p95s.items():
            print(f"  {name:20} {min(values):.1f} / {statistics.median(values):.1f} / "
                  f"{max(values):.1f}")
        print("p95 of first visits over runs (ms), min / median / max:")
        for name, values in first95s.items():
            print(f"  {name:20} {min(values):.1f} / {statistics.median(values):.1f} / "
                  f"{max(values):.1f}")
    worst = max(statistics.median(p95s["diff"]), statistics.median(p95s["document"]))
    verdict = "met" if worst < 100 and total_errors == 0 else "NOT met"
    cold = max(statistics.median(first95s["diff"]), statistics.median(first95s["document"]))
    print(f"\ntarget: 0 errors and p95 < 100 ms for diff and document: {verdict} "
          f"(errors {total_errors}, worst median p95 {worst:.1f} ms; p95/peer "
          f"{worst / statistics.median(p95s[PEER]):.2f}; first visits alone: {cold:.1f} ms)")


if __name__ == "__main__":
    main()
