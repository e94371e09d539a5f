"""Issue 12 item 1: after a merger, the commune page's picker follows the as-of date (the communes
open that day), and the new commune with no report yet shows an empty state, not an error."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db import get_engine
from services import dashboard
from services.auth import Actor
from services.admin import find_commune, merge_communes

ROOT = Path(__file__).resolve().parents[2]
MERGED_ON = date(2024, 8, 25)  # inside the demo's reports, so that a date after it can be chosen


@pytest.fixture
def merged(demo_database, use_database, tmp_path):
    """A copy of the demo where Liên Hà and Liên Trung became Liên Hà mới on MERGED_ON."""
    url = f"sqlite:///{tmp_path / 'merged.db'}"
    with sqlite3.connect(demo_database.removeprefix("sqlite:///")) as source, \
            sqlite3.connect(tmp_path / "merged.db") as copy:
        source.backup(copy)  # the demo is shared by the whole run: merge in a copy
    engine = get_engine(url)
    ids = [find_commune(code, engine=engine).id for code in ("LIENHA", "LIENTRUNG")]
    merge_communes(Actor("quantri", "admin"), ids, code="LIENHAMOI", name="Liên Hà mới",
                   kind="Xã", on=MERGED_ON, engine=engine)
    use_database(url)
    return engine


def commune_page(day: date) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "commune.py"), default_timeout=120)
    app.session_state["actor"] = Actor("lanhdao", "leader")
    app.run()
    app.date_input(key="ngay").set_value(day).run()
    return app


def test_before_the_merger_the_picker_offers_the_old_communes(merged):
    app = commune_page(date(2024, 8, 12))
    assert not app.exception
    options = app.selectbox(key="xa").options
    assert "Liên Hà" in options and "Liên Trung" in options and "Liên Hà mới" not in options
    app.selectbox(key="xa").select("LIENHA").run()
    expected = dashboard.commune_view("LIENHA", date(2024, 8, 12), engine=merged)
    assert app.metric[0].value.startswith(f"{expected.progress.standing.registered:,}"
                                          .replace(",", "."))
    assert expected.progress.standing.registered > 0


def test_after_the_merger_the_new_commune_without_reports_shows_an_empty_state(merged):
    app = commune_page(date(2024, 8, 30))
    options = app.selectbox(key="xa").options
    assert "Liên Hà mới" in options and "Liên Hà" not in options
    app.selectbox(key="xa").select("LIENHAMOI").run()
    assert not app.exception and not app.error
    assert "Liên Hà mới chưa có báo cáo nào đến ngày 30/08/2024" in app.info[0].value
    assert not app.metric
