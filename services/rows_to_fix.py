"""The rejected rows of an uploaded file, as they were written, with the reason: to fix and send again."""
from __future__ import annotations

from datetime import date, datetime

from importers.parse import plan_sheet
from importers.read import read_sheets
from importers.report import FileRefused, RowProblem
from services.excel import ExcelFile, new_workbook, put_row, save, set_widths, sheet_title

REASON = "Lý do"


def rows_to_fix(data: bytes, filename: str, errors: list[RowProblem], *,
                kind: str | None = None) -> ExcelFile | None:
    """One sheet per sheet with rejected rows: its titles and header as in the file, then each
    rejected row with its cells unchanged and a last column `Lý do`. None when no row was rejected.

    Titles are kept so that the fixed file is read the same way (commune, report date)."""
    reasons: dict[tuple[str, int], list[str]] = {}
    for problem in errors:
        if problem.row is not None:
            reasons.setdefault((problem.sheet, problem.row), []).append(_reason(problem))
    if not reasons:
        return None
    try:
        sheets = read_sheets(data, filename)
    except FileRefused:
        return None
    book, taken = new_workbook(), set()
    for raw in sheets:
        wanted = sorted(row for sheet, row in reasons if sheet == raw.name)
        plan = plan_sheet(raw, kind) if wanted else None
        if plan is None:
            continue
        out = book.create_sheet(sheet_title(raw.name, taken))
        width = max(len(r) for r in raw.rows[:plan.header.last + 1])
        for index, cells in enumerate(raw.rows[:plan.header.last + 1], start=1):
            is_header = index > plan.header.first
            put_row(out, index, [_cell(v) for v in cells], header=is_header, border=is_header)
        put_row(out, plan.header.last + 1, [REASON], first_column=width + 1, header=True)
        next_row = plan.header.last + 2
        for excel_row in wanted:
            index = excel_row - raw.first_row
            if not 0 <= index < len(raw.rows):
                continue
            cells = [_cell(v) for v in raw.rows[index]]
            put_row(out, next_row, cells + [""] * (width - len(cells)) +
                    ["; ".join(reasons[(raw.name, excel_row)])])
            next_row += 1
        set_widths(out, [14] * width + [60])
    if not book.sheetnames:
        return None
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return save(book, f"{stem}-dong-can-sua.xlsx")


def _reason(problem: RowProblem) -> str:
    where = f"cột “{problem.column}”: " if problem.column else ""
    return f"Dòng {problem.row}, {where}{problem.message}"


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value if (value.hour or value.minute or value.second) else value.date()
    if isinstance(value, (date, int, float, str, bool)) or value is None:
        return value
    return str(value)
