"""An unexpected error on any page: the visitor reads a Vietnamese message with an incident id,
never the exception, its SQL or a path; the server log has the same id beside the traceback.
Streamlit's own stop and rerun still work through the guard."""
from __future__ import annotations

import logging
import re
import tomllib
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from services import dashboard
from tests.accounts_helpers import PASSWORD, account
from tests.pages.test_account_pages import shown_text

ROOT = Path(__file__).resolve().parents[2]
INCIDENT = re.compile(r"mã sự cố \*\*([0-9a-f]{8})\*\*")


def app(engine, use_database, actor=None) -> AppTest:
    use_database(str(engine.url))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if actor is not None:
        at.session_state["actor"] = actor
    return at


def locked(*args, **kwargs):
    raise OperationalError("INSERT INTO audit_event (username, detail) VALUES (?, ?)",
                           ("lanhdao", "tham-so-bi-mat"), Exception("database is locked"))


def test_an_error_in_a_service_shows_an_incident_id_that_the_log_carries_with_the_traceback(
        sqlite_engine, use_database, monkeypatch, caplog):
    leader = account(sqlite_engine, "lanhdao", "leader")
    monkeypatch.setattr(dashboard, "overview", locked)
    with caplog.at_level(logging.ERROR, logger="tracker.incident"):
        at = app(sqlite_engine, use_database, leader).run()
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("Đã xảy ra lỗi ngoài dự kiến")
    incident = INCIDENT.search(error.value).group(1)
    shown = shown_text(at)
    for secret in ("database is locked", "INSERT", "audit_event", "tham-so-bi-mat",
                   "OperationalError", "Traceback", "services/", ".py"):
        assert secret not in shown
    [record] = [r for r in caplog.records if r.name == "tracker.incident"]
    assert incident in record.getMessage() and "pages/overview.py" in record.getMessage()
    assert record.exc_info[0] is OperationalError
    assert "database is locked" in caplog.text and "Traceback" in caplog.text


def test_each_incident_has_its_own_id(sqlite_engine, use_database, monkeypatch):
    leader = account(sqlite_engine, "lanhdao", "leader")
    monkeypatch.setattr(dashboard, "overview", locked)
    at = app(sqlite_engine, use_database, leader).run()
    first = INCIDENT.search(at.error[0].value).group(1)
    at.run()
    assert INCIDENT.search(at.error[0].value).group(1) != first


def test_an_error_before_the_routing_is_an_incident_too(sqlite_engine, use_database, monkeypatch):
    """The session check (a database read) runs in app.py before any page."""
    leader = account(sqlite_engine, "lanhdao", "leader")
    import components.session as session
    monkeypatch.setattr(session, "reload_actor", locked)
    at = app(sqlite_engine, use_database, leader)
    at.session_state["last_seen"] = datetime.now(timezone.utc)
    at.run()
    assert not at.exception and INCIDENT.search(at.error[0].value)
    assert "database is locked" not in shown_text(at)


def test_stop_and_rerun_pass_through_the_guard(sqlite_engine, use_database):
    """A new database: the overview stops after its hint (st.stop); signing in reruns (st.rerun)."""
    account(sqlite_engine, "lanhdao", "leader")
    at = app(sqlite_engine, use_database).run()
    assert at.title[0].value.startswith("Theo dõi cài đặt iHaNoi")  # the login page
    at.text_input[0].input("lanhdao")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Tổng quan"
    assert "Chưa có danh mục đơn vị" in at.info[0].value and not at.metric  # stopped there


def test_the_config_hides_error_details_and_the_developer_menu():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"] == {"showErrorDetails": "none", "toolbarMode": "viewer"}
