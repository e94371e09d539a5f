"""Blank Excel templates that import with no error once filled in.

A commune gets its resident roster (its clusters as a drop-down, yes/no columns as drop-downs) and its
count report (its clusters listed); an agency gets its staff roster. The header names are the
import contract's (`spec/import-formats.md`), so `services.imports` reads these files as they are.
"""
from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.engine import Engine
from sqlmodel import select

from db import session_scope
from models import Agency, Cluster, Commune
from services.auth import Actor
from services.excel import (ExcelFile, new_workbook, printable, put, put_row, put_title, save,
                            set_widths)
from services.scope import check_agency, check_commune
from text import fold

YES, NO = "Có", "Không"
CLUSTER_HEADER = "Thôn/Cụm dân cư/Tổ dân phố"
DATE_LABEL = "Ngày báo cáo:"
HEADER_ROW = 5
ROWS = 2000  # rows of a roster that get the drop-downs and formats
RESIDENT_COLUMNS = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Số điện thoại", CLUSTER_HEADER,
                    "Đã cài đặt", "Đã tạo tài khoản", "Ngày tạo tài khoản"]
STAFF_COLUMNS = ["STT", "Họ và tên", "Chức vụ", "Ngày sinh", "Số CCCD", "Số điện thoại",
                 "Đã cài đặt", "Đã tạo tài khoản", "Ngày tạo tài khoản"]
COUNT_COLUMNS = ["STT", CLUSTER_HEADER, "Số người trong diện", "Số người đã cài đặt",
                 "Số người đã tạo tài khoản"]


def resident_roster_template(actor: Actor, commune_id: int, *,
                             engine: Engine | None = None) -> ExcelFile:
    """One row per resident; the commune's open clusters and yes/no as drop-downs."""
    check_commune(actor, commune_id)
    commune, clusters = _commune(commune_id, engine)
    book = new_workbook()
    sheet = book.create_sheet("Danh sách")
    _titles(sheet, f"UBND {commune.kind} {commune.name}".upper(),
            "DANH SÁCH NGƯỜI DÂN CÀI ĐẶT VÀ TẠO TÀI KHOẢN ỨNG DỤNG iHANOI")
    put_row(sheet, HEADER_ROW, RESIDENT_COLUMNS, header=True)
    lists = book.create_sheet("Danh mục")
    lists.sheet_state = "hidden"  # hidden sheets are not read by the importer
    for index, cluster in enumerate(clusters, start=1):
        put(lists, index, 1, cluster.name)
    for index, value in enumerate((YES, NO), start=1):
        put(lists, index, 2, value)
    yes_no = "'Danh mục'!$B$1:$B$2"
    _roster_inputs(sheet, {"C": "date", "D": "text", "E": "text", "I": "date"},
                   {"F": f"'Danh mục'!$A$1:$A${max(len(clusters), 1)}", "G": yes_no, "H": yes_no})
    set_widths(sheet, [6, 28, 13, 16, 14, 24, 12, 14, 14])
    printable(sheet, HEADER_ROW, landscape=True)
    return save(book, f"mau-danh-sach-nguoi-dan-{commune.code.lower()}.xlsx")


def count_report_template(actor: Actor, commune_id: int, *,
                          engine: Engine | None = None) -> ExcelFile:
    """One row per open cluster, with its target; the counts to fill in."""
    check_commune(actor, commune_id)
    commune, clusters = _commune(commune_id, engine)
    book = new_workbook()
    sheet = book.create_sheet("Báo cáo")
    _titles(sheet, f"UBND {commune.kind} {commune.name}".upper(),
            "BÁO CÁO KẾT QUẢ CÀI ĐẶT VÀ TẠO TÀI KHOẢN ỨNG DỤNG iHANOI")
    put_row(sheet, HEADER_ROW, COUNT_COLUMNS, header=True)
    for index, cluster in enumerate(clusters, start=1):
        put_row(sheet, HEADER_ROW + index, [index, cluster.name, cluster.target_population, None, None])
    last = HEADER_ROW + max(len(clusters), 1)
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                            showErrorMessage=True, error="Nhập một số nguyên, từ 0 trở lên.")
    counts.add(f"D{HEADER_ROW + 1}:E{last}")
    sheet.add_data_validation(counts)
    set_widths(sheet, [6, 28, 14, 16, 18])
    printable(sheet, HEADER_ROW)
    return save(book, f"mau-bao-cao-{commune.code.lower()}.xlsx")


def staff_roster_template(actor: Actor, agency_id: int, *,
                          engine: Engine | None = None) -> ExcelFile:
    """One row per staff member; yes/no as drop-downs."""
    check_agency(actor, agency_id)
    with session_scope(engine) as session:
        agency = session.get(Agency, agency_id)
    if agency is None:
        raise LookupError(agency_id)
    book = new_workbook()
    sheet = book.create_sheet("Danh sách")
    _titles(sheet, agency.name, "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG "
                                "CÀI ĐẶT VÀ TẠO TÀI KHOẢN ỨNG DỤNG iHANOI")
    put_row(sheet, HEADER_ROW, STAFF_COLUMNS, header=True)
    _roster_inputs(sheet, {"D": "date", "E": "text", "F": "text", "I": "date"},
                   {"G": f'"{YES},{NO}"', "H": f'"{YES},{NO}"'})
    set_widths(sheet, [6, 28, 20, 13, 16, 14, 12, 14, 14])
    printable(sheet, HEADER_ROW, landscape=True)
    return save(book, f"mau-danh-sach-can-bo-{agency.code.lower()}.xlsx")


def _commune(commune_id: int, engine: Engine | None) -> tuple[Commune, list[Cluster]]:
    with session_scope(engine) as session:
        commune = session.get(Commune, commune_id)
        if commune is None:
            raise LookupError(commune_id)
        clusters = list(session.exec(select(Cluster).where(Cluster.commune_id == commune_id,
                                                           Cluster.closed_on.is_(None))))
    return commune, sorted(clusters, key=lambda c: (c.code, fold(c.name)))


def _titles(sheet, unit: str, title: str) -> None:
    put_title(sheet, 1, unit)
    put_title(sheet, 2, title)
    put(sheet, 3, 1, DATE_LABEL)
    put(sheet, 3, 3, None).number_format = "dd/mm/yyyy"


def _roster_inputs(sheet, formats: dict[str, str], lists: dict[str, str]) -> None:
    """Date and text formats, and drop-down lists, on the roster's first `ROWS` data rows."""
    first, last = HEADER_ROW + 1, HEADER_ROW + ROWS
    for column, kind in formats.items():
        for row in range(first, last + 1):
            sheet[f"{column}{row}"].number_format = "dd/mm/yyyy" if kind == "date" else "@"
    for column, formula in lists.items():
        check = DataValidation(type="list", formula1=formula, allow_blank=True,
                               showErrorMessage=True, showInputMessage=True,
                               error="Chọn một giá trị trong danh sách.",
                               prompt="Chọn trong danh sách.")
        check.add(f"{column}{first}:{column}{last}")
        sheet.add_data_validation(check)
