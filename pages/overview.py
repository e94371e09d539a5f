"""Tổng quan: will each deadline be met, which communes and agencies hold the district back."""
import streamlit as st

from components import charts, widgets
import formats as fmt
from components import cached
from components.safe_text import plain
from components.session import signed_in_actor
from services.dashboard import PLACE_CHANGE_DAYS, silent_note
from services.quality import DEFAULT_STALE_DAYS

actor = signed_in_actor()  # also when Streamlit runs this file before app.py's routing

st.title("Tổng quan")
as_of, district = widgets.as_of_and_district(bounds := cached.date_bounds(),
                                             cached.district_choices())
data = cached.overview(as_of, district)
if data.is_empty:
    widgets.empty_district()
    st.stop()
widgets.as_of_caption(data.as_of, has_reports=bounds is not None)
st.download_button("Tải ảnh", lambda: cached.overview_picture(as_of, district), on_click="ignore",
                   file_name=f"tien-do-ihanoi-{data.as_of:%Y-%m-%d}.png", mime="image/png",
                   icon=":material/image:", help="Ảnh PNG khổ điện thoại để gửi vào nhóm Zalo.")

for column, campaign in zip(st.columns(len(data.campaigns)), data.campaigns):
    with column:
        widgets.campaign_card(campaign)

figures = cached.overview_charts(as_of, district)
st.subheader("Tiến độ theo ngày")
widgets.campaign_charts(data.campaigns, figures.curves, "curve")

st.subheader("Số người tạo tài khoản mới mỗi ngày")
st.caption("Cột: số người tạo tài khoản trong ngày; đường: trung bình 7 ngày (tốc độ trên thẻ).")
widgets.campaign_charts(data.campaigns, figures.daily, "daily")

areas = "quận, huyện" if data.of_districts else "xã, thị trấn"
st.subheader(f"Xếp hạng {len(data.areas)} {areas}")
st.caption("Tỷ lệ người trong diện đã tạo tài khoản; thấp nhất ở trên cùng. " + fmt.STATUS_RULES
           + " " + fmt.place_rule(PLACE_CHANGE_DAYS))
st.plotly_chart(figures.ranking, config=charts.CONFIG, key="commune-ranking")
if stale := [a for a in data.areas if a.silent]:
    st.warning("Không báo cáo " + "; ".join(f"{plain(a.name)}: {silent_note(a)}" for a in stale)
               + f" ({DEFAULT_STALE_DAYS} ngày trở lên). Tỷ lệ có thể thấp hơn thực tế, tốc độ chưa rõ.",
               icon=":material/schedule:")
st.markdown(f"**Tốc độ 7 ngày qua và tốc độ cần mỗi ngày để kịp hạn, từng {areas}**")
widgets.units_table(data.areas, parent=None, key="areas", empty="Chưa có đơn vị nào.",
                    changes=data.place_changes)

if checked := cached.verification_of(data.as_of, actor, district=district):
    st.subheader("Đối chiếu với tài khoản trên hệ thống iHaNoi")
    widgets.verification_caption(checked)
    widgets.verification_table(checked.campaigns + checked.communes, key="verified-communes",
                               unmatched=True, empty="Không có đơn vị nào trong phạm vi tài khoản.")

if data.of_districts:
    st.subheader("Quận, huyện có cán bộ, công chức chưa đạt 100%")
else:
    st.subheader("Cơ quan, đơn vị chưa đạt 100%")
widgets.units_table(data.agencies_behind, parent=None if data.of_districts else "Thuộc",
                    key="agencies-behind", empty="Tất cả đã đạt 100%.")

st.subheader("Tóm tắt trong ngày")
st.caption("Chạm vào khung, bấm biểu tượng sao chép ở góc phải rồi dán vào nhóm Zalo.")
st.code(data.summary, language=None, wrap_lines=True)
