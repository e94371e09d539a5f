"""Sessions: expire after inactivity, end when the account is disabled, and forget everything on logout."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db import session_scope
from models import AuditEvent
from services.accounts import set_active
from tests.accounts_helpers import account

SCRIPT = """
import streamlit as st
from components.session import current_actor, sign_out
actor = current_actor()
st.text(actor.username if actor else "signed out")
if st.button("logout"):
    sign_out()
"""


def app(url, use_database, actor, idle: timedelta | None) -> AppTest:
    use_database(url)
    at = AppTest.from_string(SCRIPT)
    at.session_state["actor"] = actor
    if idle is not None:
        at.session_state["last_seen"] = datetime.now(timezone.utc) - idle
    at.session_state["upload-preview"] = "a file's rows"
    return at.run()


def actions(engine) -> list[tuple[str | None, str]]:
    with session_scope(engine) as session:
        return [(e.username, e.action) for e in session.execute(
            select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def test_a_session_idle_longer_than_the_limit_expires(sqlite_engine, use_database):
    leader = account(sqlite_engine, "lanhdao", "leader")
    at = app(str(sqlite_engine.url), use_database, leader, timedelta(minutes=31))
    assert at.text[0].value == "signed out"
    assert at.session_state["expired"] is True
    assert "actor" not in at.session_state and "upload-preview" not in at.session_state
    assert actions(sqlite_engine)[-1] == ("lanhdao", "session-expired")


def test_an_active_session_goes_on_and_its_clock_restarts(sqlite_engine, use_database):
    leader = account(sqlite_engine, "lanhdao", "leader")
    at = app(str(sqlite_engine.url), use_database, leader, timedelta(minutes=29))
    assert at.text[0].value == "lanhdao"
    assert datetime.now(timezone.utc) - at.session_state["last_seen"] < timedelta(minutes=1)


def test_disabling_an_account_ends_its_open_session(sqlite_engine, use_database):
    admin = account(sqlite_engine, "quantri", "admin")
    leader = account(sqlite_engine, "lanhdao", "leader")
    at = app(str(sqlite_engine.url), use_database, leader, timedelta(minutes=1))
    assert at.text[0].value == "lanhdao"
    set_active(admin, "lanhdao", False, engine=sqlite_engine)
    at.run()
    assert at.text[0].value == "signed out" and at.session_state["disabled"] is True


def test_logout_forgets_the_account_and_what_the_session_held(sqlite_engine, use_database):
    leader = account(sqlite_engine, "lanhdao", "leader")
    at = app(str(sqlite_engine.url), use_database, leader, timedelta(minutes=1))
    at.button[0].click().run()
    assert "actor" not in at.session_state and "upload-preview" not in at.session_state
    assert actions(sqlite_engine)[-1] == ("lanhdao", "logout")
    at.run()
    assert at.text[0].value == "signed out"
