"""Helpers for the accounts, scope and upload tests: accounts per role, a private copy of the demo
database, and counts of every table (to show that nothing was written)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from db import get_engine, session_scope
from services.auth import Actor, create_user

PASSWORD = "mat-khau-thu-nghiem"


def account(engine, username: str, role: str, *, commune: str | None = None,
            agency: str | None = None) -> Actor:
    """A real account (argon2 hash in the database) and its actor."""
    return create_user(username, PASSWORD, role, commune=commune, agency=agency, engine=engine)


def table_counts(engine) -> dict[str, int]:
    """Rows in every table: equal before and after means nothing was written."""
    with session_scope(engine) as session:
        return {name: session.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in SQLModel.metadata.tables.items()}


@pytest.fixture
def demo_copy(demo_database, tmp_path) -> str:
    """A private copy of the demo database (the shared one stays untouched): its URL."""
    source = Path(demo_database.split("///", 1)[1])
    with sqlite3.connect(source) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = tmp_path / "demo-copy.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def demo_actor(url: str, username: str) -> Actor:
    """The actor of a demo account (xa.thoan, vanthu.cq05, quantri, lanhdao)."""
    from models import User
    with session_scope(get_engine(url)) as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        return Actor(user.username, user.role, user.commune_id, user.agency_id)
