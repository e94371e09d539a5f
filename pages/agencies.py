"""Cơ quan, đơn vị: every agency against the staff deadline, by kind, those below 100% first."""
import streamlit as st

from components import format as fmt
from components import widgets
from components import cached
from components.safe_text import plain
from components.session import signed_in_actor

signed_in_actor()  # also when Streamlit runs this file before app.py's routing

st.title("Cơ quan, đơn vị")
as_of, district = widgets.as_of_and_district(bounds := cached.date_bounds(),
                                             cached.district_choices())
view = cached.agencies(as_of, district)
if view.is_empty:
    widgets.empty_district()
    st.stop()
widgets.as_of_caption(view.as_of, has_reports=bounds is not None)
widgets.campaign_card(view.campaign)

for number, group in enumerate(view.groups):
    below = sum(1 for a in group.agencies if (a.standing.percent or 0) < 1)
    st.subheader(plain(group.name))
    st.markdown(f"{widgets.status_badge(group.standing.status)} &nbsp; "
                f"{fmt.number(group.standing.registered)}/{fmt.number(group.standing.size)} "
                f"({fmt.percent(group.standing.percent)}); **{below}** trên "
                f"{len(group.agencies)} đơn vị chưa đạt 100%", unsafe_allow_html=True)
    widgets.units_table(group.agencies, parent="Xã, thị trấn", key=f"group-{number}",
                        empty="Nhóm này chưa có cơ quan, đơn vị.")
