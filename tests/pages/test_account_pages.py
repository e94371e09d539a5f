"""Biểu mẫu, Danh sách cần vận động and the admin pages, as each role sees them; and no personal data
on any page a leader can open."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db import get_engine, session_scope
from models import RosterEntry
from services.auth import authenticate
from services.admin import find_commune
from services.progress import progress
from tests.accounts_helpers import demo_actor, demo_copy  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]


def page(name, url, use_database, username, **query) -> AppTest:
    use_database(url)
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=120)
    at.session_state["actor"] = demo_actor(url, username)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def shown_text(at: AppTest) -> str:
    """Every text a page shows: titles, markdown, alerts, metrics, tables, charts, widget labels."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning",
                 "error", "success", "metric", "code", "json", "latex"):
        for element in at.get(kind):
            parts.append(str(getattr(element, "value", "")) + str(getattr(element, "label", "")))
    for table in list(at.dataframe) + list(at.table):
        parts.append(table.value.to_csv())
    for element in at.get("plotly_chart") + at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart"):
        parts.append(str(element.proto))
    for kind in ("selectbox", "multiselect", "radio", "download_button", "button"):
        for widget in at.get(kind):
            parts.append(str(widget.proto))
    return "\n".join(parts)


# ---------------------------------------------------------------- templates


def test_templates_for_a_commune_clerk_and_an_agency_clerk(demo_copy, use_database):
    commune = page("templates", demo_copy, use_database, "xa.thoan")
    assert [b.proto.label for b in commune.get("download_button")] == [
        "Danh sách người dân (từng người)", "Biểu tổng hợp theo thôn, cụm dân cư (số người)"]
    assert commune.subheader[0].value == "Xã Thọ An"
    agency = page("templates", demo_copy, use_database, "vanthu.cq05")
    assert [b.proto.label for b in agency.get("download_button")] == [
        "Danh sách cán bộ, công chức, viên chức, người lao động"]
    leader = page("templates", demo_copy, use_database, "lanhdao")
    assert not leader.get("download_button") and leader.info


def test_admin_chooses_the_unit_of_a_template(demo_copy, use_database):
    at = page("templates", demo_copy, use_database, "quantri")
    at.radio[0].set_value("agency").run()
    at.selectbox[0].select_index(1).run()
    assert [b.proto.label for b in at.get("download_button")] == [
        "Danh sách cán bộ, công chức, viên chức, người lao động"]


# ---------------------------------------------------------------- follow-up list


def test_commune_clerk_sees_its_residents_to_visit_by_cluster(demo_copy, use_database):
    at = page("follow_up", demo_copy, use_database, "xa.thoan")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Đơn vị", "Họ và tên", "Ngày sinh", "Số điện thoại", "Đã cài đặt",
                                   "Ghi chú"]
    assert set(table["Đơn vị"]) <= {f"Cụm {n}" for n in range(1, 13)} and len(table) > 0
    at.selectbox[0].set_value("Cụm 3").run()
    assert set(at.dataframe[0].value["Đơn vị"]) == {"Cụm 3"}
    assert at.metric[0].value == str(len(at.dataframe[0].value))
    assert at.get("download_button")[0].proto.label.startswith("Tải danh sách để in")


def test_another_communes_list_is_refused_by_the_service(demo_copy, use_database):
    at = page("follow_up", demo_copy, use_database, "xa.thoan", commune="DONGTHAP")
    assert "chỉ xem và nhập được số liệu của xã" in plain(at.error[0].value)
    assert not at.dataframe and not at.get("download_button")


def test_a_leader_gets_no_list_even_by_link(demo_copy, use_database):
    assert page("follow_up", demo_copy, use_database, "lanhdao").info
    at = page("follow_up", demo_copy, use_database, "lanhdao", commune="THOAN")
    assert at.error and not at.dataframe


# ---------------------------------------------------------------- no personal data for a leader


