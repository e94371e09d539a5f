"""Writing Excel files people download: templates, follow-up lists, rows to fix.

Every text cell that a spreadsheet could take for a formula (`=`, `+`, `-`, `@`, tab, carriage
return at its start) is written as text with Excel's quote prefix: it is shown, never evaluated.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_THIN = Side(style="thin", color="999999")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class ExcelFile:
    """A workbook to download: its file name and its bytes."""

    name: str
    data: bytes
    mime: str = XLSX_MIME


def put(sheet: Worksheet, row: int, column: int, value) -> Cell:
    """Write one cell; text that looks like a formula stays text."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, date):
        cell.number_format = "dd/mm/yyyy"
    return cell


def put_row(sheet: Worksheet, row: int, values: list, *, first_column: int = 1,
            header: bool = False, border: bool = True) -> None:
    for offset, value in enumerate(values):
        cell = put(sheet, row, first_column + offset, value)
        if border:
            cell.border = BORDER
        if header:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def put_title(sheet: Worksheet, row: int, text: str, *, bold: bool = True, size: int = 12) -> None:
    cell = put(sheet, row, 1, text)
    cell.font = Font(bold=bold, size=size)


def set_widths(sheet: Worksheet, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def printable(sheet: Worksheet, header_row: int, *, landscape: bool = False) -> None:
    """A4, one page wide, the header row repeated on every printed page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def new_workbook() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def save(book: Workbook, name: str) -> ExcelFile:
    buffer = io.BytesIO()
    book.save(buffer)
    return ExcelFile(name, buffer.getvalue())


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters at most, none of `[]:*?/\\`)."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()[:31] or "Trang"
    title, number = base, 2
    while title.casefold() in taken:
        suffix = f" ({number})"
        title, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(title.casefold())
    return title
