"""Fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

os.environ.setdefault("TRACKER_ID_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")

from sqlalchemy import text  # noqa: E402

import settings  # noqa: E402
from db import get_engine, migrate, session_scope  # noqa: E402

SAMPLES = Path(__file__).parent / "samples"
POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_URL",
                                 "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Each test process gets its own schema, so parallel runs never drop each other's tables.
POSTGRES_SCHEMA = f"tracker_test_{os.getpid()}"
POSTGRES_URL = f"{POSTGRES_SERVER}?options=-csearch_path%3D{POSTGRES_SCHEMA}"


def _postgres_available() -> bool:
    try:
        with get_engine(POSTGRES_URL).connect():
            return True
    except Exception:
        return False


def fresh_sqlite(tmp_path: Path):
    engine = get_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    migrate(engine)
    return engine


def fresh_postgres():
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and does not answer at {POSTGRES_URL}")
        pytest.skip("PostgreSQL is not running")
    engine = get_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {POSTGRES_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {POSTGRES_SCHEMA}"))
    migrate(engine)
    return engine


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_schema():
    yield
    if _postgres_available():
        with get_engine(POSTGRES_URL).begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {POSTGRES_SCHEMA} CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """An empty, migrated database (the unit directory is not loaded)."""
    return fresh_sqlite(tmp_path) if request.param == "sqlite" else fresh_postgres()


@pytest.fixture
def sqlite_engine(tmp_path):
    return fresh_sqlite(tmp_path)


@pytest.fixture
def district(engine):
    """The demo district's unit directory (data/*.csv), with no campaign data."""
    load_reference_directory(engine)
    return engine


def load_reference_directory(engine) -> None:
    from services.demo import reference_unit_rows
    from services.units import apply_unit_rows
    with session_scope(engine) as session:
        apply_unit_rows(session, reference_unit_rows(), None)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> str:
    """A SQLite database holding the demo district (built once per test run); its URL."""
    from services.demo import create_demo
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    engine = get_engine(url)
    migrate(engine)
    create_demo(engine=engine)
    return url


@pytest.fixture
def use_database(monkeypatch):
    """Point the code that uses the default database (pages, CLI) at a URL for one test."""
    def use(url: str) -> str:
        monkeypatch.setattr(settings, "_current", replace(settings.current(), database_url=url))
        return url
    return use
