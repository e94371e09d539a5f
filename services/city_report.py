"""The report for the city: an Excel workbook as of a date, one sheet per campaign.

Each sheet: a title with the date, the campaign's standing, then tables (communes and clusters for
residents; agencies by kind for staff) with percent and status, coloured by conditional formatting,
totals, a frozen header, and a page setup ready to print (A4 landscape, one page wide). Numbers are
stored as numbers with formats, so Excel shows them in the reader's own separators.
Text cells are always text: a unit name starting with `=`, `+`, `-` or `@` is never a formula.
"""
from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, DataBarRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.engine import Engine

import formats as fmt
from services.analytics import UnitHistories, Standing, load_unit_histories
from services.verification import Checked, Verification, verification
from services.dashboard import (CampaignProgress, UnitProgress, agency_groups, campaign_progress,
                                commune_progress, rank, unit_progress)
from settings import current

TITLE = "BÁO CÁO TIẾN ĐỘ CÀI ĐẶT, SỬ DỤNG ỨNG DỤNG iHaNoi"
SHEET_NAMES = {"staff": "Cán bộ, CCVC, NLĐ", "residents": "Người dân"}
HEADERS = ["STT", "Đơn vị", "Thuộc", "Chỉ tiêu (người)", "Đã tạo tài khoản", "Đã cài đặt",
           "Tỷ lệ", "Cần đạt đến nay", "Tốc độ 7 ngày (người/ngày)", "Cần mỗi ngày",
           "Trạng thái", "Báo cáo gần nhất", "Hệ thống xác nhận", "Chênh lệch"]
WIDTHS = [6, 34, 22, 12, 12, 12, 9, 12, 13, 11, 19, 12, 12, 11]
HEADER_ROW = 5
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)


def workbook(as_of: date | None = None, *, engine: Engine | None = None) -> tuple[date, bytes]:
    """(the as-of date used, the .xlsx file's bytes)."""
    district = load_unit_histories(as_of, engine=engine)
    checked = verification(district.as_of, engine=engine)
    book = Workbook()
    book.remove(book.active)
    book.properties.title = f"{TITLE} — {fmt.day(district.as_of)}"
    for campaign in district.campaigns:
        units = district.units_of(campaign.key)
        progress = campaign_progress(district, campaign, units)
        sheet = book.create_sheet(SHEET_NAMES.get(campaign.key, campaign.key)[:31])
        _sheet(sheet, district, progress, checked)
    buffer = BytesIO()
    book.save(buffer)
    return district.as_of, buffer.getvalue()


def write_workbook(path: Path, as_of: date | None = None, *, engine: Engine | None = None) -> date:
    used, data = workbook(as_of, engine=engine)
    Path(path).write_bytes(data)
    return used


