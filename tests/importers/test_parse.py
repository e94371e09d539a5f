"""Sheets in, typed rows and a report out (spec: "Kinds of table", "Finding the table", "Values",
"People and duplicates", "The report of one import").

Expected figures were counted by hand (or with openpyxl/csv alone), never with the importer.
"""
from __future__ import annotations

import pickle
from datetime import date

import pytest

from importers.parse import parse_sheets
from importers.read import RawSheet
from importers.report import CountRow, FileRefused, PersonRow, UnitRow
from tests.importers.books import SAMPLES, book, codes, csv_file, one_sheet, sample

ROSTER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "SĐT", "Thôn", "Đã cài đặt", "Đã tạo tài khoản"]


def roster(tmp_path, people, *, header=ROSTER, titles=(("UBND XÃ THỌ AN",), ()), sheet="Danh sách",
           merges=None, kind=None):
    rows = [list(t) for t in titles] + [header] + [list(p) for p in people]
    return one_sheet(tmp_path, rows, sheet=sheet, merges=merges, kind=kind)


def by_row(parsed):
    return {r.row: r for r in parsed.rows}


# ================================================================ the samples

def test_sample_dong_thap_count_report():
    parsed = sample("dong-thap-bao-cao-05-8.xlsx")
    assert parsed.kind == "counts" and parsed.report.kind == "counts"
    assert parsed.as_of == date(2024, 8, 5)
    assert [(r.row, r.cluster) for r in parsed.rows] == [
        (6, "Cụm 1"), (7, "Cụm 2"), (8, "Cụm 3"), (9, "Cụm 4"), (10, "Cụm 5")]
    cum3 = parsed.rows[2]
    assert isinstance(cum3, CountRow)
    assert (cum3.installed, cum3.registered, cum3.households, cum3.population) == (1123, 1089, 678, 3492)
    assert sum(r.installed for r in parsed.rows) == 4010  # the `Cộng` row's figure, not counted twice
    assert sum(r.registered for r in parsed.rows) == 3907
    assert parsed.report.rows_read == 5                  # the `Cộng` row (11) is skipped
    assert parsed.report.errors == [] and parsed.report.warnings == []
    assert parsed.only_installed is False
    assert cum3.unit_hints == ("Báo cáo", "UBND XÃ ĐỒNG THÁP", "BÁO CÁO KẾT QUẢ CÀI ĐẶT ỨNG DỤNG iHANOI",
                               "(Tính đến ngày 05/8/2024)")


def test_sample_tho_an_resident_roster():
    parsed = sample("tho-an-cum-5-6.xlsx")
    assert parsed.kind == "residents"
    assert parsed.as_of is None
    assert len(parsed.rows) == 120 and parsed.report.rows_read == 120
    assert sum(r.installed for r in parsed.rows) == 79
    assert sum(r.registered for r in parsed.rows) == 73
    assert sum(r.cluster == "Cụm 5" for r in parsed.rows) == 62
    assert sum(r.cluster == "Cụm 6" for r in parsed.rows) == 58
    assert parsed.report.errors == [] and parsed.report.warnings == []
    rows = by_row(parsed)
    assert min(rows) == 7 and max(rows) == 126       # row 6 holds (1) (2) ... (9); row 127 `Tổng cộng`
    first = rows[7]
    assert isinstance(first, PersonRow)
    assert (first.full_name, first.birth_date, first.birth_year, first.citizen_id, first.phone) == (
        "Bùi Quang Tú", date(1971, 5, 18), 1971, "034358498366", "0985431395")
    assert (first.installed, first.registered, first.registered_on) == (True, True, date(2024, 8, 9))
    assert rows[8].birth_date == date(1998, 8, 6)     # text `06/08/1998`, day first
    assert (rows[8].installed, rows[8].registered, rows[8].registered_on) == (False, False, None)
    assert rows[9].registered_on == date(2024, 7, 12)  # a date cell
    assert rows[11].installed is True and rows[11].registered is False
    assert first.unit_hints == ("Danh sách", "UBND XÃ THỌ AN",
                                "DANH SÁCH NGƯỜI DÂN CÀI ĐẶT VÀ TẠO TÀI KHOẢN ỨNG DỤNG iHANOI")


def test_sample_truong_thcs_csv_staff_roster():
    parsed = sample("truong-thcs-tho-an.csv")
    assert parsed.kind == "staff"
    assert len(parsed.rows) == 30 and parsed.report.rows_read == 30
    assert sum(r.installed for r in parsed.rows) == 27
    assert sum(r.registered for r in parsed.rows) == 25
    assert {r.agency for r in parsed.rows} == {"Trường THCS Thọ An"}
    assert {r.position for r in parsed.rows} == {"Giáo viên"}
    first, fourth = parsed.rows[0], parsed.rows[3]
    assert (first.row, first.full_name, first.registered_on) == (2, "Đỗ Hữu Phương", date(2024, 7, 30))
    assert (fourth.row, fourth.full_name, fourth.installed, fourth.registered, fourth.registered_on) == (
        5, "Hoàng Thanh Mai", True, False, None)
    assert first.unit_hints == ("truong-thcs-tho-an",)
    assert parsed.report.errors == [] and parsed.report.warnings == []


