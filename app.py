"""Entry point: page setup and routing by role (st.navigation), the whole run guarded so that no
visitor ever reads a traceback (components.incident). Nothing else."""
import streamlit as st

from components.incident import guarded
from components.navigation_accounts import account_pages
from components.navigation_dashboards import dashboard_pages
from components.session import current_actor

st.set_page_config(page_title="Theo dõi iHaNoi — Đan Phượng", page_icon="📱", layout="wide")

with guarded():
    actor = current_actor()
    if actor is None:
        page = st.navigation([st.Page("pages/login.py", title="Đăng nhập")])
    else:
        sections = dashboard_pages(actor.role) | account_pages(actor.role)
        sections["Tài khoản"] = [st.Page("pages/logout.py", title=f"Đăng xuất ({actor.username})",
                                         icon=":material/logout:")]
        page = st.navigation(sections)
    page.run()
