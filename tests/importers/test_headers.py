"""Header rows and field names (spec: "Finding the table", "Field names")."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from importers.headers import fill_merged, find_header, match_field, relative_merges

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "import-formats.md"

# The spec's table, copied by hand: field label -> header names.
SPEC_FIELDS = {
    "row_number": ["STT", "Số TT", "TT"],
    "commune_code": ["Mã xã", "Mã xã/thị trấn"],
    "cluster_code": ["Mã thôn", "Mã cụm", "Mã thôn/tổ dân phố", "Mã địa bàn"],
    "agency_code": ["Mã cơ quan", "Mã đơn vị"],
    "full_name": ["Họ và tên", "Họ tên", "Họ và tên người dân", "Tên"],
    "birth_date": ["Ngày sinh", "Ngày tháng năm sinh", "Năm sinh"],
    "citizen_id": ["Số CCCD", "CCCD", "Số định danh", "Số định danh cá nhân", "CMND/CCCD", "Số CMND/CCCD"],
    "phone": ["Số điện thoại", "SĐT", "Điện thoại", "Số ĐT"],
    "commune": ["Xã", "Thị trấn", "Xã/Thị trấn", "Xã, thị trấn", "Đơn vị hành chính"],
    "cluster": ["Thôn", "Cụm dân cư", "Tổ dân phố", "Thôn/Tổ dân phố", "Thôn/Cụm dân cư",
                "Thôn/Cụm dân cư/Tổ dân phố", "Cụm", "Địa bàn", "Tên thôn", "Tên cụm dân cư",
                "Tên thôn, tổ dân phố"],
    "agency": ["Cơ quan", "Đơn vị", "Cơ quan, đơn vị", "Tên cơ quan, đơn vị", "Đơn vị công tác",
               "Phòng ban", "Tên đơn vị", "Tên cơ quan"],
    "position": ["Chức vụ", "Chức danh"],
    "agency_kind": ["Loại", "Loại đơn vị", "Khối"],
    "installed": ["Đã cài đặt", "Cài đặt", "Cài đặt iHaNoi", "Số đã cài đặt", "Số người đã cài đặt"],
    "registered": ["Đã tạo tài khoản", "Tạo tài khoản", "Có tài khoản", "Đã đăng ký", "Đăng ký tài khoản",
                   "Số đã tạo tài khoản", "Số người đã tạo tài khoản"],
    "registered_on": ["Ngày tạo tài khoản", "Ngày đăng ký", "Ngày cài đặt"],
    "households": ["Số hộ", "Tổng số hộ"],
    "population": ["Số nhân khẩu", "Tổng số nhân khẩu", "Nhân khẩu", "Dân số"],
    "target_population": ["Số người trong diện", "Số người trong diện cài đặt", "Chỉ tiêu",
                          "Số người từ 15 tuổi trở lên", "Số người từ 15 tuổi"],
    "staff": ["Tổng số CBCCVC", "Tổng số CBCCVC, NLĐ", "Tổng số CB, CC, VC, NLĐ", "Số cán bộ", "Biên chế",
              "Tổng số cán bộ"],
    "report_date": ["Ngày báo cáo", "Tính đến ngày"],
    "percentage": ["Tỷ lệ", "Tỷ lệ (%)", "%"],
}
ALL_NAMES = [(name, key) for key, names in SPEC_FIELDS.items() for name in names]


@pytest.mark.parametrize("name, field", ALL_NAMES)
def test_every_field_name_of_the_spec_matches_its_field(name, field):
    assert match_field(name) == field


@pytest.mark.parametrize("name, field", ALL_NAMES)
def test_field_names_match_in_capitals_without_diacritics(name, field):
    import unicodedata
    bare = "".join(c for c in unicodedata.normalize("NFD", name.upper()) if not unicodedata.combining(c))
    assert match_field(bare.replace("Đ", "D")) == field


def test_copy_of_the_field_table_is_the_spec_table():
    if not SPEC.exists():
        pytest.skip("shared/spec is not beside the project")
    text = SPEC.read_text(encoding="utf-8")
    section = text.split("## Field names", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
    names = [re.findall(r"`([^`]+)`", row.split("|")[2]) for row in rows]
    assert sorted(n for group in names for n in group) == sorted(n for n, _ in ALL_NAMES)


@pytest.mark.parametrize("text, field", [
    ("Ho va ten", "full_name"),
    ("HỌ VÀ TÊN", "full_name"),
    ("Họ  và   tên", "full_name"),
    ("Họ và\ntên", "full_name"),
    ("Thôn / Tổ dân phố", "cluster"),
    ("Thôn/Tổ dân phố", "cluster"),
    ("Số CMND / CCCD", "citizen_id"),
    ("Ngày tạo\ntài khoản", "registered_on"),
    ("So dien thoai", "phone"),
    ("Ho va te\u0302n", "full_name"),                # decomposed (NFD) marks
])
def test_header_matches_after_normalisation(text, field):
    assert match_field(text) == field


@pytest.mark.parametrize("text, field", [
    ("Đã cài đặt iHaNoi", "installed"),             # a name followed by more words
    ("Đã cài đặt\niHaNoi", "installed"),
    ("Họ và tên người dân", "full_name"),
    ("Số điện thoại liên hệ", "phone"),
    ("Đã tạo tài khoản iHaNoi (x)", "registered"),
    ("Tỷ lệ cài đặt (%)", "percentage"),
    ("Chỉ tiêu giao", "target_population"),
])
def test_header_beginning_with_a_name_matches(text, field):
    assert match_field(text) == field


@pytest.mark.parametrize("text, field", [
    ("Tên cơ quan, đơn vị", "agency"),               # not `Tên` (full name)
    ("Tên thôn", "cluster"),
    ("Tên đơn vị", "agency"),
    ("Đơn vị hành chính", "commune"),               # not `Đơn vị` (agency)
    ("Số người đã tạo tài khoản", "registered"),
    ("Ngày cài đặt", "registered_on"),              # not `Cài đặt`
    ("Mã thôn/tổ dân phố", "cluster_code"),         # not `Mã thôn` + words ... both cluster code
    ("Số người trong diện cài đặt", "target_population"),
    ("Tổng số CBCCVC, NLĐ", "staff"),
])
def test_longest_name_wins(text, field):
    assert match_field(text) == field


@pytest.mark.parametrize("text", ["Số lượng", "SL", "Ghi chú", "Họ", "Đã cài", "Tạo", "Sốhộ", "", None, 12])
def test_cells_naming_no_field(text):
    assert match_field(text) is None


def test_a_name_must_end_at_a_word_boundary():
    assert match_field("Thônxóm") is None
    assert match_field("Xã hội hoá") == "commune"  # `Xã` followed by more words, as the spec says


# ---------------------------------------------------------------- finding the header row

def _accept_any(found):
    return True


def test_header_row_found_below_titles_blank_rows_and_notes():
    rows = [["UBND XÃ THỌ AN", "", ""],
            ["", "", ""],
            ["Ghi chú: đánh dấu x nếu đã cài", "", ""],
            ["STT", "Họ và tên", "Đã cài đặt"],
            [1, "Nguyễn Văn An", "x"]]
    header = find_header(rows, accept=_accept_any)
    assert (header.first, header.last) == (3, 3)
    assert header.fields == {"row_number": 0, "full_name": 1, "installed": 2}
    assert [c.header for c in header.columns] == ["STT", "Họ và tên", "Đã cài đặt"]


def test_header_found_on_row_30_but_not_on_row_31():
    def sheet(at):
        return [["ghi chú"]] * (at - 1) + [["Họ và tên", "Đã cài đặt"], ["An", "x"]]
    assert find_header(sheet(30), accept=_accept_any).first == 29
    assert find_header(sheet(31), accept=_accept_any) is None


def test_a_title_naming_one_field_is_not_a_header():
    rows = [["Tính đến ngày 12/8/2024", ""], ["Thôn 1", ""], ["Họ và tên", "Đã cài đặt"]]
    assert find_header(rows, accept=_accept_any).first == 2


def test_header_is_the_row_naming_most_fields_that_accept_takes():
    rows = [["Thôn", "Xã"],                       # two fields, but not a table `accept` takes
            ["Họ và tên", "Thôn", "Đã cài đặt"]]
    header = find_header(rows, accept=lambda found: "full_name" in found)
    assert header.first == 1


def test_two_row_header_child_takes_parent_field():
    rows = [["STT", "Thôn", "Đã tạo tài khoản", "", "Đã cài đặt", ""],
            ["", "", "Số lượng", "Tỷ lệ (%)", "SL", "Số người"],
            [1, "Cụm 1", 730, 23.5, 759, 759]]
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 0, 5)]
    header = find_header(rows, merges, accept=_accept_any)
    assert (header.first, header.last) == (0, 1)
    assert [c.field for c in header.columns] == [
        "row_number", "cluster", "registered", "percentage", "installed", "installed"]
    assert header.fields["installed"] == 4  # the first column of a field is read
    assert header.columns[2].header == "Đã tạo tài khoản › Số lượng"
    assert header.columns[3].header == "Đã tạo tài khoản › Tỷ lệ (%)"
    assert header.columns[1].header == "Thôn"


def test_two_row_header_found_from_the_child_row():
    # The child row (with the vertical merges filled) names more fields than the parent row.
    rows = [["STT", "Họ và tên", "Kết quả", ""],
            ["", "", "Đã cài đặt", "Đã tạo tài khoản"],
            [1, "An", "x", "x"]]
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3)]
    header = find_header(rows, merges, accept=_accept_any)
    assert (header.first, header.last) == (0, 1)
    assert header.fields == {"row_number": 0, "full_name": 1, "installed": 2, "registered": 3}
    assert header.columns[2].header == "Kết quả › Đã cài đặt"


def test_two_row_header_without_merges_as_in_a_csv():
    rows = [["STT", "Thôn", "Đã tạo tài khoản", "", "Số hộ"],
            ["", "", "Số lượng", "Tỷ lệ", ""],
            ["1", "Cụm 1", "730", "23,5", "578"]]
    header = find_header(rows, accept=_accept_any)
    assert (header.first, header.last) == (0, 1)
    assert [c.field for c in header.columns] == [
        "row_number", "cluster", "registered", "percentage", "households"]


def test_merged_title_over_the_header_is_not_a_parent():
    rows = [["DANH SÁCH CÁN BỘ", "", ""], ["Họ tên", "Chức vụ", "Đã cài đặt"], ["An", "CV", "x"]]
    header = find_header(rows, [(0, 0, 0, 2)], accept=_accept_any)
    assert (header.first, header.last) == (1, 1)


def test_merged_cells_count_as_filled_with_their_value():
    rows = [["Thôn", "Họ tên", "Đã cài đặt"], ["Cụm 1", "An", "x"], ["", "Bình", ""], ["", "Chi", ""]]
    filled = fill_merged(rows, [(1, 0, 3, 0), (1, 2, 2, 2)], start=1)
    assert [r[0] for r in filled] == ["Thôn", "Cụm 1", "Cụm 1", "Cụm 1"]
    assert [r[2] for r in filled] == ["Đã cài đặt", "x", "x", ""]
    assert rows[2][0] == ""  # the caller's rows are not changed


def test_merged_ranges_made_relative_to_the_first_cell():
    assert relative_merges([(4, 2, 5, 3)], first_row=3, first_col=1) == [(2, 1, 3, 2)]


def test_merged_range_reaching_past_the_sheet_is_clipped():
    rows = [["Thôn", "x"], ["Cụm 1", ""], ["", ""]]
    filled = fill_merged(rows, [(1, 0, 2, 16383)], start=1)
    assert filled[2] == ["Cụm 1", "Cụm 1"] and len(filled[1]) == 2