def test_sample_phong_van_hoa_staff_roster_with_unit_hints():
    parsed = sample("phong-van-hoa-thong-tin.xlsx")
    assert parsed.kind == "staff"
    assert len(parsed.rows) == 12
    assert sum(r.installed for r in parsed.rows) == 8 and sum(r.registered for r in parsed.rows) == 8
    assert all(r.agency is None for r in parsed.rows)
    hints = parsed.rows[0].unit_hints
    assert hints == ("Phòng VH-TT", "Phòng Văn hóa và Thông tin", "DANH SÁCH CBCCVC CÀI ĐẶT iHANOI")
    assert all(r.unit_hints is hints for r in parsed.rows)  # one tuple shared by the sheet
    assert (parsed.rows[0].row, parsed.rows[0].full_name, parsed.rows[0].phone) == (4, "Phạm Thu Bình", "0312024784")


def test_sample_danh_muc_don_vi_unit_directory():
    parsed = sample("danh-muc-don-vi.xlsx")
    assert parsed.kind == "units"
    clusters = [r for r in parsed.rows if r.cluster]
    agencies = [r for r in parsed.rows if r.agency]
    assert len(clusters) == 129 and len(agencies) == 80 and len(parsed.rows) == 209
    assert {r.sheet for r in clusters} == {"Thon-TDP"} and {r.sheet for r in agencies} == {"Co quan"}
    assert sum(r.population for r in clusters) == 193992
    assert sum(r.target_population for r in clusters) == 135746
    assert sum(r.staff for r in agencies) == 2739
    cum3 = next(r for r in clusters if r.commune == "Đồng Tháp" and r.cluster == "Cụm 3")
    assert isinstance(cum3, UnitRow)
    assert (cum3.row, cum3.commune_code, cum3.households, cum3.population, cum3.target_population) == (
        25, "DONGTHAP", 678, 3492, 2331)
    noi_vu = next(r for r in agencies if r.agency_code == "CQ02")
    assert (noi_vu.row, noi_vu.agency, noi_vu.agency_kind, noi_vu.staff, noi_vu.commune_code) == (
        4, "Phòng Nội vụ", "Phòng, ban, đơn vị huyện", 18, None)
    assert parsed.report.errors == [] and parsed.report.skipped_sheets == []


# ================================================================ kinds of table

def test_name_with_yes_no_column_is_a_resident_roster(tmp_path):
    parsed = roster(tmp_path, [[1, "Nguyễn Văn An", "", "", "", "Thôn 1", "x", "x"]])
    assert parsed.kind == "residents"


@pytest.mark.parametrize("extra", ["Cơ quan, đơn vị", "Chức vụ"])
def test_name_with_yes_no_and_agency_or_position_is_a_staff_roster(tmp_path, extra):
    parsed = one_sheet(tmp_path, [["Họ tên", extra, "Đã cài đặt"], ["Lê Thị Hoa", "Phòng Nội vụ", "x"]])
    assert parsed.kind == "staff"
    row = parsed.rows[0]
    assert (row.agency if extra.startswith("Cơ") else row.position) == "Phòng Nội vụ"


def test_unit_with_a_count_is_a_count_report_even_with_population(tmp_path):
    parsed = one_sheet(tmp_path, [["Thôn", "Số hộ", "Dân số", "Số đã tạo tài khoản"],
                                  ["Thôn 1", 400, 1500, 700]])
    assert parsed.kind == "counts"
    assert (parsed.rows[0].households, parsed.rows[0].population, parsed.rows[0].registered) == (400, 1500, 700)


def test_cluster_with_figures_is_a_unit_directory(tmp_path):
    parsed = one_sheet(tmp_path, [["Mã thôn", "Thôn", "Số nhân khẩu", "Chỉ tiêu"], ["DP-01", "Thôn 1", 1543, 1024]])
    assert parsed.kind == "units"
    assert (parsed.rows[0].cluster_code, parsed.rows[0].cluster, parsed.rows[0].population,
            parsed.rows[0].target_population) == ("DP-01", "Thôn 1", 1543, 1024)


def test_agency_with_staff_number_is_a_unit_directory(tmp_path):
    parsed = one_sheet(tmp_path, [["Mã đơn vị", "Tên đơn vị", "Khối", "Biên chế"],
                                  ["CQ02", "Phòng Nội vụ", "Phòng, ban", 18]])
    assert parsed.kind == "units"
    row = parsed.rows[0]
    assert (row.agency_code, row.agency, row.agency_kind, row.staff) == ("CQ02", "Phòng Nội vụ", "Phòng, ban", 18)


def test_commune_kind_read_from_the_commune_name(tmp_path):
    parsed = one_sheet(tmp_path, [["Xã", "Thôn", "Số hộ"], ["Thị trấn Phùng", "TDP 1", 300], ["Xã Thọ An", "Thôn 1", 200],
                                  ["Hạ Mỗ", "Thôn 2", 100]])
    if not hasattr(parsed.rows[0], "commune_kind"):
        pytest.skip("UnitRow has no commune_kind")
    assert [r.commune_kind for r in parsed.rows] == ["Thị trấn", "Xã", None]
    assert parsed.rows[0].commune == "Thị trấn Phùng"


def test_table_of_no_known_kind_is_refused_naming_the_expected_columns(tmp_path):
    with pytest.raises(FileRefused) as caught:
        one_sheet(tmp_path, [["Họ và tên", "Ngày sinh", "Ghi chú"], ["An", "01/01/1990", ""]])
    assert caught.value.code == "unknown-table"
    for column in ("Họ và tên", "Đã cài đặt", "Đã tạo tài khoản", "Số người đã cài đặt", "Số hộ",
                   "Tổng số CBCCVC", "30 dòng đầu"):
        assert column in caught.value.message


