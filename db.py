"""Engine and sessions. SQLite (WAL, foreign keys, busy timeout) by default, PostgreSQL in production."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from settings import ROOT, current, private_database_file


sqlite3.register_adapter(date, date.isoformat)  # as SQLAlchemy stores dates (raw bulk inserts)


SQLITE_CACHE_KIB = 65536


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            private_database_file(Path(path))  # 0600 in a 0700 folder, before SQLite makes it
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # 64 MiB of page cache (the default 2 MiB), taken only as pages are read: a big roster
            # inserts into the random-keyed person and account-key indexes, which thrash a small
            # cache (200,000 entries: 9.3 s -> 5.6 s here)
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # A transaction that will write takes the write lock up front: it waits (busy_timeout)
            # for another writer instead of failing when it upgrades from reading to writing.
            writer = connection.get_execution_options().get("writer")
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

        return engine
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _postgres_serial_lock(connection):
        # Serial writers (imports, undos, aggregate refreshes) go one at a time, as on SQLite: what
        # one read (earlier uploads, the daily aggregates) stays true until it commits. Short
        # writes (sign-ins, audit events, account edits) never wait for them. Released at
        # commit/rollback.
        if connection.get_execution_options().get("serial"):
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(74100)")

    return engine


def get_engine(url: str | None = None) -> Engine:
    return _engine_for(url or current().database_url)


@contextmanager
def session_scope(engine: Engine | None = None, *, writer: bool = False,
                  serial: bool = False) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error.

    `writer=True`: this transaction will write (a sign-in, an audit event, an edit); on SQLite it
    begins as the writer (`BEGIN IMMEDIATE`: it waits for another writer, never fails at once); on
    PostgreSQL nothing special. `serial=True` (implies `writer`): also one at a time with the
    other serial writers, on PostgreSQL too (an advisory lock): imports, undos and aggregate
    refreshes, which read what they then write. Hold it for the write alone: read, parse and plan
    before."""
    bind = engine or get_engine()
    if writer or serial:
        bind = bind.execution_options(writer=True, serial=serial)
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def migrate(engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the schema to the latest (or the given) Alembic revision.

    At the latest already (every run of the command line): one small query, without loading
    Alembic; the latest revision is read from the migration files (`revision: str = '…'`)."""
    import re

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = engine or get_engine()
    if revision == "head":
        found = {}
        for path in (ROOT / "migrations" / "versions").glob("*.py"):
            source = path.read_text(encoding="utf-8")
            ids = [re.search(rf"^{name}: [^=]+= '([^']+)'", source, re.M)
                   for name in ("revision", "down_revision")]
            if ids[0]:
                found[ids[0][1]] = ids[1] and ids[1][1]
        heads = set(found) - set(found.values())
        try:
            with engine.connect() as connection:
                current = set(connection.execute(text("SELECT version_num FROM alembic_version"))
                              .scalars())
        except DBAPIError:  # a new database: no version table yet
            current = None
        if len(heads) == 1 and current == heads:
            return
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
