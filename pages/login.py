"""Đăng nhập: username and password; five failures lock the account for 15 minutes."""
import streamlit as st

from components.incident import require_routing
from components.navigation_sign_in import go_on
from components.safe_text import plain
from components.session import sign_in
from services.auth import AccountError, authenticate
from settings import current

require_routing()  # when Streamlit runs this file before app.py's routing
st.title(f"Theo dõi cài đặt iHaNoi — {plain(current().place)}")
if st.session_state.get("expired"):
    st.info("Phiên làm việc đã hết hạn do không hoạt động. Vui lòng đăng nhập lại.")
if st.session_state.get("disabled"):
    st.warning("Tài khoản đã bị khóa hoặc không còn. Liên hệ quản trị viên.")
with st.form("login"):
    username = st.text_input("Tên đăng nhập")
    password = st.text_input("Mật khẩu", type="password")
    submitted = st.form_submit_button("Đăng nhập", type="primary")
if submitted:
    try:
        actor = authenticate(username, password)
        sign_in(actor)
        go_on(actor.role)  # to the page a link named before the sign-in, with its date, commune
    except AccountError as error:
        st.error(plain(str(error)))
st.caption("Chưa có tài khoản hoặc quên mật khẩu? Liên hệ quản trị viên của "
           f"{plain(current().deployment_kind)}.")
