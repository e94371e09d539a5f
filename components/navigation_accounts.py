"""The pages of the accounts side, by role: uploads, history, templates and follow-up lists for commune
and agency staff, and the admin pages. A leader gets none of them (no personal data, no uploads)."""
from __future__ import annotations

import streamlit as st

UNIT_SECTION = "Số liệu của đơn vị"
ADMIN_SECTION = "Quản trị"


def account_pages(role: str) -> dict[str, list[st.Page]]:
    """Section title -> pages for the role (empty for a leader)."""
    if role not in ("commune", "agency", "admin"):
        return {}
    sections = {UNIT_SECTION: [
        st.Page("pages/upload.py", title="Tải lên", icon=":material/upload_file:"),
        st.Page("pages/history.py", title="Lịch sử", icon=":material/history:"),
        st.Page("pages/templates.py", title="Biểu mẫu", icon=":material/description:"),
        st.Page("pages/follow_up.py", title="Danh sách cần vận động", icon=":material/groups:"),
    ]}
    if role == "admin":
        sections[ADMIN_SECTION] = [
            st.Page("pages/admin_units.py", title="Đơn vị", icon=":material/account_tree:"),
            st.Page("pages/admin_campaigns.py", title="Chiến dịch", icon=":material/flag:"),
            st.Page("pages/admin_accounts.py", title="Tài khoản", icon=":material/manage_accounts:"),
            st.Page("pages/admin_audit.py", title="Nhật ký", icon=":material/receipt_long:"),
        ]
    return sections
