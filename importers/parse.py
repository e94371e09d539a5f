"""Sheets of cell values in, typed rows and an import report out.

`parse_file(data, filename)` reads a spreadsheet and parses it in a child process with a memory
and a time limit (`importers.isolated`), after the cheap checks of `importers.read.check`;
`parse_in_process` does the same in the calling process (the child's work; tests, the fuzzer);
`parse_sheets(sheets, filename)` parses sheets already read. Unit names are not matched and dates
are not checked against the report date here: a service does both (it knows the directory and the
final as-of date).
"""
from __future__ import annotations

import gc
import re
from datetime import date, datetime
from itertools import islice

from importers.headers import fill_merged, find_header, header_text, is_empty, relative_merges
from importers.kinds import (BUILDERS, BuildContext, SheetPlan, detect_kind, fits, name_prefix_column,
                             unknown_table_message)
from importers.normalise import Invalid, parse_date
from importers.isolated import run_isolated
from importers.read import RawSheet, check, read_sheets
from importers.report import (KIND_LABELS, FileRefused, ImportReport, Kind, PackedRows, ParsedFile,
                              SheetCells)
from text import fold

MAX_HINTS = 50  # title texts kept as unit hints

__all__ = ["parse_file", "parse_in_process", "parse_sheets", "plan_sheet", "title_date"]


def parse_file(data: bytes, filename: str, *, kind: Kind | None = None) -> ParsedFile:
    """Read and parse one uploaded file, isolated. Raises `FileRefused` for a file that cannot be
    used, also when the reader runs out of memory or time, or crashes."""
    if kind is not None and kind not in BUILDERS:
        raise ValueError(f"unknown kind {kind!r}")
    if not isinstance(data, bytes):
        data = bytes(data)
    check(data, filename)  # cheap refusals need no child
    return run_isolated(parse_in_process, data, filename, kind, data=data, filename=filename)


def parse_in_process(data: bytes, filename: str, kind: Kind | None = None, *,
                     progress=None) -> ParsedFile:
    """`parse_file` in this process: only for bytes already known to be safe, or in a child."""
    return parse_sheets(read_sheets(data, filename, on_sheet=progress), filename, kind=kind)


def parse_sheets(sheets: list[RawSheet], filename: str, *, kind: Kind | None = None) -> ParsedFile:
    """Parse the sheets of one file. All sheets read are of one kind: the one the user gave, else
    the kind of the first sheet holding a table; sheets of another kind are skipped with a note."""
    if kind is not None and kind not in BUILDERS:
        raise ValueError(f"unknown kind {kind!r}")
    report = ImportReport(file=filename)
    plans: list[SheetPlan] = []
    raw_of: dict[int, RawSheet] = {}
    for sheet in sheets:
        plan = plan_sheet(sheet, kind)
        if plan is None:
            report.skipped_sheets.append(sheet.name)
        else:
            plans.append(plan)
            raw_of[id(plan)] = sheet
    if not plans:
        raise FileRefused("unknown-table", unknown_table_message(kind))

    file_kind: Kind = kind or plans[0].kind
    if kind is None:
        kept = []
        for plan in plans:
            if plan.kind == file_kind:
                kept.append(plan)
            else:
                report.skipped_sheets.append(plan.name)
                report.notes.append(
                    f"Bỏ qua trang “{plan.name}”: đây là {KIND_LABELS[plan.kind]}, khác loại với "
                    f"{KIND_LABELS[file_kind]} của trang “{plans[0].name}”. Hãy tải trang đó lên "
                    "thành một tệp riêng (hoặc chọn loại bảng khi tải lên).")
        plans = kept

    as_of = next((p.as_of for p in plans if p.as_of is not None), None)
    if as_of is not None and any(p.as_of not in (None, as_of) for p in plans):
        for plan in plans:
            if plan.as_of is not None and plan.as_of != as_of:
                plan.row_report_date = plan.as_of
        report.notes.append(
            f"Các trang tính ghi ngày báo cáo khác nhau; ngày của tệp là {as_of:%d/%m/%Y}, "
            "các dòng của trang khác ngày giữ ngày của trang mình.")

    for plan in plans:
        report.columns[plan.name] = {fld: plan.header.columns[i].header
                                     for fld, i in plan.header.fields.items()}
    ctx = BuildContext(report)
    only_installed = only_registered = False
    # Hundreds of thousands of new rows: the cyclic garbage collector would walk the whole heap
    # many times over while they are made (and they hold no cycles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for plan in plans:
            fields = plan.header.fields
            if file_kind != "units":
                only_installed |= "installed" in fields and "registered" not in fields
                only_registered |= "registered" in fields and "installed" not in fields
            BUILDERS[file_kind](plan, ctx)
    finally:
        if collecting:
            gc.enable()
    who = "số người" if file_kind == "counts" else "người"
    if only_installed:
        report.notes.append(
            f"Bảng chỉ có cột “Đã cài đặt”, không có cột “Đã tạo tài khoản”: {who} đã cài đặt được "
            "tính là đã tạo tài khoản.")
    if only_registered:
        report.notes.append(
            f"Bảng chỉ có cột “Đã tạo tài khoản”, không có cột “Đã cài đặt”: {who} đã tạo tài khoản "
            "được tính là đã cài đặt.")

    report.kind = file_kind
    report.as_of = as_of
    report.rows_read = ctx.rows_read
    return ParsedFile(kind=file_kind, rows=ctx.finish(), report=report, as_of=as_of,
                      only_installed=only_installed,
                      sheets=[_cells(raw_of[id(p)], p) for p in plans])


