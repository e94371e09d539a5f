"""Tables: a cell a spreadsheet would run (`=`, `+`, `-`, `@`, tab, CR at its start, also after
spaces) is shown and downloaded with Excel's quote prefix; numbers stay numbers."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.tables import safe_cell, safe_frame

HOSTILE = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("text", [HOSTILE, "+84 912", "-1+1", "@SUM(A1)", "\t=1", "\rx",
                                  "  =1+1", "\u00a0@x", "\n-2"])
def test_text_a_spreadsheet_would_run_gets_the_quote_prefix(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Cụm 1", "Nguyễn Văn A (=)", "", "0912345678", "1+1", -5, -2.5,
                                   0, None, date(2024, 8, 30)])
def test_other_cells_stay_as_they_are(value):
    assert safe_cell(value) is value


def test_a_frame_keeps_its_numbers_and_neutralises_its_text():
    frame = pd.DataFrame({"Đơn vị": [HOSTILE, "Cụm 2"], "Số": [-3, 4], "Tỷ lệ": [-0.5, None],
                          "Ngày": [date(2024, 8, 1), None], "=Cột": ["a", "b"]})
    safe = safe_frame(frame)
    assert list(safe["Đơn vị"]) == ["'" + HOSTILE, "Cụm 2"]
    assert list(safe["Số"]) == [-3, 4] and safe["Số"].dtype == frame["Số"].dtype
    assert safe["Tỷ lệ"].dtype == frame["Tỷ lệ"].dtype and safe["Tỷ lệ"][0] == -0.5
    assert list(safe["Ngày"])[0] == date(2024, 8, 1)
    assert list(safe.columns)[-1] == "'=Cột"
    assert frame["Đơn vị"][0] == HOSTILE  # the caller's frame is not changed


def test_show_table_shows_the_safe_frame_with_its_style():
    def script():
        import pandas as pd

        from components.tables import show_table
        frame = pd.DataFrame({"Tên": ['=HYPERLINK("http://x","y")', "Cụm 1"], "Số": [-1, 2]})
        show_table(frame, style=lambda s: s.format({"Số": "{:d} người"}), key="t")
        show_table(frame)

    at = AppTest.from_function(script).run()
    styled, bare = at.dataframe
    for table in (styled, bare):
        assert list(table.value["Tên"]) == ["'" + HOSTILE, "Cụm 1"]
        assert list(table.value["Số"]) == [-1, 2]
