"""Figures checked against the platform's account list (kind `accounts`), counted by hand.

Thọ An's roster (dated 10/8) and the two account lists below:
- Cụm 1: An (ID, reg. 1/8), Bình (phone only, 2/8), Cường (ID + phone, 2/8), Dung (ID, 4/8);
- Cụm 2: Em (ID, 3/8), Giang (ID, not registered), Hà (ID, 7/8).
List 1 (5/8): An by ID (made 1/8), Bình by phone (3/8).
List 2 (10/8): An, Bình, Cường by phone only (2/8), Giang (5/8), Hà (9/8), one Thọ An account on no
roster, six Đồng Tháp accounts on no roster, one account naming no commune on no roster.
Đồng Tháp sends counts only (8/8): Cụm 1: 10, Cụm 2: 4.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db import session_scope
from models import AccountEntry, Upload
from services.follow_up import residents_to_visit
from services.imports import import_file
from services.uploads import undo_upload
from services.verification import verification
from tests.accounts_helpers import account
from tests.workbooks import count_report, xlsx_bytes

HEADER = ["STT", "Họ và tên", "Số CCCD", "Số điện thoại", "Thôn", "Đã cài đặt", "Đã tạo tài khoản",
          "Ngày tạo tài khoản"]
PEOPLE = [["An", "001000000001", "", "Cụm 1", "x", "x", "01/08/2024"],
          ["Bình", "", "0912000002", "Cụm 1", "x", "x", "02/08/2024"],
          ["Cường", "001000000003", "0912000003", "Cụm 1", "x", "x", "02/08/2024"],
          ["Dung", "001000000004", "", "Cụm 1", "x", "x", "04/08/2024"],
          ["Em", "001000000005", "", "Cụm 2", "x", "x", "03/08/2024"],
          ["Giang", "001000000006", "", "Cụm 2", "", "", ""],
          ["Hà", "001000000007", "", "Cụm 2", "x", "x", "07/08/2024"]]
ACCOUNTS = ["STT", "Họ và tên", "Số CCCD", "Số điện thoại", "Xã", "Ngày tạo tài khoản"]
LIST_1 = [["An", "001000000001", "", "Thọ An", "01/08/2024"],
          ["Bình", "", "0912000002", "Thọ An", "03/08/2024"]]
LIST_2 = LIST_1 + [["Cường", "", "0912000003", "", "02/08/2024"],
                   ["Giang", "001000000006", "", "Thọ An", "05/08/2024"],
                   ["Hà", "001000000007", "", "Thọ An", "09/08/2024"],
                   ["Khách", "001000000200", "", "Thọ An", "01/08/2024"]] + \
    [[f"Người {n}", f"001000000{100 + n}", "", "Đồng Tháp", "01/08/2024"] for n in range(6)] + \
    [["Lạ", "", "0988000013", "", "01/08/2024"]]


_made: dict[str, bytes] = {}


def sheet(header, rows, title):
    """The same rows give the same bytes (openpyxl stamps each save with the time of day)."""
    key = repr((header, rows, title))
    if key not in _made:
        _made[key] = xlsx_bytes(("Danh sách", [[title], [], header]
                                 + [[i + 1, *r] for i, r in enumerate(rows)]))
    return _made[key]


@pytest.fixture
def checked(district):
    import_file(sheet(HEADER, PEOPLE, "UBND XÃ THỌ AN"), "tho-an.xlsx", as_of=date(2024, 8, 10),
                engine=district)
    import_file(count_report([["Cụm 1", 10, 10], ["Cụm 2", 4, 4]]), "dong-thap.xlsx",
                as_of=date(2024, 8, 8), engine=district)
    first = import_file(sheet(ACCOUNTS, LIST_1, "DANH SÁCH TÀI KHOẢN"), "tk-1.xlsx",
                        as_of=date(2024, 8, 5), engine=district)
    second = import_file(sheet(ACCOUNTS, LIST_2, "DANH SÁCH TÀI KHOẢN"), "tk-2.xlsx",
                         as_of=date(2024, 8, 10), engine=district)
    assert (first.status, first.kind, second.status, second.rows_accepted) == \
        ("imported", "accounts", "imported", 13)
    return district, second.upload_id


def figures(rows, codes=None):
    return {r.code: (r.reported, r.verified, r.gap) for r in rows if codes is None or r.code in codes}


def test_verified_per_cluster_commune_and_district_with_the_gap(checked):
    engine, _ = checked
    v = verification(date(2024, 8, 10), engine=engine)
    assert v.list_date == date(2024, 8, 10)
    assert figures(v.clusters, {"THOAN-01", "THOAN-02", "THOAN-03", "DONGTHAP-01"}) == {
        "THOAN-01": (4, 3, 1), "THOAN-02": (2, 1, 1), "THOAN-03": (0, None, None),
        "DONGTHAP-01": (10, None, None)}
    thọ_an, đồng_tháp = v.commune("THOAN"), v.commune("DONGTHAP")
    assert (thọ_an.reported, thọ_an.verified, thọ_an.gap, thọ_an.unmatched) == (6, 4, 2, 1)
    # counts only: the six accounts the list places in Đồng Tháp stand for its 14
    assert (đồng_tháp.reported, đồng_tháp.verified, đồng_tháp.gap, đồng_tháp.unmatched) == (14, 6, 8, 6)
    residents = next(c for c in v.campaigns if c.code == "residents")
    assert (residents.reported, residents.verified, residents.gap) == (20, 10, 10)
    assert v.unmatched == 8
    assert [r.code for r in v.by_gap()[:3]] == ["DONGTHAP", "THOAN", "THOAN-01"]


def test_an_older_list_holds_until_the_newer_one_and_accounts_count_from_their_date(checked):
    engine, _ = checked
    # before the first list's date: the first list, its accounts from their own dates
    assert figures(verification(date(2024, 8, 2), engine=engine).clusters, {"THOAN-01"}) == \
        {"THOAN-01": (3, 1, 2)}  # An, Bình, Cường reported; Bình's account made 3/8
    on_6 = verification(date(2024, 8, 6), engine=engine)
    assert on_6.list_date == date(2024, 8, 5)
    assert figures(on_6.clusters, {"THOAN-01", "THOAN-02"}) == {"THOAN-01": (4, 2, 2),
                                                                "THOAN-02": (1, 0, 1)}


def test_undoing_the_newer_list_brings_back_the_older(checked):
    engine, second = checked
    undo_upload(second, engine=engine)
    v = verification(date(2024, 8, 10), engine=engine)
    assert v.list_date == date(2024, 8, 5)
    assert figures(v.clusters, {"THOAN-01", "THOAN-02"}) == {"THOAN-01": (4, 2, 2),
                                                             "THOAN-02": (2, 0, 2)}
    assert v.unmatched == 0


def test_no_list_no_verification(district):
    import_file(sheet(HEADER, PEOPLE, "UBND XÃ THỌ AN"), "tho-an.xlsx", as_of=date(2024, 8, 10),
                engine=district)
    assert verification(date(2024, 8, 10), engine=district) is None


def test_reported_registered_without_an_account_are_to_check_on_the_follow_up_list(checked):
    engine, _ = checked
    clerk = account(engine, "xa.thoan", "commune", commune="THOAN")
    people = {p.full_name: p.note for p in residents_to_visit(clerk, clerk.commune_id, engine=engine)}
    assert people == {"Dung": "Cần kiểm tra", "Em": "Cần kiểm tra", "Giang": ""}


def test_a_commune_or_agency_account_sees_its_own_units_only(checked):
    engine, _ = checked
    clerk = account(engine, "xa.thoan", "commune", commune="THOAN")
    mine = verification(date(2024, 8, 10), actor=clerk, engine=engine)
    assert [c.code for c in mine.communes] == ["THOAN"]
    assert {c.code[:5] for c in mine.clusters} == {"THOAN"} and len(mine.clusters) == 12
    assert (mine.campaigns, mine.agencies, mine.unmatched) == ([], [], 0)
    clerk = account(engine, "vanthu.cq05", "agency", agency="CQ05")
    theirs = verification(date(2024, 8, 10), actor=clerk, engine=engine)
    assert ([a.code for a in theirs.agencies], theirs.communes, theirs.clusters) == (["CQ05"], [], [])


def test_only_the_admin_imports_a_list_and_nobody_else_sees_it(checked):
    engine, _ = checked
    clerk = account(engine, "xa.thoan", "commune", commune="THOAN")
    outcome = import_file(sheet(ACCOUNTS, LIST_1, "DANH SÁCH"), "tk-3.xlsx", engine=engine,
                          actor=clerk)
    assert outcome.status == "refused"
    from services.uploads import list_uploads
    assert all(u.kind != "accounts" for u in list_uploads(actor=clerk, engine=engine))


def test_same_content_dry_run_and_identifiers_never_in_clear(checked):
    engine, second = checked
    again = import_file(sheet(ACCOUNTS, LIST_2, "DANH SÁCH TÀI KHOẢN"), "tk-2-lai.xlsx",
                        as_of=date(2024, 8, 10), engine=engine)
    assert (again.status, again.upload_id) == ("unchanged", second)
    dry = import_file(sheet(ACCOUNTS, LIST_2 + [["Mới", "001000000300", "", "", "10/08/2024"]],
                            "DANH SÁCH"), "tk-4.xlsx", as_of=date(2024, 8, 11), dry_run=True,
                      engine=engine)
    assert (dry.status, dry.rows_accepted) == ("checked", 14)
    with session_scope(engine) as session:
        assert session.execute(select(Upload).where(Upload.file_name == "tk-4.xlsx")).first() is None
        rows = session.execute(select(AccountEntry).where(AccountEntry.upload_id == second)).scalars().all()
        stored = " ".join(f"{r.id_key} {r.phone_key}" for r in rows)
    assert len(rows) == 13
    for value in ("001000000001", "0912000002", "0988000013"):
        assert value not in stored


def test_the_city_workbook_gets_verified_and_gap_columns(checked):
    import io

    from openpyxl import load_workbook

    from services.city_report import HEADER_ROW, workbook
    engine, _ = checked
    _, data = workbook(date(2024, 8, 10), engine=engine)
    sheet = load_workbook(io.BytesIO(data))["Người dân"]
    headers = [c.value for c in sheet[HEADER_ROW]]
    assert headers[-2:] == ["Hệ thống xác nhận", "Chênh lệch"]
    rows = {r[1]: r[-2:] for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    assert rows["Thọ An"] == (4, 2) and rows["Đồng Tháp"] == (6, 8)
    assert rows["Tổng cộng toàn huyện"] == (10, 10)
