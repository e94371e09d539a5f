"""Quản trị › Tài khoản: create an account, reset a password, disable or enable an account."""
import streamlit as st

from components import outcome
from components.admin_widgets import account_actions, accounts_table, create_account_form
from components.session import signed_in_actor
from components.tables import show_table
from services.accounts import list_accounts

actor = signed_in_actor()
st.title("Tài khoản")
if actor.role != "admin":
    st.error("Chỉ quản trị viên được quản lý tài khoản.")
    st.stop()
if (done := outcome.show("account")) and done.extra:  # a new password
    st.code(done.extra, language=None)
    st.caption("Mật khẩu chỉ hiện một lần: hãy trao tận tay cho người dùng.")
accounts = list_accounts(actor)
if accounts:
    show_table(accounts_table(accounts))
    account_actions(actor, accounts)
else:
    st.info("Chưa có tài khoản nào.")
create_account_form(actor)