def test_empty_workbook_is_refused():
    with pytest.raises(FileRefused) as caught:
        parse_sheets([RawSheet("Sheet1", [])], "trong.xlsx")
    assert caught.value.code == "unknown-table"


def test_kind_given_by_the_user_decides(tmp_path):
    rows = [["Họ tên", "Chức vụ", "Đã cài đặt"], ["Lê Thị Hoa", "Chuyên viên", "x"]]
    parsed = one_sheet(tmp_path, rows, kind="residents")
    assert parsed.kind == "residents" and parsed.rows[0].position == "Chuyên viên"


def test_kind_given_by_the_user_that_does_not_fit_is_refused_naming_its_columns(tmp_path):
    with pytest.raises(FileRefused) as caught:
        one_sheet(tmp_path, [["Họ tên", "Đã cài đặt"], ["Lê Thị Hoa", "x"]], kind="units")
    assert caught.value.code == "unknown-table"
    assert "danh mục đơn vị" in caught.value.message and "Tổng số CBCCVC" in caught.value.message


def test_every_sheet_is_read_and_sheets_without_table_are_named(tmp_path):
    parsed = book(tmp_path,
                  ("Hướng dẫn", [["Điền x vào cột đã cài đặt"], ["Gửi trước ngày 15/8"]]),
                  ("Cụm 1", [["Họ và tên", "Đã cài đặt"], ["Nguyễn Văn An", "x"]]),
                  ("Trống", []),
                  ("Cụm 2", [["Họ và tên", "Đã cài đặt"], ["Trần Thị Bình", ""], ["Lê Văn Cường", "x"]]))
    assert parsed.report.skipped_sheets == ["Hướng dẫn", "Trống"]
    assert [(r.sheet, r.row, r.full_name) for r in parsed.rows] == [
        ("Cụm 1", 2, "Nguyễn Văn An"), ("Cụm 2", 2, "Trần Thị Bình"), ("Cụm 2", 3, "Lê Văn Cường")]
    assert parsed.rows[0].unit_hints == ("Cụm 1",)
    assert parsed.report.rows_read == 3


def test_sheets_of_another_kind_are_skipped_with_a_note(tmp_path):
    parsed = book(tmp_path,
                  ("Danh sách", [["Họ và tên", "Thôn", "Đã cài đặt"], ["Nguyễn Văn An", "Thôn 1", "x"]]),
                  ("Tổng hợp", [["Thôn", "Số người đã cài đặt"], ["Thôn 1", 1]]))
    assert parsed.kind == "residents" and len(parsed.rows) == 1
    assert parsed.report.skipped_sheets == ["Tổng hợp"]
    assert len([n for n in parsed.report.notes if "Tổng hợp" in n]) == 1


# ================================================================ finding the table

def test_titles_blank_rows_and_notes_above_the_header_are_skipped(tmp_path):
    rows = [["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["Độc lập - Tự do - Hạnh phúc"], [],
            ["Ghi chú: đánh x vào ô đã cài đặt"], [], ["STT", "Họ và tên", "Đã cài đặt"], [1, "Phan Văn Đức", "x"]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.row, r.full_name, r.installed) for r in parsed.rows] == [(7, "Phan Văn Đức", True)]


def test_header_on_row_30_is_found_and_on_row_31_is_not(tmp_path):
    filler = [[f"dòng ghi chú {i}"] for i in range(29)]
    parsed = one_sheet(tmp_path, filler + [["Họ và tên", "Đã cài đặt"], ["An", "x"]])
    assert [(r.row, r.full_name) for r in parsed.rows] == [(31, "An")]
    with pytest.raises(FileRefused):
        one_sheet(tmp_path, filler + [["ghi chú"], ["Họ và tên", "Đã cài đặt"], ["An", "x"]])


def test_two_row_header_child_takes_parent_field(tmp_path):
    rows = [["UBND XÃ HẠ MỖ"],
            ["STT", "Thôn", "Số người trong diện", "Đã cài đặt", None, "Đã tạo tài khoản", None],
            [None, None, None, "Số lượng", "Tỷ lệ (%)", "SL", "Tỷ lệ (%)"],
            [1, "Thôn 1", 1244, 800, 64.3, 700, 56.3],
            [2, "Thôn 2", 1548, 900, 58.1, 850, 54.9]]
    merges = ["A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2"]
    parsed = one_sheet(tmp_path, rows, merges=merges)
    assert parsed.kind == "counts"
    assert [(r.row, r.cluster, r.target_population, r.installed, r.registered) for r in parsed.rows] == [
        (4, "Thôn 1", 1244, 800, 700), (5, "Thôn 2", 1548, 900, 850)]


def test_two_row_header_in_a_csv_without_merges(tmp_path):
    text = ("STT;Thôn;Đã tạo tài khoản;;Số hộ\n"
            ";;Số lượng;Tỷ lệ;\n"
            "1;Thôn 1;730;23,5;578\n")
    parsed = csv_file(tmp_path, text, name="bao-cao.csv")
    assert parsed.kind == "counts"
    assert [(r.row, r.cluster, r.registered, r.installed, r.households) for r in parsed.rows] == [
        (3, "Thôn 1", 730, 730, 578)]


def test_merged_cells_in_data_rows_count_as_filled(tmp_path):
    rows = [["Thôn", "Họ và tên", "Đã cài đặt"],
            ["Thôn 3", "Nguyễn Văn An", "x"], [None, "Trần Thị Bình", None], [None, "Lê Văn Cường", "x"]]
    parsed = one_sheet(tmp_path, rows, merges=["A2:A4"])
    assert [(r.full_name, r.cluster) for r in parsed.rows] == [
        ("Nguyễn Văn An", "Thôn 3"), ("Trần Thị Bình", "Thôn 3"), ("Lê Văn Cường", "Thôn 3")]


