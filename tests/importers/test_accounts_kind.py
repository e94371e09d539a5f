"""The platform's account list, the fifth kind (spec: "Kinds of table", kind `accounts`)."""
from __future__ import annotations

from datetime import date

import pytest

from importers.report import AccountRow, FileRefused
from tests.importers.books import one_sheet

HEADER = ["STT", "Họ và tên", "Số CCCD", "Số điện thoại", "Xã", "Ngày tạo tài khoản"]


def test_an_id_or_phone_with_an_account_date_and_no_yes_no_column_is_an_account_list(tmp_path):
    parsed = one_sheet(tmp_path, [["DANH SÁCH TÀI KHOẢN iHaNoi"], HEADER,
                                  [1, "Nguyễn Văn An", "001090000001", "0912345678", "Thọ An",
                                   "12/08/2024"],
                                  [2, "Lê Thị Hoa", "", "0987 654 321", "", "13/8/2024"]])
    assert parsed.kind == "accounts"
    assert parsed.rows == [
        AccountRow("Sheet1", 3, "001090000001", "0912345678", date(2024, 8, 12), "Thọ An"),
        AccountRow("Sheet1", 4, None, "0987654321", date(2024, 8, 13), None)]


def test_a_phone_column_alone_with_the_date_is_enough(tmp_path):
    parsed = one_sheet(tmp_path, [["SĐT", "Ngày đăng ký"], ["0912345678", "01/08/2024"]])
    assert parsed.kind == "accounts" and parsed.rows[0].phone == "0912345678"


def test_a_yes_no_column_makes_it_a_roster_not_an_account_list(tmp_path):
    parsed = one_sheet(tmp_path, [["Họ và tên", "Số CCCD", "Ngày tạo tài khoản", "Đã tạo tài khoản"],
                                  ["An", "001090000001", "01/08/2024", "x"]])
    assert parsed.kind == "residents"


def test_chosen_with_kind_accounts_the_date_may_be_missing(tmp_path):
    parsed = one_sheet(tmp_path, [["Họ và tên", "Số CCCD"], ["An", "001090000001"]], kind="accounts")
    assert parsed.kind == "accounts"
    assert (parsed.rows[0].citizen_id, parsed.rows[0].created_on) == ("001090000001", None)


def test_kind_accounts_without_an_identifier_column_is_refused_naming_its_columns(tmp_path):
    with pytest.raises(FileRefused) as caught:
        one_sheet(tmp_path, [["Họ và tên", "Ngày tạo tài khoản"], ["An", "01/08/2024"]],
                  kind="accounts")
    assert "danh sách tài khoản" in caught.value.message and "Số CCCD" in caught.value.message


def test_row_problems_no_identifier_unreadable_date_duplicate(tmp_path):
    parsed = one_sheet(tmp_path, [HEADER,
                                  [1, "An", "", "", "Thọ An", "01/08/2024"],
                                  [2, "Bình", "001090000002", "", "", "hôm qua"],
                                  [3, "Cường", "001090000003", "12345", "", "02/08/2024"],
                                  [4, "Dũng", "001090000003", "", "", "03/08/2024"]])
    assert [(p.row, p.code) for p in parsed.report.errors] == [(2, "missing-identifier"),
                                                                (3, "invalid-date")]
    assert [(p.row, p.code) for p in parsed.report.warnings] == [(4, "invalid-phone"),
                                                                  (5, "duplicate-account")]
    assert [(r.row, r.created_on) for r in parsed.rows] == [(5, date(2024, 8, 3))]
    assert parsed.report.rows_read == 4
