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

from settings import ROOT, database_url, private_database_file


sqlite3.register_adapter(date, date.isoformat)  # as SQLAlchemy stores dates (raw bulk inserts)


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
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            # A writer takes the write lock up front, so that what it read stays true until it
            # commits; concurrent writers wait (busy_timeout) instead of failing.
            immediate = connection.get_execution_options().get("writer")
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _postgres_writer_lock(connection):
        # Writers (imports, undos) go one at a time, as on SQLite: what a writer read (earlier
        # uploads, the daily aggregates) stays true until it commits. Released at commit/rollback.
        if connection.get_execution_options().get("writer"):
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(74100)")

    return engine


def get_engine(url: str | None = None) -> Engine:
    return _engine_for(url or database_url())


@contextmanager
def session_scope(engine: Engine | None = None, *, writer: bool = False) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error.

    `writer=True`: a transaction that reads and then writes (an import, an undo); on SQLite it
    holds the write lock from its start."""
    bind = engine or get_engine()
    if writer:
        bind = bind.execution_options(writer=True)
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def migrate(engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the schema to the latest (or the given) Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    with (engine or get_engine()).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