def test_headers_match_after_normalisation_in_a_sheet(tmp_path):
    rows = [["Ho va ten", "Thôn / Tổ dân phố", "ĐÃ CÀI ĐẶT\niHaNoi", "Da tao tai khoan"], ["Vũ Thị Mai", "TDP 4", "x", ""]]
    parsed = one_sheet(tmp_path, rows)
    row = parsed.rows[0]
    assert (row.full_name, row.cluster, row.installed, row.registered) == ("Vũ Thị Mai", "TDP 4", True, False)


def test_blank_repeated_header_column_number_and_total_rows_are_skipped(tmp_path):
    header = ["STT", "Họ và tên", "Thôn", "Đã cài đặt"]
    rows = [header,
            ["1", "2", "3", "4"],
            ["(1)", "(2)", "(3)", "(4)"],
            [1, "Nguyễn Văn An", "Thôn 1", "x"],
            [None, None, None, None],
            [2, "Tống Văn Bình", "Thôn 1", ""],          # a surname, not a total
            [None, "Cộng thôn 1", None, 1],
            header,                                       # the header repeated (a second page)
            [3, "Lê Thị Chi", "Thôn 2", "x"],
            [None, "Tổng số", None, 1],
            [None, "TỔNG CỘNG", None, 2],
            ["Tổng", None, None, 2],
            [None, "Cộng:", None, 2]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.row, r.full_name) for r in parsed.rows] == [
        (4, "Nguyễn Văn An"), (6, "Tống Văn Bình"), (9, "Lê Thị Chi")]
    assert parsed.report.rows_read == 3
    assert parsed.report.errors == [] and parsed.report.warnings == []


def test_total_row_of_a_count_report_is_skipped(tmp_path):
    rows = [["Thôn", "Số người đã cài đặt"], ["Thôn 1", 10], ["Thôn 2", 20], ["Tổng cộng", 30]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.cluster, r.installed) for r in parsed.rows] == [("Thôn 1", 10), ("Thôn 2", 20)]


def test_numbered_template_rows_left_empty_are_blank(tmp_path):
    rows = [["STT", "Họ và tên", "Đã cài đặt"], [1, "An", "x"], [2, None, None], [3, None, "chưa"], [4, None, None]]
    parsed = one_sheet(tmp_path, rows)
    assert [r.full_name for r in parsed.rows] == ["An"] and parsed.report.errors == []
    assert parsed.report.rows_read == 1


def test_signature_lines_below_the_table_are_not_people(tmp_path):
    rows = [["STT", "Họ và tên", "Đã cài đặt"], [1, "An", "x"], [],
            [None, None, "Thọ An, ngày 12 tháng 8 năm 2024"], [None, "Người lập biểu", "TM. UBND XÃ"]]
    parsed = one_sheet(tmp_path, rows)
    assert [r.full_name for r in parsed.rows] == ["An"] and parsed.report.errors == []


def test_unit_hints_are_the_sheet_name_then_titles_top_to_bottom(tmp_path):
    rows = [["UBND XÃ ĐAN PHƯỢNG", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], [],
            ["  Cụm dân cư   số 3 "], ["Họ và tên", "Đã cài đặt"], ["An", "x"], ["Bình", ""]]
    parsed = one_sheet(tmp_path, rows, sheet="Cum 3")
    hints = ("Cum 3", "UBND XÃ ĐAN PHƯỢNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Cụm dân cư số 3")
    assert parsed.rows[0].unit_hints == hints
    assert parsed.rows[1].unit_hints is parsed.rows[0].unit_hints


def test_unit_hints_keep_each_title_once_and_at_most_fifty():
    titles = [["UBND XÃ THỌ AN", "UBND XÃ THỌ AN"] + [f"Ghi chú {i}" for i in range(5000)]]
    sheet = RawSheet("Thọ An", titles + [["Họ và tên", "Đã cài đặt"], ["An", "x"]])
    hints = parse_sheets([sheet], "a.xlsx").rows[0].unit_hints
    assert hints[:3] == ("Thọ An", "UBND XÃ THỌ AN", "Ghi chú 0") and len(hints) == 51


def test_rows_carry_the_cells_as_written_for_the_rows_to_fix():
    rows = [["UBND XÃ THỌ AN"], ["Họ và tên", "Thôn", "Đã cài đặt"], ["An", "Cụm 1", "x"],
            ["Bình", None, "có lẽ"]]
    parsed = parse_sheets([RawSheet("Danh sách", rows, first_row=3, merged=[(4, 1, 5, 1)])], "a.xlsx")
    cells, = parsed.sheets
    assert (cells.name, cells.first_row, cells.header_first) == ("Danh sách", 3, 1)
    assert cells.head == rows[:2]
    assert cells.data_rows() == rows[2:]  # not merge-filled: as written


# ---------------------------------------------------------------- the report date

