"""The pages show verified beside reported once the platform's account list is imported (the demo
has one), only within the account's scope, and nothing of it where there is no list."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from db import session_scope
from models import Commune
from services.auth import Actor
from services.imports import import_file
from services.verification import verification
from tests.pages.test_dashboard_pages import column, demo, run_page  # noqa: F401
from tests.workbooks import count_report

CHECK = "Đối chiếu với tài khoản trên hệ thống iHaNoi"


def frame_with(app, header: str):
    return next(f for f in app.dataframe if header in f.value.columns)


def test_overview_shows_verified_beside_reported_per_commune(demo):
    app = run_page("overview")
    assert not app.exception and CHECK in [h.value for h in app.subheader]
    expected = verification(date(2024, 8, 30), engine=demo)
    table = frame_with(app, "Hệ thống xác nhận")
    assert column(table, "Đơn vị") == [r.name for r in expected.campaigns + expected.communes]
    rows = dict(zip(column(table, "Đơn vị"), column(table, "Chênh lệch")))
    tân_hội = expected.commune("TANHOI")
    assert rows["Tân Hội"] == tân_hội.gap and tân_hội.share < 0.8  # the demo's over-reporter
    assert all(c.share > 0.85 for c in expected.communes if c.code != "TANHOI")


def test_data_quality_ranks_units_by_the_gap(demo):
    app = run_page("data_quality")
    assert not app.exception
    table = frame_with(app, "Chênh lệch")
    gaps = column(table, "Chênh lệch")
    assert column(table, "Đơn vị")[0] == "Tân Hội" and gaps == sorted(gaps, reverse=True)


def test_a_commune_account_sees_its_own_units_verification_only(demo):
    with session_scope(demo) as session:
        tho_an = session.execute(select(Commune.id).where(Commune.code == "THOAN")).scalar_one()
    actor = Actor("xa.thoan", "commune", commune_id=tho_an)
    overview = run_page("overview", actor)
    assert column(frame_with(overview, "Hệ thống xác nhận"), "Đơn vị") == ["Thọ An"]
    commune = run_page("commune", actor)
    assert not commune.exception
    shown = column(frame_with(commune, "Hệ thống xác nhận"), "Đơn vị")
    assert shown[0] == "Thọ An" and len(shown) == 13  # the commune and its 12 clusters


def test_no_account_list_no_verification(district, use_database):
    use_database(str(district.url))
    import_file(count_report([["Cụm 1", 10, 10]]), "dt.xlsx", as_of=date(2024, 8, 8),
                engine=district)
    for page in ("overview", "data_quality"):
        app = run_page(page)
        assert not app.exception
        assert CHECK not in [h.value for h in app.subheader]
        assert not any("Hệ thống xác nhận" in f.value.columns for f in app.dataframe)
