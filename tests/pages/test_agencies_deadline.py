"""Issue 12 item 8: “Which agencies missed 25/7?” is answered by default on the agencies page: for
each agency the day it reached its target (or not yet) and the days late against the deadline."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db import get_engine
from services import dashboard
from services.auth import Actor

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = date(2024, 7, 25)  # the demo's staff deadline


@pytest.fixture
def demo(demo_database, use_database):
    use_database(demo_database)
    return get_engine(demo_database)


def checks(engine, day: date) -> list[dashboard.DeadlineCheck]:
    return dashboard.deadline_checks(dashboard.agencies_view(day, engine=engine))


def test_the_agencies_that_missed_the_deadline_stay_late_after_they_reach_it(demo):
    on_the_day = checks(demo, DEADLINE)
    assert sum(c.late for c in on_the_day) == 41 and len(on_the_day) == 80
    assert all(c.reached_on is None and c.days_late == 0 for c in on_the_day if c.late)
    later = checks(demo, date(2024, 8, 30))
    late = [c for c in later if c.late]
    assert {c.agency.code for c in late} == {c.agency.code for c in on_the_day if c.late}
    not_yet = [c for c in late if c.reached_on is None]
    assert len(not_yet) == 5 and all(c.days_late == 36 for c in not_yet)  # 25/07 -> 30/08
    assert late[:5] == not_yet  # not reached yet first
    for c in late[5:]:
        assert c.reached_on > DEADLINE and c.days_late == (c.reached_on - DEADLINE).days
    assert all(c.reached_on <= DEADLINE and c.days_late == 0 for c in later if not c.late)
    assert not any(c.late for c in checks(demo, date(2024, 7, 20)))  # before the deadline


def test_the_agencies_page_lists_those_that_missed_the_deadline_by_default(demo):
    app = AppTest.from_file(str(ROOT / "pages" / "agencies.py"), default_timeout=120)
    app.session_state["actor"] = Actor("lanhdao", "leader")
    app.run()
    assert not app.exception
    assert app.subheader[0].value == "Chưa đạt chỉ tiêu đúng hạn 25/07/2024"
    assert "**41** trên 80 đơn vị chưa đạt chỉ tiêu đến hết ngày 25/07/2024: 36 đã đạt sau hạn, " \
           "**5** đến ngày 30/08/2024 vẫn chưa đạt." in [m.value for m in app.markdown]
    expected = [c for c in checks(demo, date(2024, 8, 30)) if c.late]
    frame = app.dataframe[0].value
    assert list(frame["Đơn vị"]) == [c.agency.name for c in expected]
    assert list(frame["Đạt chỉ tiêu ngày"])[:5] == ["Chưa đạt"] * 5
    assert list(frame["Số ngày trễ hạn"]) == [c.days_late for c in expected]
    app.toggle(key="deadline-all").set_value(True).run()
    assert len(app.dataframe[0].value) == 80
    app.toggle(key="deadline-all").set_value(False).run()
    app.date_input(key="ngay").set_value(DEADLINE).run()
    assert "**41** trên 80 đơn vị chưa đạt chỉ tiêu đến hết ngày 25/07/2024: 0 đã đạt sau hạn, " \
           "**41** đến ngày 25/07/2024 vẫn chưa đạt." in [m.value for m in app.markdown]
    assert len(app.dataframe[0].value) == 41
