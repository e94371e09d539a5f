"""Đăng xuất."""
import streamlit as st

from components.incident import require_routing
from components.session import sign_out

require_routing()  # when Streamlit runs this file before app.py's routing
sign_out()
st.rerun()
