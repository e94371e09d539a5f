"""Scope is enforced in the services: every one refuses an out-of-scope caller, whatever the page does.

Roles: a leader sees figures only (no uploads, no personal data); a commune account its own
commune; an agency account its own agency; an admin everything.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from services import accounts, admin, follow_up, scope, templates
from services.auth import Actor
from services.imports import import_file
from services.progress import progress
from services.scope import ScopeRefused
from services.uploads import list_uploads, undo_upload
from tests.accounts_helpers import account, table_counts
from tests.workbooks import count_report, roster, xlsx_bytes


@dataclass
class World:
    engine: object
    leader: Actor
    admin: Actor
    tho_an: Actor       # commune account of Thọ An
    dong_thap: Actor    # commune account of Đồng Tháp
    cq05: Actor         # agency account of Phòng Văn hóa và Thông tin
    cq06: Actor         # agency account of Phòng Giáo dục và Đào tạo
    dong_thap_upload: int


@pytest.fixture
def world(district) -> World:
    dong_thap = account(district, "xa.dongthap", "commune", commune="DONGTHAP")
    upload = import_file(count_report([["Cụm 1", 100, 90]]), "dt.xlsx", actor=dong_thap,
                         as_of=date(2024, 8, 5), engine=district)
    return World(district, account(district, "lanhdao", "leader"), account(district, "quantri", "admin"),
                 account(district, "xa.thoan", "commune", commune="THOAN"), dong_thap,
                 account(district, "vanthu.cq05", "agency", agency="CQ05"),
                 account(district, "vanthu.cq06", "agency", agency="CQ06"), upload.upload_id)


def staff_roster(agency_name: str) -> bytes:
    return xlsx_bytes(("Danh sách", [[agency_name], [],
                                     ["STT", "Họ tên", "Chức vụ", "SĐT", "Đã tạo tài khoản"],
                                     [1, "Phạm Thu Bình", "Chuyên viên", "0912000111", "x"]]))


# (who calls, what): each must raise ScopeRefused and write nothing.
OUT_OF_SCOPE = {
    "leader uploads": lambda w: import_file(count_report([["Cụm 1", 1, 1]]), "a.xlsx",
                                            actor=w.leader, engine=w.engine),
    "leader checks a file (dry run)": lambda w: import_file(count_report([["Cụm 1", 1, 1]]), "a.xlsx",
                                                           actor=w.leader, dry_run=True, engine=w.engine),
    "commune A uploads for commune B": lambda w: import_file(
        count_report([["Cụm 1", 1, 1]]), "a.xlsx", commune="DONGTHAP", actor=w.tho_an, engine=w.engine),
    "commune uploads for an agency": lambda w: import_file(
        count_report([["Cụm 1", 1, 1]]), "a.xlsx", agency="CQ05", actor=w.tho_an, engine=w.engine),
    "agency A uploads for agency B": lambda w: import_file(
        staff_roster("Phòng Giáo dục và Đào tạo"), "a.xlsx", agency="CQ06", actor=w.cq05, engine=w.engine),
    "agency uploads for a commune": lambda w: import_file(
        count_report([["Cụm 1", 1, 1]]), "a.xlsx", commune="THOAN", actor=w.cq05, engine=w.engine),
    "leader lists uploads": lambda w: list_uploads(actor=w.leader, engine=w.engine),
    "leader undoes": lambda w: undo_upload(w.dong_thap_upload, actor=w.leader, engine=w.engine),
    "commune A undoes commune B's upload": lambda w: undo_upload(
        w.dong_thap_upload, actor=w.tho_an, engine=w.engine),
    "agency undoes a commune's upload": lambda w: undo_upload(
        w.dong_thap_upload, actor=w.cq05, engine=w.engine),
    "commune A's follow-up list of commune B": lambda w: follow_up.residents_to_visit(
        w.tho_an, w.dong_thap.commune_id, engine=w.engine),
    "commune A's follow-up file of commune B": lambda w: follow_up.residents_workbook(
        w.tho_an, w.dong_thap.commune_id, engine=w.engine),
    "leader's follow-up list": lambda w: follow_up.residents_to_visit(
        w.leader, w.tho_an.commune_id, engine=w.engine),
    "leader's staff follow-up list": lambda w: follow_up.staff_to_visit(
        w.leader, w.cq05.agency_id, engine=w.engine),
    "agency's follow-up list of a commune": lambda w: follow_up.residents_to_visit(
        w.cq05, w.tho_an.commune_id, engine=w.engine),
    "agency A's follow-up list of agency B": lambda w: follow_up.staff_to_visit(
        w.cq05, w.cq06.agency_id, engine=w.engine),
    "agency A's follow-up file of agency B": lambda w: follow_up.staff_workbook(
        w.cq05, w.cq06.agency_id, engine=w.engine),
    "commune's staff follow-up list": lambda w: follow_up.staff_to_visit(
        w.tho_an, w.cq05.agency_id, engine=w.engine),
    "commune A's roster template of commune B": lambda w: templates.resident_roster_template(
        w.tho_an, w.dong_thap.commune_id, engine=w.engine),
    "commune A's count template of commune B": lambda w: templates.count_report_template(
        w.tho_an, w.dong_thap.commune_id, engine=w.engine),
    "agency A's template of agency B": lambda w: templates.staff_roster_template(
        w.cq05, w.cq06.agency_id, engine=w.engine),
    "leader's template": lambda w: templates.resident_roster_template(
        w.leader, w.tho_an.commune_id, engine=w.engine),
    "commune lists accounts": lambda w: accounts.list_accounts(w.tho_an, engine=w.engine),
    "leader creates an account": lambda w: accounts.create_account(
        w.leader, "moi", "admin", engine=w.engine),
    "commune resets a password": lambda w: accounts.reset_password(
        w.tho_an, "lanhdao", engine=w.engine),
    "agency disables an account": lambda w: accounts.set_active(
        w.cq05, "lanhdao", False, engine=w.engine),
    "leader reads the audit log": lambda w: accounts.audit_log(w.leader, engine=w.engine),
    "commune lists the directory": lambda w: admin.list_units(w.tho_an, "cluster", engine=w.engine),
    "commune edits its own commune": lambda w: admin.update_unit(
        w.tho_an, "commune", w.tho_an.commune_id, {"name": "Thọ An Mới"}, engine=w.engine),
    "leader closes a commune": lambda w: admin.close_unit(
        w.leader, "commune", w.tho_an.commune_id, date(2024, 9, 1), engine=w.engine),
    "agency reopens a unit": lambda w: admin.reopen_unit(
        w.cq05, "agency", w.cq05.agency_id, engine=w.engine),
    "leader edits a campaign": lambda w: admin.update_campaign(
        w.leader, "residents", name="X", start=date(2024, 7, 5), deadline=date(2024, 8, 30),
        target_pct=100, engine=w.engine),
}


@pytest.mark.parametrize("case", OUT_OF_SCOPE)
def test_every_service_refuses_an_out_of_scope_call(world, case):
    before = table_counts(world.engine)
    with pytest.raises(ScopeRefused):
        OUT_OF_SCOPE[case](world)
    assert table_counts(world.engine) == before


# Files whose content lies outside the account's scope: (file, who uploads it, the refusal says).
OUT_OF_SCOPE_FILES = {
    "a commune file titled with another commune": (
        count_report([["Cụm 1", 5, 5]], title="UBND XÃ ĐỒNG THÁP"), "tho_an", "Tiêu đề"),
    "a roster whose commune column names another commune": (
        xlsx_bytes(("DS", [["Họ và tên", "Xã", "Thôn", "Đã tạo tài khoản"],
                           ["An", "Thọ An", "Cụm 1", "x"], ["Bình", "Đồng Tháp", "Cụm 1", "x"]])),
        "tho_an", "ngoài xã"),
    "a unit directory from a commune": (
        xlsx_bytes(("Thon", [["Mã xã", "Xã", "Thôn", "Số hộ", "Chỉ tiêu"],
                             ["THOAN", "Thọ An", "Cụm 1", 400, 999]])), "tho_an", "loại bảng"),
    "a staff roster from a commune": (staff_roster("Phòng Văn hóa và Thông tin"), "tho_an",
                                      "loại bảng"),
    "a resident roster from an agency": (
        roster([["An", "001000000001", "Cụm 1", "x", "x", ""]]), "cq05", "loại bảng"),
    "a staff roster naming another agency": (
        xlsx_bytes(("DS", [["Họ tên", "Đơn vị", "Đã tạo tài khoản"],
                           ["Bình", "Phòng Giáo dục và Đào tạo", "x"]])), "cq05", "cơ quan, đơn vị khác"),
    "an agency count report naming a cluster": (
        count_report([["Cụm 1", 5, 5]], title="UBND XÃ THỌ AN"), "cq05", "cơ quan, đơn vị khác"),
}


@pytest.mark.parametrize("case", OUT_OF_SCOPE_FILES)
@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "import"])
def test_files_outside_the_accounts_scope_are_refused_and_write_nothing(world, case, dry_run):
    data, who, message = OUT_OF_SCOPE_FILES[case]
    before = table_counts(world.engine)
    outcome = import_file(data, "tep.xlsx", actor=getattr(world, who), dry_run=dry_run,
                          engine=world.engine)
    assert outcome.status == "refused" and message in outcome.message
    assert outcome.rows_accepted == 0 and outcome.changes == []
    assert table_counts(world.engine) == before


def test_in_scope_calls_are_allowed(world):
    """The control: the same services answer their own unit's account."""
    w = world
    assert follow_up.residents_to_visit(w.dong_thap, w.dong_thap.commune_id, engine=w.engine) == []
    assert follow_up.staff_to_visit(w.cq05, w.cq05.agency_id, engine=w.engine) == []
    assert templates.staff_roster_template(w.cq05, w.cq05.agency_id, engine=w.engine).data
    assert [u.id for u in list_uploads(actor=w.dong_thap, engine=w.engine)] == [w.dong_thap_upload]
    assert list_uploads(actor=w.tho_an, engine=w.engine) == []
    assert list_uploads(actor=w.cq05, engine=w.engine) == []
    assert [u.id for u in list_uploads(actor=w.admin, engine=w.engine)] == [w.dong_thap_upload]
    assert [c.code for c in admin.communes_in_scope(w.tho_an, engine=w.engine)] == ["THOAN"]
    assert admin.communes_in_scope(w.leader, engine=w.engine) == []
    assert admin.agencies_in_scope(w.tho_an, engine=w.engine) == []
    assert [a.code for a in admin.agencies_in_scope(w.cq05, engine=w.engine)] == ["CQ05"]
    assert "Đã hoàn tác" in undo_upload(w.dong_thap_upload, actor=w.dong_thap, engine=w.engine)


