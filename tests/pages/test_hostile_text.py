"""Names someone typed (a campaign, a unit, its kind, a file) holding Markdown images, HTML and
spreadsheet formulas: every page shows them as plain text (each mark escaped, so no image or link
element can come of them) and every table holds them with Excel's quote prefix."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from components.safe_text import plain
from db import get_engine, session_scope
from models import Agency, Upload
from services.admin import list_campaigns, update_campaign, update_unit
from tests.accounts_helpers import demo_actor, demo_copy  # noqa: F401 (fixture)
from tests.dashboard_data import add_upload
from tests.pages.test_account_pages import page

IMAGE, HTML = "![x](http://example.invalid/p.png)", "<img src=x>"
FORMULA = '=HYPERLINK("http://x","y")'
MARKDOWN = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning",
            "error")


def rendered(at) -> list[str]:
    """The Markdown source of every element and widget label Streamlit renders as Markdown."""
    values = [e.value for kind in MARKDOWN for e in at.get(kind)]
    values += [w.label for kind in ("checkbox", "button", "selectbox", "text_input", "expander",
                                    "metric") for w in at.get(kind)]
    return [str(v) for v in values]


def assert_shown_as_text(at, *texts: str) -> None:
    """Each text appears, escaped, in some rendered element; no element holds it unescaped."""
    assert not at.exception
    sources = rendered(at)
    for text in texts:
        assert any(plain(text) in source for source in sources), text
    for source in sources:
        bare = re.sub(r"\\.", "", source)  # what is left once the escaped marks are read as text
        assert "![" not in bare and "](" not in bare and "<img" not in bare, source


def table_column(at, header: str) -> list:
    return [value for table in at.dataframe if header in table.value.columns
            for value in table.value[header]]


@pytest.fixture
def hostile(demo_copy):
    """The demo with a hostile campaign name, agency name and agency kind."""
    engine = get_engine(demo_copy)
    admin = demo_actor(demo_copy, "quantri")
    residents = next(c for c in list_campaigns(engine=engine) if c.key == "residents")
    update_campaign(admin, "residents", name=f"{IMAGE} {HTML} {FORMULA}", start=residents.start,
                    deadline=residents.deadline, target_pct=residents.target_pct, engine=engine)
    with session_scope(engine) as session:
        cq05 = session.execute(select(Agency.id).where(Agency.code == "CQ05")).scalar_one()
    update_unit(admin, "agency", cq05, {"name": f"{FORMULA} {IMAGE}", "kind": f"{IMAGE} {HTML}"},
                engine=engine)
    return demo_copy


def test_the_overview_shows_a_hostile_campaign_name_as_text(hostile, use_database):
    at = page("overview", hostile, use_database, "lanhdao")
    assert_shown_as_text(at, f"{IMAGE} {HTML} {FORMULA}")


def test_the_report_page_shows_a_hostile_campaign_name_as_text(hostile, use_database):
    assert_shown_as_text(page("report", hostile, use_database, "lanhdao"), f"{IMAGE} {HTML}")


def test_the_campaigns_page_shows_a_hostile_campaign_name_as_text(hostile, use_database):
    assert_shown_as_text(page("admin_campaigns", hostile, use_database, "quantri"),
                         f"{IMAGE} {HTML} {FORMULA}")


def test_the_agencies_page_shows_a_hostile_kind_as_text_and_a_formula_name_quoted(
        hostile, use_database):
    at = page("agencies", hostile, use_database, "lanhdao")
    assert_shown_as_text(at, f"{IMAGE} {HTML}")
    names = table_column(at, "Đơn vị")
    assert f"'{FORMULA} {IMAGE}" in names and f"{FORMULA} {IMAGE}" not in names
    assert all(isinstance(n, (int, float)) for n in table_column(at, "Đã tạo tài khoản"))


def test_the_unit_directory_quotes_a_formula_name_and_escapes_it_in_labels(hostile, use_database):
    at = page("admin_units", hostile, use_database, "quantri")
    agencies = at.tabs[2]
    assert f"'{FORMULA} {IMAGE}" in table_column(agencies, "Tên")
    picker = agencies.selectbox[0]
    picker.set_value(next(o for o in picker.options if o.startswith("CQ05"))).run()
    assert_shown_as_text(at, f"Tôi chắc chắn muốn đóng {FORMULA} {IMAGE}")


def test_the_history_shows_a_hostile_file_name_as_text_and_quoted_in_its_table(
        demo_copy, use_database):
    name = f'=HYPERLINK("x","y") ![x](p.png) {HTML}.xlsx'  # a file name holds no slash
    with session_scope(get_engine(demo_copy)) as session:
        session.get(Upload, add_upload(session, "residents", date(2024, 8, 18))).file_name = name
    at = page("history", demo_copy, use_database, "quantri")
    assert_shown_as_text(at, name)
    assert table_column(at, "Tệp")[0] == f"'{name}"
    assert name in at.selectbox[0].options[0]  # options are plain text, shown as typed
