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


def test_one_live_upload_per_content_and_unit(engine):
    """Migration 0006: the same content can be live once per commune or agency (and once with
    neither, a directory), not once in the whole database; undone uploads do not count."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with engine.begin() as connection:
        connection.execute(text("INSERT INTO commune (id, code, name, kind) VALUES "
                                "(1, 'A', 'A', 'Xã'), (2, 'B', 'B', 'Xã')"))
    insert = text("INSERT INTO upload (created_at, file_name, sha256, kind, as_of, commune_id, "
                  "rows_read, rows_accepted, rows_rejected, undone_at) VALUES (CURRENT_TIMESTAMP, "
                  "'f', 'abc', 'counts', '2024-08-01', :commune, 0, 0, 0, :undone)")
    for commune, undone in ((1, None), (2, None), (None, None), (1, "2024-08-02")):
        with engine.begin() as connection:
            connection.execute(insert, {"commune": commune, "undone": undone})
    for commune in (1, None):
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert, {"commune": commune, "undone": None})


def test_people_migration_scopes_each_key_without_any_citizen_id(tmp_path):
    """0006 recomputes each roster entry's key from the key it had (the identity's keyed hash) and
    its commune or agency: exactly the key `services.people` now gives the same row."""
    from sqlalchemy import text

    from db import get_engine, migrate
    from importers.report import PersonRow
    from services.people import _hash, person_key_function
    from settings import id_hash_key
    engine = get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0005")
    old_key = _hash("residents|id|001000000001", id_hash_key()[:64])
    old_staff = _hash("staff|phone|0912000111", id_hash_key()[:64])
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO commune (id, code, name, kind) VALUES (7, 'THOAN', 'Thọ An', 'Xã')"))
        connection.execute(text("INSERT INTO cluster (id, code, commune_id, name) VALUES (3, 'THOAN-01', 7, 'Cụm 1')"))
        connection.execute(text("INSERT INTO agency (id, code, name) VALUES (5, 'CQ05', 'Phòng')"))
        connection.execute(text("INSERT INTO upload (id, created_at, file_name, sha256, kind, as_of, "
                                "rows_read, rows_accepted, rows_rejected) VALUES (1, CURRENT_TIMESTAMP, "
                                "'f', 'abc', 'residents', '2024-08-01', 2, 2, 0)"))
        connection.execute(text(
            "INSERT INTO rosterentry (upload_id, campaign, person_key, cluster_id, agency_id, report_date, "
            "installed, registered, full_name) VALUES "
            "(1, 'residents', :r, 3, NULL, '2024-08-01', 1, 1, 'An'), "
            "(1, 'staff', :s, NULL, 5, '2024-08-01', 1, 1, 'Bình')"), {"r": old_key, "s": old_staff})
    migrate(engine)
    with engine.connect() as connection:
        keys = connection.execute(text("SELECT campaign, person_key FROM rosterentry ORDER BY id")).all()
    assert keys == [
        ("residents", person_key_function("residents")(
            PersonRow("DS", 2, "An", citizen_id="001000000001"), 3, 7)),
        ("staff", person_key_function("staff")(PersonRow("DS", 2, "Bình", phone="0912000111"), 5, 5))]
    assert keys[0][1] != old_key


def test_unit_reports_migration_makes_the_daily_tables_rebuild(tmp_path):
    """Migration 0010: the reports table starts empty, so the aggregates' state is dropped and
    the first read after the upgrade rebuilds every daily table, the reports with them."""
    from sqlalchemy import text

    from db import get_engine, migrate
    engine = get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0009")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO aggregatestate (id, uploads, last_upload_id, undone) "
                                "VALUES (1, 0, 0, 0)"))
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM aggregatestate")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM unitreport")).scalar() == 0
