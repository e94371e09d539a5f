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