@pytest.mark.parametrize("titles, expected", [
    ([["Ngày báo cáo:", "12/8/2024"]], date(2024, 8, 12)),
    ([["Ngày báo cáo", date(2024, 8, 12)]], date(2024, 8, 12)),
    ([["Ngày báo cáo: 12/08/2024"]], date(2024, 8, 12)),
    ([["Tính đến ngày", "12-08-2024"]], date(2024, 8, 12)),
    ([["BÁO CÁO"], ["Tính đến ngày 12/8/2024"]], date(2024, 8, 12)),
    ([["(Tính đến ngày 05/8/2024)"]], date(2024, 8, 5)),
    ([["Đan Phượng, ngày 12 tháng 8 năm 2024"]], date(2024, 8, 12)),
    ([["BÁO CÁO KẾT QUẢ"], ["ngày 12 tháng 8 năm 2024"]], date(2024, 8, 12)),
    ([["Kết quả từ 01/7/2024 đến 12/8/2024"]], date(2024, 8, 12)),
    ([["BÁO CÁO KẾT QUẢ CÀI ĐẶT"]], None),
])
def test_as_of_from_a_report_date_cell_or_a_title(tmp_path, titles, expected):
    rows = titles + [[], ["Thôn", "Số người đã cài đặt"], ["Thôn 1", 5]]
    parsed = one_sheet(tmp_path, rows)
    assert parsed.as_of == expected
    assert parsed.report.as_of == expected
    assert parsed.rows[0].report_date is None


def test_report_date_column_goes_to_each_row(tmp_path):
    rows = [["Thôn", "Số người đã cài đặt", "Ngày báo cáo"],
            ["Thôn 1", 5, "10/8/2024"], ["Thôn 2", 7, date(2024, 8, 12)]]
    parsed = one_sheet(tmp_path, rows)
    assert parsed.as_of is None
    assert [r.report_date for r in parsed.rows] == [date(2024, 8, 10), date(2024, 8, 12)]


def test_report_date_column_of_a_roster(tmp_path):
    rows = [["Họ và tên", "Đã cài đặt", "Ngày báo cáo"], ["An", "x", "10/8/2024"], ["Bình", "", "ngày mai"]]
    parsed = one_sheet(tmp_path, rows)
    assert [r.report_date for r in parsed.rows] == [date(2024, 8, 10), None]
    assert codes(parsed.report.warnings) == [(3, "invalid-report-date")]


# ================================================================ values

def test_invalid_yes_no_is_a_row_error_quoting_the_value(tmp_path):
    parsed = roster(tmp_path, [[1, "Nguyễn Văn An", "", "", "", "Thôn 1", "x", "x"],
                               [2, "Trần Thị Bình", "", "", "", "Thôn 1", "có lẽ", ""],
                               [3, "Lê Văn Cường", "", "", "", "Thôn 1", "x", 2]])
    assert [r.full_name for r in parsed.rows] == ["Nguyễn Văn An"]
    assert parsed.report.rows_read == 3
    first, second = parsed.report.errors
    assert (first.sheet, first.row, first.column, first.value, first.code) == (
        "Danh sách", 5, "Đã cài đặt", "có lẽ", "invalid-yes-no")
    assert "“có lẽ”" in first.message
    assert (second.row, second.column, second.value, second.code) == (6, "Đã tạo tài khoản", "2", "invalid-yes-no")
    assert parsed.report.rejected_rows == {("Danh sách", 5), ("Danh sách", 6)}


def test_missing_name_is_a_row_error(tmp_path):
    parsed = roster(tmp_path, [[1, "", "01/01/1990", "001090001234", "", "Thôn 1", "x", "x"]])
    assert parsed.rows == []
    assert [(p.row, p.column, p.code) for p in parsed.report.errors] == [(4, "Họ và tên", "missing-name")]


def test_only_installed_column_counts_as_registered_with_one_note(tmp_path):
    header = ["STT", "Họ và tên", "Đã cài đặt"]
    parsed = book(tmp_path, ("A", [header, [1, "An", "x"], [2, "Bình", ""]]),
                  ("B", [header, [1, "Chi", "x"]]))
    assert parsed.only_installed is True
    assert [(r.full_name, r.installed, r.registered) for r in parsed.rows] == [
        ("An", True, True), ("Bình", False, False), ("Chi", True, True)]
    assert len(parsed.report.notes) == 1 and "Đã cài đặt" in parsed.report.notes[0]


def test_only_installed_count_report(tmp_path):
    parsed = csv_file(tmp_path, "STT;Thôn;Số đã cài đặt\n1;Thôn 1;120\n", name="bao-cao.csv")
    assert parsed.kind == "counts" and parsed.only_installed is True
    assert [(r.row, r.cluster, r.installed, r.registered) for r in parsed.rows] == [(2, "Thôn 1", 120, 120)]
    assert len(parsed.report.notes) == 1


def test_both_columns_keep_installed_and_registered_apart(tmp_path):
    parsed = roster(tmp_path, [[1, "An", "", "", "", "Thôn 1", "x", ""]])
    assert parsed.only_installed is False and parsed.report.notes == []
    assert (parsed.rows[0].installed, parsed.rows[0].registered) == (True, False)


def test_registration_dates_in_every_form_and_unreadable_ones_warn(tmp_path):
    header = ["Họ và tên", "Đã tạo tài khoản", "Ngày tạo tài khoản"]
    rows = [header, ["A", "x", "5/8/2024"], ["B", "x", "05-08-2024"], ["C", "x", "05.08.2024"],
            ["D", "x", "2024-08-05"], ["E", "x", "5/8/24"], ["F", "x", 45509], ["G", "x", date(2024, 8, 5)],
            ["H", "x", "đầu tháng 8"]]
    parsed = one_sheet(tmp_path, rows)
    assert [r.registered_on for r in parsed.rows] == [date(2024, 8, 5)] * 7 + [None]
    assert all(r.registered for r in parsed.rows)          # the person still counts
    (warning,) = parsed.report.warnings
    assert (warning.row, warning.column, warning.value, warning.code) == (
        9, "Ngày tạo tài khoản", "đầu tháng 8", "invalid-date")


