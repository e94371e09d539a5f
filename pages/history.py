"""Lịch sử: the uploads in the account's scope (all of them for the admin), their reports, and undo."""
import streamlit as st

from formats import day, moment, number
from components.session import signed_in_actor
from components.safe_text import plain
from components.tables import show_table
from components.upload_widgets import show_problems, undo_controls, uploads_table
from services.uploads import list_uploads

actor = signed_in_actor()
st.title("Lịch sử tải lên")
if actor.role not in ("admin", "commune", "agency"):
    st.info("Tài khoản lãnh đạo không tải tệp lên nên không có lịch sử tải lên.")
    st.stop()
uploads = list_uploads(actor=actor)
if not uploads:
    st.info("Chưa có lần tải lên nào. Tải tệp ở trang Tải lên.")
    st.stop()
show_table(uploads_table(uploads),
           style=lambda styler: styler.format(number, subset=["Dòng nhận", "Dòng từ chối"]))
chosen = st.selectbox("Xem một lần nhập", uploads, format_func=lambda u: (
    f"Số {u.id} · {u.file_name} · {moment(u.created_at)}" + (" · đã hoàn tác" if u.undone_at else "")))
st.markdown(f"**{plain(chosen.file_name)}** — ngày báo cáo {day(chosen.as_of)}, đọc "
            f"{number(chosen.rows_read)} dòng, nhận {number(chosen.rows_accepted)}, từ chối "
            f"{number(chosen.rows_rejected)}.")
report = chosen.report or {}
for title, problems in (("Dòng bị từ chối", report.get("errors")), ("Cảnh báo", report.get("warnings"))):
    if problems:
        with st.expander(f"{title} ({number(len(problems))})"):
            show_problems(problems)
undo_controls(actor, chosen)
