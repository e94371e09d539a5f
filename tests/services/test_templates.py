"""Templates: filled in as a clerk would, each imports with no error (round trips); drop-downs."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from services.admin import find_agency, find_commune
from services.imports import import_file
from services.progress import progress
from services.scope import ScopeRefused
from services.templates import (count_report_template, resident_roster_template,
                                staff_roster_template)
from tests.accounts_helpers import account


@pytest.fixture
def clerk(district):
    return account(district, "xa.thoan", "commune", commune="THOAN")


def fill(template, rows: list[list], *, report_date: date | None = None) -> bytes:
    book = load_workbook(io.BytesIO(template.data))
    sheet = book.worksheets[0]
    if report_date:
        sheet["C3"] = report_date
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=6 + offset, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def figures(engine, code, day):
    return next(c for c in progress(day, engine=engine).clusters if c.code == code)


def test_resident_roster_template_filled_in_imports_with_no_error(district, clerk):
    template = resident_roster_template(clerk, clerk.commune_id, engine=district)
    assert template.name == "mau-danh-sach-nguoi-dan-thoan.xlsx"
    data = fill(template, [
        [1, "Nguyễn Văn An", date(1980, 3, 4), "001080000001", "0912345678", "Cụm 1", "Có", "Có",
         date(2024, 8, 1)],
        [2, "Trần Thị Bình", date(1975, 1, 2), "001175000002", "0987654321", "Cụm 1", "Có", "Không"],
        [3, "Lê Văn Cường", "1990", None, None, "Cụm 2", "Không", "Không"],
    ], report_date=date(2024, 8, 9))
    outcome = import_file(data, template.name, actor=clerk, engine=district)
    assert (outcome.status, outcome.kind, outcome.as_of, outcome.commune) == \
        ("imported", "residents", date(2024, 8, 9), "THOAN")
    assert (outcome.rows_read, outcome.rows_accepted, outcome.errors, outcome.warnings) == (3, 3, [], [])
    assert (figures(district, "THOAN-01", date(2024, 8, 9)).registered,
            figures(district, "THOAN-01", date(2024, 8, 9)).installed) == (1, 2)


def test_resident_roster_template_offers_the_communes_clusters_and_yes_no_as_drop_downs(district, clerk):
    book = load_workbook(io.BytesIO(resident_roster_template(clerk, clerk.commune_id,
                                                             engine=district).data))
    sheet, lists = book["Danh sách"], book["Danh mục"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in sheet[5]] == ["STT", "Họ và tên", "Ngày sinh", "Số CCCD",
                                           "Số điện thoại", "Thôn/Cụm dân cư/Tổ dân phố",
                                           "Đã cài đặt", "Đã tạo tài khoản", "Ngày tạo tài khoản"]
    assert sheet["A1"].value == "UBND XÃ THỌ AN"
    assert [lists.cell(row=i, column=1).value for i in range(1, 13)] == [f"Cụm {n}" for n in range(1, 13)]
    assert lists["A13"].value is None
    drop_downs = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert drop_downs == {"F6:F2005": "'Danh mục'!$A$1:$A$12", "G6:G2005": "'Danh mục'!$B$1:$B$2",
                          "H6:H2005": "'Danh mục'!$B$1:$B$2"}
    assert [lists["B1"].value, lists["B2"].value] == ["Có", "Không"]
    assert sheet["D6"].number_format == "@"  # citizen IDs keep their leading zeros


def test_count_report_template_lists_the_clusters_and_filled_in_imports_with_no_error(district, clerk):
    template = count_report_template(clerk, clerk.commune_id, engine=district)
    book = load_workbook(io.BytesIO(template.data))
    listed = [row[1] for row in book.worksheets[0].iter_rows(min_row=6, values_only=True)]
    assert listed == [f"Cụm {n}" for n in range(1, 13)]
    rows = [[None, None, None, 100 + n, 90 + n] for n in range(1, 13)]
    outcome = import_file(fill(template, rows, report_date=date(2024, 8, 12)), template.name,
                          actor=clerk, engine=district)
    assert (outcome.status, outcome.kind, outcome.rows_accepted, outcome.errors, outcome.warnings) \
        == ("imported", "counts", 12, [], [])
    assert figures(district, "THOAN-12", date(2024, 8, 12)).registered == 102


def test_count_report_template_left_partly_empty_names_the_clusters_not_reported(district, clerk):
    template = count_report_template(clerk, clerk.commune_id, engine=district)
    outcome = import_file(fill(template, [[None, None, None, 5, 5]]), template.name, actor=clerk,
                          engine=district)
    assert outcome.rows_accepted == 1
    assert {(p.row, p.code) for p in outcome.errors} == {(row, "missing-count") for row in range(7, 18)}


def test_staff_roster_template_filled_in_imports_with_no_error(district):
    cq05 = find_agency("CQ05", engine=district)
    clerk = account(district, "vanthu.cq05", "agency", agency="CQ05")
    template = staff_roster_template(clerk, cq05.id, engine=district)
    book = load_workbook(io.BytesIO(template.data))
    assert book.worksheets[0]["A1"].value == cq05.name
    data = fill(template, [[1, "Phạm Thu Bình", "Chuyên viên", date(1988, 5, 6), "001188000003",
                            "0912000111", "Có", "Có", date(2024, 7, 8)],
                           [2, "Vũ Minh Tuấn", "Trưởng phòng", None, None, "0912000222", "Không",
                            "Không"]], report_date=date(2024, 7, 12))
    outcome = import_file(data, template.name, actor=clerk, engine=district)
    assert (outcome.status, outcome.kind, outcome.agency, outcome.rows_accepted, outcome.errors,
            outcome.warnings) == ("imported", "staff", "CQ05", 2, [], [])
    staff = next(a for a in progress(date(2024, 7, 12), engine=district).agencies if a.code == "CQ05")
    assert (staff.registered, staff.installed) == (1, 1)


def test_admin_imports_a_filled_template_without_choosing_the_unit(district):
    admin = account(district, "quantri", "admin")
    dong_thap = find_commune("DONGTHAP", engine=district)
    template = resident_roster_template(admin, dong_thap.id, engine=district)
    outcome = import_file(fill(template, [[1, "An", None, None, "0912000333", "Cụm 3", "Có", "Có"]]),
                          template.name, actor=admin, engine=district)
    assert (outcome.status, outcome.commune, outcome.errors) == ("imported", "DONGTHAP", [])


def test_unit_names_that_look_like_formulas_stay_text_in_templates(district, clerk):
    from services.admin import list_units, update_unit
    admin = account(district, "quantri", "admin")
    cum1 = next(u for u in list_units(admin, "cluster", engine=district) if u.code == "THOAN-01")
    update_unit(admin, "cluster", cum1.id, {"name": '=HYPERLINK("http://evil.example","Cụm 1")'},
                engine=district)
    for template in (resident_roster_template(clerk, clerk.commune_id, engine=district),
                     count_report_template(clerk, clerk.commune_id, engine=district)):
        book = load_workbook(io.BytesIO(template.data))
        cells = [c for sheet in book for row in sheet.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
        assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_templates_of_another_unit_are_refused(district, clerk):
    dong_thap = find_commune("DONGTHAP", engine=district)
    with pytest.raises(ScopeRefused):
        resident_roster_template(clerk, dong_thap.id, engine=district)
    with pytest.raises(ScopeRefused):
        count_report_template(clerk, dong_thap.id, engine=district)
    with pytest.raises(ScopeRefused):
        staff_roster_template(clerk, find_agency("CQ05", engine=district).id, engine=district)
