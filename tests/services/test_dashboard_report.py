"""The city report workbook, opened with openpyxl: its figures, layout, and text that never runs."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import datetime
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from db import session_scope
from models import Cluster, Commune
from services.city_report import workbook
from tests.conftest import load_reference_directory
from tests.dashboard_data import add_counts, d

ROOT = Path(__file__).resolve().parents[2]
AS_OF = d(12)


def add_history(engine) -> None:
    """The history of test_dashboard_views.py, as of 12/7."""
    add_counts(engine, d(5), [("DONGTHAP-01", 100, 100)])
    add_counts(engine, d(12), [("DONGTHAP-01", 800, 820)])
    add_counts(engine, d(10), [("HONGHA-01", 300, 300), ("HONGHA-02", 900, 905)])
    add_counts(engine, d(11), [("HONGHA-01", 250, 260)])
    add_counts(engine, d(10), [("CQ01", 11, 11)], unit="agency")
    add_counts(engine, d(12), [("CQ02", 9, 9)], unit="agency")


@pytest.fixture
def book(district):
    add_history(district)
    used, data = workbook(AS_OF, engine=district)
    assert used == AS_OF
    return openpyxl.load_workbook(BytesIO(data))


def rows_named(sheet, name: str, parent: str | None = None) -> list[tuple]:
    return [row for row in sheet.iter_rows(min_row=6, values_only=True)
            if row[1] == name and (parent is None or row[2] == parent)]


def test_one_sheet_per_campaign_titled_with_the_date(book):
    assert book.sheetnames == ["Cán bộ, CCVC, NLĐ", "Người dân"]
    for sheet in book:
        assert sheet["A1"].value == "BÁO CÁO TIẾN ĐỘ CÀI ĐẶT, SỬ DỤNG ỨNG DỤNG iHaNoi"
        assert sheet["A2"].value == ("Huyện Đan Phượng, thành phố Hà Nội — Số liệu tính đến "
                                     "ngày 12/07/2024")
    assert "Đánh giá: Chậm tiến độ" in book["Người dân"]["A3"].value


def test_residents_sheet_totals_communes_and_clusters(book):
    sheet = book["Người dân"]
    [total] = rows_named(sheet, "Tổng cộng toàn huyện")
    # columns: STT, unit, parent, size, registered, installed, percent, expected, pace, needed,
    # status, last report
    assert total[3:6] == (135746, 1950, 1985)
    assert total[6] == pytest.approx(1950 / 135746)
    assert total[7] == round(135746 * 7 / 56)  # 16,968
    assert total[8] == pytest.approx(1850 / 7)
    assert total[10] == "✖ Chậm tiến độ"
    assert total[11] == datetime(2024, 7, 12)
    [hong_ha] = rows_named(sheet, "Hồng Hà")
    assert hong_ha[2:6] == ("Xã", 7961, 1150, 1165)
    [cum2] = rows_named(sheet, "Cụm 2", "Hồng Hà")
    assert cum2[3:6] == (898, 900, 905) and cum2[10] == "✔ Đã đạt"
    assert len([r for r in sheet.iter_rows(min_row=6, values_only=True)
                if isinstance(r[0], int)]) == 16 + 129  # numbered rows: communes, clusters


def test_staff_sheet_groups_agencies_by_kind_with_subtotals(book):
    sheet = book["Cán bộ, CCVC, NLĐ"]
    [district_group] = rows_named(sheet, "Cộng: Phòng, ban, đơn vị huyện")
    assert district_group[3:5] == (465, 20)
    [total] = rows_named(sheet, "Tổng cộng toàn huyện")
    assert total[3:5] == (2739, 20)
    [cq02] = rows_named(sheet, "Phòng Nội vụ")
    # 9 of 18 in the week to 12/7 (1.3 a day); the 9 left need 9/13 = 0.7 a day by 25/7
    assert (cq02[4], cq02[6], cq02[10]) == (9, 0.5, "● Đúng tiến độ")


def test_layout_is_frozen_coloured_and_ready_to_print(book):
    sheet = book["Người dân"]
    assert sheet.freeze_panes == "C6"
    assert sheet.print_title_rows == "$5:$5"
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    rules = {str(rng.sqref): [r.type for r in rng.rules] for rng in sheet.conditional_formatting}
    assert rules[f"K6:K{sheet.max_row}"] == ["cellIs"] * 5  # one colour per status
    assert rules[f"G6:G{sheet.max_row}"] == ["dataBar"]
    [total] = [row for row in sheet.iter_rows(min_row=6) if row[1].value == "Tổng cộng toàn huyện"]
    assert (total[4].number_format, total[6].number_format, total[11].number_format) == (
        "#,##0", "0.0%", "dd/mm/yyyy")
    assert total[1].font.bold


@pytest.mark.parametrize("name", ['=HYPERLINK("http://example.invalid","bấm")', "+1+2", "-3",
                                  "@SUM(A1)"])
def test_a_name_that_looks_like_a_formula_stays_text(sqlite_engine, name):
    load_reference_directory(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        commune = session.execute(select(Commune).where(Commune.code == "DONGTHAP")).scalar_one()
        session.add(Cluster(code="DONGTHAP-09", commune_id=commune.id, name=name,
                            target_population=10))
    add_counts(sqlite_engine, d(10), [("DONGTHAP-09", 4, 4)])
    _, data = workbook(d(10), engine=sqlite_engine)
    sheet = openpyxl.load_workbook(BytesIO(data))["Người dân"]
    [cell] = [row[1] for row in sheet.iter_rows(min_row=6) if row[2].value == "Đồng Tháp"
              and row[3].value == 10]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (name, "s", True)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if "worksheets/" in n]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)


# ---------------------------------------------------------------- the command line


def run_cli(url: str, *args: str):
    return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "DATABASE_URL": url})


def test_cli_export_writes_the_same_figures(sqlite_engine, tmp_path):
    load_reference_directory(sqlite_engine)
    add_history(sqlite_engine)
    url = str(sqlite_engine.url)
    target = tmp_path / "bao-cao.xlsx"
    result = run_cli(url, "export", "--as-of", "2024-07-11", str(target))
    assert result.returncode == 0, result.stderr
    assert "11/07/2024" in result.stdout
    sheet = openpyxl.load_workbook(target)["Người dân"]
    [total] = rows_named(sheet, "Tổng cộng toàn huyện")
    assert total[4] == 100 + 250 + 900  # as of 11/7
    assert run_cli(url, "export", str(target)).returncode == 0  # default: the latest report
    assert openpyxl.load_workbook(target)["Người dân"]["A2"].value.endswith("12/07/2024")


def test_cli_export_to_a_missing_folder_fails_with_a_message(sqlite_engine, tmp_path):
    result = run_cli(str(sqlite_engine.url), "export", str(tmp_path / "no" / "such.xlsx"))
    assert result.returncode == 1 and "Không ghi được tệp" in result.stderr


def test_the_report_names_the_deployment_of_the_settings(district, monkeypatch):
    import settings
    monkeypatch.setattr(settings, "_current", replace(settings.current(), deployment="Hoài Đức"))
    add_history(district)
    sheet = openpyxl.load_workbook(BytesIO(workbook(AS_OF, engine=district)[1]))["Người dân"]
    assert sheet["A2"].value.startswith("Huyện Hoài Đức, thành phố Hà Nội — ")
    assert any(row[1] == "Tổng cộng toàn huyện" for row in sheet.iter_rows(values_only=True))
