"""Xã, thị trấn: one commune's clusters ranked, its curve against its own target, its agencies."""
import streamlit as st

from components import charts, widgets
import formats as fmt
from components.safe_text import plain
from components.session import signed_in_actor
from components import cached

actor = signed_in_actor()
st.title("Xã, thị trấn")
district = widgets.district_picker(cached.district_choices()) if actor.role != "commune" else None
as_of = widgets.as_of_picker(bounds := cached.date_bounds())
choices = dict(cached.commune_choices(actor, district, as_of))  # those open on that date
if not choices:
    widgets.empty_district()
    st.stop()
widgets.code_in_url("xa", choices)  # ?xa=THOAN as well as the picker's own ?xa=Thọ+An
code = st.selectbox("Xã, thị trấn", list(choices), format_func=choices.get, key="xa",
                    bind="query-params")
view = cached.commune(code, as_of, actor)
if view is None:
    st.info(f"{plain(choices[code])} không có trong danh mục vào ngày đã chọn.")
    st.stop()
widgets.as_of_caption(view.as_of, has_reports=bounds is not None)
if bounds is not None and view.progress.standing.last_report is None:
    st.info(f"{plain(view.name)} chưa có báo cáo nào đến ngày {fmt.day(view.as_of)} (xã, thị trấn "
            "mới hoặc chưa gửi báo cáo): số liệu sẽ hiện từ báo cáo đầu tiên.")
    st.stop()

figures = cached.commune_charts(code, as_of, actor)
left, right = st.columns([2, 3])
with left:
    widgets.campaign_card(view.progress)
with right:
    st.plotly_chart(figures.curve, config=charts.CONFIG, key="curve")

st.subheader(f"Thôn, tổ dân phố, cụm dân cư ({len(view.clusters)})")
st.plotly_chart(figures.clusters, config=charts.CONFIG, key="cluster-ranking")
widgets.units_table(view.clusters, parent=None, key="clusters",
                    empty="Xã, thị trấn này chưa có thôn, cụm dân cư trong danh mục.")

st.subheader("Cơ quan, đơn vị của xã (UBND, trường học)")
widgets.units_table(view.agencies, parent=None, key="agencies",
                    empty="Xã, thị trấn này chưa có cơ quan, đơn vị trong danh mục.")

if checked := cached.verification_of(view.as_of, actor, commune=code):
    st.subheader("Đối chiếu với tài khoản trên hệ thống iHaNoi")
    widgets.verification_caption(checked)
    widgets.verification_table(checked.communes + checked.clusters, key="verified-clusters",
                               empty="Không có đơn vị nào trong phạm vi tài khoản.")
