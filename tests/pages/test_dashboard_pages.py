"""Every dashboard page in Streamlit's AppTest, on the demo and on new databases: no exception,
and what it shows is the service's figures."""
from __future__ import annotations

import importlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest, app_test

import formats as fmt
from components.safe_text import plain
from db import get_engine, session_scope
from models import Commune
from services import dashboard, picture, quality
from services.analytics import latest_report_date
from services.auth import Actor
from tests.conftest import load_reference_directory

ROOT = Path(__file__).resolve().parents[2]
LEADER = Actor("lanhdao", "leader")


def run_page(name: str, actor: Actor = LEADER) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=120)
    app.session_state["actor"] = actor
    return app.run()


@pytest.fixture
def demo(demo_database, use_database):
    use_database(demo_database)
    return get_engine(demo_database)


@pytest.fixture
def empty(sqlite_engine, use_database):
    use_database(str(sqlite_engine.url))
    return sqlite_engine


def card_value(standing) -> str:
    return f"{fmt.number(standing.registered)} / {fmt.number(standing.size)}"


def column(frame, header: str) -> list:
    return list(frame.value[header])


# ---------------------------------------------------------------- overview


def test_overview_shows_the_services_figures_as_of_the_latest_report(demo):
    app = run_page("overview")
    assert not app.exception
    latest = latest_report_date(demo)
    expected = dashboard.overview(latest, engine=demo)
    assert app.date_input(key="ngay").value == latest == date(2024, 8, 30)
    assert [m.value for m in app.metric] == [card_value(c.standing) for c in expected.campaigns]
    assert app.code[0].value == expected.summary
    agencies = app.dataframe[-1]  # after the communes' paces
    assert column(agencies, "Đơn vị") == [a.name for a in expected.agencies_behind]
    assert column(agencies, "Tỷ lệ") == pytest.approx([a.standing.percent
                                                       for a in expected.agencies_behind])
    assert len(app.get("plotly_chart")) == 5  # two curves, two daily charts, the commune ranking


def test_overview_follows_the_as_of_date(demo):
    app = run_page("overview")
    app.date_input(key="ngay").set_value(date(2024, 8, 12)).run()
    assert not app.exception
    expected = dashboard.overview(date(2024, 8, 12), engine=demo)
    assert [m.value for m in app.metric] == [card_value(c.standing) for c in expected.campaigns]
    assert "số liệu đến ngày 12/08/2024" in app.code[0].value


def test_overview_offers_its_picture_for_the_chosen_date(demo, monkeypatch):
    managers = []

    class Recorded(app_test.MediaFileManager):  # the mock runtime's, to click the button
        def __init__(self, *args):
            super().__init__(*args)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recorded)
    app = run_page("overview")
    app.date_input(key="ngay").set_value(date(2024, 8, 12)).run()
    assert not app.exception
    [button] = app.get("download_button")
    assert button.proto.label == "Tải ảnh"
    # a click runs the drawing on a server thread, with no script running
    with ThreadPoolExecutor(1) as pool:
        address = pool.submit(managers[-1].execute_deferred,
                              button.proto.deferred_file_id).result()
    png = managers[-1]._storage.get_file(address.rsplit("/", 1)[-1])
    assert png.mimetype == "image/png"
    assert png.content == picture.overview_png(dashboard.overview(date(2024, 8, 12), engine=demo))


def test_overview_of_a_new_database_says_what_to_do(empty):
    app = run_page("overview")
    assert not app.exception
    assert "Chưa có danh mục đơn vị" in app.info[0].value
    assert not app.metric


def test_overview_with_a_directory_and_no_report_shows_zeros(empty):
    load_reference_directory(empty)
    app = run_page("overview")
    assert not app.exception
    assert "Chưa có báo cáo nào" in app.info[0].value
    assert [m.value for m in app.metric] == ["0 / 2.739", "0 / 135.746"]


# ---------------------------------------------------------------- one commune


