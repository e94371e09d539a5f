"""The signed-in account in Streamlit's session state, with expiry after inactivity.

A session made by `sign_in` is checked against the database on every run: once the account is
disabled, its sessions end at their next click.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import streamlit as st

from components.incident import require_routing
from services.auth import Actor, record_logout, reload_actor
from settings import current

IDLE_LIMIT = timedelta(minutes=current().session_minutes)


def current_actor(now: datetime | None = None) -> Actor | None:
    """The signed-in actor, or None (never signed in, logged out, idle too long, or disabled)."""
    now = now or datetime.now(timezone.utc)
    actor = st.session_state.get("actor")
    last_seen = st.session_state.get("last_seen")
    if actor is None:
        return None
    if last_seen is not None and now - last_seen > IDLE_LIMIT:
        sign_out(expired=True)
        st.session_state["expired"] = True
        return None
    if last_seen is not None:
        fresh = reload_actor(actor)
        if fresh is None:
            sign_out()
            st.session_state["disabled"] = True
            return None
        st.session_state["actor"] = actor = fresh
    st.session_state["last_seen"] = now
    return actor


def signed_in_actor() -> Actor:
    """For a page: the signed-in actor; the page stops, showing nothing else, when there is none.
    A page that Streamlit runs by itself, not through app.py, is sent through app.py first."""
    require_routing()
    actor = current_actor()
    if actor is None:
        st.warning("Vui lòng đăng nhập.")
        st.stop()
    return actor


def sign_in(actor: Actor) -> None:
    st.session_state["actor"] = actor
    st.session_state["last_seen"] = datetime.now(timezone.utc)
    st.session_state.pop("expired", None)
    st.session_state.pop("disabled", None)


def sign_out(*, expired: bool = False) -> None:
    """Forget the account and everything the session held (uploaded files, previews)."""
    actor = st.session_state.get("actor")
    if actor is not None and st.session_state.get("last_seen") is not None:
        record_logout(actor, expired=expired)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
