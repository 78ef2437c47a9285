"""A PostgreSQL server for the tests: started once a session (only if a test asks for it) in a
temporary folder on a free 127.0.0.1 port, and a fresh database for every test.

PostgreSQL refuses to run as root, and CI runs as root: then the folder belongs to the user
`postgres` and initdb and pg_ctl run through `runuser -u postgres --`. The binaries are looked
for on PATH, then under /usr/lib/postgresql/<version>/bin. Where there are none, the tests that
need the server fail, saying so: CI has them, and a skipped test would pass unseen.

Fixtures (tests/conftest.py makes them everyone's):
- `postgres_server`: the session's PostgresServer (`url(name)`, `admin()`, `restart()`);
- `postgres_url`: a fresh, empty database's URL.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.bot_process import free_port

USER = "postgres"
# A password with characters that need quoting in a URL: the tests that check it is never
# shown look for it in logs and messages.
PASSWORD = "pg-secret:p@ss/word"
PASSWORD_IN_URL = "pg-secret%3Ap%40ss%2Fword"
# The server is the tests' alone, and thrown away: durability costs time for nothing.
SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{folder}'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
"""
_database_numbers = itertools.count(1)


def _binaries() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if not versions:
        pytest.fail(
            "PostgreSQL's initdb and pg_ctl are not installed (apt-get install -y "
            "postgresql-15): the PostgreSQL tests need them",
            pytrace=False,
        )
    return versions[-1].parent


@dataclass
class PostgresServer:
    binaries: Path
    folder: Path
    port: int
    # Root runs the binaries as `postgres`.
    as_postgres: bool

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str) -> str:
        return f"postgresql://{USER}:{PASSWORD_IN_URL}@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.binaries / program), *arguments]
        if self.as_postgres:
            command = ["runuser", "-u", USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} failed: {done.stderr or done.stdout}\n{log}")

    def _pg_ctl(self, action: str, *arguments: str) -> None:
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-w", *arguments)

    def init(self) -> None:
        password_file = self.folder / "password"
        password_file.write_text(PASSWORD + "\n")
        self._own(password_file)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            "--auth=scram-sha-256",
            f"--pwfile={password_file}",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        with (self.data / "postgresql.conf").open("a") as settings:
            settings.write(SETTINGS.format(port=self.port, folder=self.folder))

    def _own(self, path: Path) -> None:
        if self.as_postgres:
            user = pwd.getpwnam(USER)
            os.chown(path, user.pw_uid, user.pw_gid)

    def start(self) -> None:
        self._pg_ctl("start", "-t", "60")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: "fast" ends every connection and writes what was committed;
        "immediate" is a crash (with this server's settings, the last commits are lost)."""
        self._pg_ctl("stop", "-m", mode)

    def restart_blocking(self) -> None:
        """Stop the server (every connection to it ends) and start it again."""
        self._pg_ctl("restart", "-m", "fast", "-t", "60")

    async def restart(self) -> None:
        """restart_blocking, off the event loop (which may host a fake the bot talks to)."""
        await asyncio.to_thread(self.restart_blocking)

    @contextmanager
    def admin(self, database: str = "postgres") -> Iterator[psycopg.Connection]:
        """A plain connection as the superuser, committing each statement."""
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            yield connection

    def create_database(self) -> str:
        name = f"sosbot_test_{os.getpid()}_{next(_database_numbers)}"
        with self.admin() as connection:
            connection.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        return name


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A server of its own, in a temporary folder, for the block (the tests' session, or a
    benchmark's run)."""
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="sosbot-postgres-"))
    server = PostgresServer(_binaries(), folder, free_port(), as_postgres)
    server._own(folder)
    try:
        server.init()
        server.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        yield server
    finally:
        try:
            server.stop("immediate")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's server, for this test alone (left for the
    server's folder to take away at the end of the session: dropping costs a third of a second
    a test)."""
    return postgres_server.url(postgres_server.create_database())