def test_a_commune_accounts_file_is_its_communes_whatever_it_says(world):
    """No title, no commune column: the rows are matched in the account's own commune."""
    outcome = import_file(count_report([["Cụm 12", 50, 40]], title="BÁO CÁO"), "bc.xlsx",
                          actor=world.tho_an, as_of=date(2024, 8, 6), engine=world.engine)
    assert (outcome.status, outcome.commune) == ("imported", "THOAN")
    [upload] = list_uploads(actor=world.tho_an, engine=world.engine)
    assert (upload.id, upload.username) == (outcome.upload_id, "xa.thoan")


def test_a_title_naming_the_district_is_not_another_commune(world):
    outcome = import_file(count_report([["Cụm 12", 50, 40]], title="UBND HUYỆN ĐAN PHƯỢNG"),
                          "bc.xlsx", actor=world.tho_an, as_of=date(2024, 8, 6), engine=world.engine)
    assert (outcome.status, outcome.commune) == ("imported", "THOAN")


# ---------------------------------------------------------------- people and files of another commune
# (issue 10: a clerk's preview revealed, and the confirm moved, another commune's people; the same
# content check answered about another commune's upload.)

HONG_HA_PEOPLE = [["Lê Thị Hoa", "001000000777", "Cụm 1", "x", "x", ""],
                  ["Đỗ Văn Nam", "001000000778", "Cụm 2", "x", "x", ""]]
