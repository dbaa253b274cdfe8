"""A throwaway PostgreSQL cluster for the tests: Debian's ``postgresql`` package (Makefile APT_PACKAGES).

``initdb`` + ``pg_ctl`` from /usr/lib/postgresql/*/bin, run as the unprivileged ``postgres`` user when we
are root (PostgreSQL refuses to run as root), data and socket in a fresh folder under /tmp, no TCP port:
clients connect through the unix socket. Stopped and removed at the end of the test session.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import psycopg

PORT = 5432  # only names the socket file inside our own folder: no TCP listener
_numbers = count(1)


def server_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make sysdeps` (Debian package postgresql)")
    return Path(found[-1]).parent


def as_server_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class Cluster:
    root: Path
    bin: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def run(self, *args: str) -> None:
        subprocess.run([*as_server_user(), *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        options = f"-c listen_addresses='' -k {self.socket_dir} -p {PORT} -c fsync=off -c max_connections=50"
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        try:
            self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def admin(self, sql: str) -> None:
        with psycopg.connect(host=str(self.socket_dir), port=PORT, user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        name = f"register_{os.getpid()}_{next(_numbers)}"
        self.admin(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://postgres@/{name}?host={self.socket_dir}&port={PORT}"


def start_cluster() -> Cluster:
    root = Path(tempfile.mkdtemp(prefix="wenping-pg-"))
    (root / "socket").mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (root, root / "socket"):
            os.chown(path, user.pw_uid, user.pw_gid)
    cluster = Cluster(root, server_bin())
    try:
        cluster.start()
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return cluster
