"""The dashboard pages each role sees, by section, for app.py's st.navigation."""
from __future__ import annotations

import streamlit as st

TRACKING, CHECKING = "Theo dõi", "Kiểm tra, báo cáo"


def dashboard_pages(role: str, *, home: bool = True) -> dict[str, list[st.Page]]:
    """Leaders and admins: all five; a commune account: the overview and its own commune; an
    agency account: the overview and the agencies. The overview is the home page (`home`) unless
    the login is (signed out)."""
    overview = st.Page("pages/overview.py", title="Tổng quan", icon=":material/dashboard:",
                       url_path="tong-quan", default=home)
    commune = st.Page("pages/commune.py", title="Xã, thị trấn", icon=":material/holiday_village:",
                      url_path="xa-thi-tran")
    agencies = st.Page("pages/agencies.py", title="Cơ quan, đơn vị", icon=":material/apartment:",
                       url_path="co-quan-don-vi")
    if role == "commune":
        return {TRACKING: [overview, commune]}
    if role == "agency":
        return {TRACKING: [overview, agencies]}
    if role not in ("leader", "admin"):
        return {TRACKING: [overview]}
    return {TRACKING: [overview, commune, agencies],
            CHECKING: [st.Page("pages/data_quality.py", title="Chất lượng số liệu",
                               icon=":material/fact_check:", url_path="chat-luong-so-lieu"),
                       st.Page("pages/report.py", title="Báo cáo", icon=":material/download:",
                               url_path="bao-cao")]}