@pytest.fixture(scope="module")
def personal_data(demo_database):
    """Every name and phone number the demo's rosters hold."""
    with session_scope(get_engine(demo_database)) as session:
        rows = session.execute(select(RosterEntry.full_name, RosterEntry.phone)).all()
    return {name for name, _ in rows}, {phone for _, phone in rows if phone}


LEADER_SAFE = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem not in ("login", "logout"))


@pytest.mark.parametrize("name", LEADER_SAFE)
def test_no_page_shows_personal_data_to_a_leader(demo_copy, use_database, personal_data, name):
    names, phones = personal_data
    assert len(names) > 100 and len(phones) > 1000  # the demo has rosters to leak
    for query in ({}, {"commune": "THOAN"}):
        text = shown_text(page(name, demo_copy, use_database, "lanhdao", **query))
        assert not set(re.findall(r"0\d{9}", text)) & phones
        assert not [n for n in names if n in text]


def test_the_check_would_see_personal_data(demo_copy, use_database, personal_data):
    """The control: the same check finds the names a commune clerk is shown."""
    names, phones = personal_data
    text = shown_text(page("follow_up", demo_copy, use_database, "xa.thoan"))
    assert set(re.findall(r"0\d{9}", text)) & phones and [n for n in names if n in text]


# ---------------------------------------------------------------- admin pages


def test_admin_edits_and_closes_a_unit(demo_copy, use_database):
    at = page("admin_units", demo_copy, use_database, "quantri")
    units = at.tabs[1]
    units.selectbox[0].set_value(next(o for o in units.selectbox[0].options if o.startswith("THOAN-01")))
    at.run()
    at.tabs[1].number_input[2].set_value(999)
    at.tabs[1].button[0].click().run()  # Lưu thay đổi
    assert "số người trong diện" in plain(at.tabs[1].success[0].value)
    thoan01 = next(c for c in progress(date(2024, 8, 1), engine=get_engine(demo_copy)).clusters
                   if c.code == "THOAN-01")
    assert thoan01.target_population == 999
    tab = at.tabs[0]
    tab.selectbox[0].set_value(next(o for o in tab.selectbox[0].options if o.startswith("HONGHA")))
    at.run()
    at.tabs[0].date_input[0].set_value(date(2024, 8, 20))
    at.tabs[0].checkbox[0].check()
    at.tabs[0].button[1].click().run()  # Đóng đơn vị
    assert plain(at.tabs[0].success[0].value).startswith("Đã đóng xã, thị trấn Hồng Hà")
    assert "HONGHA" not in {c.code for c in progress(date(2024, 8, 25), engine=get_engine(demo_copy)).communes}


def test_admin_merges_two_communes_after_checking_what_closes_and_opens(demo_copy, use_database):
    at = page("admin_units", demo_copy, use_database, "quantri")
    assert "Hoạt động từ" in at.tabs[0].dataframe[0].value.columns
    tab = at.tabs[3]
    assert tab.label == "Sáp nhập xã" and not tab.dataframe
    engine = get_engine(demo_copy)
    tab.multiselect[0].set_value([find_commune(code, engine=engine).id
                                  for code in ("THOAN", "THOXUAN")])
    tab.text_input[0].input("ODIEN")
    tab.text_input[1].input("Ô Diên")
    tab.date_input[0].set_value(date(2024, 8, 15))
    next(b for b in tab.button if b.label == "Xem trước").click().run()
    tab = at.tabs[3]
    closing, opening = (table.value for table in tab.dataframe)
    assert {"THOAN", "THOXUAN", "THOAN-01", "UB-THOXUAN"} <= set(closing["Mã"])
    assert list(opening["Mã"])[:2] == ["ODIEN", "ODIEN-THOAN-01"]
    assert "Cụm 1 (Thọ An)" in set(opening["Tên"])
    tab.checkbox[0].check().run()
    next(b for b in at.tabs[3].button if b.label == "Sáp nhập").click().run()
    assert plain(at.tabs[3].success[0].value).startswith(
        "Đã sáp nhập Xã Thọ An, Xã Thọ Xuân thành Xã Ô Diên từ ngày 15/08/2024")
    assert list(at.tabs[3].dataframe[0].value["Mã"]) == ["ODIEN"]  # the merges made
    assert "THOAN" in {c.code for c in progress(date(2024, 8, 14), engine=engine).communes}
    assert {c.code for c in progress(date(2024, 8, 15), engine=engine).communes} & {
        "THOAN", "THOXUAN", "ODIEN"} == {"ODIEN"}
    form = at.tabs[3]
    form.checkbox[0].check()
    next(b for b in form.button if b.label == "Hoàn tác sáp nhập").click().run()
    assert plain(at.tabs[3].success[0].value).startswith("Đã hoàn tác việc sáp nhập")
    assert "THOAN" in {c.code for c in progress(date(2024, 8, 20), engine=engine).communes}
    assert not at.tabs[3].dataframe  # no merge left


