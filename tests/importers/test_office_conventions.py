"""How offices really write (spec `import-formats.md`, issue 12): thousands separators, phones with
spaces and dots, a citizen ID in the phone column, group headings and signature blocks, and problems
that quote the sheet's own header and the value as written, once.

Every file is written by the test; expected values were worked out by hand.
"""
from __future__ import annotations

from tests.importers.books import one_sheet

COUNTS = ["STT", "Thôn/Tổ dân phố", "Số người trong diện", "Số người đã cài đặt", "Số người đã tạo tài khoản"]


def problems(found):
    return [(p.row, p.column, p.value, p.code) for p in found]


# ---------------------------------------------------------------- counts written with separators

def test_text_counts_with_vietnamese_thousands_separators_are_whole_numbers(tmp_path):
    rows = [COUNTS,
            [1, "Thôn 1", "1.500", "1.234", "1.200"],
            [2, "Thôn 2", "12 345", "12\u00a0000", "11 999"],
            [3, "Thôn 3", "1.234.567", "1.000.000", "999.999"],
            [4, "Thôn 4", 3000, "1,234", "1.000"],
            [5, "Thôn 5", 3000, "12.5", "10"]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.cluster, r.target_population, r.installed, r.registered) for r in parsed.rows] == [
        ("Thôn 1", 1500, 1234, 1200), ("Thôn 2", 12345, 12000, 11999),
        ("Thôn 3", 1234567, 1000000, 999999)]
    assert problems(parsed.report.errors) == [
        (5, "Số người đã cài đặt", "1,234", "invalid-count"),
        (6, "Số người đã cài đặt", "12.5", "invalid-count")]


# ---------------------------------------------------------------- phones and citizen IDs

ROSTER = ["STT", "Họ và tên", "Số CCCD", "Số điện thoại", "Thôn", "Đã cài đặt", "Đã tạo tài khoản"]


def roster(tmp_path, people, *, header=ROSTER, titles=(["UBND XÃ THỌ AN"], [])):
    return one_sheet(tmp_path, [*titles, header, *people], sheet="Danh sách")


def test_phones_written_with_spaces_dots_and_plus_84_are_one_number(tmp_path):
    parsed = roster(tmp_path, [
        [1, "An", "", "098 765 4321", "Thôn 1", "x", "x"],
        [2, "Bình", "", "091.234.5678", "Thôn 1", "x", ""],
        [3, "Cúc", "", "+84 90 111 2233", "Thôn 1", "", ""],
        [4, "Dũng", "", "+84 (0) 97 000 1111", "Thôn 1", "", ""]])
    assert [(r.full_name, r.phone) for r in parsed.rows] == [
        ("An", "0987654321"), ("Bình", "0912345678"), ("Cúc", "0901112233"), ("Dũng", "0970001111")]
    assert parsed.report.errors == [] and parsed.report.warnings == []


def test_the_same_phone_written_two_ways_is_one_person(tmp_path):
    parsed = roster(tmp_path, [[1, "An", "", "098 765 4321", "Thôn 1", "x", ""],
                               [2, "An", "", "+84.98.765.4321", "Thôn 1", "x", "x"]])
    assert [(r.row, r.phone, r.registered) for r in parsed.rows] == [(5, "0987654321", True)]
    assert [(p.row, p.code) for p in parsed.report.warnings] == [(5, "duplicate-person")]


def test_a_citizen_id_in_the_phone_column_is_a_row_error_quoted_masked_even_beside_a_phone(tmp_path):
    parsed = roster(tmp_path, [
        [1, "An", "", "0011 2345 6789", "Thôn 1", "x", "x"],
        [2, "Bình", "", "0985431395, 001198765432", "Thôn 1", "x", ""],
        [3, "Cúc", "", "0985431396", "Thôn 1", "x", ""]])
    assert [r.full_name for r in parsed.rows] == ["Cúc"]
    assert problems(parsed.report.errors) == [
        (4, "Số điện thoại", "0011•••••789", "citizen-id-in-phone"),
        (5, "Số điện thoại", "0011•••••432", "citizen-id-in-phone")]
    said = " ".join(f"{p.value} {p.message}" for p in parsed.report.errors + parsed.report.warnings)
    assert "2345" not in said and "98765" not in said


# ---------------------------------------------------------------- group headings and signature blocks

def test_group_headings_in_a_count_report_are_skipped_and_p_dot_is_an_agency(tmp_path):
    header = ["STT", "Tên cơ quan, đơn vị", "Tổng số CBCCVC", "Số người đã tạo tài khoản"]
    rows = [["BÁO CÁO KẾT QUẢ"], header,
            ["I. KHỐI CƠ QUAN HUYỆN", "", "", ""],           # 3: merged across the row
            [1, "P. Tư pháp", 46, 40],
            [2, "Phòng Nội vụ", 18, 18],
            ["", "II. Khối UBND xã", 70, 60],                # 6: a heading with figures: a subtotal
            [3, "UBND xã Thọ An", 70, 60],
            ["", "A. Trường học", "", ""],                  # 8
            [4, "MN Phùng", 35, 30],
            ["", "1) Xóm Đông", "", ""],                     # 10
            [5, "P. Tư pháp 2", "", ""]]                     # 11: a unit with blank counts, not a heading
    parsed = one_sheet(tmp_path, rows, merges=["A3:D3"])
    assert [(r.row, r.agency, r.registered) for r in parsed.rows] == [
        (4, "P. Tư pháp", 40), (5, "Phòng Nội vụ", 18), (7, "UBND xã Thọ An", 60), (9, "MN Phùng", 30)]
    assert problems(parsed.report.errors) == [(11, "Số người đã tạo tài khoản", "", "missing-count")]
    assert parsed.report.rows_read == 5


