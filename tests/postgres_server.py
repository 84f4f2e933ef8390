"""A PostgreSQL server of the tests' own: a fresh cluster in a temporary folder, a Unix socket.

Debian's server binaries live in /usr/lib/postgresql/<version>/bin (not on PATH). `initdb`
refuses to run as root: as root the cluster is made and run by the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

USER = "postgres"


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when no server is installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(folders[-1]).parent if folders else None


def _as_owner(command: list[str]) -> list[str]:
    """The command as the cluster's owner: `postgres` when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", USER, "--", *command]
    return command


class Server:
    """A running cluster; `url(database)` gives a psycopg URL to one of its databases."""

    def __init__(self) -> None:
        binaries = server_binaries()
        assert binaries is not None
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="xlidf-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, USER)
            shutil.chown(self.socket, USER)
        self.user = USER if os.geteuid() == 0 else os.environ.get("USER", "postgres")
        subprocess.run(
            _as_owner([str(binaries / "initdb"), "-D", str(self.data), "-U", self.user,
                       "--auth=trust", "-E", "UTF8", "--no-sync"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        # Unix socket only (no TCP port to collide with), fsync off: a test cluster.
        options = f"-k {self.socket} -c listen_addresses='' -c fsync=off -c max_connections=50"
        subprocess.run(
            _as_owner([str(binaries / "pg_ctl"), "-D", str(self.data), "-o", options,
                       "-l", str(self.root / "log"), "-w", "-t", "60", "start"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        self.databases = 0

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of a database of this server."""
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket}"

    def new_database(self) -> str:
        """A fresh empty database; its URL."""
        import psycopg

        self.databases += 1
        name = f"registre_{self.databases}"
        with psycopg.connect(host=str(self.socket), user=self.user, dbname="postgres",
                             autocommit=True) as connection:  # fmt: skip
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        subprocess.run(
            _as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                       "-w", "stop"]),
            check=False, capture_output=True, timeout=120,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)
