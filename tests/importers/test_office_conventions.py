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
