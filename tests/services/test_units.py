"""The unit directory read once per process and directory version: every write to the units is
seen by the next read (services/units.py)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text, update

from db import session_scope
from importers.report import UnitRow
from models import Cluster, Commune, DirectoryVersion
from services import units
from services.admin import close_unit, find_commune, merge_communes, undo_merge, update_unit
from services.imports import import_file
from services.units import apply_unit_rows, load_directory
from services.uploads import undo_upload
from tests.accounts_helpers import account
from tests.workbooks import roster, xlsx_bytes

DAY = date(2024, 8, 10)


def directory(engine, on=DAY):
    with session_scope(engine) as session:
        return load_directory(session, on)


def version(engine) -> str:
    with engine.connect() as connection:
        return connection.execute(text("SELECT token FROM directoryversion")).scalar_one()


def cluster_named(engine, name, commune="THOAN"):
    found = directory(engine)
    commune_id = found.commune_id(commune)
    return found.cluster_id(name, commune_id)


@pytest.fixture
def admin(district):
    return account(district, "quantri", "admin")


def test_an_unchanged_directory_is_read_once(district, monkeypatch):
    first = directory(district)
    reads = []
    monkeypatch.setattr(units._AllUnits, "__init__", lambda *a: reads.append(a))
    assert directory(district) is first
    assert directory(district, date(2024, 8, 20)) is first  # no unit opens or closes between
    assert reads == []


def test_a_directory_edit_is_seen_by_the_next_import(district, admin):
    cum1 = directory(district).clusters[cluster_named(district, "Cụm 1")]
    update_unit(admin, "cluster", cum1.id, {"name": "Cụm Đình Thôn"}, engine=district)
    assert cluster_named(district, "Cụm Đình Thôn") == cum1.id
    outcome = import_file(roster([["Nguyễn Văn An", "001090000001", "Cụm Đình Thôn", "x", "x",
                                   "01/08/2024"]]), "ds.xlsx", commune="THOAN", as_of=DAY,
                          engine=district)
    assert (outcome.status, outcome.rows_accepted) == ("imported", 1), outcome.errors


def test_a_directory_import_and_its_undo_are_seen(district):
    assert cluster_named(district, "Cụm Mới") is None
    file = xlsx_bytes(("Danh mục", [["Mã xã", "Xã", "Mã thôn", "Thôn", "Số nhân khẩu"],
                                    ["THOAN", "Thọ An", "THOAN-99", "Cụm Mới", 300]]))
    outcome = import_file(file, "danh-muc.xlsx", kind="units", engine=district)
    assert outcome.status == "imported", outcome.message
    assert cluster_named(district, "Cụm Mới") is not None
    undo_upload(outcome.upload_id, engine=district)
    assert cluster_named(district, "Cụm Mới") is None


def test_closing_merging_and_undoing_a_merge_are_seen(district, admin):
    thoan = find_commune("THOAN", engine=district)
    close_unit(admin, "commune", find_commune("HONGHA", engine=district).id, date(2024, 8, 1),
               engine=district)
    assert directory(district).commune_id("HONGHA") is None
    assert directory(district, date(2024, 7, 31)).commune_id("HONGHA") is not None
    merge_communes(admin, [thoan.id, find_commune("THUONGMO", engine=district).id], code="THOAN2",
                   name="Thọ An Mới", kind="Xã", on=date(2024, 8, 5), engine=district)
    assert directory(district).commune_id("THOAN2") is not None
    assert directory(district).commune_id("THOAN") is None
    undo_merge(admin, find_commune("THOAN2", engine=district).id, engine=district)
    assert directory(district).commune_id("THOAN2") is None
    assert directory(district).commune_id("THOAN") == thoan.id


def test_every_write_to_the_units_gives_a_new_version(district):
    directory(district)
    seen = {version(district)}
    with session_scope(district) as session:  # a statement, not ORM objects
        session.execute(update(Cluster).where(Cluster.code == "THOAN-01").values(name="Cụm X"))
    seen.add(version(district))
    with session_scope(district) as session:
        apply_unit_rows(session, [UnitRow("d", 2, commune_code="THOAN", cluster_code="THOAN-01",
                                          cluster="Cụm Y")], None)
    seen.add(version(district))
    with session_scope(district) as session:  # a flush with nothing changed: same version
        session.add(session.execute(select(Commune)).scalars().first())
    assert version(district) in seen and len(seen) == 3
    assert cluster_named(district, "Cụm Y") is not None


def test_a_transaction_reads_its_own_directory_change_and_a_rollback_leaves_no_trace(district):
    before = directory(district)
    with pytest.raises(RuntimeError):
        with session_scope(district) as session:
            apply_unit_rows(session, [UnitRow("d", 2, commune_code="THOAN",
                                              cluster_code="THOAN-77", cluster="Cụm Tạm")], None)
            assert load_directory(session, DAY).cluster_id("Cụm Tạm", before.commune_id("THOAN"))
            raise RuntimeError("rolled back")
    assert cluster_named(district, "Cụm Tạm") is None
    assert directory(district) is before


def test_without_a_version_row_the_directory_is_read_every_time(district):
    with session_scope(district) as session:
        session.execute(DirectoryVersion.__table__.delete())
    assert directory(district) is not directory(district)


@pytest.mark.parametrize("written, name", [
    ("P. Tư pháp", "Phòng Tư pháp"), ("TT Y tế huyện", "Trung tâm Y tế huyện"),
    ("UBND TT Phùng", "UBND thị trấn Phùng"), ("Ủy ban nhân dân thị trấn Phùng", "UBND thị trấn Phùng"),
    ("MN Phùng", "Trường Mầm non Phùng"), ("Mầm non Phùng", "Trường Mầm non Phùng"),
    ("Trường TH Phùng", "Trường Tiểu học Phùng"), ("Trung học cơ sở Phùng", "Trường THCS Phùng"),
    ("Văn phòng HĐND và UBND huyện", "Văn phòng HĐND và UBND huyện"),
])
def test_agencies_are_found_under_the_abbreviations_offices_write(district, written, name):
    found = directory(district)
    assert found.agencies[found.agency_id(written)].name == name


@pytest.mark.parametrize("written", ["TT Phùng", "Thị trấn Phùng", "Phùng", "UBND TT Phùng"])
def test_the_town_is_found_as_tt(district, written):
    found = directory(district)
    assert found.communes[found.commune_id(written)].code == "TTPHUNG"
