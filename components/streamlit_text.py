"""Vietnamese in place of the English that Streamlit 1.67 writes itself and has no setting for.

The file uploader's "Upload" button, its "50MB per file • XLSX, …" line and the size beside an
uploaded file ("31.6KB") are drawn by Streamlit's browser code: a style sheet hides that text
and writes Vietnamese in its place. What it cannot reach (the table toolbar's tooltips, the
calendar's month and weekday names, which follow the browser's language) is listed in the README.
"""
from __future__ import annotations

import streamlit as st

from formats import number

_UPLOADER = '[data-testid="stFileUploaderDropzone"]'


def style_sheet(limit_mb: int) -> str:
    """The CSS: each English text is shrunk to nothing and its Vietnamese drawn after it; the
    English size beside an uploaded file is hidden (the page says the size while reading it)."""
    button = f'{_UPLOADER} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p'
    limit = '[data-testid="stFileUploaderDropzoneInstructions"] span'
    return f"""<style>
{button} {{ font-size: 0; }}
{button}::after {{ content: "Chọn tệp"; font-size: 1rem; }}
{limit} {{ font-size: 0; }}
{limit}::after {{ content: "Tối đa {number(limit_mb)} MB mỗi tệp"; font-size: 0.875rem; }}
[data-testid="stFileChipName"] + div {{ display: none; }}
</style>"""


def vietnamese_widgets() -> None:
    """Once per run, from app.py: the style sheet (st.html with only a <style> takes no space).
    The limit shown is the one Streamlit enforces (`server.maxUploadSize`, .streamlit/config.toml)."""
    st.html(style_sheet(st.get_option("server.maxUploadSize")))
