"""A real browser (headless Chromium) against `streamlit run app.py` on a copy of the demo database.

A commune clerk logs in, uploads a sample roster, reads the preview, confirms, and the overview's
figure changes; the same account cannot open another commune's follow-up list. A hostile workbook
selected in one session is refused in Vietnamese while another session goes on answering; a hostile
campaign name is shown as text (no image fetched); no developer menu, no traceback.
"""
from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from formats import number
from db import get_engine
from services.admin import list_campaigns, update_campaign
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
    log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start: " + Path(log.name).read_text(errors="replace"))
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        Path(log.name).unlink(missing_ok=True)


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

        # the sample takes Cụm 5 over its target and is undated: the clerk ticks that she checked
        page.get_by_text("Tôi đã kiểm tra các điểm trên và vẫn muốn nhập tệp này").click()
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
    """Streamlit runs a `pages/` file itself on its first run after a start: the page hands the run
    to app.py, which asks for a login."""
    with streamlit_app(demo_copy) as url:
        page = chromium.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/overview")
        page.get_by_label("Tên đăng nhập").wait_for()
        page.wait_for_timeout(3000)
        shown = page.locator('[data-testid="stMain"]').inner_text()
        assert "đăng nhập" in shown.lower() and "chỉ tiêu" not in shown


# ---------------------------------------------------------------- hostile input, two sessions

HOSTILE_NAME = '![x](http://example.invalid/p.png) <img src="http://example.invalid/q.png"> =1+1'


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def shared_strings_bomb() -> bytes:
    """A 1 KB xlsx whose xl/sharedStrings.xml declares 2,147,483,647 strings: python-calamine
    0.9.1 pre-allocates for them all (51 GB) and aborts the process that reads it."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPES}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPES}.sharedStrings+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
            '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">'
            '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            "</sheetData></worksheet>"),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{_MAIN}" count="2147483647" uniqueCount="2147483647">'
            "<si><t>Họ và tên</t></si><si><t>Số CCCD</t></si></sst>"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, xml in parts.items():
            book.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)
    return out.getvalue()


def sign_in(browser, url: str, username: str, requests: list[str]):
    """A session of its own (a new browser context), signed in; every URL it fetches is kept."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Tổng quan").wait_for()
    return page


def test_a_hostile_workbook_in_one_session_is_refused_and_another_session_still_answers(
        chromium, app_url, demo_copy):
    engine = get_engine(demo_copy)
    account(engine, "canbo.thoan", "commune", commune="THOAN")
    account(engine, "lanhdao.b", "leader")
    residents = next(c for c in list_campaigns(engine=engine) if c.key == "residents")
    update_campaign(account(engine, "quantri.b", "admin"), "residents", name=HOSTILE_NAME,
                    start=residents.start, deadline=residents.deadline,
                    target_pct=residents.target_pct, engine=engine)
    ARTIFACTS.mkdir(exist_ok=True)
    fetched: list[str] = []
    leader = sign_in(chromium, app_url, "lanhdao.b", fetched)
    clerk = sign_in(chromium, app_url, "canbo.thoan", fetched)
    try:
        leader_main = leader.locator('[data-testid="stMain"]')
        leader_main.get_by_text(HOSTILE_NAME, exact=True).first.wait_for()  # shown as typed
        expect(leader_main.locator("img")).to_have_count(0)
        expect(leader.locator('[data-testid="stAppDeployButton"]')).to_have_count(0)

        clerk.get_by_role("link", name="Tải lên").click()
        clerk.get_by_text("Đơn vị:").wait_for()
        clerk.locator('input[type="file"]').set_input_files(
            {"name": "danh-sach.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument"
             ".spreadsheetml.sheet", "buffer": shared_strings_bomb()})
        refusal = clerk.locator('[data-testid="stAlertContentError"]').first
        refusal.wait_for(timeout=120_000)
        assert re.search(r"Tệp bị từ chối|Không đọc được tệp|Lưu thành", refusal.inner_text())
        assert urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=5).read() == b"ok"
        assert list_uploads(username="canbo.thoan", engine=engine) == []
        clerk.screenshot(path=str(ARTIFACTS / "hostile-workbook-refused.png"))

        leader.get_by_role("link", name="Xã, thị trấn").click()
        leader.get_by_role("heading", name="Thôn, tổ dân phố, cụm dân cư").wait_for()
        expect(leader.locator('[data-testid="stMetricValue"]').first).to_be_visible()
        for page in (clerk, leader):
            assert "Traceback" not in page.inner_text("body")
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        assert not [u for u in fetched if "example.invalid" in u]
    except Exception:
        clerk.screenshot(path=str(ARTIFACTS / "failure-clerk.png"))
        leader.screenshot(path=str(ARTIFACTS / "failure-leader.png"))
        raise
