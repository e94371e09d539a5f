"""Danh sách cần vận động: who is listed and not registered, by the latest roster; printable files."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from db import session_scope
from models import RosterEntry
from services.admin import find_agency, find_commune
from services.follow_up import residents_to_visit, residents_workbook, staff_to_visit, staff_workbook
from services.imports import import_file
from tests.accounts_helpers import account
from services.progress import progress
from tests.workbooks import roster, xlsx_bytes


@pytest.fixture
def clerk(district):
    return account(district, "xa.thoan", "commune", commune="THOAN")


def names(people) -> list[tuple[str, str]]:
    return [(p.unit, p.full_name) for p in people]


def test_lists_the_not_registered_of_the_latest_roster_by_cluster(district, clerk):
    import_file(roster([["Nguyễn Văn An", "001000000001", "Cụm 10", "x", "x", ""],
                        ["Trần Thị Bình", "001000000002", "Cụm 2", "x", "", ""],
                        ["Lê Văn Cường", "001000000003", "Cụm 10", "", "", ""],
                        ["Đỗ Thị Dung", "001000000004", "Cụm 2", "", "", ""]]),
                "v1.xlsx", as_of=date(2024, 8, 2), engine=district)
    people = residents_to_visit(clerk, clerk.commune_id, engine=district)
    assert names(people) == [("Cụm 2", "Đỗ Thị Dung"), ("Cụm 2", "Trần Thị Bình"),
                             ("Cụm 10", "Lê Văn Cường")]
    bình = people[1]
    assert (bình.installed, bình.listed_on, bình.phone) == (True, date(2024, 8, 2), None)
    import_file(roster([["Trần Thị Bình", "001000000002", "Cụm 2", "x", "x", "05/08/2024"]]),
                "v2.xlsx", as_of=date(2024, 8, 9), engine=district)
    assert names(residents_to_visit(clerk, clerk.commune_id, engine=district)) == \
        [("Cụm 2", "Đỗ Thị Dung"), ("Cụm 10", "Lê Văn Cường")]
    assert names(residents_to_visit(clerk, clerk.commune_id, cluster="Cụm 10", engine=district)) == \
        [("Cụm 10", "Lê Văn Cường")]


def test_other_communes_residents_are_not_listed(district, clerk):
    import_file(roster([["Ngô Văn Em", "001000000009", "Cụm 1", "", "", ""]],
                       title="UBND XÃ ĐỒNG THÁP"), "dt.xlsx", as_of=date(2024, 8, 2), engine=district)
    assert residents_to_visit(clerk, clerk.commune_id, engine=district) == []
    admin = account(district, "quantri", "admin")
    dong_thap = find_commune("DONGTHAP", engine=district)
    assert names(residents_to_visit(admin, dong_thap.id, engine=district)) == [("Cụm 1", "Ngô Văn Em")]


def test_printable_file_has_one_sheet_per_cluster_with_its_people(district, clerk):
    import_file(roster([["Nguyễn Văn An", "001000000001", "Cụm 1", "", "", ""],
                        ["Trần Thị Bình", "001000000002", "Cụm 3", "x", "", ""]]),
                "v1.xlsx", as_of=date(2024, 8, 2), engine=district)
    book = load_workbook(io.BytesIO(residents_workbook(clerk, clerk.commune_id, engine=district).data))
    assert book.sheetnames == ["Cụm 1", "Cụm 3"]
    sheet = book["Cụm 3"]
    assert sheet["A2"].value == "Cụm 3 — Xã Thọ An"
    assert [c.value for c in sheet[4]] == ["STT", "Họ và tên", "Ngày sinh", "Số điện thoại",
                                           "Đã cài đặt", "Đã tạo tài khoản", "Mã tham chiếu",
                                           "Ghi chú"]
    assert [c.value for c in sheet[5]][:6] == [1, "Trần Thị Bình", None, None, "Có", "Chưa"]
    assert re.fullmatch(r"[A-Z2-7]{5}-[A-Z2-7]{5}", sheet["G5"].value)
    assert "001000000002" not in sheet["G5"].value
    assert sheet.print_title_rows == "$4:$4" and sheet.page_setup.fitToWidth == 1


def test_exports_neutralise_formula_injection(district, clerk):
    text_cells = ('Họ và tên;Số CCCD;Thôn;Đã cài đặt\n'
                  '"=HYPERLINK(""http://evil.example"",""Bấm vào"")";001000000001;Cụm 1;\n'
                  '@SUM(1+1);001000000002;Cụm 1;\n-2+3;001000000003;Cụm 1;\n')
    outcome = import_file(text_cells.encode(), "v1.csv", actor=clerk, as_of=date(2024, 8, 2),
                          engine=district)
    assert outcome.rows_accepted == 3, outcome.errors
    export = residents_workbook(clerk, clerk.commune_id, engine=district)
    sheet = load_workbook(io.BytesIO(export.data))["Cụm 1"]
    cells = [sheet.cell(row=r, column=2) for r in (5, 6, 7)]
    assert {c.value for c in cells} == {'=HYPERLINK("http://evil.example","Bấm vào")', "@SUM(1+1)",
                                        "-2+3"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    xml = zipfile.ZipFile(io.BytesIO(export.data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml  # no formula anywhere in the file


def test_agency_staff_not_registered_and_its_file(district):
    staff = xlsx_bytes(("Danh sách", [
        ["Phòng Văn hóa và Thông tin"], [],
        ["STT", "Họ tên", "Chức vụ", "SĐT", "Đã cài đặt", "Đã tạo tài khoản"],
        [1, "Phạm Thu Bình", "Chuyên viên", "0912000111", "x", "x"],
        [2, "Vũ Minh Tuấn", "Trưởng phòng", "0912000222", "", ""]]))
    clerk = account(district, "vanthu.cq05", "agency", agency="CQ05")
    import_file(staff, "cq.xlsx", actor=clerk, as_of=date(2024, 7, 10), engine=district)
    cq05 = find_agency("CQ05", engine=district)
    [tuấn] = staff_to_visit(clerk, cq05.id, engine=district)
    assert (tuấn.full_name, tuấn.position, tuấn.phone, tuấn.installed) == \
        ("Vũ Minh Tuấn", "Trưởng phòng", "0912000222", False)
    sheet = load_workbook(io.BytesIO(staff_workbook(clerk, cq05.id, engine=district).data)).active
    assert [c.value for c in sheet[5]][:5] == [1, "Vũ Minh Tuấn", "Trưởng phòng", None, "0912000222"]


def test_nobody_to_visit_gives_an_empty_list_and_a_file_that_says_so(district, clerk):
    assert residents_to_visit(clerk, clerk.commune_id, engine=district) == []
    sheet = load_workbook(io.BytesIO(residents_workbook(clerk, clerk.commune_id,
                                                        engine=district).data)).active
    assert sheet["A5"].value == "Không còn ai cần vận động."


def people_known(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count(func.distinct(RosterEntry.person_key)))).scalar_one()


def filled_in(export: bytes, sheet_name: str, registered: list[str]) -> bytes:
    """The printed list as a team fills it: `x` under "Đã tạo tài khoản" for these people."""
    book = load_workbook(io.BytesIO(export))
    sheet = book[sheet_name]
    header = [c.value for c in sheet[4]]
    for row in sheet.iter_rows(min_row=5):
        if row[header.index("Họ và tên")].value in registered:
            row[header.index("Đã tạo tài khoản")].value = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_filled_list_uploaded_again_updates_the_same_people_and_shrinks(district, clerk):
    """Issue 12 item 2: the list carries each person's reference; uploaded again it is a roster of
    the same people (none new, though it has no citizen ID), and the two marked leave the list."""
    people = [["Nguyễn Văn An", "001000000001", "Cụm 1", "", "", ""],
              ["Trần Thị Bình", "001000000002", "Cụm 1", "x", "", ""],
              ["Lê Văn Cường", "001000000003", "Cụm 1", "", "", ""],
              ["Đỗ Thị Dung", "001000000004", "Cụm 1", "", "", ""],
              ["Ngô Văn Em", "001000000005", "Cụm 1", "x", "x", ""]]
    import_file(roster(people), "v1.xlsx", actor=clerk, as_of=date(2024, 8, 2), engine=district)
    assert len(residents_to_visit(clerk, clerk.commune_id, engine=district)) == 4
    known = people_known(district)
    export = residents_workbook(clerk, clerk.commune_id, engine=district).data
    filled = filled_in(export, "Cụm 1", ["Trần Thị Bình", "Đỗ Thị Dung"])

    preview = import_file(filled, "can-van-dong.xlsx", actor=clerk, as_of=date(2024, 8, 9),
                          dry_run=True, preview=True, engine=district)
    assert (preview.status, preview.kind, preview.rows_accepted, preview.warnings) == \
        ("checked", "residents", 4, [])
    [change] = preview.changes
    assert (change.code, change.before.registered, change.after.registered) == ("THOAN-01", 1, 3)

    done = import_file(filled, "can-van-dong.xlsx", actor=clerk, as_of=date(2024, 8, 9),
                       engine=district)
    assert done.status == "imported"
    assert people_known(district) == known == 5
    cluster = next(c for c in progress(date(2024, 8, 9), engine=district).clusters
                   if c.code == "THOAN-01")
    assert cluster.registered == 3
    assert names(residents_to_visit(clerk, clerk.commune_id, engine=district)) == \
        [("Cụm 1", "Lê Văn Cường"), ("Cụm 1", "Nguyễn Văn An")]


def test_a_staff_list_filled_in_updates_the_same_staff(district):
    staff = xlsx_bytes(("Danh sách", [
        ["Phòng Văn hóa và Thông tin"], [],
        ["STT", "Họ tên", "Chức vụ", "Số CCCD", "Đã cài đặt", "Đã tạo tài khoản"],
        [1, "Phạm Thu Bình", "Chuyên viên", "001000000011", "", ""],
        [2, "Vũ Minh Tuấn", "Trưởng phòng", "001000000012", "", ""]]))
    clerk = account(district, "vanthu.cq05", "agency", agency="CQ05")
    import_file(staff, "cq.xlsx", actor=clerk, as_of=date(2024, 7, 10), engine=district)
    cq05 = find_agency("CQ05", engine=district)
    export = staff_workbook(clerk, cq05.id, engine=district).data
    done = import_file(filled_in(export, "Danh sách", ["Vũ Minh Tuấn"]), "lai.xlsx", actor=clerk,
                       as_of=date(2024, 7, 15), engine=district)
    assert (done.status, done.kind, done.warnings) == ("imported", "staff", [])
    assert people_known(district) == 2
    assert [p.full_name for p in staff_to_visit(clerk, cq05.id, engine=district)] == ["Phạm Thu Bình"]


def test_a_reference_of_another_commune_is_not_recognised_and_changes_nothing_there(district, clerk):
    import_file(roster([["Ngô Văn Em", "001000000009", "Cụm 1", "", "", ""]],
                       title="UBND XÃ ĐỒNG THÁP"), "dt.xlsx", as_of=date(2024, 8, 2), engine=district)
    admin = account(district, "quantri", "admin")
    dong_thap = find_commune("DONGTHAP", engine=district)
    export = residents_workbook(admin, dong_thap.id, engine=district).data
    book = load_workbook(io.BytesIO(export))
    book["Cụm 1"]["F5"] = "x"
    book["Cụm 1"]["A2"] = "Cụm 1"  # the team of Thọ An's Cụm 1 sends it as its own
    buffer = io.BytesIO()
    book.save(buffer)
    done = import_file(buffer.getvalue(), "nham.xlsx", actor=clerk, as_of=date(2024, 8, 9),
                       engine=district)
    assert done.status == "imported"
    assert [w.code for w in done.warnings] == ["unknown-reference"]
    assert done.warnings[0].column == "Mã tham chiếu"
    assert names(residents_to_visit(admin, dong_thap.id, engine=district)) == [("Cụm 1", "Ngô Văn Em")]
    assert people_known(district) == 2  # Thọ An's own new person, Đồng Tháp's untouched


def test_the_reference_tells_namesakes_apart(district, clerk):
    """Two people of one name in one cluster, no birth date or phone on the list: the reference
    alone says which of them was marked."""
    import_file(roster([["Nguyễn Văn An", "001000000001", "Cụm 1", "", "", ""],
                        ["Nguyễn Văn An", "001000000002", "Cụm 1", "", "", ""]]),
                "v1.xlsx", actor=clerk, as_of=date(2024, 8, 2), engine=district)
    export = residents_workbook(clerk, clerk.commune_id, engine=district).data
    book = load_workbook(io.BytesIO(export))
    sheet = book["Cụm 1"]
    marked, kept = sheet["G5"].value, sheet["G6"].value
    sheet["F5"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    done = import_file(buffer.getvalue(), "lai.xlsx", actor=clerk, as_of=date(2024, 8, 9),
                       engine=district)
    assert (done.status, done.rows_accepted, done.warnings) == ("imported", 2, [])
    assert people_known(district) == 2
    assert [p.reference for p in residents_to_visit(clerk, clerk.commune_id, engine=district)] \
        == [kept] != [marked]
