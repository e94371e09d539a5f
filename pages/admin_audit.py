"""Quản trị › Nhật ký: logins, uploads, undos and edits: who, when, what."""
import pandas as pd
import streamlit as st

from formats import moment
from components.session import signed_in_actor
from components.tables import show_table
from services.accounts import AUDIT_ACTIONS, audit_log

actor = signed_in_actor()
st.title("Nhật ký hoạt động")
if actor.role != "admin":
    st.error("Chỉ quản trị viên được xem nhật ký.")
    st.stop()
action_column, user_column = st.columns(2)
action = action_column.selectbox("Việc", [None, *AUDIT_ACTIONS],
                                 format_func=lambda a: AUDIT_ACTIONS[a] if a else "Tất cả")
username = user_column.text_input("Tài khoản (để trống: tất cả)").strip() or None
events = audit_log(actor, action=action, username=username)
if not events:
    st.info("Không có sự kiện nào khớp.")
    st.stop()
st.caption(f"{len(events)} sự kiện gần nhất, mới nhất ở trên.")
show_table(pd.DataFrame({
    "Lúc": [moment(e.at) for e in events], "Tài khoản": [e.username or "(hệ thống)" for e in events],
    "Việc": [AUDIT_ACTIONS.get(e.action, e.action) for e in events],
    "Chi tiết": [e.detail or "" for e in events]}))