def test_group_headings_in_a_roster_are_no_one(tmp_path):
    rows = [["UBND XÃ THỌ AN"], ROSTER,
            ["I. Thôn Thượng Hội", "", "", "", "", "", ""],   # 3: merged across the row
            [1, "An", "", "", "Thôn Thượng Hội", "x", "x"],
            ["", "Cụm 1", "", "", "", "", ""],                # 5: one value naming a kind of unit
            [2, "Bình", "", "", "Cụm 1", "", ""],
            ["II.", "Cụm 2", "", "", "", "", ""],             # 7
            [3, "Cúc", "", "", "Cụm 2", "x", ""]]
    parsed = one_sheet(tmp_path, rows, merges=["A3:G3"])
    assert [(r.row, r.full_name) for r in parsed.rows] == [(4, "An"), (6, "Bình"), (8, "Cúc")]
    assert parsed.report.errors == [] and parsed.report.warnings == []
    assert parsed.report.rows_read == 3


def test_a_signature_block_ends_the_table(tmp_path):
    rows = [["UBND XÃ THỌ AN"], ROSTER,
            [1, "An", "", "", "Thôn 1", "x", "x"],
            [2, "Bình", "", "", "Thôn 1", "", ""],
            [],
            ["", "", "", "", "Đan Phượng, ngày … tháng … năm 2024", "", ""],
            ["", "Người lập biểu", "", "", "TM. UBND XÃ", "", ""],
            ["", "", "", "", "CHỦ TỊCH", "", ""],
            ["", "(Ký, ghi rõ họ tên)", "", "", "", "", ""],
            [],
            ["", "Nguyễn Thị Lập", "", "", "Trần Văn Chủ", "", ""]]
    parsed = one_sheet(tmp_path, rows)
    assert [r.full_name for r in parsed.rows] == ["An", "Bình"]
    assert parsed.report.errors == [] and parsed.report.warnings == []
    assert parsed.report.rows_read == 2


def test_a_signature_block_under_a_count_report_is_not_rejected_rows(tmp_path):
    rows = [COUNTS, [1, "Thôn 1", 100, 50, 40],
            ["", "Thủ trưởng đơn vị", "", "Người lập biểu", ""],
            ["", "Nguyễn Văn A", "", "Trần Thị B", ""]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.cluster, r.registered) for r in parsed.rows] == [("Thôn 1", 40)]
    assert parsed.report.errors == [] and parsed.report.rows_read == 1


# ---------------------------------------------------------------- problems quote the sheet, once

def test_problems_quote_the_sheets_own_headers_and_the_values_as_written(tmp_path):
    rows = [["STT", "Họ và tên", "Thôn", "Đã đăng ký", "Ngày đăng ký", "Ngày báo cáo"],
            [1, "An", "Thôn 1", "x", "đầu tháng 8", "12/8/2024"],
            [2, "Bình", "Thôn 1", "x", "25/8/2024", "hôm qua"]]
    parsed = one_sheet(tmp_path, rows)
    assert problems(parsed.report.warnings) == [
        (2, "Ngày đăng ký", "đầu tháng 8", "invalid-date"),
        (3, "Ngày báo cáo", "hôm qua", "invalid-report-date")]
    assert parsed.report.warnings[0].message.startswith("Không đọc được Ngày đăng ký “đầu tháng 8”")
    assert [r.registered_on_text for r in parsed.rows] == [None, "25/8/2024"]
    assert parsed.report.header("Sheet1", "registered_on") == "Ngày đăng ký"


def test_a_two_row_headers_problem_names_parent_and_child(tmp_path):
    rows = [["STT", "Thôn", "Số người trong diện", "Đã tạo tài khoản", ""],
            ["", "", "", "Số lượng", "Tỷ lệ (%)"],
            [1, "Thôn 1", 100, "1.200", "120%"],
            [2, "Thôn 2", 100, "12,5", ""]]
    parsed = one_sheet(tmp_path, rows, merges=["A1:A2", "B1:B2", "C1:C2", "D1:E1"])
    assert problems(parsed.report.warnings) == [
        (3, "Đã tạo tài khoản › Số lượng", "1.200", "over-target")]
    assert parsed.report.warnings[0].message.startswith(
        "Đã tạo tài khoản › Số lượng “1.200” lớn hơn Số người trong diện “100”")
    assert problems(parsed.report.errors) == [(4, "Đã tạo tài khoản › Số lượng", "12,5", "invalid-count")]


def test_one_row_never_gets_the_same_warning_twice():
    from importers.problems import Problem
    from importers.report import ImportReport
    report = ImportReport("f.xlsx")
    over = {"column": "Số người đã cài đặt", "value": "120", "base": "Số người trong diện",
            "limit": "100"}
    report.warn("S", 4, "Số người đã cài đặt", "120", Problem.OVER_TARGET, **over)
    report.warn("S", 4, None, "120", Problem.OVER_TARGET, **over)
    report.warn("S", 5, None, "120", Problem.OVER_TARGET, **over)
    report.error("S", 4, "Đã cài đặt", "có lẽ", Problem.INVALID_YES_NO, value="có lẽ")
    report.error("S", 4, "Đã tạo tài khoản", "có lẽ", Problem.INVALID_YES_NO, value="có lẽ")
    report.error("S", 4, "Đã tạo tài khoản", "có lẽ", Problem.INVALID_YES_NO, value="có lẽ")
    assert [(p.row, p.column) for p in report.warnings] == [(4, "Số người đã cài đặt"), (5, None)]
    assert [(p.row, p.column) for p in report.errors] == [(4, "Đã cài đặt"), (4, "Đã tạo tài khoản")]
