"""Issue 12 item 14: the overview's ranking says how each commune's place moved in 7 days, in
its chart (after each name) and in its table (place, move)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

import formats as fmt
from db import get_engine
from services import dashboard
from services.auth import Actor
from tests.pages.test_ui_polish import shown_cells

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2024, 8, 12)


def test_the_ranking_shows_each_communes_move_since_7_days_before(demo_database, use_database):
    use_database(demo_database)
    expected = dashboard.overview(DAY, engine=get_engine(demo_database))
    moves = {a.name: fmt.place_move(expected.place_changes[a.code].moved) for a in expected.areas}
    assert len(set(moves.values())) > 1  # the demo's communes do move: not all "="
    app = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=120)
    app.session_state["actor"] = Actor("lanhdao", "leader")
    app.run()
    app.date_input(key="ngay").set_value(DAY).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["Đơn vị"]) == [a.name for a in expected.areas]
    assert list(table["So với 7 ngày trước"]) == [expected.place_changes[a.code].moved
                                                for a in expected.areas]  # sorts as a number
    shown = shown_cells(app.dataframe[0])
    assert [row["So với 7 ngày trước"] for row in shown] == [moves[a.name] for a in expected.areas]
    assert list(table["Hạng"]) == [expected.place_changes[a.code].place for a in expected.areas]
    spec = json.loads(next(c.proto.spec for c in app.get("plotly_chart")
                           if c.proto.id.endswith("commune-ranking")))
    names = {name for trace in spec["data"] if trace["type"] == "bar" for name in trace["y"]}
    assert names == {f"{name} {move}" for name, move in moves.items()}
