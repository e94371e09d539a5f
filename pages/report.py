"""Báo cáo: the workbook for the city, as of a date (also `python cli.py export`)."""
import streamlit as st

import formats as fmt
from components import widgets
from components import cached
from components.safe_text import plain
from components.session import signed_in_actor
from settings import current

signed_in_actor()  # also when Streamlit runs this file before app.py's routing

st.title("Báo cáo gửi thành phố")
as_of = widgets.as_of_picker(bounds := cached.date_bounds())
overview = cached.overview(as_of)
if overview.is_empty:
    widgets.empty_district()
    st.stop()
widgets.as_of_caption(overview.as_of, has_reports=bounds is not None)

used, workbook = cached.city_workbook(overview.as_of)
st.download_button("Tải báo cáo Excel", workbook, type="primary", icon=":material/download:",
                   file_name=f"bao-cao-ihanoi-{current().slug}-{used:%Y-%m-%d}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
st.markdown(
    f"Tệp Excel gồm một trang cho mỗi đối tượng, số liệu tính đến ngày **{fmt.day(used)}**:\n"
    + "\n".join(f"- **{plain(c.name)}**: {fmt.number(c.standing.registered)}/"
                f"{fmt.number(c.standing.size)} ({fmt.percent(c.standing.percent)}), "
                f"{fmt.STATUS_LABELS[c.standing.status].lower()}" for c in overview.campaigns)
    + "\n\nMỗi bảng có tỷ lệ, trạng thái (tô màu), dòng tổng cộng, tiêu đề cố định khi cuộn, và đã "
      "đặt sẵn khổ A4 ngang để in.")