GUESSED = [["Tên Gõ Bừa", "001000000777", "Cụm 1", "x", "x", ""],   # Hồng Hà's citizen IDs,
           ["Tên Khác", "001000000778", "Cụm 1", "x", "x", ""]]    # names the clerk typed


def hong_ha_figures(engine, day):
    return {c.code: (c.registered, c.installed)
            for c in progress(day, engine=engine).clusters if c.code.startswith("HONGHA-")}


@pytest.fixture
def hong_ha(world):
    clerk = account(world.engine, "xa.hongha", "commune", commune="HONGHA")
    done = import_file(roster(HONG_HA_PEOPLE, title="UBND XÃ HỒNG HÀ"), "hh.xlsx", actor=clerk,
                       as_of=date(2024, 8, 5), engine=world.engine)
    assert done.status == "imported"
    return clerk


def test_a_preview_with_guessed_citizen_ids_reveals_nothing_of_another_commune(world, hong_ha):
    preview = import_file(roster(GUESSED), "doan.xlsx", actor=world.tho_an, dry_run=True,
                          preview=True, as_of=date(2024, 8, 9), engine=world.engine)
    assert preview.status == "checked"
    # Two new people of Thọ An's Cụm 1; Hồng Hà's clusters are neither listed nor changed.
    assert [(c.code, c.before.registered, c.after.registered) for c in preview.changes] == [
        ("THOAN-01", 0, 2)]
    assert "Hồng Hà" not in str(preview.as_json())


