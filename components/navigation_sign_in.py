"""Signed out: every page's address leads to the login (no "Page not found"), and after signing in
the user lands on the page the link named, with its date and commune (`?ngay=…&xa=…`).

Each page of the app is registered under its own address with the login as its script, so that
whichever address a link names, Streamlit finds a page and runs the login; the address and its
query parameters are remembered in the session until the sign-in.
"""
from __future__ import annotations

import streamlit as st

from components.navigation_accounts import account_pages
from components.navigation_dashboards import dashboard_pages

LOGIN = "pages/login.py"
WANTED = "wanted-page"  # session key: (url path, query parameters) of the link opened signed out


def _addresses(role: str) -> list[str]:
    """The url paths of the pages a role sees (every page: the admin's)."""
    sections = dashboard_pages(role, home=False) | account_pages(role)
    return [page.url_path for pages in sections.values() for page in pages]


def _login_at(url_path: str) -> st.Page:
    return st.Page(LOGIN, title="Đăng nhập", url_path=url_path)


def signed_out_page() -> st.Page:
    """The page to run while signed out: always the login, whatever the address; a page's
    address is remembered (with its query parameters) for after the sign-in."""
    login = st.Page(LOGIN, title="Đăng nhập", default=True)
    page = st.navigation([login, *(_login_at(path) for path in _addresses("admin"))],
                         position="hidden")
    if page.url_path:
        st.session_state[WANTED] = (page.url_path, st.query_params.to_dict())
    return page


def go_on(role: str) -> None:
    """Just signed in: to the page the link named, with its query parameters, when the role may
    see it; otherwise to the role's first page."""
    path, params = st.session_state.pop(WANTED, (None, {}))
    if path is None or path not in _addresses(role):
        st.rerun()  # the address is the login's: the role's first page runs
    st.switch_page(_login_at(path), query_params=params)
