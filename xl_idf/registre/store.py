"""Opening the register: its URL, the database's settings for concurrent runs, its schema.

SQLite (a file, the default): WAL journal and a busy timeout, so that two runs wait for each
other instead of failing. PostgreSQL: the same code; each recording run first locks the one row
of `register_lock`, so runs are recorded one after the other on both.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from xl_idf.errors import XlIdfError
from xl_idf.registre.schema import register_lock

DEFAULT_REGISTER = "registre-idf.sqlite"
ENVIRONMENT = "XLIDF_REGISTRE"
MIGRATIONS = Path(__file__).with_name("migrations")
# Seconds a run waits for another one recording at the same time.
BUSY_TIMEOUT = 60
# PostgreSQL's advisory lock key of schema upgrades (any number of xl-idf's own).
MIGRATION_LOCK = 741_2022


class RegisterError(XlIdfError):
    """The register cannot be opened or written: the message says why, in French."""


def register_url(given: str | None) -> str:
    """The register asked for: `given`, else $XLIDF_REGISTRE, else the default SQLite file.

    A plain path is an SQLite file; anything with `://` is a SQLAlchemy URL, and a bare
    `postgresql://` uses the psycopg driver.
    """
    url = given or os.environ.get(ENVIRONMENT) or DEFAULT_REGISTER
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def shown(url: str) -> str:
    """The URL as messages write it: an SQLite file by its path; a server without password."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_register(given: str | None, create: bool = True) -> Engine:
    """An engine on the register, its schema brought to the latest version.

    `create` False refuses a register that does not exist yet (a read command).
    """
    url = register_url(given)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise RegisterError(f"adresse du registre illisible : « {url} »") from None
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise RegisterError(
            f"registre « {shown(url)} » : seuls SQLite (un fichier) et PostgreSQL "
            "(postgresql+psycopg://…) sont pris en charge"
        )
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            raise RegisterError("le registre SQLite doit être un fichier")
        if not create and not Path(database).exists():
            raise RegisterError(
                f"registre « {database} » introuvable : le créer avec « xl-idf registre init »"
            )
        if not Path(database).parent.resolve().is_dir():
            raise RegisterError(f"registre « {database} » : dossier introuvable")
        options["connect_args"] = {"timeout": BUSY_TIMEOUT}
    else:
        options["connect_args"] = {"connect_timeout": 10}
    try:
        engine = create_engine(url, **options)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise RegisterError(f"registre « {shown(url)} » : {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_settings)
    try:
        upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise RegisterError(f"registre « {shown(url)} » inaccessible : {reason(exc)}") from None
    # No connection is kept open: a check's child processes are forked after this.
    engine.dispose()
    return engine


def _sqlite_settings(connection: Any, _record: Any) -> None:
    """WAL (readers never wait for a writer), a busy timeout, foreign keys enforced."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
    _write_ahead(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _write_ahead(cursor: Any) -> None:
    """The WAL journal. Switching a new register to it needs the file alone for a moment, and
    SQLite answers « database is locked » at once instead of waiting (its busy timeout does not
    apply): two first runs at once failed one time in five. Tried again until the busy
    timeout (in 92 of 200 races of two processes on a new file, the switch was refused once)."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest migration (nothing to do when it is there already)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        # One run at a time: two first runs at once on a new register would both create the
        # tables. SQLite: the write lock from the start; PostgreSQL: a lock for the transaction.
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_version(engine: Engine) -> str | None:
    """The migration the register is at."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def recording(engine: Engine) -> Iterator[Connection]:
    """One transaction that holds the register's lock: all of it is written, or nothing.

    The lock row is written first, before anything is read, so a second run waits here (SQLite's
    write lock within its busy timeout, PostgreSQL's row lock) and then reads what the first one
    wrote.
    """
    try:
        with engine.begin() as connection:
            connection.execute(
                update(register_lock)
                .where(register_lock.c.id == 1)
                .values(runs=register_lock.c.runs + 1)
            )
            yield connection
    except DBAPIError as exc:
        raise RegisterError(f"registre non modifié : {reason(exc)}") from None


def reason(exc: DBAPIError) -> str:
    """The database's own reason, on one line (its words: the server's or SQLite's)."""
    text = str(exc.orig).strip() if exc.orig else str(exc)
    return text.splitlines()[0] if text else type(exc.orig).__name__


def runs(engine: Engine) -> int:
    """How many recording runs the register has seen."""
    with engine.connect() as connection:
        return int(connection.execute(select(register_lock.c.runs)).scalar_one())
