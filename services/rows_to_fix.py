"""The rejected rows of an uploaded file, as they were written, with the reason: to fix and send again."""
from __future__ import annotations

from datetime import date, datetime

from importers.normalise import Invalid, phone
from importers.report import ParsedFile, RowProblem
from services.excel import ExcelFile, new_workbook, put_row, save, set_widths, sheet_title

REASON = "Lý do"
CITIZEN_ID_IN_PHONE = "citizen-id-in-phone"


def rows_to_fix(parsed: ParsedFile, errors: list[RowProblem]) -> ExcelFile | None:
    """One sheet per sheet with rejected rows: its titles and header as in the file, then each
    rejected row with its cells unchanged and a last column `Lý do`. None when no row was rejected.

    Made from the cells the parse kept (`parsed.sheets`): the file is not read again. Titles are
    kept so that the fixed file is read the same way (commune, report date)."""
    reasons: dict[tuple[str, int], list[str]] = {}
    masked: dict[tuple[str, int], list[RowProblem]] = {}  # never a citizen ID in clear
    for problem in errors:
        if problem.row is not None:
            reasons.setdefault((problem.sheet, problem.row), []).append(_reason(problem))
            if problem.code == CITIZEN_ID_IN_PHONE:
                masked.setdefault((problem.sheet, problem.row), []).append(problem)
    if not reasons:
        return None
    book, taken = new_workbook(), set()
    for cells in parsed.sheets:
        wanted = sorted(row for sheet, row in reasons if sheet == cells.name)
        if not wanted:
            continue
        out = book.create_sheet(sheet_title(cells.name, taken))
        width = max(len(r) for r in cells.head)
        for index, line in enumerate(cells.head, start=1):
            is_header = index > cells.header_first
            put_row(out, index, [_cell(v) for v in line], header=is_header, border=is_header)
        put_row(out, len(cells.head), [REASON], first_column=width + 1, header=True)
        data, data_row = cells.data, cells.first_row + len(cells.head)
        next_row = len(cells.head) + 1
        for excel_row in wanted:
            index = excel_row - data_row
            if not 0 <= index < len(data):
                continue
            line = [_cell(v) for v in data.row(index)]
            for problem in masked.get((cells.name, excel_row), []):
                line = _masked(line, cells.head, problem)
            put_row(out, next_row, line + [""] * (width - len(line)) +
                    ["; ".join(reasons[(cells.name, excel_row)])])
            next_row += 1
        set_widths(out, [14] * width + [60])
    if not book.sheetnames:
        return None
    stem = parsed.report.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return save(book, f"{stem}-dong-can-sua.xlsx")


def _masked(line: list, head: list[list], problem: RowProblem) -> list:
    """The row with the citizen ID typed into the phone column replaced by its masked form: in
    the column the problem names (the header's last part), else in every cell that reads as one."""
    name = (problem.column or "").rsplit(" › ", 1)[-1].strip()
    columns = {j for row in head for j, v in enumerate(row) if isinstance(v, str) and v.strip() == name}
    out = list(line)
    for j, value in enumerate(out):
        if j in columns or (not columns and _is_citizen_id_in_phone(value)):
            out[j] = problem.value
    return out


def _is_citizen_id_in_phone(value) -> bool:
    try:
        phone(value)
    except Invalid as problem:
        return problem.code == CITIZEN_ID_IN_PHONE
    return False


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
