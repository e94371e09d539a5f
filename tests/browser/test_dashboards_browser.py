"""`streamlit run app.py` on the demo, driven by headless Chromium: log in, read the overview and one
commune as a person would, and take screenshots: into docs/screenshots/ for the README only when
TRACKER_SCREENSHOTS=1 asks for it (a test run leaves the tracked files alone)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect

import formats as fmt
from db import get_engine
from services import dashboard
from services.auth import create_user

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = (ROOT / "docs" / "screenshots" if os.environ.get("TRACKER_SCREENSHOTS") == "1"
               else Path(tempfile.gettempdir()) / "tracker-screenshots")
USER, PASSWORD = "kiem-thu-trinh-duyet", "mat-khau-kiem-thu"
LATEST = date(2024, 8, 30)  # the demo's latest report date
MID = date(2024, 8, 12)  # mid-campaign: statuses differ, projections show

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="needs Debian's chromium at /usr/bin/chromium "
                              "(apt-get install chromium); required in CI"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(database_url: str, log: Path) -> Iterator[str]:
    """`streamlit run app.py` on a loopback port, on a database, with a leader account; its URL."""
    create_user(USER, PASSWORD, "leader", engine=get_engine(database_url))
    port = free_port()
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url}, stdout=output,
            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start:\n{log.read_text()}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(demo_database, tmp_path_factory):
    """The app on the demo database."""
    with serve(demo_database, tmp_path_factory.mktemp("streamlit") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def settle(page) -> None:
    """Wait until Streamlit has finished running the script and the charts are drawn."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        "!document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)
    page.wait_for_timeout(1500)


def log_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_label("Tên đăng nhập").fill(USER)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("h1:has-text('Tổng quan')", timeout=60_000)
    settle(page)


def screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to it."""
    width = page.viewport_size["width"]
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": width, "height": height + 20})
    page.wait_for_timeout(1500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})


def charts_drawn(page, expected: int) -> int:
    """How many plotly charts are drawn, once `expected` are on the page and each was scrolled
    into view and had time to draw (Streamlit mounts them lazily)."""
    charts = page.locator("[data-testid=stPlotlyChart]")
    expect(charts).to_have_count(expected)
    for index in range(expected):
        charts.nth(index).scroll_into_view_if_needed()
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached()
    return page.locator("[data-testid=stPlotlyChart] .main-svg").count()


def assert_no_error(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    assert "Traceback" not in page.inner_text("body")


def choose_as_of(page, day: date) -> None:
    """Type the date into the as-of picker's segments and close it, as a person would."""
    page.locator("[data-testid=stDateInput] [role=spinbutton]").first.click()
    page.keyboard.type(f"{day:%d%m%Y}")
    page.keyboard.press("Escape")
    settle(page)


def card(standing) -> str:
    return f"{fmt.number(standing.registered)} / {fmt.number(standing.size)}"


def test_overview_and_one_commune_in_a_real_browser(server, browser, demo_database):
    engine = get_engine(demo_database)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, server)
    expected = dashboard.overview(LATEST, engine=engine)
    expect(page.locator("[data-testid=stMetricValue]")).to_have_text(
        [card(c.standing) for c in expected.campaigns])
    assert charts_drawn(page, 5) >= 5  # two curves, two daily charts, the ranking
    expect(page.locator("[data-testid=stPlotlyChart]").last).to_contain_text("Hồng Hà")
    expect(page.locator("[data-testid=stCode]")).to_contain_text(expected.summary.splitlines()[0])
    assert_no_error(page)
    screenshot(page, "overview")

    choose_as_of(page, MID)
    mid = dashboard.overview(MID, engine=engine)
    expect(page.locator("[data-testid=stMetricValue]")).to_have_text(
        [card(c.standing) for c in mid.campaigns])
    assert "ngay=2024-08-12" in page.url
    assert_no_error(page)
    screenshot(page, "overview-2024-08-12")

    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name="Xã, thị trấn").click()
    settle(page)
    page.locator("[data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="Hồng Hà").click()
    settle(page)
    commune = dashboard.commune_view("HONGHA", MID, engine=engine)  # the date came along
    expect(page.locator("[data-testid=stMetricValue]")).to_have_text(
        [card(commune.progress.standing)])
    assert charts_drawn(page, 2) >= 2
    expect(page.locator("[data-testid=stPlotlyChart]").last).to_contain_text("Cụm 1")
    assert_no_error(page)
    screenshot(page, "commune")
    page.close()


PHONE_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


def phone(browser):
    return browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True,
                            has_touch=True, user_agent=PHONE_AGENT)


