"""Undo: everything an import wrote is removed and the figures are exactly as before."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db import session_scope
from models import Agency, Cluster, Commune, Upload
from services.imports import import_file
from services.progress import progress
from services.uploads import UndoRefused, list_uploads, undo_upload
from tests.conftest import sample
from tests.workbooks import count_report, roster


def registered(engine, code, day):
    return next(c for c in progress(day, engine=engine).clusters if c.code == code).registered


def test_undo_of_a_roster_update_returns_the_previous_figures(district):
    import_file(roster([["An", "001000000001", "Cụm 1", "x", "x", ""],
                        ["Bình", "001000000002", "Cụm 1", "", "", ""]], title="UBND XÃ ĐỒNG THÁP"),
                "v1.xlsx", as_of=date(2024, 8, 2), engine=district)
    update = import_file(roster([["An", "001000000001", "Cụm 1", "x", "x", ""],
                                 ["Bình", "001000000002", "Cụm 1", "x", "x", ""]],
                                title="UBND XÃ ĐỒNG THÁP"),
                         "v2.xlsx", as_of=date(2024, 8, 9), engine=district)
    assert registered(district, "DONGTHAP-01", date(2024, 8, 9)) == 2
    undo_upload(update.upload_id, engine=district)
    assert registered(district, "DONGTHAP-01", date(2024, 8, 9)) == 1
    [v2, v1] = list_uploads(engine=district)
    assert v2.undone_at is not None and v1.undone_at is None


def test_undo_of_a_replacing_count_report_brings_back_the_earlier_one(district):
    import_file(count_report([["Cụm 1", 100, 90]]), "a.xlsx", as_of=date(2024, 8, 7), engine=district)
    later = import_file(count_report([["Cụm 1", 120, 110]]), "b.xlsx", as_of=date(2024, 8, 7),
                        engine=district)
    undo_upload(later.upload_id, engine=district)
    assert registered(district, "DONGTHAP-01", date(2024, 8, 7)) == 90


def test_undone_file_can_be_imported_again(district):
    first = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", engine=district)
    undo_upload(first.upload_id, engine=district)
    assert registered(district, "DONGTHAP-03", date(2024, 8, 5)) == 0
    again = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", engine=district)
    assert again.status == "imported" and again.upload_id != first.upload_id
    assert registered(district, "DONGTHAP-03", date(2024, 8, 5)) == 1089


def test_undo_twice_or_unknown_upload_is_refused(district):
    first = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", engine=district)
    undo_upload(first.upload_id, engine=district)
    with pytest.raises(UndoRefused, match="đã được hoàn tác"):
        undo_upload(first.upload_id, engine=district)
    with pytest.raises(UndoRefused, match="Không có lần nhập số 999"):
        undo_upload(999, engine=district)


def counts(engine):
    with session_scope(engine) as session:
        return tuple(session.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Commune, Cluster, Agency))


def test_unit_directory_sample_creates_every_unit_and_undo_removes_them(engine):
    outcome = import_file(sample("danh-muc-don-vi.xlsx"), "danh-muc-don-vi.xlsx", engine=engine)
    assert (outcome.status, outcome.kind, outcome.rows_accepted) == ("imported", "units", 209)
    assert counts(engine) == (16, 129, 80)
    figures = progress(date(2024, 8, 1), engine=engine)
    assert figures.campaign("residents").denominator == 135746
    assert figures.campaign("staff").denominator == 2739
    undo_upload(outcome.upload_id, engine=engine)
    assert counts(engine) == (0, 0, 0)


def test_directory_update_is_undone_to_the_previous_values(district):
    from tests.workbooks import xlsx_bytes
    update = xlsx_bytes(("Thon", [["Mã xã", "Xã", "Thôn", "Số hộ", "Số nhân khẩu", "Chỉ tiêu"],
                                  ["THOAN", "Thọ An", "Cụm 1", 400, 1500, 999]]))
    before = next(c for c in progress(date(2024, 8, 1), engine=district).clusters
                  if c.code == "THOAN-01")
    outcome = import_file(update, "thon.xlsx", engine=district)
    assert outcome.status == "imported"
    after = next(c for c in progress(date(2024, 8, 1), engine=district).clusters
                 if c.code == "THOAN-01")
    assert after.target_population == 999 and counts(district) == (16, 129, 80)
    undo_upload(outcome.upload_id, engine=district)
    restored = next(c for c in progress(date(2024, 8, 1), engine=district).clusters
                    if c.code == "THOAN-01")
    assert (restored.target_population, restored.population) == \
        (before.target_population, before.population)


def test_undo_of_a_directory_whose_units_now_have_data_is_refused(engine):
    units = import_file(sample("danh-muc-don-vi.xlsx"), "dm.xlsx", engine=engine)
    import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", engine=engine)
    with pytest.raises(UndoRefused, match="đã có số liệu"):
        undo_upload(units.upload_id, engine=engine)
    assert counts(engine) == (16, 129, 80)
    with session_scope(engine) as session:
        assert session.get(Upload, units.upload_id).undone_at is None
