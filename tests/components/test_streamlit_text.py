"""The style sheet that writes Vietnamese over Streamlit's own uploader text (issue 12.9)."""
from __future__ import annotations

import re
from pathlib import Path

import streamlit
from streamlit.testing.v1 import AppTest

from components.streamlit_text import style_sheet

FRONTEND = Path(streamlit.__file__).parent / "static" / "static" / "js"


def test_the_uploader_reads_in_vietnamese():
    css = style_sheet(50)
    assert 'content: "Chọn tệp"' in css
    assert 'content: "Tối đa 50 MB mỗi tệp"' in css
    assert '[data-testid="stFileChipName"] + div { display: none; }' in css  # "13.1KB" hidden


def test_every_element_it_restyles_exists_in_this_streamlit():
    """After a Streamlit upgrade this fails if a test id or a replaced English text is gone."""
    bundle = "".join(path.read_text(errors="ignore") for path in FRONTEND.glob("*.js"))
    for test_id in set(re.findall(r'data-testid="(\w+)"', style_sheet(50))):
        assert f"`{test_id}`" in bundle, test_id
    assert "} per file`" in bundle and "label:l?`Upload directories`:`Upload`" in bundle


def test_every_page_gets_the_style_sheet():
    at = AppTest.from_string(
        "from components.streamlit_text import vietnamese_widgets\nvietnamese_widgets()").run()
    [html] = at.get("html")
    assert "Chọn tệp" in html.proto.body
