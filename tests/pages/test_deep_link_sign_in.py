"""Issue 12 item 5: a page's link opened signed out shows the login (no "Page not found"), and
after signing in the user lands on that page with the link's date and commune."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from db import get_engine
from services import dashboard
from tests.accounts_helpers import PASSWORD, account, demo_copy  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]


def open_signed_out(address: str, **params: str) -> AppTest:
    """What a browser does with `/<address>?<params>` in a new session. AppTest.switch_page finds
    pages by script, and signed out every address runs the login's script: the test asks for the
    page by its address's hash, as Streamlit's own page resolution does."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params = dict(params)
    app._page_hash = calc_hash(address)
    return app.run()


def sign_in(app: AppTest, username: str) -> AppTest:
    app.text_input[0].input(username)
    app.text_input[1].input(PASSWORD)
    return app.button[0].click().run()


def test_a_link_opened_signed_out_lands_on_its_page_with_its_date_and_commune(demo_copy,
                                                                              use_database):
    use_database(demo_copy)
    account(get_engine(demo_copy), "lanhdao.thu", "leader")
    app = open_signed_out("xa-thi-tran", ngay="2024-08-12", xa="THOAN")
    assert not app.exception
    assert app.title[0].value.startswith("Theo dõi cài đặt iHaNoi")  # the login, not the page
    assert app.query_params == {"ngay": "2024-08-12", "xa": "THOAN"}
    sign_in(app, "lanhdao.thu")
    assert not app.exception and not app.error
    assert app.title[0].value == "Xã, thị trấn"
    assert app.date_input(key="ngay").value == date(2024, 8, 12)
    assert app.selectbox(key="xa").value == "THOAN"
    expected = dashboard.commune_view("THOAN", date(2024, 8, 12), engine=get_engine(demo_copy))
    registered = f"{expected.progress.standing.registered:,}".replace(",", ".")
    assert app.metric[0].value.startswith(f"{registered} / ")
    assert app.query_params["ngay"] == "2024-08-12"


def test_a_link_to_a_page_the_role_does_not_see_lands_on_the_overview(demo_copy, use_database):
    use_database(demo_copy)
    account(get_engine(demo_copy), "lanhdao.thu", "leader")
    app = open_signed_out("admin_units")
    assert not app.exception and app.title[0].value.startswith("Theo dõi cài đặt iHaNoi")
    sign_in(app, "lanhdao.thu")
    assert not app.exception and app.title[0].value == "Tổng quan"


def test_signing_in_without_a_link_lands_on_the_overview(demo_copy, use_database):
    use_database(demo_copy)
    account(get_engine(demo_copy), "lanhdao.thu", "leader")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    sign_in(app, "lanhdao.thu")
    assert not app.exception and app.title[0].value == "Tổng quan"
