"""Lịch sử: the account's uploads with their reports; undo after a confirmation; figures come back."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from db import get_engine
from services.imports import import_file
from services.progress import progress
from tests.accounts_helpers import demo_actor, demo_copy  # noqa: F401 (fixture)
from tests.conftest import sample
from tests.workbooks import roster

ROOT = Path(__file__).resolve().parents[2]


def history(url, use_database, username) -> AppTest:
    use_database(url)
    at = AppTest.from_file(str(ROOT / "pages" / "history.py"), default_timeout=60)
    at.session_state["actor"] = demo_actor(url, username)
    return at.run()


def figures(url, day):
    return progress(day, engine=get_engine(url)).as_json()


def test_undo_after_confirmation_brings_the_figures_back_exactly(demo_copy, use_database):
    clerk = demo_actor(demo_copy, "xa.thoan")
    day = date(2024, 8, 18)
    before = figures(demo_copy, day)
    outcome = import_file(sample("tho-an-cum-5-6.xlsx"), "tho-an.xlsx", as_of=day, actor=clerk,
                          engine=get_engine(demo_copy))
    assert figures(demo_copy, day) != before
    at = history(demo_copy, use_database, "xa.thoan")
    table = at.dataframe[0].value
    assert (table["Số"][0], table["Tệp"][0], table["Người nhập"][0]) == \
        (outcome.upload_id, "tho-an.xlsx", "xa.thoan")
    at.button(key=f"undo-{outcome.upload_id}").click().run()
    assert "Hoàn tác lần nhập số" in at.warning[0].value
    assert figures(demo_copy, day) != before  # asking is not doing
    at.button(key="undo-confirm").click().run()
    assert re.sub(r"\\(.)", r"\1", at.success[0].value).startswith(
        f"Đã hoàn tác lần nhập số {outcome.upload_id} (tho-an.xlsx)")
    assert figures(demo_copy, day) == before
    assert at.dataframe[0].value["Trạng thái"][0].startswith("Đã hoàn tác")


def test_a_report_lists_its_rejected_rows(demo_copy, use_database):
    clerk = demo_actor(demo_copy, "xa.thoan")
    import_file(roster([["An", "001000000001", "Cụm 1", "x", "x", ""],
                        ["Bình", "001000000002", "Cụm 99", "x", "x", ""]]), "ds.xlsx", actor=clerk,
                engine=get_engine(demo_copy))
    at = history(demo_copy, use_database, "xa.thoan")
    assert at.expander[0].label == "Dòng bị từ chối (1)"
    assert list(at.dataframe[1].value["Dòng"]) == [5]


def test_cancel_undo_changes_nothing(demo_copy, use_database):
    clerk = demo_actor(demo_copy, "xa.thoan")
    outcome = import_file(sample("tho-an-cum-5-6.xlsx"), "t.xlsx", actor=clerk,
                          engine=get_engine(demo_copy))
    at = history(demo_copy, use_database, "xa.thoan")
    at.button(key=f"undo-{outcome.upload_id}").click().run()
    at.button(key="undo-cancel").click().run()
    assert at.dataframe[0].value["Trạng thái"][0] == "Đang dùng" and not at.warning


def test_an_agency_sees_only_its_own_uploads_and_admin_sees_all(demo_copy, use_database):
    agency = history(demo_copy, use_database, "vanthu.cq05")
    assert "Chưa có lần tải lên nào" in agency.info[0].value  # the demo's uploads are not its own
    admin = history(demo_copy, use_database, "quantri")
    assert len(admin.dataframe[0].value) == 200  # the newest 200 of every account's uploads
    clerk = history(demo_copy, use_database, "xa.thoan")
    assert set(clerk.dataframe[0].value["Tệp"].str[:6]) == {"tho-an"}  # Thọ An's rosters only
