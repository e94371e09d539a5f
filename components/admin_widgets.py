"""Admin forms: edit, close and reopen a unit; merge communes; an account's password and status."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from components import outcome
from formats import day, moment, number
from components.safe_text import plain
from components.tables import show_table
from models import utcnow
from text import vietnam_today
from services.accounts import AccountSummary, create_account, reset_password, set_active
from services.auth import ROLES, Actor
from services.admin import (COMMUNE_KINDS, EDITABLE, FIELD_LABELS, UNIT_LABELS, DirectoryError,
                            MergeRecord, UnitRecord, agencies_in_scope, close_unit,
                            communes_in_scope, list_merges, list_units, merge_communes,
                            plan_merge, reopen_unit, undo_merge, update_unit)

COLUMN_LABELS = {"code": "Mã", "name": "Tên", "commune": "Xã, thị trấn", "kind": "Loại",
                 "households": "Số hộ", "population": "Số nhân khẩu",
                 "target_population": "Số người trong diện", "staff": "Số cán bộ",
                 "opened_on": "Hoạt động từ", "closed_on": "Đóng từ"}
SHOWN = {"commune": ("code", "name", "kind", "opened_on", "closed_on"),
         "cluster": ("code", "name", "commune", "households", "population", "target_population",
                     "opened_on", "closed_on"),
         "agency": ("code", "name", "kind", "commune", "staff", "opened_on", "closed_on")}
MERGE_SHOWN = ("code", "name", "commune", "target_population", "staff")


def unit_editor(actor: Actor, unit_type: str) -> None:
    """The units of one type in a table; below it, one unit's edit and close forms."""
    outcome.show(f"units-{unit_type}")
    units = list_units(actor, unit_type)
    if not units:
        st.info("Chưa có đơn vị nào. Nhập danh mục từ Excel ở thẻ “Nhập từ Excel”.")
        return
    show_table(pd.DataFrame([{COLUMN_LABELS[f]: _shown(getattr(u, f)) for f in SHOWN[unit_type]}
                             for u in units]))
    unit = st.selectbox("Chọn đơn vị để sửa hoặc đóng", units, key=f"units-{unit_type}-pick",
                        format_func=lambda u: f"{u.code} — {u.name}" +
                        (f" (đã đóng từ {day(u.closed_on)})" if u.closed_on else
                         f" (hoạt động từ {day(u.opened_on)})" if u.opened_on else ""))
    edit, close = st.columns(2)
    with edit.form(f"edit-{unit_type}-{unit.id}"):
        st.markdown("**Sửa đơn vị**")
        changes = {name: _input(unit, name) for name in EDITABLE[unit_type]}
        if st.form_submit_button("Lưu thay đổi", type="primary"):
            outcome.run(f"units-{unit_type}", lambda: update_unit(actor, unit_type, unit.id, changes))
    with close.form(f"close-{unit_type}-{unit.id}"):
        if unit.closed_on is None:
            st.markdown("**Đóng đơn vị** (giải thể; sáp nhập xã: thẻ “Sáp nhập xã”): từ ngày đóng, "
                        "đơn vị không còn được tính và tệp không còn nhận tên đơn vị này; số liệu "
                        "trước đó giữ nguyên."
                        + (" Các thôn, cụm dân cư và cơ quan, đơn vị của xã cũng đóng theo."
                           if unit_type == "commune" else ""))
            closed_on = st.date_input("Ngày đóng", value=vietnam_today(), format="DD/MM/YYYY")
            sure = st.checkbox(f"Tôi chắc chắn muốn đóng {plain(unit.name)}")
            if st.form_submit_button("Đóng đơn vị"):
                if sure:
                    outcome.run(f"units-{unit_type}",
                                lambda: close_unit(actor, unit_type, unit.id, closed_on))
                st.warning("Đánh dấu ô xác nhận trước khi đóng đơn vị.")
        else:
            st.markdown(f"**{plain(unit.name)}** đã đóng từ ngày {day(unit.closed_on)}.")
            if st.form_submit_button("Mở lại đơn vị (nếu đóng nhầm)"):
                outcome.run(f"units-{unit_type}", lambda: reopen_unit(actor, unit_type, unit.id))


