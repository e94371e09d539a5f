"""Cơ quan, đơn vị: every agency against the staff deadline, by kind, those below 100% first."""
import streamlit as st

import formats as fmt
from components import widgets
from components import cached
from components.safe_text import plain
from components.session import signed_in_actor
from services.dashboard import deadline_checks

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

deadline = fmt.day(view.campaign.deadline)
checks = deadline_checks(view)
late = [c for c in checks if c.late]
st.subheader(f"Chưa đạt chỉ tiêu đúng hạn {deadline}")
if view.as_of < view.campaign.deadline:
    st.caption(f"Hạn {deadline} chưa đến: các đơn vị chưa đạt 100% ở các nhóm dưới đây.")
else:
    st.markdown(f"**{len(late)}** trên {len(checks)} đơn vị chưa đạt chỉ tiêu đến hết ngày "
                f"{deadline}: {sum(c.reached_on is not None for c in late)} đã đạt sau hạn, "
                f"**{sum(c.reached_on is None for c in late)}** đến ngày {fmt.day(view.as_of)} "
                "vẫn chưa đạt.")
    everyone = st.toggle("Xem cả đơn vị đạt đúng hạn", key="deadline-all")
    widgets.deadline_table(checks if everyone else late, key="deadline",
                           empty=f"Tất cả đơn vị đã đạt chỉ tiêu đúng hạn {deadline}.")

for number, group in enumerate(view.groups):
    below = sum(1 for a in group.agencies if (a.standing.percent or 0) < 1)
    st.subheader(plain(group.name))
    st.markdown(f"{widgets.status_badge(group.standing.status)} &nbsp; "
                f"{fmt.number(group.standing.registered)}/{fmt.number(group.standing.size)} "
                f"({fmt.percent(group.standing.percent)}); **{below}** trên "
                f"{len(group.agencies)} đơn vị chưa đạt 100%", unsafe_allow_html=True)
    widgets.units_table(group.agencies, parent="Xã, thị trấn", key=f"group-{number}",
                        empty="Nhóm này chưa có cơ quan, đơn vị.")
