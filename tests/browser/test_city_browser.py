"""A city of several districts in a real browser: the overview ranks the districts, and picking one
shows its communes."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from db import get_engine, migrate
from services import dashboard
from tests.browser.test_dashboards_browser import (assert_no_error, browser, card,  # noqa: F401
                                                   log_in, pytestmark, screenshot, serve, settle)
from tests.dashboard_data import add_counts, d
from tests.services.test_city_rollup import city


@pytest.fixture(scope="module")
def city_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    url = f"sqlite:///{folder / 'city.db'}"
    engine = get_engine(url)
    migrate(engine)
    clusters = city(engine)
    add_counts(engine, d(20), [(c, 30, 30) for c in clusters if c.startswith("THOAN")])
    add_counts(engine, d(20), [("ANTHUONG-1", 50, 45)])
    with serve(url, folder / "streamlit.log") as address:
        yield address, engine


def test_the_city_overview_ranks_districts_and_opens_one(city_server, browser):  # noqa: F811
    url, engine = city_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, url)
    assert_no_error(page)
    city_view = dashboard.overview(engine=engine)
    expect(page.get_by_text("Xếp hạng 3 quận, huyện")).to_be_visible()
    metrics = page.locator("[data-testid=stMetricValue]")
    assert [metrics.nth(i).inner_text() for i in range(2)] == [
        card(c.standing) for c in city_view.campaigns]
    screenshot(page, "overview-city")
    page.get_by_role("combobox", name="Quận, huyện").click()
    page.get_by_role("option", name="Huyện DP").click()
    settle(page)
    assert_no_error(page)
    district_view = dashboard.overview(district="DP", engine=engine)
    expect(page.get_by_text("Xếp hạng 2 xã, thị trấn")).to_be_visible()
    assert [metrics.nth(i).inner_text() for i in range(2)] == [
        card(c.standing) for c in district_view.campaigns]
    assert parse_qs(urlparse(page.url).query)["huyen"] == ["Huyện DP"]  # kept in the URL
    page.close()
