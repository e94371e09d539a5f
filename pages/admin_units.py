"""Quản trị › Đơn vị: the unit directory: import from Excel, edit, close a unit, merge communes."""
import streamlit as st

from components.admin_widgets import merge_editor, unit_editor
from components.session import signed_in_actor
from components.upload_widgets import upload_flow

actor = signed_in_actor()
st.title("Danh mục đơn vị")
if actor.role != "admin":
    st.error("Chỉ quản trị viên được sửa danh mục đơn vị.")
    st.stop()
communes, clusters, agencies, merge, upload = st.tabs(
    ["Xã, thị trấn", "Thôn, cụm dân cư", "Cơ quan, đơn vị", "Sáp nhập xã", "Nhập từ Excel"])
for tab, unit_type in ((communes, "commune"), (clusters, "cluster"), (agencies, "agency")):
    with tab:
        unit_editor(actor, unit_type)
with merge:
    merge_editor(actor)
with upload:
    st.caption("Tệp danh mục: mỗi dòng một thôn (kèm xã, số hộ, nhân khẩu, số người trong diện) "
               "hoặc một cơ quan (kèm số cán bộ). Đơn vị đã có được cập nhật, đơn vị mới được "
               "thêm; có thể hoàn tác ở trang Lịch sử.")
    upload_flow(actor, kind="units", key="units-upload")
