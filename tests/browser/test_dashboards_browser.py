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

from components import format as fmt
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


def test_overview_fits_a_phone(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(page, server)
    assert_no_error(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert charts_drawn(page, 5) >= 5  # two curves, two daily charts, the ranking
    screenshot(page, "overview-phone")
    page.close()
