"""Tải lên: a commune or agency file in, its import report read before anything is written, then
confirm or cancel. The commune or agency is the account's own (the service enforces it)."""
import streamlit as st

from components.session import signed_in_actor
from components.upload_widgets import upload_flow

actor = signed_in_actor()
st.title("Tải lên số liệu")
if actor.role not in ("admin", "commune", "agency"):
    st.info("Tài khoản lãnh đạo chỉ xem số liệu; việc tải tệp lên do cán bộ xã và văn thư cơ quan "
            "thực hiện.")
    st.stop()
st.caption("Chọn tệp: hệ thống đọc và kiểm tra, cho xem các dòng bị từ chối và số liệu sẽ thay đổi. "
           "Chưa có gì được ghi cho đến khi bạn bấm **Xác nhận nhập**. Mẫu tệp có ở trang Biểu mẫu.")
upload_flow(actor)
