"""Issue 12 item 14: the overview shows new registrations per day with their 7-day average, and
each commune's pace of the last 7 days beside the pace it needs to meet the deadline."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from db import get_engine
from services import dashboard
from services.auth import Actor

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2024, 8, 12)  # before the residents' deadline: a pace is still needed


@pytest.fixture
def demo(demo_database, use_database):
    use_database(demo_database)
    return get_engine(demo_database)


def test_daily_new_registrations_add_up_to_the_curve_and_average_to_the_pace(demo):
    for campaign in dashboard.overview(DAY, engine=demo).campaigns:
        daily = dashboard.daily_new(campaign.curve)
        assert daily.days == campaign.curve.days
        assert sum(daily.new) == campaign.curve.registered[-1] == campaign.standing.registered
        assert daily.average[-1] == pytest.approx(campaign.standing.pace)
        assert daily.new[-1] == campaign.curve.registered[-1] - campaign.curve.registered[-2]


def test_the_overview_shows_the_daily_charts_and_each_communes_paces(demo):
    app = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=120)
    app.session_state["actor"] = Actor("lanhdao", "leader")
    app.run()
    app.date_input(key="ngay").set_value(DAY).run()
    assert not app.exception
    expected = dashboard.overview(DAY, engine=demo)
    residents = next(c for c in expected.campaigns if c.key == "residents")
    spec = json.loads(next(c.proto.spec for c in app.get("plotly_chart")
                           if c.proto.id.endswith("daily-residents")))
    bars, average = spec["data"]
    assert bars["y"] == dashboard.daily_new(residents.curve).new
    assert average["y"][-1] == pytest.approx(residents.standing.pace)
    areas = app.dataframe[0].value
    assert list(areas["Đơn vị"]) == [a.name for a in expected.areas]
    paces = [None if pd.isna(p) else p for p in areas["Tốc độ 7 ngày (người/ngày)"]]
    assert paces == pytest.approx([None if a.silent else a.standing.pace for a in expected.areas])
    assert sum(p is not None for p in paces) >= 15  # all but those that stopped reporting
    needed = [a.standing.needed_pace for a in expected.areas]
    assert all(n is not None for n in needed)
    assert list(areas["Cần mỗi ngày"]) == pytest.approx(needed)