def _cells(sheet: RawSheet, plan: SheetPlan) -> SheetCells:
    """The sheet's cells as written (not merge-filled), for the rows-to-fix workbook."""
    end = plan.header.last + 1
    return SheetCells(sheet.name, sheet.first_row, sheet.rows[:end], plan.header.first,
                      PackedRows(sheet.rows[end:]))


def plan_sheet(sheet: RawSheet, kind: Kind | None = None) -> SheetPlan | None:
    """Find a sheet's header, kind, titles and report date; None when it holds no table."""
    rows = sheet.rows
    if not rows:
        return None
    merges = relative_merges(sheet.merged, sheet.first_row, sheet.first_col)
    if kind is None:
        header = find_header(rows, merges, accept=lambda found: detect_kind(found) is not None)
    else:
        header = find_header(rows, merges, accept=lambda found: fits(kind, found))
    if header is None:
        return None
    sheet_kind = kind or detect_kind(header.fields)
    data_start = header.last + 1
    filled = fill_merged(rows, [m for m in merges if m[2] >= data_start], data_start)
    titles = rows[:header.first]
    # the titles' texts, each once; a real title block has a handful (bounded: every row's unit
    # may be looked up in them)
    hints = (sheet.name,) + tuple(islice(dict.fromkeys(
        t for t in (header_text(v) for row in titles for v in row if isinstance(v, str)) if t), MAX_HINTS))
    return SheetPlan(
        name=sheet.name, rows=filled, first_row=sheet.first_row, header=header, kind=sheet_kind,
        hints=hints, as_of=title_date(titles), untyped=_untyped(rows, data_start),
        name_prefix=name_prefix_column(header))


def _untyped(rows: list[list], start: int, sample: int = 200) -> bool:
    """Every cell is text (a csv, or a sheet typed all as text)."""
    for row in rows[start:start + sample]:
        for v in row:
            if v.__class__ is not str:
                return False
    return True


# ---------------------------------------------------------------- the report date from titles
_LABELS = ("ngay bao cao", "tinh den ngay", "tinh den")
_VN_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def date_in_text(text: str) -> date | None:
    """The date a title gives (`ngày 12 tháng 8 năm 2024`, `12/8/2024`; the last one wins)."""
    found = None
    for m in _VN_DATE.finditer(fold(text)):
        found = _make(int(m.group(3)), int(m.group(2)), int(m.group(1))) or found
    if found:
        return found
    for m in _DMY.finditer(text):
        found = _make(int(m.group(3)), int(m.group(2)), int(m.group(1))) or found
    if found:
        return found
    for m in _YMD.finditer(text):
        found = _make(int(m.group(1)), int(m.group(2)), int(m.group(3))) or found
    return found


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d) if 2000 <= y <= 2100 else None
    except ValueError:
        return None


def title_date(titles: list[list]) -> date | None:
    """The as-of date of rows above a header: a `Ngày báo cáo`/`Tính đến ngày` cell (date in the
    text or in the next cell to the right), else a date in a title's text, else a date cell."""
    for row in titles:
        for c, v in enumerate(row):
            if not isinstance(v, str) or not any(label in fold(v) for label in _LABELS):
                continue
            found = date_in_text(v)
            if found:
                return found
            for w in row[c + 1:]:
                if is_empty(w):
                    continue
                try:
                    found = parse_date(w) if not isinstance(w, str) else (date_in_text(w) or parse_date(w))
                except Invalid:
                    found = None
                if found:
                    return found
                break
    for row in titles:
        for v in row:
            if isinstance(v, str):
                found = date_in_text(v)
                if found:
                    return found
    for row in titles:
        for v in row:
            if isinstance(v, datetime):
                return v.date()
            if isinstance(v, date):
                return v
    return None