def test_confirming_guessed_citizen_ids_moves_nobody_out_of_another_commune(world, hong_ha):
    day = date(2024, 8, 9)
    before = hong_ha_figures(world.engine, day)
    assert (before["HONGHA-01"], before["HONGHA-02"]) == ((1, 1), (1, 1))
    done = import_file(roster(GUESSED), "doan.xlsx", actor=world.tho_an, as_of=day,
                       engine=world.engine)
    assert done.status == "imported"
    assert hong_ha_figures(world.engine, day) == before
    tho_an = {c.code: c.registered for c in progress(day, engine=world.engine).clusters}
    assert tho_an["THOAN-01"] == 2
    # Hồng Hà's own next roster still updates its own people (recognised within Hồng Hà).
    import_file(roster([["Lê Thị Hoa", "001000000777", "Cụm 3", "x", "x", ""]],
                       title="UBND XÃ HỒNG HÀ"), "hh2.xlsx", actor=hong_ha,
                as_of=date(2024, 8, 10), engine=world.engine)
    after = hong_ha_figures(world.engine, date(2024, 8, 10))
    assert (after["HONGHA-01"], after["HONGHA-03"]) == ((0, 0), (1, 1))


@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "import"])
def test_another_communes_exact_file_is_refused_without_naming_its_upload(world, dry_run):
    data = count_report([["Cụm 3", 100, 90]])  # titled UBND XÃ ĐỒNG THÁP
    theirs = import_file(data, "dt.xlsx", actor=world.dong_thap, as_of=date(2024, 8, 5),
                         engine=world.engine).upload_id
    assert import_file(data, "dt.xlsx", actor=world.dong_thap, as_of=date(2024, 8, 5),
                       dry_run=True, engine=world.engine).previous_upload_id == theirs
    outcome = import_file(data, "dt.xlsx", actor=world.tho_an, as_of=date(2024, 8, 5),
                          dry_run=dry_run, engine=world.engine)
    assert outcome.status == "refused" and "Tiêu đề" in outcome.message
    assert outcome.upload_id is None and outcome.previous_upload_id is None
    assert str(theirs) not in outcome.message and "đã được nhập" not in outcome.message


def test_the_same_untitled_file_of_two_communes_is_each_communes_own(world):
    """One live upload per content and unit: the file says nothing of a commune, so each clerk's
    upload is their own commune's figures, and neither learns of the other's."""
    data = count_report([["Cụm 2", 40, 30]], title="BÁO CÁO")
    first = import_file(data, "a.xlsx", actor=world.dong_thap, as_of=date(2024, 8, 6),
                        engine=world.engine)
    check = import_file(data, "a.xlsx", actor=world.tho_an, as_of=date(2024, 8, 6), dry_run=True,
                        engine=world.engine)
    assert check.previous_upload_id is None and "đã được nhập" not in check.message
    second = import_file(data, "a.xlsx", actor=world.tho_an, as_of=date(2024, 8, 6),
                         engine=world.engine)
    assert [(o.status, o.commune) for o in (first, second)] == [("imported", "DONGTHAP"),
                                                                ("imported", "THOAN")]
    again = import_file(data, "a.xlsx", actor=world.tho_an, as_of=date(2024, 8, 6),
                        engine=world.engine)
    assert (again.status, again.upload_id) == ("unchanged", second.upload_id)


def test_a_preview_lists_only_the_units_in_the_accounts_scope(world):
    """An account sees its own units only: the scope the preview is filtered by."""
    from services.units import load_directory
    from db import session_scope
    with session_scope(world.engine) as session:
        units = load_directory(session)
    wanted = {("cluster", "THOAN-01"), ("cluster", "HONGHA-01"), ("agency", "CQ05")}
    assert wanted & scope.units_in_scope(world.tho_an, units) == {("cluster", "THOAN-01")}
    assert wanted & scope.units_in_scope(world.cq05, units) == {("agency", "CQ05")}
    assert scope.units_in_scope(world.admin, units) is None
