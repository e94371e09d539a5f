"""Bytes in, sheets of cell values out (python-calamine for workbooks, csv for text).

Refuses what is not a readable table with `FileRefused` and a Vietnamese message.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from importers.report import FileRefused

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 1_000_000


@dataclass
class RawSheet:
    """One visible sheet. `rows[i]` is Excel row `first_row + i` (1-based)."""

    name: str
    rows: list[list]
    first_row: int = 1
    first_col: int = 0
    # merged ranges as (first_row, first_col, last_row, last_col), 0-based like calamine, absolute
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def read_sheets(data: bytes, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES,
                max_rows: int = MAX_ROWS) -> list[RawSheet]:
    if len(data) > max_bytes:
        raise FileRefused("file-too-large", f"Tệp lớn hơn giới hạn {max_bytes // (1024 * 1024)} MB.")
    name = filename.lower()
    if name.endswith(".csv") or not data.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        return [_read_csv(data, filename)]
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for meta in workbook.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
            continue
        sheet = workbook.get_sheet_by_name(meta.name)
        start = sheet.start or (0, 0)
        sheets.append(RawSheet(meta.name, sheet.to_python(skip_empty_area=False), 1, 0,
                               [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]))
        del start
    return sheets


def _read_csv(data: bytes, filename: str) -> RawSheet:
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    rows = [row for row in csv.reader(io.StringIO(text), dialect)]
    return RawSheet(filename.rsplit("/", 1)[-1].rsplit(".", 1)[0], rows)
