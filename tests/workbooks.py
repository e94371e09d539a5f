"""Small workbooks written by the tests themselves (openpyxl)."""
from __future__ import annotations

import io

from openpyxl import Workbook


def xlsx_bytes(*sheets: tuple[str, list[list]]) -> bytes:
    """A workbook with one sheet per (name, rows); rows start at Excel row 1."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROSTER_HEADER = ["STT", "Họ và tên", "Số CCCD", "Thôn", "Đã cài đặt", "Đã tạo tài khoản",
                 "Ngày tạo tài khoản"]


def roster(people: list[list], title: str = "UBND XÃ THỌ AN") -> bytes:
    """A resident roster: title, blank row, header, then one row per person (no STT needed)."""
    rows = [[title], [], ROSTER_HEADER]
    rows += [[i + 1, *person] for i, person in enumerate(people)]
    return xlsx_bytes(("Danh sách", rows))


def count_report(units: list[list], unit_header: str = "Thôn", title: str = "UBND XÃ ĐỒNG THÁP",
                 date_line: str | None = None) -> bytes:
    rows = [[title]] + ([[date_line]] if date_line else []) + [[]]
    rows.append(["STT", unit_header, "Số người đã cài đặt", "Số người đã tạo tài khoản"])
    rows += [[i + 1, *unit] for i, unit in enumerate(units)]
    return xlsx_bytes(("Báo cáo", rows))