def merge_editor(actor: Actor) -> None:
    """Sáp nhập xã: the communes merged and the new one; what will close and open, to confirm;
    below, the communes made by a merge and undoing one."""
    outcome.show("units-merge")
    communes = {u.id: u for u in list_units(actor, "commune") if u.closed_on is None}
    with st.form("merge-form"):
        st.markdown("**Sáp nhập xã, thị trấn**: từ ngày sáp nhập, các xã cũ cùng thôn, cụm dân cư "
                    "và cơ quan, đơn vị của xã đóng; xã mới hoạt động với các đơn vị ấy (cùng tên "
                    "và số liệu quy mô, mã mới). Số liệu trước ngày sáp nhập giữ nguyên.")
        ids = st.multiselect("Các xã, thị trấn sáp nhập (ít nhất 2)", list(communes),
                             placeholder="Chọn các xã, thị trấn", format_func=lambda i: f"{communes[i].kind} {communes[i].name} "
                                                   f"({communes[i].code})")
        code_column, name_column, kind_column, day_column = st.columns(4)
        code = code_column.text_input("Mã xã mới")
        name = name_column.text_input("Tên xã mới (không ghi “Xã”)")
        kind = kind_column.selectbox("Loại", COMMUNE_KINDS)
        on = day_column.date_input("Ngày sáp nhập", value=date(2025, 7, 1), format="DD/MM/YYYY")
        if st.form_submit_button("Xem trước"):
            st.session_state["merge-request"] = {"commune_ids": ids, "code": code, "name": name,
                                                 "kind": kind, "on": on}
    if request := st.session_state.get("merge-request"):
        _merge_confirm(actor, request)
    if merges := list_merges(actor):
        _merge_undo(actor, merges)


def _merge_confirm(actor: Actor, request: dict) -> None:
    try:
        plan = plan_merge(actor, **request)
    except DirectoryError as error:
        st.error(plain(str(error)))
        return
    new = plan.commune
    st.markdown(f"Từ ngày **{day(plan.on)}**: đóng {len(plan.closing)} đơn vị; mở {new.kind} "
                f"{plain(new.name)} (mã {plain(new.code)}) cùng {len(plan.opening)} đơn vị.")
    st.markdown("**Sẽ đóng**")
    show_table(_merge_table(plan.closing))
    st.markdown("**Sẽ mở**")
    show_table(_merge_table([new, *plan.opening]))
    sure = st.checkbox(f"Tôi đã kiểm tra và muốn sáp nhập thành {new.kind} {plain(new.name)}",
                       key="merge-sure")
    confirm, cancel = st.columns(2)
    if confirm.button("Sáp nhập", type="primary", disabled=not sure, key="merge-confirm"):
        del st.session_state["merge-request"]
        outcome.run("units-merge", lambda: merge_communes(actor, **request))
    if cancel.button("Hủy", key="merge-cancel"):
        del st.session_state["merge-request"]
        st.rerun()


def _merge_table(units: list[UnitRecord]) -> pd.DataFrame:
    return pd.DataFrame([{"Đơn vị": UNIT_LABELS[u.unit_type].capitalize()} |
                         {COLUMN_LABELS[f]: _shown(getattr(u, f)) for f in MERGE_SHOWN}
                         for u in units])


def _merge_undo(actor: Actor, merges: list[MergeRecord]) -> None:
    st.subheader("Xã, thị trấn mới do sáp nhập")
    show_table(pd.DataFrame({"Mã": [m.commune.code for m in merges],
                             "Xã mới": [m.commune.name for m in merges],
                             "Hoạt động từ": [day(m.on) for m in merges],
                             "Sáp nhập từ": [", ".join(m.sources) for m in merges]}))
    with st.form("merge-undo"):
        st.markdown("**Hoàn tác sáp nhập** (nếu nhầm): xóa xã mới cùng các đơn vị của xã, mở lại "
                    "các xã cũ. Chỉ làm được khi xã mới chưa có số liệu, lần nhập hay tài khoản.")
        merge = st.selectbox("Xã mới", merges,
                             format_func=lambda m: f"{m.commune.name} ({m.commune.code})")
        sure = st.checkbox("Tôi chắc chắn muốn hoàn tác việc sáp nhập này")
        if st.form_submit_button("Hoàn tác sáp nhập"):
            if sure:
                outcome.run("units-merge", lambda: undo_merge(actor, merge.commune.id))
            st.warning("Đánh dấu ô xác nhận trước khi hoàn tác.")


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
        outcome.run("account", lambda: (f"Đã đặt lại mật khẩu cho {account.username}.",
                                        reset_password(actor, account.username)))
    label = "Khóa tài khoản" if account.active else "Mở khóa tài khoản"
    if toggle.button(label, key="account-toggle"):
        outcome.run("account", lambda: set_active(actor, account.username, not account.active))


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
            outcome.run("account", lambda: (
                f"Đã tạo tài khoản {username.strip()} ({ROLES[role]}).",
                create_account(actor, username, role, password=password or None,
                               commune=commune.code if commune else None,
                               agency=agency.code if agency else None)))
