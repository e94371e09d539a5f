"""The signed-in account in Streamlit's session state, with expiry after inactivity."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import streamlit as st

from services.auth import Actor

IDLE_LIMIT = timedelta(minutes=int(os.environ.get("TRACKER_SESSION_MINUTES", "30")))


def current_actor(now: datetime | None = None) -> Actor | None:
    """The signed-in actor, or None (never signed in, logged out, or idle too long)."""
    now = now or datetime.now(timezone.utc)
    actor = st.session_state.get("actor")
    last_seen = st.session_state.get("last_seen")
    if actor is not None and last_seen is not None and now - last_seen > IDLE_LIMIT:
        sign_out()
        st.session_state["expired"] = True
        return None
    if actor is not None:
        st.session_state["last_seen"] = now
    return actor


def sign_in(actor: Actor) -> None:
    st.session_state["actor"] = actor
    st.session_state["last_seen"] = datetime.now(timezone.utc)
    st.session_state.pop("expired", None)


def sign_out() -> None:
    for key in ("actor", "last_seen"):
        st.session_state.pop(key, None)
