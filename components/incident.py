"""What a visitor sees when something unexpected breaks: a short Vietnamese message and an incident
id; the server log carries the same id beside the traceback. Never a traceback, SQL or a path on
the page (and `client.showErrorDetails = "none"` in .streamlit/config.toml for anything else).

app.py runs the session check, the routing and every page in `guarded()`. Streamlit may also run a
`pages/` file by itself, before app.py's routing (its pages-folder mode, on the first run after a
start, and every run of app.py in AppTest): such a page calls `require_routing` first, which runs
app.py in its place, so that the run is routed and guarded all the same. st.stop, st.rerun and
st.switch_page raise Streamlit's StopException and RerunException (BaseException, not Exception):
they pass through untouched.
"""
from __future__ import annotations

import logging
import os
import runpy
import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

LOG = logging.getLogger("tracker.incident")
ENTRY = Path(__file__).resolve().parents[1] / "app.py"
_ROUTED: ContextVar[bool] = ContextVar("routed", default=False)


def message(incident: str) -> str:
    return ("Đã xảy ra lỗi ngoài dự kiến, trang chưa hiện hết. Vui lòng tải lại trang hoặc thử "
            f"lại sau ít phút; nếu vẫn lỗi, báo quản trị viên mã sự cố **{incident}**.")


@contextmanager
def guarded() -> Iterator[None]:
    """app.py's whole run (the session check, the routing, the page): an unexpected error becomes
    an incident."""
    token = _ROUTED.set(True)
    try:
        yield
    except Exception:  # noqa: BLE001 (everything unexpected, and only that)
        incident = secrets.token_hex(4)
        LOG.exception("incident %s: unexpected error on page %s", incident, _page_name())
        st.error(message(incident), icon=":material/error:")
    finally:
        _ROUTED.reset(token)


def _page_name() -> str:
    """The page that broke, for the log: its script (`pages/overview.py`)."""
    ctx = get_script_run_ctx()
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash, {}) if ctx else {}
    script = info.get("script_path")
    return os.path.relpath(script, ENTRY.parent) if script else ENTRY.name


def require_routing() -> None:
    """A page Streamlit runs by itself instead of app.py: run app.py here instead (it routes by
    sign-in and role, and guards), then stop. Pages run alone (AppTest of one page) carry on."""
    ctx = get_script_run_ctx()
    if ctx is None or _ROUTED.get():
        return
    if Path(ctx.main_script_path).resolve() == ENTRY:
        runpy.run_path(str(ENTRY), run_name="__main__")
        st.stop()