def test_citizen_ids_restored_and_flagged(tmp_path):
    header = ["Họ và tên", "Số CCCD", "Đã cài đặt"]
    rows = [header, ["A", 1203004567, "x"],             # number cell, lost two zeros
            ["B", 34358498366, "x"],                     # lost one zero
            ["C", "001203004568", "x"],
            ["D", "3.43585E+10", "x"],                   # scientific notation: digits lost
            ["E", "12345", "x"],
            ["F", "123456789", "x"]]                     # old 9-digit ID
    parsed = one_sheet(tmp_path, rows)
    assert [(r.full_name, r.citizen_id) for r in parsed.rows] == [
        ("A", "001203004567"), ("B", "034358498366"), ("C", "001203004568"), ("D", None), ("E", None),
        ("F", "123456789")]
    assert [(p.row, p.column, p.value, p.code) for p in parsed.report.warnings] == [
        (5, "Số CCCD", "3.43585E+10", "citizen-id-digits-lost"), (6, "Số CCCD", "12345", "invalid-citizen-id")]


def test_phones_restored_and_flagged(tmp_path):
    rows = [["Họ và tên", "Số điện thoại", "Đã cài đặt"], ["A", 985431395, "x"], ["B", "+84 912 345 678", "x"],
            ["C", "84987654321", "x"], ["D", "0912.345.679", "x"], ["E", "12345", "x"]]
    parsed = one_sheet(tmp_path, rows)
    assert [r.phone for r in parsed.rows] == ["0985431395", "0912345678", "0987654321", "0912345679", None]
    assert [(p.row, p.value, p.code) for p in parsed.report.warnings] == [(6, "12345", "invalid-phone")]


def test_csv_ids_and_phones_that_lost_their_zeros(tmp_path):
    text = "Họ và tên,Số CCCD,SĐT,Đã cài đặt\nAn,34358498366,985431395,x\n"
    parsed = csv_file(tmp_path, text)
    assert (parsed.rows[0].citizen_id, parsed.rows[0].phone) == ("034358498366", "0985431395")
    assert parsed.report.warnings == []


def test_birth_dates_and_bare_years(tmp_path):
    rows = [["Họ và tên", "Năm sinh", "Đã cài đặt"], ["A", 1985, "x"], ["B", "1990", "x"], ["C", "12/3/1960", "x"],
            ["D", "không rõ", "x"]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.birth_date, r.birth_year) for r in parsed.rows] == [
        (None, 1985), (None, 1990), (date(1960, 3, 12), 1960), (None, None)]
    assert [(p.row, p.column, p.value, p.code) for p in parsed.report.warnings] == [
        (5, "Năm sinh", "không rõ", "invalid-birth-date")]


def test_counts_must_be_whole_numbers_not_negative(tmp_path):
    rows = [["Thôn", "Số người đã cài đặt", "Số người đã tạo tài khoản"],
            ["Thôn 1", 10, 8], ["Thôn 2", -3, 2], ["Thôn 3", "nhiều", 1], ["Thôn 4", "1.234", "1.200"],
            ["Thôn 5", 12.5, 1]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.cluster, r.installed, r.registered) for r in parsed.rows] == [("Thôn 1", 10, 8), ("Thôn 4", 1234, 1200)]
    assert [(p.row, p.column, p.value, p.code) for p in parsed.report.errors] == [
        (3, "Số người đã cài đặt", "-3", "invalid-count"), (4, "Số người đã cài đặt", "nhiều", "invalid-count"),
        (6, "Số người đã cài đặt", "12.5", "invalid-count")]
    assert parsed.report.rows_read == 5


def test_count_above_its_target_is_kept_and_flagged(tmp_path):
    rows = [["Thôn", "Số người trong diện", "Số người đã cài đặt", "Số người đã tạo tài khoản"],
            ["Thôn 1", 100, 120, 90], ["Thôn 2", 100, 100, 100]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.cluster, r.installed) for r in parsed.rows] == [("Thôn 1", 120), ("Thôn 2", 100)]
    assert [(p.row, p.column, p.value, p.code) for p in parsed.report.warnings] == [
        (2, "Số người đã cài đặt", "120", "over-target")]


def test_agency_count_above_its_staff_is_flagged(tmp_path):
    rows = [["Cơ quan", "Tổng số CBCCVC", "Số người đã tạo tài khoản"], ["Phòng Nội vụ", 18, 19]]
    parsed = one_sheet(tmp_path, rows)
    assert parsed.rows[0].agency == "Phòng Nội vụ"
    assert codes(parsed.report.warnings) == [(2, "over-target")]


def test_count_row_without_unit_name_is_an_error(tmp_path):
    rows = [["STT", "Thôn", "Số người đã cài đặt"], [1, "Thôn 1", 5], [2, None, 7], [3, None, 0]]
    parsed = one_sheet(tmp_path, rows)
    assert [r.cluster for r in parsed.rows] == ["Thôn 1"]
    assert codes(parsed.report.errors) == [(3, "missing-unit")]


# ================================================================ people and duplicates

