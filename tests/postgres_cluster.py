"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, a temporary data folder,
loopback only, stopped and removed at the end of the session.

``initdb`` refuses to run as root, so under root the cluster belongs to the ``postgres`` system
user the Debian package creates (``runuser -u postgres --``). Without the binaries the cases that
need the cluster skip, unless ``MULTIVECTOR_REQUIRE_POSTGRES=1`` (CI), where they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

REQUIRE = "MULTIVECTOR_REQUIRE_POSTGRES"
USER = "multivector"  # the role the tests connect as, with a password, over TCP
SHARED_DATABASE = "multivector_tests"  # where tests that need no database of their own work


@dataclass(frozen=True)
class Cluster:
    """A running cluster: the server's binaries, its folder, port and the tests' role."""

    bin: Path
    root: Path
    port: int
    password: str

    @property
    def socket_dir(self) -> str:
        return str(self.root)

    def admin_dsn(self, dbname: str = "postgres") -> str:
        """The superuser over the cluster's unix socket (trust), to create roles and databases."""
        return f"host={self.root} port={self.port} user=postgres dbname={dbname}"

    def dsn(self, dbname: str) -> str:
        """The tests' role over TCP with its password, as a user would write ``--db``."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """A new empty database owned by the tests' role; its URL."""
        import psycopg

        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" OWNER {USER}')
        return self.dsn(name)

    def create_schema(self, name: str) -> str:
        """A new empty schema in the tests' shared database, owned by the tests' role; the URL
        that puts it first on the search path (much faster than a database per test)."""
        import psycopg

        with psycopg.connect(self.admin_dsn(SHARED_DATABASE), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}" AUTHORIZATION {USER}')
        return f"{self.dsn(SHARED_DATABASE)}?options=-csearch_path%3D{name}"

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` holding initdb and pg_ctl, if any."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")
             if (Path(p).parent / "pg_ctl").exists()]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


def unavailable(reason: str) -> NoReturn:
    """Skip (or, with MULTIVECTOR_REQUIRE_POSTGRES=1, fail) the cases that need the cluster."""
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason}, and {REQUIRE}=1 requires PostgreSQL", pytrace=False)
    pytest.skip(f"{reason}: install Debian's `postgresql` package to run the PostgreSQL cases")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _as_owner(argv: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *argv] if owner else argv


@dataclass
class _Started:
    cluster: Cluster
    owner: str | None


def start_cluster() -> _Started:
    """initdb, start on 127.0.0.1 on a free port, and create the tests' role."""
    import psycopg

    binaries = server_binaries()
    if binaries is None:
        unavailable("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    owner: str | None = None
    root = Path(tempfile.mkdtemp(prefix="multivector-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root, ignore_errors=True)
            unavailable("running as root and there is no `postgres` user to own the cluster")
        owner = account.pw_name
        os.chown(root, account.pw_uid, account.pw_gid)
    data = root / "data"
    password = secrets.token_urlsafe(12)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n")
    if owner:
        os.chown(pwfile, pwd.getpwnam(owner).pw_uid, -1)
    try:
        subprocess.run(_as_owner(
            [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
             "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
             "--pwfile", str(pwfile)], owner),
            check=True, capture_output=True, text=True, timeout=120)
        port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        subprocess.run(_as_owner(
            [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o", options,
             "-w", "-t", "60", "start"], owner),
            check=True, capture_output=True, text=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
        log = (root / "log").read_text(errors="replace")[-2000:] if (root / "log").exists() \
            else ""
        output = getattr(e, "stderr", "") or ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"cannot start a throwaway PostgreSQL cluster: {e}\n{output}\n{log}",
                    pytrace=False)
    cluster = Cluster(binaries, root, port, password)
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
                conn.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{password}'")
                conn.execute(f"CREATE DATABASE {SHARED_DATABASE} OWNER {USER}")
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return _Started(cluster, owner)


def stop_cluster(started: _Started) -> None:
    cluster = started.cluster
    subprocess.run(_as_owner([str(cluster.bin / "pg_ctl"), "-D", str(cluster.root / "data"),
                              "-m", "immediate", "-w", "stop"], started.owner),
                   capture_output=True, timeout=60, check=False)
    shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A cluster for the session, gone afterwards (import this fixture into a test module)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install -e '.[postgres]')")
    started = start_cluster()
    try:
        yield started.cluster
    finally:
        stop_cluster(started)
