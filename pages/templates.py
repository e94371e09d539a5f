"""Biểu mẫu: blank templates for the account's commune or agency, that import with no error."""
import streamlit as st

from components.session import signed_in_actor
from components.unit_picker import pick_unit
from components.safe_text import plain
from services.scope import ScopeRefused
from services.templates import count_report_template, resident_roster_template, staff_roster_template

actor = signed_in_actor()
st.title("Biểu mẫu")
commune, agency = pick_unit(actor, "templates")
if commune is None and agency is None:
    st.info("Tài khoản này không tải số liệu lên nên không cần biểu mẫu.")
    st.stop()
st.caption("Điền vào mẫu rồi tải lên ở trang **Tải lên**. Giữ nguyên dòng tiêu đề cột; các cột "
           "Thôn, Đã cài đặt, Đã tạo tài khoản chọn trong danh sách thả xuống. Ô Ngày báo cáo ở "
           "dòng 3: để trống thì lấy ngày tải lên.")
try:
    if commune is not None:
        templates = [(resident_roster_template(actor, commune.id), "Danh sách người dân (từng người)"),
                     (count_report_template(actor, commune.id),
                      "Biểu tổng hợp theo thôn, cụm dân cư (số người)")]
    else:
        templates = [(staff_roster_template(actor, agency.id),
                      "Danh sách cán bộ, công chức, viên chức, người lao động")]
except ScopeRefused as refusal:
    st.error(plain(str(refusal)))
    st.stop()
st.subheader(plain((commune or agency).name))
for template, label in templates:
    st.download_button(label, template.data, template.name, mime=template.mime,
                       icon=":material/download:", key=template.name)
