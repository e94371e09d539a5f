"""User text through Streamlit's Markdown: every ASCII punctuation mark escaped, so no image, link,
HTML, heading or Streamlit directive can come of it; Plotly labels get HTML entities."""
from __future__ import annotations

import re

import pytest

from components.safe_text import chart_text, plain

HOSTILE = ["![x](http://example.invalid/p.png)", "<img src=x onerror=alert(1)>",
           "[bấm](javascript:alert(1))", "# Tiêu đề", "1. danh sách", ":red[đỏ] :material/home:",
           "$x^2$", "**đậm** _nghiêng_ ~~gạch~~", "&lt;b&gt;", "a\\b", "<http://example.invalid>",
           '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", HOSTILE)
def test_every_punctuation_mark_is_escaped_and_the_text_reads_back_unchanged(text):
    shown = plain(text)
    assert re.sub(r"\\(.)", r"\1", shown) == text  # what a Markdown renderer shows
    unescaped = re.sub(r"\\.", "", shown)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped)  # no markup character is left bare


def test_letters_digits_and_vietnamese_stay_as_they_are():
    assert plain("Xã Thọ An 12 Đồng Tháp") == "Xã Thọ An 12 Đồng Tháp"
    assert plain(42) == "42"


def test_chart_labels_hold_no_html():
    assert chart_text('<a href="http://x">Cụm 1</a> & <b>') == \
        '&lt;a href="http://x"&gt;Cụm 1&lt;/a&gt; &amp; &lt;b&gt;'
