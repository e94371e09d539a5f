"""The admin's unit directory and campaigns: edit, close (communes merge), reopen; audited."""
from __future__ import annotations

from datetime import date

import pytest

from services.accounts import audit_log
from services.directory import (DirectoryError, agencies_in_scope, close_unit, communes_in_scope,
                                find_agency, find_commune, list_campaigns, list_units, reopen_unit,
                                update_campaign, update_unit)
from services.imports import import_file
from services.progress import progress
from tests.accounts_helpers import account
from tests.workbooks import count_report


@pytest.fixture
def admin(district):
    return account(district, "quantri", "admin")


def cluster(engine, code, day=date(2024, 8, 10)):
    return next((c for c in progress(day, engine=engine).clusters if c.code == code), None)


def unit(admin, engine, unit_type, code):
    return next(u for u in list_units(admin, unit_type, engine=engine) if u.code == code)


def test_edit_a_cluster_target_changes_the_figures_and_is_audited(district, admin):
    cum1 = unit(admin, district, "cluster", "THOAN-01")
    message = update_unit(admin, "cluster", cum1.id, {"target_population": 720, "name": "Cụm 1"},
                          engine=district)
    assert message == f"Đã sửa thôn, cụm dân cư Cụm 1: số người trong diện: {cum1.target_population} → 720."
    assert cluster(district, "THOAN-01").target_population == 720
    [entry] = audit_log(admin, action="unit-edit", engine=district)
    assert entry.username == "quantri" and "THOAN-01" in entry.detail and "→ 720" in entry.detail


@pytest.mark.parametrize("changes, message", [
    ({"name": "  "}, "không được để trống"),
    ({"population": -5}, "không âm"),
    ({"staff": 3}, "Không sửa được: staff"),
])
def test_bad_edits_are_refused_and_change_nothing(district, admin, changes, message):
    cum1 = unit(admin, district, "cluster", "THOAN-01")
    with pytest.raises(DirectoryError, match=message):
        update_unit(admin, "cluster", cum1.id, changes, engine=district)
    assert unit(admin, district, "cluster", "THOAN-01") == cum1


def test_closing_a_commune_closes_its_clusters_from_that_day_only(district, admin):
    import_file(count_report([["Cụm 1", 100, 90]]), "bc.xlsx", as_of=date(2024, 8, 5), engine=district)
    dong_thap = find_commune("DONGTHAP", engine=district)
    message = close_unit(admin, "commune", dong_thap.id, date(2024, 8, 20), engine=district)
    assert message == "Đã đóng xã, thị trấn Đồng Tháp cùng 5 thôn, cụm dân cư từ ngày 20/08/2024."
    assert cluster(district, "DONGTHAP-01", date(2024, 8, 19)).registered == 90
    assert cluster(district, "DONGTHAP-01", date(2024, 8, 20)) is None
    after = progress(date(2024, 8, 20), engine=district)
    assert "DONGTHAP" not in {c.code for c in after.communes}
    assert all(u.closed_on == date(2024, 8, 20) for u in list_units(admin, "cluster", engine=district)
               if u.code.startswith("DONGTHAP-"))
    assert "DONGTHAP-05" in audit_log(admin, action="unit-close", engine=district)[0].detail


def test_a_closed_commune_takes_no_more_files_and_offers_no_upload(district, admin):
    dong_thap = find_commune("DONGTHAP", engine=district)
    close_unit(admin, "commune", dong_thap.id, date(2024, 8, 20), engine=district)
    outcome = import_file(count_report([["Cụm 1", 100, 90]]), "bc.xlsx", commune="DONGTHAP",
                          engine=district)
    assert outcome.status == "refused" and "Không tìm thấy xã/thị trấn" in outcome.message
    assert "DONGTHAP" not in {c.code for c in communes_in_scope(admin, engine=district)}


def test_closing_twice_is_refused_and_reopening_restores_the_commune_and_its_clusters(district, admin):
    dong_thap = find_commune("DONGTHAP", engine=district)
    close_unit(admin, "commune", dong_thap.id, date(2024, 8, 20), engine=district)
    with pytest.raises(DirectoryError, match="đã đóng từ ngày 20/08/2024"):
        close_unit(admin, "commune", dong_thap.id, date(2024, 8, 21), engine=district)
    reopen_unit(admin, "commune", dong_thap.id, engine=district)
    assert cluster(district, "DONGTHAP-01", date(2024, 9, 1)) is not None
    assert all(u.closed_on is None for u in list_units(admin, "cluster", engine=district))


def test_closing_an_agency_removes_it_from_the_staff_campaign_from_that_day(district, admin):
    cq05 = find_agency("CQ05", engine=district)
    staff = unit(admin, district, "agency", "CQ05").staff
    before = progress(date(2024, 7, 1), engine=district).campaign("staff").denominator
    close_unit(admin, "agency", cq05.id, date(2024, 7, 10), engine=district)
    assert progress(date(2024, 7, 9), engine=district).campaign("staff").denominator == before
    assert progress(date(2024, 7, 10), engine=district).campaign("staff").denominator == before - staff
    assert "CQ05" not in {a.code for a in agencies_in_scope(admin, engine=district)}


def test_campaign_edit_is_saved_and_audited(district, admin):
    message = update_campaign(admin, "residents", name="Người dân cài đặt iHaNoi",
                              start=date(2024, 7, 5), deadline=date(2024, 9, 15), target_pct=95,
                              engine=district)
    assert "hạn hoàn thành: 30/08/2024 → 15/09/2024" in message and "chỉ tiêu (%): 100 → 95" in message
    residents = next(c for c in list_campaigns(engine=district) if c.key == "residents")
    assert (residents.deadline, residents.target_pct) == (date(2024, 9, 15), 95.0)
    assert audit_log(admin, action="campaign-edit", engine=district)[0].detail.startswith("residents:")


@pytest.mark.parametrize("values, message", [
    ({"deadline": date(2024, 7, 1)}, "sau ngày bắt đầu"),
    ({"target_pct": 0}, "lớn hơn 0%"),
    ({"target_pct": 120}, "không quá 100%"),
    ({"name": " "}, "không được để trống"),
])
def test_bad_campaign_edits_are_refused(district, admin, values, message):
    current = {"name": "Người dân", "start": date(2024, 7, 5), "deadline": date(2024, 8, 30),
               "target_pct": 100.0}
    with pytest.raises(DirectoryError, match=message):
        update_campaign(admin, "residents", engine=district, **(current | values))
