"""Issue 12, items 9, 12, 13 as a user sees them: no developer hints on the login page, Vietnamese
numbers in the upload history, Vietnamese role names in the audit log, Vietnamese placeholders."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from db import get_engine
from services.imports import import_file
from tests.accounts_helpers import demo_actor, demo_copy  # noqa: F401 (fixture)
from tests.workbooks import roster

ROOT = Path(__file__).resolve().parents[2]


def page(name, url, use_database, username=None) -> AppTest:
    use_database(url)
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=120)
    if username:
        at.session_state["actor"] = demo_actor(url, username)
    return at.run()


def shown_cells(table) -> list[dict[str, str]]:
    """The cells of an st.dataframe as the browser shows them (the Styler's display values)."""
    styler = table.proto.arrow_data.styler
    return pa.ipc.open_stream(styler.display_values).read_all().to_pandas().to_dict("records")


def test_login_page_shows_no_developer_hints(demo_copy, use_database):
    at = page("login", demo_copy, use_database)
    text = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert "quản trị viên" in text
    assert "cli.py" not in text and "python" not in text


def test_upload_history_shows_thousands_with_a_dot(demo_copy, use_database):
    clerk = demo_actor(demo_copy, "xa.thoan")
    rows = [[f"Người {i}", f"0010{i:08d}", "Cụm 1", "x", "x", ""] for i in range(1234)]
    outcome = import_file(roster(rows), "ds-lon.xlsx", actor=clerk, engine=get_engine(demo_copy))
    assert outcome.rows_accepted == 1234
    at = page("history", demo_copy, use_database, "xa.thoan")
    [shown] = [row for row in shown_cells(at.dataframe[0]) if row["Tệp"] == "ds-lon.xlsx"]
    assert (shown["Dòng nhận"], shown["Dòng từ chối"]) == ("1.234", "0")


def test_audit_log_names_roles_in_vietnamese(demo_copy, use_database):
    at = page("admin_audit", demo_copy, use_database, "quantri")
    at.selectbox[0].set_value("user-add").run()
    details = set(at.dataframe[0].value["Chi tiết"])
    assert "xa.thoan (Cán bộ xã, thị trấn)" in details
    assert "vanthu.cq05 (Văn thư cơ quan, đơn vị)" in details
    assert not any("(commune)" in d or "(agency)" in d for d in details)


def test_merge_form_asks_for_communes_in_vietnamese(demo_copy, use_database):
    at = page("admin_units", demo_copy, use_database, "quantri")
    [picker] = at.tabs[3].multiselect
    assert picker.proto.placeholder == "Chọn các xã, thị trấn"