def test_commune_page_shows_the_chosen_communes_clusters(demo):
    app = run_page("commune")
    app.selectbox(key="xa").select("HONGHA").run()
    assert not app.exception
    expected = dashboard.commune_view("HONGHA", date(2024, 8, 30), engine=demo)
    assert app.metric[0].value == card_value(expected.progress.standing)
    clusters, agencies = app.dataframe[:2]  # then the check against the platform's accounts
    assert column(clusters, "Đơn vị") == [c.name for c in expected.clusters]
    assert column(clusters, "Đã tạo tài khoản") == [c.standing.registered
                                                    for c in expected.clusters]
    assert column(agencies, "Đơn vị") == [a.name for a in expected.agencies]
    assert len(app.get("plotly_chart")) == 2  # its curve and its clusters' ranking


def test_a_commune_account_sees_only_its_commune(demo):
    with session_scope(demo) as session:
        tho_an = session.execute(select(Commune.id).where(Commune.code == "THOAN")).scalar_one()
    app = run_page("commune", Actor("xa.thoan", "commune", commune_id=tho_an))
    assert not app.exception
    assert app.selectbox(key="xa").options == ["Thọ An"]
    assert app.metric[0].value == card_value(
        dashboard.commune_view("THOAN", date(2024, 8, 30), engine=demo).progress.standing)


def test_commune_page_of_a_new_database(empty):
    app = run_page("commune")
    assert not app.exception and "Chưa có danh mục đơn vị" in app.info[0].value


# ---------------------------------------------------------------- agencies


def test_agencies_page_shows_each_kind_those_below_100_percent_first(demo):
    app = run_page("agencies")
    assert not app.exception
    expected = dashboard.agencies_view(date(2024, 8, 30), engine=demo)
    # after the agencies that missed the deadline (tests/pages/test_agencies_deadline.py)
    assert [h.value for h in app.subheader][1:] == [plain(g.name) for g in expected.groups]
    for frame, group in zip(app.dataframe[1:], expected.groups):
        assert column(frame, "Đơn vị") == [a.name for a in group.agencies]
    first = column(app.dataframe[1], "Tỷ lệ")
    assert first[0] < 1 and first[-1] == 1  # below 100% first
    assert app.metric[0].value == card_value(expected.campaign.standing)


def test_agencies_page_of_a_new_database(empty):
    app = run_page("agencies")
    assert not app.exception and "Chưa có danh mục đơn vị" in app.info[0].value


# ---------------------------------------------------------------- data quality


def test_data_quality_page_shows_the_services_lists(demo):
    app = run_page("data_quality")
    assert not app.exception
    expected = quality.data_quality(date(2024, 8, 30), stale_days=3, engine=demo)
    silent, reporting, over, down = app.dataframe[:4]
    assert column(silent, "Đơn vị") == [s.unit.name for s in expected.silent]
    assert column(silent, "Xã, thị trấn") == ["Hồng Hà"] * 8  # silent from mid-August
    assert column(reporting, "Đầy đủ") == pytest.approx([r.completeness
                                                         for r in expected.reporting])
    assert column(over, "Đơn vị") == [o.unit.name for o in expected.over_target]
    assert column(down, "Số sau") == [x.after.registered for x in expected.decreases]


def test_data_quality_follows_the_number_of_days(demo):
    app = run_page("data_quality")
    app.number_input(key="so_ngay").set_value(1).run()
    assert not app.exception
    expected = quality.data_quality(date(2024, 8, 30), stale_days=1, engine=demo)
    assert len(app.dataframe[0].value) == len(expected.silent) > 8


def test_data_quality_page_of_a_new_database(empty):
    app = run_page("data_quality")
    assert not app.exception and "Chưa có danh mục đơn vị" in app.info[0].value


# ---------------------------------------------------------------- report


def test_report_page_offers_the_workbook(demo):
    app = run_page("report")
    assert not app.exception
    [button] = app.get("download_button")
    assert button.proto.label == "Tải báo cáo Excel"
    expected = dashboard.overview(date(2024, 8, 30), engine=demo)
    text = app.markdown[-1].value
    assert all(f"{fmt.number(c.standing.registered)}/{fmt.number(c.standing.size)}" in text
               for c in expected.campaigns)


def test_report_page_of_a_new_database(empty):
    app = run_page("report")
    assert not app.exception and "Chưa có danh mục đơn vị" in app.info[0].value


# ---------------------------------------------------------------- navigation


