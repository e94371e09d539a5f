"""Admin forms: edit, close and reopen a unit; an account's password and status."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components.format import day, moment, number
from components.upload_widgets import plain
from models import utcnow
from services.accounts import AccountSummary, create_account, reset_password, set_active
from services.auth import ROLES, AccountError, Actor
from services.directory import (COMMUNE_KINDS, EDITABLE, FIELD_LABELS, DirectoryError, UnitRecord,
                                agencies_in_scope, close_unit, communes_in_scope, list_units,
                                reopen_unit, update_unit)

COLUMN_LABELS = {"code": "Mã", "name": "Tên", "commune": "Xã, thị trấn", "kind": "Loại",
                 "households": "Số hộ", "population": "Số nhân khẩu",
                 "target_population": "Số người trong diện", "staff": "Số cán bộ",
                 "closed_on": "Đóng từ ngày"}
SHOWN = {"commune": ("code", "name", "kind", "closed_on"),
         "cluster": ("code", "name", "commune", "households", "population", "target_population",
                     "closed_on"),
         "agency": ("code", "name", "kind", "commune", "staff", "closed_on")}


def unit_editor(actor: Actor, unit_type: str) -> None:
    """The units of one type in a table; below it, one unit's edit and close forms."""
    result = st.session_state.pop(f"units-{unit_type}-result", None)
    if result:
        (st.success if result[0] else st.error)(plain(result[1]))
    units = list_units(actor, unit_type)
    if not units:
        st.info("Chưa có đơn vị nào. Nhập danh mục từ Excel ở thẻ “Nhập từ Excel”.")
        return
    st.dataframe(pd.DataFrame([{COLUMN_LABELS[f]: _shown(getattr(u, f)) for f in SHOWN[unit_type]}
                               for u in units]), hide_index=True)
    unit = st.selectbox("Chọn đơn vị để sửa hoặc đóng", units, key=f"units-{unit_type}-pick",
                        format_func=lambda u: f"{u.code} — {u.name}" +
                        (f" (đã đóng từ {day(u.closed_on)})" if u.closed_on else ""))
    edit, close = st.columns(2)
    with edit.form(f"edit-{unit_type}-{unit.id}"):
        st.markdown("**Sửa đơn vị**")
        changes = {name: _input(unit, name) for name in EDITABLE[unit_type]}
        if st.form_submit_button("Lưu thay đổi", type="primary"):
            _run(unit_type, lambda: update_unit(actor, unit_type, unit.id, changes))
    with close.form(f"close-{unit_type}-{unit.id}"):
        if unit.closed_on is None:
            st.markdown("**Đóng đơn vị** (sáp nhập, giải thể): từ ngày đóng, đơn vị không còn được "
                        "tính và tệp không còn nhận tên đơn vị này; số liệu trước đó giữ nguyên."
                        + (" Các thôn, cụm dân cư của xã cũng đóng theo." if unit_type == "commune"
                           else ""))
            closed_on = st.date_input("Ngày đóng", value=date.today(), format="DD/MM/YYYY")
            sure = st.checkbox(f"Tôi chắc chắn muốn đóng {unit.name}")
            if st.form_submit_button("Đóng đơn vị"):
                if sure:
                    _run(unit_type, lambda: close_unit(actor, unit_type, unit.id, closed_on))
                st.warning("Đánh dấu ô xác nhận trước khi đóng đơn vị.")
        else:
            st.markdown(f"**{plain(unit.name)}** đã đóng từ ngày {day(unit.closed_on)}.")
            if st.form_submit_button("Mở lại đơn vị (nếu đóng nhầm)"):
                _run(unit_type, lambda: reopen_unit(actor, unit_type, unit.id))


def _input(unit: UnitRecord, name: str):
    label, value = FIELD_LABELS[name].capitalize(), getattr(unit, name)
    if name == "name":
        return st.text_input(label, value=value)
    if name == "kind" and unit.unit_type == "commune":
        return st.selectbox(label, COMMUNE_KINDS, index=COMMUNE_KINDS.index(value)
                            if value in COMMUNE_KINDS else 0)
    if name == "kind":
        return st.text_input(label, value=value or "")
    return st.number_input(label, min_value=0, value=value, step=1, format="%d")


def _run(unit_type: str, action) -> None:
    try:
        st.session_state[f"units-{unit_type}-result"] = (True, action())
    except DirectoryError as error:
        st.session_state[f"units-{unit_type}-result"] = (False, str(error))
    st.rerun()


def _shown(value):
    if isinstance(value, date):
        return day(value)
    if isinstance(value, int):
        return number(value)
    return value or ""


# ---------------------------------------------------------------- accounts


def accounts_table(accounts: list[AccountSummary]) -> pd.DataFrame:
    now = utcnow()
    return pd.DataFrame({
        "Tên đăng nhập": [a.username for a in accounts],
        "Vai trò": [ROLES.get(a.role, a.role) for a in accounts],
        "Đơn vị": [a.unit or "" for a in accounts],
        "Trạng thái": ["Đã khóa" if not a.active else
                       f"Tạm khóa đến {moment(a.locked_until)}" if a.locked_until and
                       a.locked_until > now else "Đang dùng" for a in accounts],
        "Tạo lúc": [moment(a.created_at) for a in accounts]})


def account_actions(actor: Actor, accounts: list[AccountSummary]) -> None:
    st.subheader("Đặt lại mật khẩu, khóa hoặc mở khóa")
    account = st.selectbox("Chọn tài khoản", accounts, format_func=lambda a: a.username,
                           key="account-pick")
    reset, toggle = st.columns(2)
    if reset.button("Đặt lại mật khẩu (mật khẩu ngẫu nhiên)", key="account-reset"):
        _account_run(lambda: (f"Đã đặt lại mật khẩu cho {account.username}.",
                              reset_password(actor, account.username)))
    label = "Khóa tài khoản" if account.active else "Mở khóa tài khoản"
    if toggle.button(label, key="account-toggle"):
        _account_run(lambda: (set_active(actor, account.username, not account.active), None))


def create_account_form(actor: Actor) -> None:
    communes, agencies = communes_in_scope(actor), agencies_in_scope(actor)
    with st.form("account-create", clear_on_submit=True):
        st.subheader("Tạo tài khoản")
        username = st.text_input("Tên đăng nhập (không dấu cách)")
        role = st.selectbox("Vai trò", list(ROLES), format_func=ROLES.get)
        commune = st.selectbox("Xã, thị trấn (cho vai trò cán bộ xã)", communes,
                               format_func=lambda u: u.name)
        agency = st.selectbox("Cơ quan, đơn vị (cho vai trò văn thư)", agencies,
                              format_func=lambda u: u.name)
        password = st.text_input("Mật khẩu (để trống: tạo ngẫu nhiên)", type="password")
        if st.form_submit_button("Tạo tài khoản", type="primary"):
            _account_run(lambda: (f"Đã tạo tài khoản {username.strip()} ({ROLES[role]}).",
                                  create_account(actor, username, role, password=password or None,
                                                 commune=commune.code if commune else None,
                                                 agency=agency.code if agency else None)))


def _account_run(action) -> None:
    """Run an account action; its message (and a new password, shown once) after the rerun."""
    try:
        message, password = action()
        st.session_state["account-result"] = (True, message, password)
    except AccountError as error:
        st.session_state["account-result"] = (False, str(error), None)
    st.rerun()
