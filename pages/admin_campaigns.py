"""Quản trị › Chiến dịch: each campaign's name, start, deadline and target percent."""
import streamlit as st

from components import outcome
from components.session import signed_in_actor
from components.safe_text import plain
from services.admin import list_campaigns, update_campaign

actor = signed_in_actor()
st.title("Chiến dịch")
if actor.role != "admin":
    st.error("Chỉ quản trị viên được sửa chiến dịch.")
    st.stop()
outcome.show("campaign")
campaigns = list_campaigns()
if not campaigns:
    st.info("Chưa có chiến dịch nào (cơ sở dữ liệu chưa được khởi tạo: chạy `python cli.py progress`).")
    st.stop()
for campaign in campaigns:
    with st.form(f"campaign-{campaign.key}"):
        st.subheader(plain(campaign.name))
        name = st.text_input("Tên chiến dịch", value=campaign.name)
        start, deadline, target = st.columns(3)
        start = start.date_input("Ngày bắt đầu", value=campaign.start, format="DD/MM/YYYY")
        deadline = deadline.date_input("Hạn hoàn thành", value=campaign.deadline, format="DD/MM/YYYY")
        target = target.number_input("Chỉ tiêu (%)", min_value=1.0, max_value=100.0,
                                     value=float(campaign.target_pct), step=1.0, format="%.0f")
        if st.form_submit_button("Lưu", type="primary"):
            outcome.run("campaign", lambda: update_campaign(
                actor, campaign.key, name=name, start=start, deadline=deadline, target_pct=target))
