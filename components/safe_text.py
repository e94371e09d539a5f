"""Text someone typed (unit, campaign, account, file and sheet names, cell values, messages that
quote them), made safe to show through Streamlit's Markdown (st.markdown, st.info, st.caption,
titles, widget labels) and in Plotly's labels: it is shown as it is, never rendered.

Tables need nothing of this (their cells are text); their downloads: `components.tables`.
"""
from __future__ import annotations

import html
import re

# CommonMark lets a backslash escape any ASCII punctuation; escaping them all leaves no Markdown
# (images, links, emphasis, headings, lists, HTML, Streamlit's `:colour[…]` and `$maths$`).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text) -> str:
    """For Streamlit's Markdown: `![x](p.png)` -> `\\!\\[x\\]\\(p\\.png\\)`, read as the very
    text typed."""
    return _PUNCTUATION.sub(r"\\\1", str(text))


def chart_text(text) -> str:
    """For Plotly's labels, which read a few HTML tags (`<a>`, `<b>`, `<br>`): entities instead."""
    return html.escape(str(text), quote=False)
