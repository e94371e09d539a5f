"""Every table a page shows goes through `show_table`: Streamlit's table toolbar offers "Download as
CSV", and a spreadsheet opening that file would run a cell such as `=HYPERLINK(…)` or `+…`.
So text cells that a spreadsheet could take for a formula get Excel's quote prefix, the rule the
Excel exports follow (`services.excel.FORMULA_STARTS`), also after leading spaces. Numbers stay
numbers: a negative number is not text.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from services.excel import FORMULA_STARTS


def safe_cell(value):
    """`=HYPERLINK("http://x","y")` -> `'=HYPERLINK("http://x","y")`; `  -1` -> `'  -1`;
    anything that is not text is returned as it is."""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS)
                                   or value.lstrip().startswith(FORMULA_STARTS)):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot run in a spreadsheet."""
    safe = frame.copy()
    for name in safe.columns:
        if safe[name].dtype == object or pd.api.types.is_string_dtype(safe[name]):
            safe[name] = safe[name].map(safe_cell)
    safe.columns = [safe_cell(c) for c in safe.columns]
    return safe


def on_phone() -> bool:
    """The browser is a phone's (its user agent says "Mobi", as iPhones' and Android phones'
    do; not a tablet's): the pages show fewer, narrower table columns there."""
    return "Mobi" in (st.context.headers.get("User-Agent") or "")


def show_table(frame: pd.DataFrame, *, style: Callable[[Styler], Styler] | None = None,
               **options) -> None:
    """`st.dataframe` of the frame made safe; `style`: formats and colours (a pandas Styler),
    applied to the safe frame; `options`: st.dataframe's (hide_index is on by default)."""
    safe = safe_frame(frame)
    options.setdefault("hide_index", True)
    st.dataframe(style(safe.style) if style else safe, **options)
