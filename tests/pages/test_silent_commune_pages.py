"""Issue 12 item 3: a commune that stopped reporting (demo: Hồng Hà, silent since 14/08) reads as
missing reports: marked “không báo cáo từ 14/08” on the overview ranking and the commune page, its
pace unknown (—), its curve dotted after its last report."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db import get_engine
from services import dashboard
from services.auth import Actor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(demo_database, use_database):
    use_database(demo_database)
    return get_engine(demo_database)


def run_page(name: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=120)
    app.session_state["actor"] = Actor("lanhdao", "leader")
    return app.run()


def chart(app: AppTest, key: str) -> dict:
    return json.loads(next(c.proto.spec for c in app.get("plotly_chart")
                           if c.proto.id.endswith(key)))


def test_the_services_mark_the_commune_that_stopped_reporting(demo):
    overview = dashboard.overview(date(2024, 8, 30), engine=demo)
    silent = [a for a in overview.areas if a.silent]
    assert [(a.code, a.standing.last_report) for a in silent] == [("HONGHA", date(2024, 8, 14))]
    assert dashboard.silent_note(silent[0]) == "không báo cáo từ 14/08"
    view = dashboard.commune_view("HONGHA", date(2024, 8, 30), engine=demo)
    assert view.progress.silent and view.progress.curve.projection == []
    assert all(c.silent for c in view.clusters)
    assert not dashboard.commune_view("THOAN", date(2024, 8, 30), engine=demo).progress.silent
    # on 16/08 Hồng Hà had reported two days before: not yet silent (the 3-day rule)
    assert not [a for a in dashboard.overview(date(2024, 8, 16), engine=demo).areas if a.silent]


def test_the_overview_ranking_marks_it_and_shows_no_pace(demo):
    app = run_page("overview")
    assert not app.exception
    assert "Hồng Hà: không báo cáo từ 14/08" in app.warning[0].value
    ranking = chart(app, "commune-ranking")
    assert "51,9% · không báo cáo từ 14/08" in [t for bar in ranking["data"] for t in bar["text"]]
    areas = app.dataframe[0].value
    honghà = areas[areas["Đơn vị"] == "Hồng Hà"].iloc[0]
    assert honghà["Ghi chú"] == "không báo cáo từ 14/08"
    assert honghà["Tốc độ 7 ngày (người/ngày)"] is None or honghà["Tốc độ 7 ngày (người/ngày)"] != \
        honghà["Tốc độ 7 ngày (người/ngày)"]  # no figure (NaN or None): shown as —
    others = areas[areas["Đơn vị"] == "Thọ An"].iloc[0]
    assert others["Ghi chú"] == "" and others["Tốc độ 7 ngày (người/ngày)"] > 0


def test_the_commune_page_says_so_and_dots_the_curve_after_the_last_report(demo):
    app = run_page("commune")
    app.selectbox(key="xa").select("HONGHA").run()
    assert not app.exception
    assert app.warning[0].value.startswith("Không báo cáo từ 14/08")
    card = "\n".join(m.value for m in app.markdown)
    assert "Tốc độ trung bình 7 ngày qua: — (không có báo cáo mới)" in card
    assert "0 người/ngày" not in card.split("Tốc độ trung bình 7 ngày qua")[1].split("\n")[0]
    lines = {line["name"]: line for line in chart(app, "-curve")["data"]}
    assert max(lines["Đã tạo tài khoản"]["x"]) == "2024-08-14"  # solid up to the last report
    dotted = lines["Không báo cáo từ 14/08 (chưa rõ)"]
    assert dotted["line"]["dash"] == "dot" and dotted["x"][0] == "2024-08-14"
    assert "Dự báo theo tốc độ 7 ngày" not in lines
