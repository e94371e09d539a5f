"""Quản trị › Đơn vị: the unit directory: import it from Excel, edit a unit, close a unit."""
import streamlit as st

from components.admin_widgets import unit_editor
from components.session import signed_in_actor
from components.upload_widgets import upload_flow

st.title("Danh mục đơn vị")
actor = signed_in_actor()
if actor.role != "admin":
    st.error("Chỉ quản trị viên được sửa danh mục đơn vị.")
    st.stop()
communes, clusters, agencies, upload = st.tabs(
    ["Xã, thị trấn", "Thôn, cụm dân cư", "Cơ quan, đơn vị", "Nhập từ Excel"])
for tab, unit_type in ((communes, "commune"), (clusters, "cluster"), (agencies, "agency")):
    with tab:
        unit_editor(actor, unit_type)
with upload:
    st.caption("Tệp danh mục: mỗi dòng một thôn (kèm xã, số hộ, nhân khẩu, số người trong diện) "
               "hoặc một cơ quan (kèm số cán bộ). Đơn vị đã có được cập nhật, đơn vị mới được "
               "thêm; có thể hoàn tác ở trang Lịch sử.")
    upload_flow(actor, kind="units", key="units-upload")