def text_cell(sheet: Worksheet, row: int, column: int, value: str | None):
    """A cell that holds text and only text: never run as a formula, even once edited."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return cell
    cell.value = str(value)
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def _place() -> str:
    """`Huyện Đan Phượng, thành phố Hà Nội` (the deployment's own name, from the settings)."""
    place = current().place
    place = place[:1].upper() + place[1:]
    return place if current().deployment_kind == "thành phố" else f"{place}, thành phố Hà Nội"


def _sheet(sheet: Worksheet, district: UnitHistories, progress: CampaignProgress,
           checked: Verification | None) -> None:
    """The campaign's tables; the last two columns (reported beside what the platform's account
    list confirms) stay blank while there is no list, or where nothing can be checked."""
    found: dict[tuple[str, str], Checked] = {} if checked is None else {
        (r.kind, r.code): r for r in checked.campaigns + checked.communes + checked.clusters
        + checked.agencies}
    last_column = get_column_letter(len(HEADERS))
    s = progress.standing
    lines = [(TITLE, Font(bold=True, size=14)),
             (f"{_place()} — Số liệu tính đến ngày {fmt.day(district.as_of)}", Font(bold=True)),
             (f"{progress.name}. Hạn {fmt.day(progress.deadline)} "
              f"({fmt.days_left(progress.days_left)}). Đã tạo tài khoản "
              f"{fmt.number(s.registered)}/{fmt.number(s.size)} ({fmt.percent(s.percent)}). "
              f"Đánh giá: {fmt.STATUS_LABELS[s.status]}.", Font(italic=True))]
    for row, (text, font) in enumerate(lines, start=1):
        text_cell(sheet, row, 1, text).font = font
        sheet.merge_cells(f"A{row}:{last_column}{row}")
    sheet.row_dimensions[3].height = 30
    sheet.cell(row=3, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    for column, (header, width) in enumerate(zip(HEADERS, WIDTHS), start=1):
        cell = text_cell(sheet, HEADER_ROW, column, header)
        cell.font, cell.border = _BOLD, _BORDER
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 45

    row = HEADER_ROW + 1
    if progress.key == "residents":
        row = _section(sheet, row, "I. THEO XÃ, THỊ TRẤN", rank(commune_progress(district)), found)
        row = _total(sheet, row, f"Tổng cộng toàn {current().deployment_kind}", progress,
                     found.get(("residents", "residents")))
        clusters: list[UnitProgress] = []
        for commune in district.communes:
            clusters += rank(unit_progress(district, [u for u in district.clusters
                                                      if u.commune_code == commune.code]))
        row = _section(sheet, row + 1, "II. THEO THÔN, TỔ DÂN PHỐ, CỤM DÂN CƯ", clusters, found)
    else:
        for number, group in enumerate(agency_groups(district), start=1):
            row = _section(sheet, row, f"{_roman(number)}. {group.name.upper()}", group.agencies,
                           found)
            row = _total(sheet, row, f"Cộng: {group.name}", group.standing,
                         _group_checked([found.get(("agency", a.code)) for a in group.agencies]))
        row = _total(sheet, row, f"Tổng cộng toàn {current().deployment_kind}", progress,
                     found.get(("staff", "staff")))
    last_row = row - 1

    status_range = f"K{HEADER_ROW + 1}:K{last_row}"
    for status, label in fmt.STATUS_LABELS.items():
        sheet.conditional_formatting.add(status_range, CellIsRule(
            operator="equal", formula=[f'"{fmt.status_label(status)}"'],
            fill=PatternFill("solid", bgColor=fmt.STATUS_FILLS[status].lstrip("#"))))
    sheet.conditional_formatting.add(f"G{HEADER_ROW + 1}:G{last_row}", DataBarRule(
        start_type="num", start_value=0, end_type="num", end_value=1, color="7FB3D5"))

    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"A1:{last_column}{last_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddHeader.right.text = f"Số liệu đến ngày {fmt.day(district.as_of)}"
    sheet.oddFooter.center.text = "Trang &P / &N"


def _section(sheet: Worksheet, row: int, title: str, units: Sequence[UnitProgress],
             found: dict) -> int:
    text_cell(sheet, row, 1, title).font = _BOLD
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
    for number, unit in enumerate(units, start=1):
        _figures(sheet, row + number, number, unit.name, unit.parent,
                 unit.standing, found.get((unit.kind, unit.code)), bold=False)
    return row + len(units) + 1


def _total(sheet: Worksheet, row: int, label: str, total: CampaignProgress | Standing,
           checked: Checked | None) -> int:
    standing = total.standing if isinstance(total, CampaignProgress) else total
    _figures(sheet, row, None, label, None, standing, checked, bold=True)
    return row + 1


def _group_checked(rows: list[Checked | None]) -> Checked | None:
    parts = [r for r in rows if r is not None and r.verified is not None]
    if not parts:
        return None
    return Checked("group", "", "", None, sum(r.reported for r in rows if r is not None),
                   sum(r.verified for r in parts))


def _figures(sheet: Worksheet, row: int, number: int | None, name: str, parent: str | None,
             s: Standing, checked: Checked | None, *, bold: bool) -> None:
    values = [number, None, None, s.size, s.registered, s.installed, s.percent,
              round(s.expected), s.pace, s.needed_pace, None, s.last_report,
              checked and checked.verified, checked and checked.gap]
    formats = [None, None, None, "#,##0", "#,##0", "#,##0", "0.0%", "#,##0", "#,##0.0",
               "#,##0.0", None, "dd/mm/yyyy", "#,##0", "#,##0"]
    for column, (value, number_format) in enumerate(zip(values, formats), start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        if number_format:
            cell.number_format = number_format
    text_cell(sheet, row, 2, name)
    text_cell(sheet, row, 3, parent)
    text_cell(sheet, row, 11, fmt.status_label(s.status))
    for column in range(1, len(HEADERS) + 1):
        cell = sheet.cell(row=row, column=column)
        cell.border = _BORDER
        if bold:
            cell.font = _BOLD


def _roman(number: int) -> str:
    return ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][number - 1] \
        if number <= 10 else str(number)