def test_a_refused_merge_shows_why(demo_copy, use_database):
    at = page("admin_units", demo_copy, use_database, "quantri")
    tab = at.tabs[3]
    tab.multiselect[0].set_value([find_commune("THOAN", engine=get_engine(demo_copy)).id])
    next(b for b in tab.button if b.label == "Xem trước").click().run()
    assert "Chọn ít nhất 2 xã, thị trấn" in plain(at.tabs[3].error[0].value)
    assert not at.tabs[3].dataframe


def test_admin_adds_an_account_whose_password_is_shown_once(demo_copy, use_database):
    at = page("admin_accounts", demo_copy, use_database, "quantri")
    at.text_input[0].input("xa.dongthap")
    form = at.get("selectbox")
    role = next(s for s in form if s.label == "Vai trò")
    role.set_value("commune")
    commune = next(s for s in form if s.label.startswith("Xã, thị trấn"))
    commune.set_value(next(o for o in commune.options if o == "Xã Đồng Tháp"))
    next(b for b in at.button if b.label == "Tạo tài khoản").click().run()
    assert plain(at.success[0].value) == "Đã tạo tài khoản xa.dongthap (Cán bộ xã, thị trấn)."
    password = at.code[0].value
    actor = authenticate("xa.dongthap", password, engine=get_engine(demo_copy))
    assert actor.role == "commune"
    at.run()
    assert not at.code  # shown once
    assert "xa.dongthap" in list(at.dataframe[0].value["Tên đăng nhập"])


def test_admin_changes_a_campaign_deadline(demo_copy, use_database):
    at = page("admin_campaigns", demo_copy, use_database, "quantri")
    at.date_input[1].set_value(date(2024, 7, 31))
    at.button[0].click().run()
    assert "hạn hoàn thành: 25/07/2024 → 31/07/2024" in plain(at.success[0].value)
    assert progress(date(2024, 8, 1), engine=get_engine(demo_copy)).campaign("staff").deadline == \
        date(2024, 7, 31)


def test_admin_reads_the_audit_log(demo_copy, use_database):
    at = page("admin_audit", demo_copy, use_database, "quantri")
    log = at.dataframe[0].value
    assert {"Tạo tài khoản"} <= set(log["Việc"])
    at.selectbox[0].set_value("user-add").run()
    assert set(at.dataframe[0].value["Việc"]) == {"Tạo tài khoản"}


@pytest.mark.parametrize("name", ["admin_units", "admin_campaigns", "admin_accounts", "admin_audit"])
@pytest.mark.parametrize("username", ["lanhdao", "xa.thoan", "vanthu.cq05"])
def test_admin_pages_refuse_everyone_else(demo_copy, use_database, name, username):
    at = page(name, demo_copy, use_database, username)
    assert at.error and not at.dataframe and not at.get("form")