def tables_fit(page) -> list[tuple[int, int]]:
    """(scroll width, visible width) of every table's grid that scrolls sideways ([]: none)."""
    wide = []
    for table in page.locator("[data-testid=stDataFrame]").all():
        table.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        widths = table.evaluate("t => { const s = t.querySelector('.dvn-scroller');"
                                " return [s.scrollWidth, s.clientWidth]; }")
        if widths[0] > widths[1] + 1:
            wide.append(tuple(widths))
    return wide


def shown_headers(page) -> list[str]:
    """The column headers the first table draws."""
    table = page.locator("[data-testid=stDataFrame]").first
    table.scroll_into_view_if_needed()
    return [h.strip() for h in table.locator("[role=columnheader]").all_inner_texts()]


def overlaps(a, b) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def legend_clear_of_the_axis_title(page) -> bool:
    ranking = page.locator("[data-testid=stPlotlyChart]").last
    ranking.scroll_into_view_if_needed()
    legend = ranking.locator(".legend").first.bounding_box()
    title = ranking.locator(".xtitle").first.bounding_box()
    return legend is not None and title is not None and not overlaps(legend, title)


def toolbar_clear_of_the_headers(page) -> tuple[float, float]:
    """Tapping (or pointing at) a table shows its toolbar; (its bottom, the table's top): it
    must stand above the table, not over its header row."""
    table = page.locator("[data-testid=stDataFrame]").first
    table.scroll_into_view_if_needed()
    table.tap() if page.evaluate("navigator.maxTouchPoints > 0") else table.hover()
    toolbar = table.locator("xpath=..").locator("[data-testid=stElementToolbar]")
    expect(toolbar).to_be_visible()
    page.wait_for_timeout(500)
    bar, top = toolbar.bounding_box(), table.bounding_box()["y"]
    return round(bar["y"] + bar["height"]), round(top)


def choose_page(page, name: str) -> None:
    """Open the sidebar when it is closed and choose a page in it."""
    if page.locator("[data-testid=stSidebar]").bounding_box()["x"] < 0:
        page.locator("[data-testid=stExpandSidebarButton]").click()
        page.wait_for_timeout(800)
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=name).click()
    settle(page)


def sidebar_open(page) -> bool:
    box = page.locator("[data-testid=stSidebar]").bounding_box()
    return box is not None and box["x"] + box["width"] > 0


def test_overview_fits_a_phone(server, browser):
    """Issue 12 item 10 at 390 px on a phone: nothing scrolls sideways (the page, its tables:
    fewer, narrower columns), the ranking's legend clear of its axis title, the toolbar clear of
    the headers; the sidebar closes once a page is chosen."""
    page = phone(browser)
    log_in(page, server)
    assert_no_error(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert charts_drawn(page, 5) >= 5  # two curves, two daily charts, the ranking
    assert tables_fit(page) == []
    assert shown_headers(page) == ["Đơn vị", "±Hạng", "Tỷ lệ", "Tốc độ", "Cần/ngày"]
    assert legend_clear_of_the_axis_title(page)
    bottom, top = toolbar_clear_of_the_headers(page)
    assert bottom <= top
    screenshot(page, "overview-phone")
    choose_page(page, "Xã, thị trấn")
    expect(page.locator("h1")).to_have_text("Xã, thị trấn")
    assert not sidebar_open(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert tables_fit(page) == []
    assert_no_error(page)
    page.close()


def test_a_narrow_window_closes_the_sidebar_and_a_wide_one_keeps_it(server, browser):
    """Not a phone's browser (Streamlit closes the sidebar by itself only for those): at 390 px
    the sidebar still closes after choosing a page; at 1366 px it stays, and the tables show all
    their columns."""
    narrow = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(narrow, server)
    choose_page(narrow, "Cơ quan, đơn vị")
    expect(narrow.locator("h1")).to_have_text("Cơ quan, đơn vị")
    assert not sidebar_open(narrow)
    narrow.close()
    wide = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(wide, server)
    assert legend_clear_of_the_axis_title(wide)
    bottom, top = toolbar_clear_of_the_headers(wide)
    assert bottom <= top
    assert shown_headers(wide)[:4] == ["Đơn vị", "Hạng", "So với 7 ngày trước", "Tỷ lệ"]
    assert len(shown_headers(wide)) >= 9  # of 11: the grid draws those in sight
    choose_page(wide, "Cơ quan, đơn vị")
    expect(wide.locator("h1")).to_have_text("Cơ quan, đơn vị")
    assert sidebar_open(wide)
    assert_no_error(wide)
    wide.close()
