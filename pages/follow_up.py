"""Danh sách cần vận động: residents (or staff) listed in rosters with no iHaNoi account yet, by
cluster, on screen and as a printable Excel file. Personal data: in scope only (enforced by the
service)."""
import pandas as pd
import streamlit as st

from formats import day, number
from components.safe_text import plain
from components.session import signed_in_actor
from components.tables import show_table
from components.unit_picker import pick_unit
from services.follow_up import (residents_counts_only, residents_to_visit, residents_workbook,
                                staff_counts_only, staff_to_visit, staff_workbook)
from services.scope import ScopeRefused

actor = signed_in_actor()
st.title("Danh sách cần vận động")
commune, agency = pick_unit(actor, "follow-up")
if commune is None and agency is None:
    st.info("Danh sách có thông tin cá nhân, chỉ dành cho cán bộ xã, văn thư cơ quan và quản trị "
            "viên trong phạm vi đơn vị mình.")
    st.stop()
try:
    people = residents_to_visit(actor, commune.id) if commune else staff_to_visit(actor, agency.id)
    counts_only = (residents_counts_only(actor, commune.id) if commune
                   else staff_counts_only(actor, agency.id))
except ScopeRefused as refusal:
    st.error(plain(str(refusal)))
    st.stop()
st.caption(f"{plain((commune or agency).name)}: những người có trong danh sách đã tải lên mà chưa "
           "tạo tài khoản iHaNoi (theo danh sách gần nhất có tên họ).")
if counts_only is not None:
    which = ("Xã, thị trấn chỉ báo cáo số lượng" if len(counts_only.units) == counts_only.of_units
             else f"{len(counts_only.units)} trên {counts_only.of_units} thôn, cụm dân cư chỉ báo cáo "
             f"số lượng ({plain(', '.join(counts_only.units))})") if commune else \
        "Đơn vị chỉ báo cáo số lượng"
    st.warning(f"{which}, chưa có danh sách từng người: theo số liệu đến ngày "
               f"{day(counts_only.as_of)} còn **{number(counts_only.not_registered)}** người chưa "
               f"tạo tài khoản ({number(counts_only.registered)}/{number(counts_only.size)}). "
               "Cần tải lên danh sách từng người (trang Biểu mẫu, Tải lên) thì mới có tên người "
               "cần vận động.", icon=":material/format_list_numbered:")
if not people:
    if counts_only is None:
        st.success("Không còn ai cần vận động trong các danh sách đã tải lên.")
    st.stop()
units = list(dict.fromkeys(p.unit for p in people))  # in the list's order: Cụm 2 before Cụm 10
unit = st.selectbox("Thôn, cụm dân cư", [None] + units, format_func=lambda u: u or "Tất cả") \
    if commune else None
shown = [p for p in people if unit is None or p.unit == unit]
st.metric("Số người cần vận động", number(len(shown)))
if checks := sum(p.to_check for p in shown):
    st.warning(f"**{number(checks)}** người được báo cáo đã tạo tài khoản nhưng không có trong danh "
               "sách tài khoản của hệ thống iHaNoi (ghi chú “Cần kiểm tra”): đề nghị kiểm tra lại "
               "với từng người.", icon=":material/fact_check:")
table = pd.DataFrame([{"Đơn vị": p.unit, "Họ và tên": p.full_name, "Ngày sinh": p.born,
                       "Số điện thoại": p.phone or "", "Chức vụ": p.position or "",
                       "Đã cài đặt": "Có" if p.installed else "Chưa", "Ghi chú": p.note}
                      for p in shown])
show_table(table if agency else table.drop(columns="Chức vụ"))
book = residents_workbook(actor, commune.id) if commune else staff_workbook(actor, agency.id)
st.download_button("Tải danh sách để in (Excel, mỗi thôn một trang)" if commune else
                   "Tải danh sách để in (Excel)", book.data, book.name, mime=book.mime,
                   icon=":material/print:")
