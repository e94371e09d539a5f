"""Tổng quan: where the two campaigns stand."""
import streamlit as st

from services.progress import progress

st.title("Tổng quan")
figures = progress()
if not any(c.denominator for c in figures.campaigns):
    st.info("Chưa có danh mục đơn vị. Quản trị viên hãy nhập danh mục (trang Tải lên) hoặc chạy "
            "`python cli.py demo` để xem dữ liệu mẫu.")
    st.stop()
st.caption(f"Số liệu tính đến ngày {figures.as_of:%d/%m/%Y}")
for column, campaign in zip(st.columns(len(figures.campaigns)), figures.campaigns):
    share = campaign.registered / campaign.denominator if campaign.denominator else 0
    column.metric(campaign.name, f"{campaign.registered:,} / {campaign.denominator:,}".replace(",", "."),
                  f"{share:.1%}".replace(".", ","), delta_color="off")
    column.caption(f"Hạn: {campaign.deadline:%d/%m/%Y}")
