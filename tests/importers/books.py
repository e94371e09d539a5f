"""Workbooks the importer tests write themselves, and a plain reader for them.

`read_book` reads an xlsx with python-calamine into `RawSheet`s exactly as `importers.read`
promises (rows from A1, merged ranges 0-based and absolute), so the parsing layer is tested on
its own; the samples go through `parse_file` (reader and parser together).
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from importers.parse import parse_file, parse_sheets
from importers.read import RawSheet

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def write_xlsx(path: Path, *sheets, merges: dict | None = None, hidden: tuple = ()) -> Path:
    """sheets: (name, rows) pairs; rows start at A1. merges: {sheet name: ["A1:C1", ...]}."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for ref in (merges or {}).get(name, ()):
            sheet.merge_cells(ref)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def read_book(path: Path) -> list[RawSheet]:
    book = CalamineWorkbook.from_path(str(path))
    out = []
    for meta in book.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
        out.append(RawSheet(meta.name, sheet.to_python(skip_empty_area=False), 1, 0, merged))
    return out


def parse_book(path: Path, kind=None):
    return parse_sheets(read_book(path), path.name, kind=kind)


def book(tmp_path: Path, *sheets, name: str = "book.xlsx", kind=None, merges=None, hidden=()):
    """Write a workbook into tmp_path and parse it."""
    return parse_book(write_xlsx(tmp_path / name, *sheets, merges=merges, hidden=hidden), kind=kind)


def one_sheet(tmp_path: Path, rows, *, sheet: str = "Sheet1", kind=None, merges=None):
    return book(tmp_path, (sheet, rows), kind=kind, merges={sheet: merges or []})


def csv_file(tmp_path: Path, text: str, name: str = "danh-sach.csv", kind=None, bom: bool = True):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return parse_file(path.read_bytes(), name, kind=kind)


def sample(name: str, kind=None):
    return parse_file((SAMPLES / name).read_bytes(), name, kind=kind)


def codes(problems) -> list[tuple[int, str]]:
    return [(p.row, p.code) for p in problems]
