"""Rejected rows download as an Excel file: titles, header, the rows as written, and a reason column.
Fixed and sent again, they import."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from services.imports import import_file, prepare_import
from services.rows_to_fix import rows_to_fix
from tests.accounts_helpers import account
from tests.conftest import sample
from tests.workbooks import roster, xlsx_bytes


def test_rejected_rows_keep_their_cells_and_say_why_at_their_excel_row(district):
    clerk = account(district, "xa.thoan", "commune", commune="THOAN")
    data = roster([["Nguyễn Văn An", "001000000001", "Cụm 1", "x", "x", ""],
                   ["Trần Thị Bình", "001000000002", "Cụm 99", "x", "x", ""],
                   ["Lê Văn Cường", "001000000003", "Cụm 2", "có lẽ", "", ""]])
    prepared = prepare_import(data, "ds.xlsx", actor=clerk, engine=district)
    outcome = prepared.outcome
    assert (outcome.rows_accepted, outcome.rows_rejected) == (1, 2)
    fix = rows_to_fix(prepared.parsed, outcome.errors)
    assert fix.name == "ds-dong-can-sua.xlsx"
    sheet = load_workbook(io.BytesIO(fix.data))["Danh sách"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "UBND XÃ THỌ AN"  # titles kept: the fixed file is read the same way
    assert rows[2] == ["STT", "Họ và tên", "Số CCCD", "Thôn", "Đã cài đặt", "Đã tạo tài khoản",
                       "Ngày tạo tài khoản", "Lý do"]
    assert rows[3][:7] == [2, "Trần Thị Bình", "001000000002", "Cụm 99", "x", "x", None]
    assert rows[3][7] == ("Dòng 5, cột “Thôn”: Không tìm thấy “Cụm 99” trong danh mục "
                          "đơn vị. Có phải: Cụm 9, Cụm 1, Cụm 2?")
    assert rows[4][:5] == [3, "Lê Văn Cường", "001000000003", "Cụm 2", "có lẽ"]
    assert rows[4][7].startswith("Dòng 6, cột “Đã cài đặt”: Giá trị “có lẽ”")
    assert len(rows) == 5


def test_fixed_rows_import_with_no_error(district):
    clerk = account(district, "xa.thoan", "commune", commune="THOAN")
    data = roster([["Trần Thị Bình", "001000000002", "Cụm 99", "x", "x", ""]])
    prepared = prepare_import(data, "ds.xlsx", actor=clerk, engine=district)
    book = load_workbook(io.BytesIO(rows_to_fix(prepared.parsed, prepared.outcome.errors).data))
    book.active["D4"] = "Cụm 9"
    buffer = io.BytesIO()
    book.save(buffer)
    fixed = import_file(buffer.getvalue(), "ds-da-sua.xlsx", actor=clerk, as_of=date(2024, 8, 9),
                        engine=district)
    assert (fixed.status, fixed.rows_accepted, fixed.errors) == ("imported", 1, [])


def test_cells_that_look_like_formulas_stay_text(district):
    clerk = account(district, "xa.thoan", "commune", commune="THOAN")
    data = ("Họ và tên;Số CCCD;Thôn;Đã cài đặt\n"
            "=1+2;001000000001;Cụm 99;x\n+3-1;001000000002;=cmd|' /C calc'!A0;x\n").encode()
    prepared = prepare_import(data, "ds.csv", actor=clerk, engine=district)
    assert prepared.outcome.rows_rejected == 2
    sheet = load_workbook(io.BytesIO(rows_to_fix(prepared.parsed, prepared.outcome.errors).data)).active
    cells = [sheet["A2"], sheet["A3"], sheet["C3"]]
    assert [c.value for c in cells] == ["=1+2", "+3-1", "=cmd|' /C calc'!A0"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_no_rejected_row_gives_no_file(district):
    prepared = prepare_import(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", engine=district)
    assert prepared.outcome.errors == []
    assert rows_to_fix(prepared.parsed, prepared.outcome.errors) is None


def test_rows_to_fix_never_reads_the_file_again(district, monkeypatch):
    clerk = account(district, "xa.thoan", "commune", commune="THOAN")
    data = roster([["Trần Thị Bình", "001000000002", "Cụm 99", "x", "x", ""]])
    prepared = prepare_import(data, "ds.xlsx", actor=clerk, engine=district)

    def no_read(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr("importers.read.read_sheets", no_read)
    monkeypatch.setattr("importers.parse.read_sheets", no_read)
    sheet = load_workbook(io.BytesIO(rows_to_fix(prepared.parsed, prepared.outcome.errors).data)).active
    assert [c.value for c in sheet[4]][:3] == [1, "Trần Thị Bình", "001000000002"]


def test_a_citizen_id_typed_into_the_phone_column_comes_back_masked(district):
    """The one value never given back as written (import-formats.md, phones): the rows to fix
    quote it masked, in its own cell, and leave the citizen-ID column as written."""
    clerk = account(district, "xa.thoan", "commune", commune="THOAN")
    data = xlsx_bytes(("Danh sách", [["UBND XÃ THỌ AN"], [],
                                     ["STT", "Họ và tên", "Số CCCD", "Số điện thoại", "Thôn",
                                      "Đã tạo tài khoản"],
                                     [1, "Nguyễn Văn An", "001000000001", "001123456789", "Cụm 1", "x"],
                                     [2, "Trần Thị Bình", "001000000002", "0912345678", "Cụm 1", "x"]]))
    prepared = prepare_import(data, "ds.xlsx", actor=clerk, engine=district)
    assert [e.code for e in prepared.outcome.errors] == ["citizen-id-in-phone"]
    fix = rows_to_fix(prepared.parsed, prepared.outcome.errors)
    rows = [list(r) for r in load_workbook(io.BytesIO(fix.data))["Danh sách"].iter_rows(values_only=True)]
    assert rows[3][:5] == [1, "Nguyễn Văn An", "001000000001", "0011•••••789", "Cụm 1"]
    assert not any("001123456789" in str(v) for row in rows for v in row)
