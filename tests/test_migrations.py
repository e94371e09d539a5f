"""Alembic's migrations, upgraded from empty, give exactly the models' schema."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlmodel import SQLModel

import models  # noqa: F401
from db import session_scope
from models import Campaign


def test_upgrade_from_empty_gives_the_models_schema(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        tables = set(inspect(connection).get_table_names())
    assert diff == []
    assert {"commune", "cluster", "agency", "campaign", "upload", "rosterentry", "countreport",
            "unitchange", "user", "auditevent", "alembic_version"} <= tables


def test_migration_creates_the_two_campaigns_with_their_deadlines(engine):
    with session_scope(engine) as session:
        campaigns = {c.key: (c.start.isoformat(), c.deadline.isoformat(), c.target_pct)
                     for c in session.execute(select(Campaign)).scalars()}
    assert campaigns == {"staff": ("2024-07-05", "2024-07-25", 100.0),
                         "residents": ("2024-07-05", "2024-08-30", 100.0)}


def test_districts_migration_keeps_the_communes_and_clusters_of_a_database_in_use(tmp_path):
    from sqlalchemy import text

    from db import get_engine, migrate
    engine = get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0003")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO commune (code, name, kind) VALUES ('THOAN', 'Thọ An', 'Xã')"))
        connection.execute(text("INSERT INTO cluster (code, commune_id, name) VALUES ('THOAN-01', 1, 'Cụm 1')"))
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT code, district_id FROM commune")).all() == [("THOAN", None)]
        assert connection.execute(text("SELECT code FROM cluster")).scalar_one() == "THOAN-01"
