"""Issue 12 item 7: the follow-up list of a commune that sends count reports only (demo: Hồng Hà,
51,9%) does not say in green that nobody is left: it says the commune reports counts only, how
many are not registered by the counts (target − registered) and that a roster is needed."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db import get_engine
from services import dashboard
from services.auth import Actor
from services.admin import find_commune
from services.follow_up import residents_counts_only, residents_to_visit

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor("quantri", "admin")


@pytest.fixture
def demo(demo_database, use_database):
    use_database(demo_database)
    return get_engine(demo_database)


def follow_up(commune: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "follow_up.py"), default_timeout=120)
    app.session_state["actor"] = ADMIN
    app.query_params["commune"] = commune
    return app.run()


def test_counts_only_is_what_the_counts_leave_to_do(demo):
    hong_ha = find_commune("HONGHA", engine=demo).id
    counts = residents_counts_only(ADMIN, hong_ha, engine=demo)
    figures = dashboard.commune_view("HONGHA", date(2024, 8, 30), engine=demo).progress.standing
    assert (counts.size, counts.registered) == (figures.size, figures.registered)
    assert counts.not_registered == figures.size - figures.registered == 3832
    assert len(counts.units) == counts.of_units == 8
    assert residents_to_visit(ADMIN, hong_ha, engine=demo) == []
    assert residents_counts_only(ADMIN, find_commune("THOAN", engine=demo).id, engine=demo) is None


def test_the_page_of_a_counts_only_commune_says_a_roster_is_needed(demo):
    app = follow_up("HONGHA")
    assert not app.exception
    assert not app.success
    [warning] = app.warning
    assert warning.value.startswith("Xã, thị trấn chỉ báo cáo số lượng, chưa có danh sách")
    assert "còn **3.832** người chưa tạo tài khoản (4.129/7.961)" in warning.value
    assert "Cần tải lên danh sách từng người" in warning.value


def test_the_page_of_a_commune_with_rosters_lists_its_people(demo):
    app = follow_up("THOAN")
    assert not app.exception
    people = residents_to_visit(ADMIN, find_commune("THOAN", engine=demo).id, engine=demo)
    assert app.metric[0].value == str(len(people))
    assert sum(not p.to_check for p in people) == 44
    # the only warning: those reported registered whom the platform's list does not have
    [warning] = app.warning
    assert f"**{sum(p.to_check for p in people)}** người được báo cáo" in warning.value