@pytest.mark.parametrize("role, titles", [
    ("leader", {"Theo dõi": ["Tổng quan", "Xã, thị trấn", "Cơ quan, đơn vị"],
                "Kiểm tra, báo cáo": ["Chất lượng số liệu", "Báo cáo"]}),
    ("admin", {"Theo dõi": ["Tổng quan", "Xã, thị trấn", "Cơ quan, đơn vị"],
               "Kiểm tra, báo cáo": ["Chất lượng số liệu", "Báo cáo"]}),
    ("commune", {"Theo dõi": ["Tổng quan", "Xã, thị trấn"]}),
    ("agency", {"Theo dõi": ["Tổng quan", "Cơ quan, đơn vị"]}),
])
def test_each_role_sees_its_dashboard_pages(monkeypatch, role, titles):
    from components.navigation_dashboards import dashboard_pages
    page_module = importlib.import_module("streamlit.navigation.page")  # st.navigation hides it
    context = SimpleNamespace(pages_manager=SimpleNamespace(main_script_parent=ROOT))
    monkeypatch.setattr(page_module, "get_script_run_ctx", lambda: context)
    pages = dashboard_pages(role)
    assert {section: [p.title for p in items] for section, items in pages.items()} == titles
    assert [p.title for items in pages.values() for p in items if p.url_path == ""] == ["Tổng quan"]


# ---------------------------------------------------------------- a city of several districts


@pytest.fixture
def city_db(sqlite_engine, use_database):
    from tests.accounts_helpers import account
    from tests.dashboard_data import add_counts, d
    from tests.services.test_city_rollup import city
    clusters = city(sqlite_engine)
    account(sqlite_engine, LEADER.username, LEADER.role)
    add_counts(sqlite_engine, d(20), [(c, 30, 30) for c in clusters if c.startswith("THOAN")])
    use_database(str(sqlite_engine.url))
    return sqlite_engine


def test_overview_of_a_city_ranks_its_districts_and_opens_one(city_db):
    app = run_page("overview")
    assert not app.exception
    picker = app.selectbox(key="huyen")
    assert picker.value is None and picker.options == ["Toàn thành phố", "Huyện BV", "Huyện DP",
                                                       "Huyện HD"]
    assert "Xếp hạng 3 quận, huyện" in [h.value for h in app.subheader]
    assert app.code[0].value == dashboard.overview(engine=city_db).summary
    picker.set_value("DP").run()
    assert not app.exception
    expected = dashboard.overview(district="DP", engine=city_db)
    assert [m.value for m in app.metric] == [card_value(c.standing) for c in expected.campaigns]
    assert "Xếp hạng 2 xã, thị trấn" in [h.value for h in app.subheader]
    assert app.code[0].value.startswith("TIẾN ĐỘ CÀI ĐẶT iHaNoi HUYỆN DP")


def test_agencies_and_data_quality_of_one_district_of_a_city(city_db):
    app = run_page("agencies")
    app.selectbox(key="huyen").set_value("HD").run()
    assert not app.exception
    shown = {name for frame in app.dataframe for name in column(frame, "Đơn vị")}
    assert shown == {"UBND ANTHUONG", "Phòng Nội vụ HD"}
    app = run_page("data_quality")
    app.selectbox(key="huyen").set_value("HD").run()
    assert not app.exception
    assert column(app.dataframe[0], "Đơn vị") == [
        s.unit.name for s in quality.data_quality(district="HD", engine=city_db).silent]
    assert len(app.dataframe[0].value) == 5  # Hoài Đức's 3 clusters and 2 agencies


def test_data_quality_of_the_whole_city_is_a_row_per_district(city_db):
    app = run_page("data_quality")
    assert not app.exception
    expected = quality.data_quality(district=None, engine=city_db)
    [frame] = app.dataframe
    assert column(frame, "Quận, huyện") == ["Huyện BV", "Huyện DP", "Huyện HD"]
    assert column(frame, "Không báo cáo") == [q.silent for q in expected.districts]
    assert column(frame, "Số đơn vị") == [9, 9, 5]
    assert "Chất lượng số liệu theo quận, huyện" in [h.value for h in app.subheader]


def test_the_district_picker_is_not_shown_for_one_district(demo):
    app = run_page("overview")
    assert not [s for s in app.selectbox if s.key == "huyen"]
