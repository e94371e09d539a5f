"""Chất lượng số liệu: who does not report, completeness and timeliness, figures to check."""
import streamlit as st

from components import widgets
from components import cached
from components.session import signed_in_actor

actor = signed_in_actor()  # also when Streamlit runs this file before app.py's routing

st.title("Chất lượng số liệu")
left, middle, right = st.columns(3)
with left:
    as_of = widgets.as_of_picker(cached.date_bounds())
with middle:
    stale_days = st.number_input("Số ngày không báo cáo thì cảnh báo", min_value=1, max_value=30,
                                 value=3, step=1, key="so_ngay", width=200)
with right:
    district = widgets.district_picker(cached.district_choices())
data = cached.data_quality(as_of, stale_days, district)
if data.is_empty:
    widgets.empty_district()
    st.stop()

reporting_rule = (f"Mỗi thôn, cụm dân cư cần báo cáo ít nhất {stale_days} ngày một lần: "
                  f"{data.periods} kỳ từ ngày bắt đầu chiến dịch. Đầy đủ: kỳ có báo cáo; kịp thời: "
                  "báo cáo được nhập vào hệ thống chậm nhất một ngày sau khi hết kỳ.")
if data.districts:
    st.subheader("Chất lượng số liệu theo quận, huyện")
    st.caption(f"Không báo cáo: đơn vị không báo cáo từ {stale_days} ngày trở lên hoặc chưa báo "
               f"cáo lần nào. {reporting_rule} Chọn một quận, huyện để xem từng đơn vị.")
    widgets.district_quality_table(data.districts)
else:
    st.subheader(f"Đơn vị không báo cáo từ {stale_days} ngày trở lên hoặc chưa báo cáo lần nào")
    widgets.silent_table(data.silent)

    st.subheader("Mức độ đầy đủ và kịp thời của báo cáo, theo xã, thị trấn")
    st.caption(reporting_rule)
    widgets.reporting_table(data.reporting)

    st.subheader("Số liệu vượt 100% chỉ tiêu")
    widgets.over_target_table(data.over_target)

    st.subheader("Số đã tạo tài khoản giảm giữa hai lần báo cáo")
    widgets.decreases_table(data.decreases)

    st.subheader("Đơn vị chưa có chỉ tiêu (số người trong diện, số cán bộ)")
    widgets.no_target_table(data.no_target)

st.subheader("Lần nhập có dòng bị từ chối")
widgets.rejected_imports_table(data.rejected_imports)

if checked := cached.verification_of(data.as_of, actor, district=district):
    st.subheader("Chênh lệch giữa số báo cáo và tài khoản trên hệ thống, lớn nhất ở trên")
    widgets.verification_caption(checked)
    widgets.verification_table(checked.by_gap(), key="by-gap",
                               empty="Không có đơn vị nào đối chiếu được.")
