"""A real browser (headless Chromium) against `streamlit run app.py` on a copy of the demo database.

A commune clerk logs in, uploads a sample roster, reads the preview, confirms, and the overview's
figure changes; the same account cannot open another commune's follow-up list.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from components.format import number
from db import get_engine
from services.progress import progress
from services.uploads import list_uploads
from tests.accounts_helpers import PASSWORD, account, demo_copy  # noqa: F401 (fixture)
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (/usr/bin/chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@contextmanager
def streamlit_app(database_url: str):
    """`streamlit run app.py` on a free port of 127.0.0.1, on the given database: its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start: " + server.stdout.read1().decode(errors="replace"))
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def app_url(demo_copy):
    if "account_pages" not in (ROOT / "app.py").read_text():
        pytest.fail("app.py does not route the account pages yet: it must add "
                    "components.navigation_accounts.account_pages(actor.role) to its sections")
    with streamlit_app(demo_copy) as url:
        yield url


def residents_registered(url: str) -> str:
    """The residents' registered figure as the overview writes it (as of the latest report)."""
    return number(progress(engine=get_engine(url)).campaign("residents").registered)


def test_commune_clerk_uploads_confirms_sees_the_overview_change_and_no_other_commune(
        chromium, app_url, demo_copy):
    account(get_engine(demo_copy), "canbo.thoan", "commune", commune="THOAN")
    page = chromium.new_page(viewport={"width": 1400, "height": 2000})
    page.set_default_timeout(60_000)
    main = page.locator('[data-testid="stMain"]')
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.goto(app_url)
        page.get_by_label("Tên đăng nhập").fill("canbo.thoan")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("link", name="Tải lên").wait_for()

        before = residents_registered(demo_copy)
        page.get_by_role("link", name="Tổng quan").click()
        page.get_by_text(before, exact=False).first.wait_for()

        page.get_by_role("link", name="Tải lên").click()
        page.get_by_text("Đơn vị:").wait_for()
        page.locator('input[type="file"]').set_input_files(str(SAMPLES / "tho-an-cum-5-6.xlsx"))
        page.get_by_text("Kiểm tra xong: 120 dòng hợp lệ, 0 dòng bị từ chối; chưa ghi gì.").wait_for()
        page.get_by_text("Số liệu thay đổi (trước → sau)").wait_for()
        page.get_by_role("button", name="Xác nhận nhập 120 dòng").wait_for()
        assert list_uploads(username="canbo.thoan", engine=get_engine(demo_copy)) == []  # preview only
        page.screenshot(path=str(ARTIFACTS / "upload-preview.png"))

        page.get_by_role("button", name="Xác nhận nhập 120 dòng").click()
        page.get_by_text("Đã nhập 120 dòng").wait_for()
        [upload] = list_uploads(username="canbo.thoan", engine=get_engine(demo_copy))
        assert upload.rows_accepted == 120

        after = residents_registered(demo_copy)
        assert after != before
        page.get_by_role("link", name="Tổng quan").click()
        page.get_by_text(after, exact=False).first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "overview-after-upload.png"))

        page.get_by_role("link", name="Danh sách cần vận động").click()
        page.get_by_text("Xã Thọ An: những người").wait_for()
        page.get_by_text("Số người cần vận động").wait_for()
        expect(main.get_by_text("Chọn đơn vị")).to_have_count(0)  # no way to pick another commune
        # Follow a link to Đồng Tháp's list in the same signed-in session (as back/forward does)
        page.evaluate("history.pushState({}, '', 'follow_up?commune=DONGTHAP');"
                      "window.dispatchEvent(new PopStateEvent('popstate', {state: {}}))")
        page.get_by_text("chỉ xem và nhập được số liệu của xã, thị trấn mình").wait_for()
        expect(main.get_by_text("Số người cần vận động")).to_have_count(0)  # once the run ends
        expect(main.locator('[data-testid="stDataFrame"]')).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "follow-up-other-commune.png"))
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "failure.png"))
        raise


def test_a_page_named_in_the_first_request_after_a_start_still_asks_for_a_login(chromium, demo_copy):
    """Streamlit may run a `pages/` file before app.py's routing: the page itself refuses."""
    with streamlit_app(demo_copy) as url:
        page = chromium.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/overview")
        page.get_by_text("đăng nhập").first.wait_for()
        page.wait_for_timeout(3000)
        shown = page.locator('[data-testid="stMain"]').inner_text()
        assert "đăng nhập" in shown.lower() and "chỉ tiêu" not in shown
