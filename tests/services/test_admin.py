"""The admin's unit directory and campaigns: edit, close, reopen, merge communes; audited."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from db import session_scope
from importers.report import UnitRow
from models import Commune, District
from services import admin as admin_edits, aggregates
from services.accounts import audit_log
from services.admin import (DirectoryError, agencies_in_scope, close_unit, communes_in_scope,
                            find_agency, find_commune, list_campaigns, list_merges, list_units,
                            merge_communes, plan_merge, reopen_unit, undo_merge,
                            update_campaign, update_unit)
from services.imports import import_file
from services.progress import progress
from services.scope import ScopeRefused
from services.units import apply_unit_rows
from tests.accounts_helpers import account
from tests.dashboard_data import add_counts
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
    assert message == ("Đã đóng xã, thị trấn Đồng Tháp cùng 5 thôn, cụm dân cư và 4 cơ quan, "
                       "đơn vị từ ngày 20/08/2024.")
    assert cluster(district, "DONGTHAP-01", date(2024, 8, 19)).registered == 90
    assert cluster(district, "DONGTHAP-01", date(2024, 8, 20)) is None
    after = progress(date(2024, 8, 20), engine=district)
    assert "DONGTHAP" not in {c.code for c in after.communes}
    assert all(u.closed_on == date(2024, 8, 20) for u in list_units(admin, "cluster", engine=district)
               if u.code.startswith("DONGTHAP-"))
    assert {u.code for u in list_units(admin, "agency", engine=district) if u.closed_on} == {
        "UB-DONGTHAP", "MN-DONGTHAP", "TH-DONGTHAP", "THCS-DONGTHAP"}
    agencies = progress(date(2024, 8, 20), engine=district).agencies
    assert "UB-DONGTHAP" not in {a.code for a in agencies}
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
    assert all(u.closed_on is None for u in list_units(admin, "agency", engine=district))


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


# ---------------------------------------------------------------- merging communes (2025)

MERGED_ON = date(2024, 8, 15)


def merge(admin, engine, codes=("THOAN", "THOXUAN"), **options):
    ids = [find_commune(code, engine=engine).id for code in codes]
    return merge_communes(admin, ids, engine=engine, **({"code": "ODIEN", "name": "Ô Diên",
                                                          "kind": "Xã", "on": MERGED_ON} | options))


def units_by_code(admin, engine):
    return {u.code: u for t in ("cluster", "agency") for u in list_units(admin, t, engine=engine)}


def test_a_merge_closes_the_communes_and_their_units_and_opens_copies_the_same_day(district, admin):
    before = units_by_code(admin, district)
    message = merge(admin, district)
    assert message == ("Đã sáp nhập Xã Thọ An, Xã Thọ Xuân thành Xã Ô Diên từ ngày 15/08/2024: "
                       "20 thôn, cụm dân cư và 8 cơ quan, đơn vị chuyển sang xã mới.")
    communes = {u.code: u for u in list_units(admin, "commune", engine=district)}
    assert communes["THOAN"].closed_on == communes["THOXUAN"].closed_on == MERGED_ON
    assert (communes["ODIEN"].name, communes["ODIEN"].opened_on) == ("Ô Diên", MERGED_ON)
    after = units_by_code(admin, district)
    olds = [code for code in before if code.startswith(("THOAN-", "THOXUAN-"))
            or code.endswith(("-THOAN", "-THOXUAN"))]
    assert len(olds) == 28 and all(after[code].closed_on == MERGED_ON for code in olds)
    for code in olds:
        old, new = before[code], after[f"ODIEN-{code}"]
        assert (new.opened_on, new.closed_on, new.commune) == (MERGED_ON, None, "Ô Diên")
        assert (new.kind, new.households, new.population, new.target_population, new.staff) == (
            old.kind, old.households, old.population, old.target_population, old.staff)
    assert after["ODIEN-THOAN-01"].name == "Cụm 1 (Thọ An)"
    assert after["ODIEN-THOXUAN-01"].name == "Cụm 1 (Thọ Xuân)"
    assert after["ODIEN-THOAN-09"].name == "Cụm 9"  # only Thọ An had a Cụm 9
    assert after["ODIEN-UB-THOAN"].name == "UBND xã Thọ An"
    [event] = audit_log(admin, action="unit-merge", engine=district)
    assert event.detail.startswith("THOAN, THOXUAN → ODIEN (Xã Ô Diên) từ 15/08/2024: ")
    assert "THOAN-01 → ODIEN-THOAN-01" in event.detail


def test_the_plan_shows_what_closes_and_opens_and_writes_nothing(district, admin):
    ids = [find_commune(code, engine=district).id for code in ("THOAN", "THOXUAN")]
    plan = plan_merge(admin, ids, code="odien", name="Ô Diên", kind="Xã", on=MERGED_ON,
                      engine=district)
    assert (plan.commune.code, plan.commune.opened_on) == ("ODIEN", MERGED_ON)
    assert [u.code for u in plan.closing[:2]] == ["THOAN", "THOXUAN"] and len(plan.closing) == 30
    assert all(u.closed_on == MERGED_ON for u in plan.closing)
    assert len(plan.opening) == 28 and {u.commune for u in plan.opening} == {"Ô Diên"}
    assert find_commune("ODIEN", engine=district) is None
    assert list_merges(admin, engine=district) == []


def _set_district(engine, commune_code):
    with session_scope(engine) as session:
        other = District(code="HD", name="Hoài Đức")
        session.add(other)
        session.flush()
        commune = session.exec(select(Commune).where(Commune.code == commune_code)).one()
        commune.district_id = other.id
        session.add(commune)


@pytest.mark.parametrize("codes, options, message", [
    (("THOAN",), {}, "Chọn ít nhất 2 xã"),
    (("THOAN", "THOXUAN"), {"code": "HONGHA"}, "Mã xã “HONGHA” đã có"),
    (("THOAN", "THOXUAN"), {"code": " "}, "Mã xã mới phải có"),
    (("THOAN", "THOXUAN"), {"name": "Hồng Hà"}, "Đã có xã, thị trấn tên “Hồng Hà”"),
    (("THOAN", "THOXUAN"), {"kind": "Huyện"}, "Loại “Huyện” không có"),
    (("THOAN", "THOXUAN"), {"code": "X" * 41}, "Mã xã mới phải có từ 1 đến 40 ký tự"),
])
def test_bad_merges_are_refused_and_change_nothing(district, admin, codes, options, message):
    before = list_units(admin, "cluster", engine=district)
    with pytest.raises(DirectoryError, match=message):
        merge(admin, district, codes, **options)
    assert list_units(admin, "cluster", engine=district) == before
    assert not audit_log(admin, action="unit-merge", engine=district)


def test_a_merge_is_refused_when_a_new_code_would_be_too_long_or_taken(district, admin):
    with session_scope(district) as session:
        apply_unit_rows(session, [UnitRow("d", 2, commune_code="THOAN", cluster_code="T" * 30,
                                          cluster="Cụm 99")], None)
    with pytest.raises(DirectoryError, match=f"mới “{'ODIEN' * 6}-{'T' * 30}” dài quá 60"):
        merge(admin, district, code="ODIEN" * 6)
    with session_scope(district) as session:
        apply_unit_rows(session, [UnitRow("d", 2, commune_code="HONGHA",
                                          cluster_code="ODIEN-THOAN-02", cluster="Cụm 9")], None)
    with pytest.raises(DirectoryError, match="Mã đơn vị “ODIEN-THOAN-02” đã có"):
        merge(admin, district)


def test_a_merge_is_refused_across_districts_for_a_closed_commune_and_before_an_opening(
        district, admin):
    _set_district(district, "THOXUAN")
    with pytest.raises(DirectoryError, match="phải thuộc cùng một quận, huyện"):
        merge(admin, district)
    close_unit(admin, "commune", find_commune("HONGHA", engine=district).id, date(2024, 8, 1),
               engine=district)
    with pytest.raises(DirectoryError, match="Xã Hồng Hà đã đóng từ ngày 01/08/2024"):
        merge(admin, district, ("THOAN", "HONGHA"))
    merge(admin, district, ("THOAN", "TRUNGCHAU"))
    with pytest.raises(DirectoryError, match="phải sau ngày Xã Ô Diên bắt đầu hoạt động"):
        merge(admin, district, ("ODIEN", "DONGTHAP"), code="ODIEN2", name="Ô Diên 2")
    with pytest.raises(DirectoryError, match="Ngày đóng phải sau ngày Ô Diên bắt đầu hoạt động"):
        close_unit(admin, "commune", find_commune("ODIEN", engine=district).id, MERGED_ON,
                   engine=district)


def test_figures_before_a_merge_stay_those_of_the_old_communes(district, admin):
    add_counts(district, date(2024, 8, 5), [("THOAN-01", 100, 90), ("THOXUAN-02", 50, 40)])
    before = progress(date(2024, 8, 10), engine=district)
    merge(admin, district)
    add_counts(district, date(2024, 8, 18), [("ODIEN-THOAN-01", 150, 140)])
    old = progress(date(2024, 8, 10), engine=district)
    assert old.as_json() == before.as_json()
    communes = {c.code: c for c in old.communes}
    assert "ODIEN" not in communes and communes["THOAN"].registered == 100
    assert "ODIEN-THOAN-01" not in {c.code for c in old.clusters}
    new = progress(date(2024, 8, 20), engine=district)
    communes = {c.code: c for c in new.communes}
    assert "THOAN" not in communes and "THOXUAN" not in communes
    assert communes["ODIEN"].registered == 150
    assert communes["ODIEN"].target_population == sum(
        c.target_population for c in before.communes if c.code in ("THOAN", "THOXUAN"))
    for key in ("residents", "staff"):
        assert new.campaign(key).denominator == before.campaign(key).denominator
    assert "UB-THOAN" not in {a.code for a in new.agencies}


def test_files_match_the_units_open_on_their_date(district, admin):
    merge(admin, district)
    late = import_file(count_report([["Cụm 9", 100, 90]], title="UBND XÃ THỌ AN"), "cu.xlsx",
                       as_of=date(2024, 8, 10), engine=district)
    assert late.status == "imported" and late.commune == "THOAN"
    assert cluster(district, "THOAN-09", date(2024, 8, 12)).registered == 90
    report = count_report([["Cụm 9", 120, 110], ["Cụm 1 (Thọ An)", 50, 40], ["Cụm 1", 5, 5]],
                          title="UBND XÃ Ô DIÊN")
    outcome = import_file(report, "moi.xlsx", as_of=date(2024, 8, 20), engine=district)
    assert (outcome.status, outcome.commune, outcome.rows_accepted) == ("imported", "ODIEN", 2)
    assert cluster(district, "ODIEN-THOAN-09", date(2024, 8, 20)).registered == 110
    assert cluster(district, "ODIEN-THOAN-01", date(2024, 8, 20)).registered == 40
    assert cluster(district, "THOAN-09", date(2024, 8, 20)) is None
    refused = import_file(count_report([["Cụm 9", 1, 1]], title="UBND XÃ THỌ AN"), "x.xlsx",
                          commune="THOAN", as_of=date(2024, 8, 20), engine=district)
    assert refused.status == "refused" and "Không tìm thấy xã/thị trấn" in refused.message


def test_a_directory_import_after_a_merge_updates_the_open_copy(district, admin):
    merge(admin, district)
    with session_scope(district) as session:
        apply_unit_rows(session, [UnitRow("d", 2, agency="UBND xã Thọ An", staff=99)], None)
    assert unit(admin, district, "agency", "ODIEN-UB-THOAN").staff == 99
    assert unit(admin, district, "agency", "UB-THOAN").staff == 24


def test_what_a_merge_closed_cannot_be_reopened(district, admin):
    merge(admin, district)
    thoan = find_commune("THOAN", engine=district)
    with pytest.raises(DirectoryError, match="Thọ An đã được sáp nhập vào Xã Ô Diên từ ngày "
                                             "15/08/2024: không mở lại được"):
        reopen_unit(admin, "commune", thoan.id, engine=district)
    with pytest.raises(DirectoryError, match="Cụm 3 đã được sáp nhập vào Xã Ô Diên"):
        reopen_unit(admin, "cluster", unit(admin, district, "cluster", "THOAN-03").id,
                    engine=district)
    with pytest.raises(DirectoryError, match="đã được sáp nhập"):
        reopen_unit(admin, "agency", find_agency("UB-THOXUAN", engine=district).id,
                    engine=district)


def test_an_unused_merge_can_be_undone(district, admin):
    before = {t: list_units(admin, t, engine=district) for t in ("commune", "cluster", "agency")}
    merge(admin, district)
    [record] = list_merges(admin, engine=district)
    assert (record.commune.code, record.on, record.sources) == ("ODIEN", MERGED_ON,
                                                                ["Xã Thọ An", "Xã Thọ Xuân"])
    message = undo_merge(admin, record.commune.id, engine=district)
    assert message == ("Đã hoàn tác việc sáp nhập: Xã Ô Diên đã được xóa; Xã Thọ An, Xã Thọ Xuân "
                       "hoạt động trở lại.")
    assert {t: list_units(admin, t, engine=district) for t in before} == before
    assert list_merges(admin, engine=district) == []
    assert audit_log(admin, action="unit-unmerge", engine=district)[0].detail == \
        "ODIEN (Xã Ô Diên) → THOAN, THOXUAN"


def test_a_merge_with_figures_or_accounts_cannot_be_undone(district, admin):
    merge(admin, district)
    odien = find_commune("ODIEN", engine=district)
    account(district, "xa.odien", "commune", commune="ODIEN")
    with pytest.raises(DirectoryError, match="Xã Ô Diên đã có số liệu, lần nhập"):
        undo_merge(admin, odien.id, engine=district)
    with pytest.raises(DirectoryError, match="Xã Hồng Hà không do sáp nhập tạo ra"):
        undo_merge(admin, find_commune("HONGHA", engine=district).id, engine=district)


def test_each_change_of_open_units_refreshes_the_areas_in_its_transaction(district, admin,
                                                                         monkeypatch):
    calls = []
    original = aggregates.refresh_areas
    monkeypatch.setattr(aggregates, "refresh_areas",
                        lambda session, *args: calls.append(session.in_transaction())
                        or original(session, *args))
    merge(admin, district)
    undo_merge(admin, find_commune("ODIEN", engine=district).id, engine=district)
    hong_ha = find_commune("HONGHA", engine=district).id
    close_unit(admin, "commune", hong_ha, date(2024, 8, 1), engine=district)
    reopen_unit(admin, "commune", hong_ha, engine=district)
    assert calls == [True] * 4


@pytest.mark.parametrize("action", ["merge_communes", "plan_merge", "list_merges", "undo_merge"])
def test_only_an_admin_merges(district, action):
    leader = account(district, "lanhdao", "leader")
    args = {"merge_communes": ([1, 2],), "plan_merge": ([1, 2],), "list_merges": (),
            "undo_merge": (1,)}[action]
    options = {} if action in ("list_merges", "undo_merge") else {
        "code": "ODIEN", "name": "Ô Diên", "kind": "Xã", "on": MERGED_ON}
    with pytest.raises(ScopeRefused):
        getattr(admin_edits, action)(leader, *args, engine=district, **options)
