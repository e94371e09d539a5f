"""Entry point: page setup and routing by role (st.navigation), the whole run guarded so that no
visitor ever reads a traceback (components.incident). Nothing else."""
import streamlit as st

from components.incident import guarded
from components.navigation_accounts import account_pages
from components.navigation_dashboards import dashboard_pages
from components.navigation_sign_in import signed_out_page
from components.phone import sidebar_closes_on_narrow_screens
from components.session import current_actor
from components.streamlit_text import vietnamese_widgets
from settings import current, startup_problem

st.set_page_config(page_title=f"Theo dõi iHaNoi — {current().deployment}", page_icon="📱",
                   layout="wide")
vietnamese_widgets()
if problem := startup_problem():  # e.g. a TRACKER_ID_KEY that is not 64 hex characters
    st.error(problem)
    st.stop()

with guarded():
    actor = current_actor()
    if actor is None:
        page = signed_out_page()  # the login, at whichever page's address a link named
    else:
        sections = dashboard_pages(actor.role) | account_pages(actor.role)
        sections["Tài khoản"] = [st.Page("pages/logout.py", title=f"Đăng xuất ({actor.username})",
                                         icon=":material/logout:")]
        page = st.navigation(sections)
        sidebar_closes_on_narrow_screens()
    page.run()