def test_same_citizen_id_twice_counts_once_the_later_row_wins(tmp_path):
    parsed = roster(tmp_path, [[1, "Nguyễn Văn An", "", "001090001234", "", "Thôn 1", "x", ""],
                               [2, "Trần Thị Bình", "", "001090005678", "", "Thôn 1", "", ""],
                               [3, "Nguyễn Văn An", "", "001090001234", "", "Thôn 1", "x", "x"]])
    assert [(r.row, r.full_name, r.registered) for r in parsed.rows] == [(5, "Trần Thị Bình", False),
                                                                       (6, "Nguyễn Văn An", True)]
    (warning,) = parsed.report.warnings
    assert (warning.row, warning.code) == (6, "duplicate-person")
    assert "dòng 4" in warning.message and "dòng 6" in warning.message
    assert parsed.report.rows_read == 3


def test_same_phone_without_citizen_id_is_the_same_person(tmp_path):
    parsed = roster(tmp_path, [[1, "Nguyễn Văn An", "", "", "0912345678", "Thôn 1", "x", ""],
                               [2, "Nguyễn V. An", "", "", "0912 345 678", "Thôn 1", "x", "x"]])
    assert [(r.row, r.full_name) for r in parsed.rows] == [(5, "Nguyễn V. An")]
    assert codes(parsed.report.warnings) == [(5, "duplicate-person")]


def test_invalid_citizen_id_falls_back_to_phone(tmp_path):
    parsed = roster(tmp_path, [[1, "An", "", "12345", "0912345678", "Thôn 1", "x", ""],
                               [2, "An", "", "", "0912345678", "Thôn 1", "x", "x"]])
    assert [r.row for r in parsed.rows] == [5]
    assert codes(parsed.report.warnings) == [(4, "invalid-citizen-id"), (5, "duplicate-person")]


def test_same_name_birth_date_and_unit_may_be_namesakes(tmp_path):
    parsed = roster(tmp_path, [[1, "Nguyễn Văn An", "01/02/1980", "", "", "Thôn 1", "x", ""],
                               [2, "NGUYỄN VĂN AN", date(1980, 2, 1), "", "", "Thôn 01", "x", "x"],
                               [3, "Nguyễn Văn An", "01/02/1981", "", "", "Thôn 1", "", ""],
                               [4, "Nguyễn Văn An", "01/02/1980", "", "", "Thôn 2", "", ""]])
    assert [r.row for r in parsed.rows] == [5, 6, 7]
    (warning,) = parsed.report.warnings
    assert (warning.row, warning.code) == (5, "possible-namesake")
    assert "dòng 4" in warning.message and "cùng tên" in warning.message


def test_same_name_and_unit_without_birth_date_may_be_namesakes(tmp_path):
    rows = [["Họ và tên", "Thôn", "Đã cài đặt"], ["Lê Thị Hoa", "Thôn 1", "x"], ["Lê Thị Hoa", "Thôn 2", ""],
            ["Le Thi Hoa", "Thôn 1", ""]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.row, r.cluster) for r in parsed.rows] == [(3, "Thôn 2"), (4, "Thôn 1")]
    assert codes(parsed.report.warnings) == [(4, "possible-namesake")]


def test_duplicates_across_sheets_of_one_file(tmp_path):
    header = ["Họ và tên", "Số CCCD", "Đã cài đặt"]
    parsed = book(tmp_path, ("Cụm 1", [header, ["An", "001090001234", ""]]),
                  ("Cụm 2", [header, ["An", "001090001234", "x"]]))
    assert [(r.sheet, r.installed) for r in parsed.rows] == [("Cụm 2", True)]
    (warning,) = parsed.report.warnings
    assert warning.code == "duplicate-person" and "Cụm 1" in warning.message


# ================================================================ the report

def test_problems_name_sheet_excel_row_column_as_written_value_as_written(tmp_path):
    rows = [["DANH SÁCH"], [], ["STT", "Họ và tên", "Đã cài đặt\niHaNoi"], [1, "An", 3.0]]
    parsed = one_sheet(tmp_path, rows, sheet="Thôn 2")
    (problem,) = parsed.report.errors
    assert problem.as_dict() == {
        "sheet": "Thôn 2", "row": 4, "column": "Đã cài đặt iHaNoi", "value": "3", "code": "invalid-yes-no",
        "message": problem.message}
    assert problem.message and "3" in problem.message


def test_report_counts_rows_read_not_titles_blanks_or_totals(tmp_path):
    rows = [["BÁO CÁO"], [], ["Thôn", "Số người đã cài đặt"], [], ["Thôn 1", 1], ["Thôn 2", "x"], [], ["Cộng", 1]]
    parsed = one_sheet(tmp_path, rows, sheet="Báo cáo")
    assert parsed.report.rows_read == 2
    assert len(parsed.rows) == 1 and codes(parsed.report.errors) == [(6, "invalid-count")]
    assert parsed.report.file == "book.xlsx" and parsed.report.kind == "counts"


# ================================================================ more shapes staff send

def test_section_rows_numbered_in_roman_numerals_are_not_people(tmp_path):
    rows = [["STT", "Họ và tên", "Chức vụ", "Đã cài đặt"],
            ["I", "Văn phòng HĐND và UBND", None, None],
            [1, "Nguyễn Văn An", "Chánh văn phòng", "x"],
            ["II", "Phòng Nội vụ", None, None],
            ["A.", "Khối quản lý", None, None],
            [2, "Trần Thị Bình", "Trưởng phòng", ""]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.row, r.full_name) for r in parsed.rows] == [(3, "Nguyễn Văn An"), (6, "Trần Thị Bình")]
    assert parsed.report.rows_read == 2 and parsed.report.errors == []


