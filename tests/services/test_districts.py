"""A city deployment: districts above communes, figures rolled up to the district and the city."""
from __future__ import annotations

from datetime import date

from db import session_scope
from importers.report import UnitRow
from services.imports import import_file
from services.progress import progress
from services.units import apply_unit_rows
from tests.workbooks import count_report


def two_districts(engine) -> None:
    rows = [UnitRow("d", 2, district_code="DP", district="Đan Phượng", commune_code="THOAN",
                    commune="Thọ An", cluster="Cụm 1", target_population=100),
            UnitRow("d", 3, district_code="DP", district="Đan Phượng", commune_code="THOAN",
                    commune="Thọ An", cluster="Cụm 2", target_population=50),
            UnitRow("d", 4, district_code="HD", district="Hoài Đức", commune_code="ANTHUONG",
                    commune="An Thượng", cluster="Thôn 1", target_population=200),
            UnitRow("d", 5, district_code="HD", district="Hoài Đức", agency_code="HD-NV",
                    agency="Phòng Nội vụ Hoài Đức", staff=10)]
    with session_scope(engine) as session:
        apply_unit_rows(session, rows, None)


def test_figures_roll_up_to_each_district_and_to_the_city(engine):
    two_districts(engine)
    import_file(count_report([["Cụm 1", 60, 50], ["Cụm 2", 10, 5]], title="UBND XÃ THỌ AN"),
                "thoan.xlsx", as_of=date(2024, 8, 1), engine=engine)
    import_file(count_report([["Thôn 1", 80, 70]], title="UBND XÃ AN THƯỢNG"), "anthuong.xlsx",
                as_of=date(2024, 8, 1), engine=engine)
    import_file(count_report([["Phòng Nội vụ Hoài Đức", 9, 8]], unit_header="Cơ quan",
                             title="BÁO CÁO"), "hd.xlsx", as_of=date(2024, 8, 1), engine=engine)
    city = progress(date(2024, 8, 1), engine=engine)
    assert city.campaign("residents").registered == 50 + 5 + 70
    assert city.campaign("residents").denominator == 350
    assert [(d.code, d.target_population, d.registered, d.staff, d.staff_registered)
            for d in city.districts] == [("DP", 150, 55, 0, 0), ("HD", 200, 70, 10, 8)]
    assert city.as_json()["districts"][1]["registered"] == 70
    hoai_duc = progress(date(2024, 8, 1), district="HD", engine=engine)
    assert [c.code for c in hoai_duc.communes] == ["ANTHUONG"]
    assert hoai_duc.campaign("residents").registered == 70
    assert hoai_duc.campaign("staff").registered == 8


def test_directory_without_districts_keeps_the_cli_json_without_districts(engine):
    from tests.conftest import sample
    import_file(sample("danh-muc-don-vi.xlsx"), "danh-muc-don-vi.xlsx", engine=engine)
    assert "districts" not in progress(date(2024, 8, 1), engine=engine).as_json()


def test_unit_directory_with_a_district_column_places_communes_in_districts(engine):
    from tests.workbooks import xlsx_bytes
    book = xlsx_bytes(("Thon", [
        ["Mã huyện", "Quận/Huyện", "Mã xã", "Xã", "Thôn", "Chỉ tiêu"],
        ["DP", "Đan Phượng", "THOAN", "Thọ An", "Cụm 1", 100],
        ["HD", "Hoài Đức", "ANTHUONG", "An Thượng", "Thôn 1", 200]]))
    outcome = import_file(book, "dm.xlsx", engine=engine)
    assert (outcome.status, outcome.kind, outcome.rows_accepted) == ("imported", "units", 2)
    figures = progress(date(2024, 8, 1), engine=engine)
    assert [(d.code, d.name, d.target_population) for d in figures.districts] == \
        [("DP", "Đan Phượng", 100), ("HD", "Hoài Đức", 200)]
    assert {c.code: c.district_code for c in figures.communes} == {"THOAN": "DP", "ANTHUONG": "HD"}
