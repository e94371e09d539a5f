"""Entry point: page setup and routing by role (st.navigation). Nothing else."""
import streamlit as st

from components.session import current_actor

st.set_page_config(page_title="Theo dõi iHaNoi — Đan Phượng", page_icon="📱", layout="wide")

LEADER_PAGES = {"Theo dõi": [st.Page("pages/overview.py", title="Tổng quan", default=True)]}
ROLE_PAGES = {"leader": LEADER_PAGES, "admin": LEADER_PAGES, "commune": LEADER_PAGES,
              "agency": LEADER_PAGES}

actor = current_actor()
if actor is None:
    page = st.navigation([st.Page("pages/login.py", title="Đăng nhập")])
else:
    sections = dict(ROLE_PAGES[actor.role])
    sections["Tài khoản"] = [st.Page("pages/logout.py", title=f"Đăng xuất ({actor.username})")]
    page = st.navigation(sections)
page.run()
