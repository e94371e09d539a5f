"""Đăng xuất."""
import streamlit as st

from components.session import sign_out

sign_out()
st.rerun()