def test_surname_and_given_name_columns_make_the_full_name(tmp_path):
    rows = [["STT", "Họ", "Tên", "Đã cài đặt"], [1, "Nguyễn Văn", "An", "x"], [2, "Lê Thị", "Bình", ""]]
    parsed = one_sheet(tmp_path, rows)
    assert [r.full_name for r in parsed.rows] == ["Nguyễn Văn An", "Lê Thị Bình"]


def test_numeric_column_number_row_is_skipped(tmp_path):
    rows = [["STT", "Họ và tên", "Đã cài đặt", "Đã tạo tài khoản"], [1, 2, 3, 4], [1, "An", "x", "x"]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.row, r.full_name) for r in parsed.rows] == [(3, "An")]


def test_only_registered_column_counts_as_installed_with_a_note(tmp_path):
    parsed = one_sheet(tmp_path, [["Họ và tên", "Đã đăng ký"], ["An", "x"], ["Bình", "chưa"]])
    assert parsed.only_installed is False
    assert [(r.installed, r.registered) for r in parsed.rows] == [(True, True), (False, False)]
    assert len(parsed.report.notes) == 1 and "Đã tạo tài khoản" in parsed.report.notes[0]


def test_sheets_with_different_report_dates_keep_their_own(tmp_path):
    header = ["Thôn", "Số người đã cài đặt"]
    parsed = book(tmp_path, ("Tuần 1", [["Tính đến ngày 05/8/2024"], header, ["Thôn 1", 5]]),
                  ("Tuần 2", [["Tính đến ngày 12/8/2024"], header, ["Thôn 1", 9]]))
    assert parsed.as_of == date(2024, 8, 5)
    assert [(r.sheet, r.installed, r.report_date) for r in parsed.rows] == [
        ("Tuần 1", 5, None), ("Tuần 2", 9, date(2024, 8, 12))]
    assert any("ngày báo cáo khác nhau" in n for n in parsed.report.notes)
    assert parsed.report.warnings == []   # not the same unit twice: another date


def test_same_unit_twice_in_a_count_report_counts_once(tmp_path):
    rows = [["Thôn", "Số người đã cài đặt"], ["Thôn 1", 5], ["Thôn 2", 6], ["Thôn 01", 7]]
    parsed = one_sheet(tmp_path, rows)
    assert [(r.row, r.cluster, r.installed) for r in parsed.rows] == [(3, "Thôn 2", 6), (4, "Thôn 01", 7)]
    assert codes(parsed.report.warnings) == [(4, "duplicate-unit")]


def test_same_cluster_name_in_two_communes_is_two_units(tmp_path):
    header = ["Thôn", "Số người đã cài đặt"]
    parsed = book(tmp_path, ("Hạ Mỗ", [header, ["Thôn 1", 5]]), ("Đan Phượng", [header, ["Thôn 1", 6]]))
    assert len(parsed.rows) == 2 and parsed.report.warnings == []
    parsed = one_sheet(tmp_path, [["Xã", "Thôn", "Số hộ"], ["Hạ Mỗ", "Thôn 1", 5], ["Đan Phượng", "Thôn 1", 6]])
    assert parsed.kind == "units" and len(parsed.rows) == 2 and parsed.report.warnings == []


def test_short_csv_rows_are_read(tmp_path):
    text = "STT,Họ và tên,Thôn,Đã cài đặt,Đã tạo tài khoản\n1,An,Thôn 1,x\n2,Bình\n"
    parsed = csv_file(tmp_path, text)
    assert [(r.full_name, r.cluster, r.installed, r.registered) for r in parsed.rows] == [
        ("An", "Thôn 1", True, False), ("Bình", None, False, False)]


def test_person_identity_follows_the_spec():
    from importers.kinds import person_identity
    from text import fold
    a = PersonRow("S", 2, "Nguyễn Văn An", citizen_id="001090001234", phone="0912345678", cluster="Thôn 1")
    b = PersonRow("S", 3, "Nguyễn Văn An", phone="0912345678", cluster="Thôn 1")
    c = PersonRow("S", 4, "NGUYEN VAN AN", birth_year=1980, cluster="Thôn 01")
    d = PersonRow("S", 5, "Nguyễn Văn An", birth_year=1980, cluster="Thôn 1")
    def identity(row):
        return person_identity(row.citizen_id, row.phone, lambda: (fold(row.full_name),
                                                                   row.birth_year))
    assert identity(a) == ("id", "001090001234")
    assert identity(b) == ("phone", "0912345678")
    assert identity(c) == identity(d) == ("name", ("nguyen van an", 1980))


@pytest.mark.parametrize("name", ["danh-muc-don-vi.xlsx", "dong-thap-bao-cao-05-8.xlsx",
                                  "phong-van-hoa-thong-tin.xlsx", "tho-an-cum-5-6.xlsx"])
def test_a_parsed_file_handed_over_by_pickle_is_the_same(name):
    # how the isolated reader's child hands its answer over (rows travel as one list per field)
    from importers.parse import parse_in_process
    parsed = parse_in_process((SAMPLES / name).read_bytes(), name)
    copy = pickle.loads(pickle.dumps(parsed))
    assert copy.rows == parsed.rows and copy.rows and type(copy.rows[0]) is type(parsed.rows[0])
    assert (copy.kind, copy.as_of, copy.report, copy.only_installed) == (
        parsed.kind, parsed.as_of, parsed.report, parsed.only_installed)
    assert [s.data_rows() for s in copy.sheets] == [s.data_rows() for s in parsed.sheets]
