"""Import service on real databases: samples, re-imports, dry runs, atomicity, privacy."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from db import session_scope
from importers.report import RowProblem
from models import CountReport, RosterEntry, Upload
from services import imports as imports_service
from services.imports import import_file
from services.progress import progress
from tests.conftest import sample
from tests.workbooks import count_report, roster, xlsx_bytes


def cluster(figures, code):
    return next(c for c in figures.clusters if c.code == code)


def upload_count(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Upload)).scalar_one()


def test_count_report_sample_finds_commune_and_date_from_its_titles(district):
    outcome = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "dong-thap-bao-cao-05-8.xlsx",
                          engine=district)
    assert (outcome.status, outcome.kind, outcome.as_of, outcome.commune) == \
        ("imported", "counts", date(2024, 8, 5), "DONGTHAP")
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected) == (5, 5, 0)
    figures = progress(date(2024, 8, 5), engine=district)
    assert (cluster(figures, "DONGTHAP-03").registered, cluster(figures, "DONGTHAP-03").installed) \
        == (1089, 1123)
    assert cluster(figures, "DONGTHAP-03").last_report == date(2024, 8, 5)
    dong_thap = next(c for c in figures.communes if c.code == "DONGTHAP")
    assert (dong_thap.registered, dong_thap.installed) == (730 + 590 + 1089 + 760 + 738,
                                                           759 + 592 + 1123 + 761 + 775)
    assert figures.campaign("residents").registered == 3907


def test_count_report_holds_from_its_date_not_before(district):
    import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", engine=district)
    before = progress(date(2024, 8, 4), engine=district)
    assert cluster(before, "DONGTHAP-03").registered == 0
    assert cluster(before, "DONGTHAP-03").last_report is None
    later = progress(date(2024, 8, 20), engine=district)
    assert cluster(later, "DONGTHAP-03").registered == 1089


def test_same_file_twice_is_unchanged_and_counts_once(district):
    first = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "a.xlsx", engine=district)
    again = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "renamed.xlsx", kind="counts",
                        engine=district)
    assert again.status == "unchanged" and again.upload_id == first.upload_id
    assert "đã được nhập" in again.message
    assert upload_count(district) == 1
    assert progress(date(2024, 8, 5), engine=district).campaign("residents").registered == 3907


def test_dry_run_checks_everything_and_writes_nothing(district):
    outcome = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", dry_run=True,
                          engine=district)
    assert (outcome.status, outcome.rows_accepted, outcome.upload_id) == ("checked", 5, None)
    assert upload_count(district) == 0
    assert progress(date(2024, 8, 5), engine=district).campaign("residents").registered == 0


def test_dry_run_of_an_imported_file_says_it_was_imported(district):
    first = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", engine=district)
    check = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", dry_run=True,
                        engine=district)
    assert check.status == "checked"
    assert f"lần nhập số {first.upload_id}" in check.message


def test_resident_roster_sample_counts_people_registered_by_the_date(district):
    outcome = import_file(sample("tho-an-cum-5-6.xlsx"), "tho-an-cum-5-6.xlsx",
                          as_of=date(2024, 8, 18), engine=district)
    assert (outcome.status, outcome.kind, outcome.commune) == ("imported", "residents", "THOAN")
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected) == (120, 120, 0)
    figures = progress(date(2024, 8, 18), engine=district)
    assert (cluster(figures, "THOAN-05").registered, cluster(figures, "THOAN-05").installed) == (36, 40)
    assert (cluster(figures, "THOAN-06").registered, cluster(figures, "THOAN-06").installed) == (37, 39)
    early = progress(date(2024, 8, 1), engine=district)  # counted from their registration dates
    assert (cluster(early, "THOAN-05").registered, cluster(early, "THOAN-06").registered) == (16, 24)


def test_citizen_ids_are_never_stored_in_clear(district):
    import_file(sample("tho-an-cum-5-6.xlsx"), "t.xlsx", as_of=date(2024, 8, 18), engine=district)
    with session_scope(district) as session:
        rows = session.execute(text("SELECT * FROM rosterentry")).all()
    stored = " ".join(str(value) for row in rows for value in row)
    assert "034358498366" not in stored and "001797978516" not in stored
    assert len(rows) == 120


def test_updated_roster_updates_people_and_never_counts_them_twice(district):
    v1 = roster([["An", "001000000001", "Cụm 1", "x", "x", "01/08/2024"],
                 ["Bình", "001000000002", "Cụm 1", "", "", ""],
                 ["Cúc", "001000000003", "Cụm 2", "", "", ""]])
    v2 = roster([["An", "001000000001", "Cụm 1", "x", "x", "01/08/2024"],
                 ["Bình", "001000000002", "Cụm 1", "x", "x", "05/08/2024"],
                 ["Cúc", "001000000003", "Cụm 2", "x", "x", ""]])
    import_file(v1, "v1.xlsx", commune="DONGTHAP", as_of=date(2024, 8, 2), engine=district)
    second = import_file(v2, "v2.xlsx", commune="DONGTHAP", as_of=date(2024, 8, 10), engine=district)
    assert second.status == "imported"
    on_10 = progress(date(2024, 8, 10), engine=district)
    assert (cluster(on_10, "DONGTHAP-01").registered, cluster(on_10, "DONGTHAP-02").registered) == (2, 1)
    on_6 = progress(date(2024, 8, 6), engine=district)  # Cúc has no date: counts from 10/8
    assert (cluster(on_6, "DONGTHAP-01").registered, cluster(on_6, "DONGTHAP-02").registered) == (2, 0)
    assert cluster(on_6, "DONGTHAP-01").last_report == date(2024, 8, 2)


def test_person_left_out_of_a_later_roster_keeps_their_state(district):
    import_file(roster([["An", "001000000001", "Cụm 1", "x", "x", ""]]), "v1.xlsx",
                commune="DONGTHAP", as_of=date(2024, 8, 2), engine=district)
    import_file(roster([["Bình", "001000000002", "Cụm 1", "x", "x", ""]]), "v2.xlsx",
                commune="DONGTHAP", as_of=date(2024, 8, 9), engine=district)
    assert cluster(progress(date(2024, 8, 9), engine=district), "DONGTHAP-01").registered == 2


def test_registration_after_the_report_date_warns_and_counts_from_the_report(district):
    outcome = import_file(roster([["An", "001000000001", "Cụm 1", "x", "x", "20/08/2024"]]),
                          "r.xlsx", commune="DONGTHAP", as_of=date(2024, 8, 10), engine=district)
    assert [(w.code, w.row) for w in outcome.warnings] == [("registered-after-report", 4)]
    assert cluster(progress(date(2024, 8, 10), engine=district), "DONGTHAP-01").registered == 1


def test_later_count_report_for_same_unit_and_date_replaces_it(district):
    import_file(count_report([["Cụm 1", 100, 90]]), "a.xlsx", as_of=date(2024, 8, 7), engine=district)
    import_file(count_report([["Cụm 1", 120, 110]]), "b.xlsx", as_of=date(2024, 8, 7), engine=district)
    assert cluster(progress(date(2024, 8, 7), engine=district), "DONGTHAP-01").registered == 110
    with session_scope(district) as session:
        assert session.execute(select(func.count()).select_from(CountReport)).scalar_one() == 2


def test_more_recent_report_wins_and_count_report_wins_on_the_same_date(district):
    import_file(count_report([["Cụm 1", 100, 90]]), "c5.xlsx", as_of=date(2024, 8, 5), engine=district)
    import_file(roster([["An", "001000000001", "Cụm 1", "x", "x", ""]], title="UBND XÃ ĐỒNG THÁP"),
                "r7.xlsx", as_of=date(2024, 8, 7), engine=district)
    assert cluster(progress(date(2024, 8, 6), engine=district), "DONGTHAP-01").registered == 90
    assert cluster(progress(date(2024, 8, 7), engine=district), "DONGTHAP-01").registered == 1
    import_file(count_report([["Cụm 1", 100, 95]]), "c7.xlsx", as_of=date(2024, 8, 7), engine=district)
    assert cluster(progress(date(2024, 8, 7), engine=district), "DONGTHAP-01").registered == 95


def test_unknown_unit_is_a_row_error_with_close_names(district):
    outcome = import_file(count_report([["Cụm 1", 10, 10], ["Cum 9", 5, 5]]), "bc.xlsx",
                          as_of=date(2024, 8, 7), engine=district)
    assert (outcome.status, outcome.rows_accepted, outcome.rows_rejected) == ("imported", 1, 1)
    [error] = outcome.errors
    assert (error.sheet, error.row, error.value, error.code) == ("Báo cáo", 5, "Cum 9", "unknown-unit")
    assert "Cụm 1" in error.message


def test_file_with_no_acceptable_row_is_refused_and_writes_nothing(district):
    outcome = import_file(count_report([["Cụm 99", 10, 10]]), "bc.xlsx", as_of=date(2024, 8, 7),
                          engine=district)
    assert outcome.status == "refused" and outcome.rows_accepted == 0
    assert "Không có dòng nào hợp lệ" in outcome.message
    assert upload_count(district) == 0


def test_unknown_commune_option_is_refused_with_suggestions(district):
    outcome = import_file(sample("tho-an-cum-5-6.xlsx"), "t.xlsx", commune="Tho Ann", engine=district)
    assert outcome.status == "refused" and "Thọ An" in outcome.message


def test_import_is_atomic_when_writing_fails_half_way(district, monkeypatch):
    real_insert = imports_service._bulk_insert

    def insert_then_fail(session, model, rows, upload_id):
        real_insert(session, model, rows[:50], upload_id)
        raise RuntimeError("connection dropped")

    monkeypatch.setattr(imports_service, "_bulk_insert", insert_then_fail)
    with pytest.raises(RuntimeError):
        import_file(sample("tho-an-cum-5-6.xlsx"), "t.xlsx", as_of=date(2024, 8, 18), engine=district)
    monkeypatch.undo()
    with session_scope(district) as session:
        assert session.execute(select(func.count()).select_from(RosterEntry)).scalar_one() == 0
    assert upload_count(district) == 0
    assert import_file(sample("tho-an-cum-5-6.xlsx"), "t.xlsx", as_of=date(2024, 8, 18),
                       engine=district).status == "imported"


def test_staff_roster_csv_matches_its_agency_column(district):
    outcome = import_file(sample("truong-thcs-tho-an.csv"), "truong-thcs-tho-an.csv",
                          as_of=date(2024, 8, 15), engine=district)
    assert (outcome.status, outcome.kind, outcome.agency) == ("imported", "staff", "THCS-THOAN")
    agency = next(a for a in progress(date(2024, 8, 15), engine=district).agencies
                  if a.code == "THCS-THOAN")
    assert agency.registered == outcome_registered(sample("truong-thcs-tho-an.csv"))


def outcome_registered(data: bytes) -> int:
    """People marked `Có` in the account column, counted straight from the CSV text."""
    lines = data.decode("utf-8-sig").splitlines()[1:]
    return sum(1 for line in lines if line.split(";")[5].strip() == "Có")


def test_staff_roster_without_agency_column_takes_the_agency_from_its_title(district):
    outcome = import_file(sample("phong-van-hoa-thong-tin.xlsx"), "p.xlsx", as_of=date(2024, 7, 20),
                          engine=district)
    assert (outcome.status, outcome.kind, outcome.agency) == ("imported", "staff", "CQ05")
    assert outcome.rows_accepted == 12


def test_csv_saved_as_xls_without_commune_is_refused_with_a_reason(district):
    outcome = import_file(sample("bao-cao-sai-dinh-dang.xls"), "bao-cao-sai-dinh-dang.xls",
                          engine=district)
    assert outcome.status == "refused" and outcome.message


def test_csv_saved_as_xls_is_read_as_the_table_it_is(district):
    outcome = import_file(sample("bao-cao-sai-dinh-dang.xls"), "bao-cao-sai-dinh-dang.xls",
                          commune="DANPHUONG", as_of=date(2024, 8, 12), engine=district)
    assert (outcome.status, outcome.kind, outcome.rows_accepted) == ("imported", "counts", 1)
    thon_1 = cluster(progress(date(2024, 8, 12), engine=district), "DANPHUONG-01")
    assert (thon_1.installed, thon_1.registered) == (120, 120)  # only installed: counts as registered
    assert outcome.notes


# ---------------------------------------------------------------- prepare, then commit


def test_prepare_writes_nothing_and_commit_writes_that_plan(district, monkeypatch):
    from services.imports import commit_import, prepare_import
    from tests.accounts_helpers import table_counts
    before = table_counts(district)
    prepared = prepare_import(count_report([["Cụm 1", 100, 90]]), "bc.xlsx", as_of=date(2024, 8, 7),
                              engine=district)
    assert prepared.outcome.status == "checked" and table_counts(district) == before
    monkeypatch.setattr(imports_service, "parse_file", lambda *a, **k: pytest.fail("parsed again"))
    done = commit_import(prepared, engine=district)
    assert (done.status, done.rows_accepted) == ("imported", 1)
    assert cluster(progress(date(2024, 8, 7), engine=district), "DONGTHAP-01").registered == 90


def test_commit_rechecks_the_same_content_landed_since_the_preview(district):
    from services.imports import commit_import, prepare_import
    data = count_report([["Cụm 1", 100, 90]])
    first, second = (prepare_import(data, "bc.xlsx", as_of=date(2024, 8, 7), engine=district)
                     for _ in range(2))
    landed = commit_import(first, engine=district)
    again = commit_import(second, engine=district)
    assert (again.status, again.upload_id) == ("unchanged", landed.upload_id)
    assert upload_count(district) == 1


def test_commit_plans_again_when_the_directory_changed_since_the_preview(district):
    """A cluster closed between the preview and the confirm: its rows are no longer accepted."""
    from services import admin
    from services.auth import Actor
    from services.imports import DIRECTORY_CHANGED, commit_import, prepare_import
    prepared = prepare_import(count_report([["Cụm 1", 100, 90], ["Cụm 2", 50, 40]]), "bc.xlsx",
                              as_of=date(2024, 8, 7), engine=district)
    assert prepared.outcome.rows_accepted == 2
    with session_scope(district) as session:
        cum2 = session.execute(text("SELECT id FROM cluster WHERE code = 'DONGTHAP-02'")).scalar_one()
    admin.close_unit(Actor("quantri", "admin"), "cluster", cum2, date(2024, 8, 1), engine=district)
    done = commit_import(prepared, engine=district)
    assert (done.status, done.rows_accepted, done.rows_rejected) == ("imported", 1, 1)
    assert DIRECTORY_CHANGED in done.notes
    assert [p.value for p in done.errors] == ["Cụm 2"]


def test_a_prepared_import_is_committed_by_the_account_that_checked_it(district):
    from services.imports import commit_import, prepare_import
    from services.scope import ScopeRefused
    from tests.accounts_helpers import account
    clerk = account(district, "xa.dongthap", "commune", commune="DONGTHAP")
    other = account(district, "xa.thoan", "commune", commune="THOAN")
    prepared = prepare_import(count_report([["Cụm 1", 100, 90]]), "bc.xlsx", actor=clerk,
                              as_of=date(2024, 8, 7), engine=district)
    with pytest.raises(ScopeRefused):
        commit_import(prepared, actor=other, engine=district)
    assert upload_count(district) == 0


def test_a_registration_after_the_report_date_quotes_the_sheets_header_and_the_date_as_written(district):
    """The warning names the sheet's own header (`Ngày đăng ký`, not the field's `Ngày tạo tài
    khoản`) and the value as typed (`25/8/2024`, not `25/08/2024`), once."""
    data = xlsx_bytes(("Danh sách", [["UBND XÃ ĐỒNG THÁP"], [],
                                     ["STT", "Họ và tên", "Thôn", "Đã đăng ký", "Ngày đăng ký"],
                                     [1, "An", "Cụm 1", "x", "25/8/2024"],
                                     [2, "Bình", "Cụm 1", "x", date(2024, 8, 26)]]))
    outcome = import_file(data, "r.xlsx", commune="DONGTHAP", as_of=date(2024, 8, 10), dry_run=True,
                          engine=district)
    assert [(w.row, w.column, w.value, w.code) for w in outcome.warnings] == [
        (4, "Ngày đăng ký", "25/8/2024", "registered-after-report"),
        (5, "Ngày đăng ký", "26/08/2024", "registered-after-report")]
    assert outcome.warnings[0].message.startswith("Ngày đăng ký “25/8/2024” sau ngày báo cáo 10/08/2024")


def test_a_count_above_its_own_and_the_directorys_target_is_warned_once_quoting_the_cell(district):
    data = xlsx_bytes(("Báo cáo", [["UBND XÃ ĐỒNG THÁP"], [],
                                   ["STT", "Tên thôn", "Số người trong diện", "Số người đã tạo tài khoản"],
                                   [1, "Cụm 1", 100, "5.000"], [2, "Cụm 2", 20000, "9.500"],
                                   [3, "Cụm 99", 10, "1"]]))
    outcome = import_file(data, "c.xlsx", commune="DONGTHAP", as_of=date(2024, 8, 10), dry_run=True,
                          engine=district)
    assert [(w.row, w.column, w.value, w.code) for w in outcome.warnings] == [
        (4, "Số người đã tạo tài khoản", "5.000", "over-target"),
        (5, "Số người đã tạo tài khoản", "9.500", "over-directory-target")]
    assert [(e.row, e.column, e.value, e.code) for e in outcome.errors] == [
        (6, "Tên thôn", "Cụm 99", "unknown-unit")]



def test_a_count_over_100_percent_gets_one_warning_from_one_layer(district):
    """Over its own target: the importer's `over-target`; over the directory's target only: the
    service's `over-directory-target`; never both on one row."""
    rows = [["UBND XÃ ĐỒNG THÁP"], [],
            ["STT", "Thôn", "Số người trong diện", "Số người đã cài đặt", "Số người đã tạo tài khoản"],
            [1, "Cụm 1", 10, 20000, 20000], [2, "Cụm 2", None, 20000, 20000]]
    outcome = import_file(xlsx_bytes(("Báo cáo", rows)), "bc.xlsx", as_of=date(2024, 8, 7),
                          engine=district)
    assert [(w.row, w.code) for w in outcome.warnings] == [(4, "over-target"),
                                                           (5, "over-directory-target")]


def test_the_same_unit_twice_is_warned_once(district):
    outcome = import_file(count_report([["Cụm 1", 10, 10], ["Cụm 1", 12, 12]]), "bc.xlsx",
                          as_of=date(2024, 8, 7), engine=district)
    assert [(w.row, w.code) for w in outcome.warnings] == [(5, "duplicate-unit")]


def test_history_masks_the_problems_that_quote_a_citizen_id_and_no_other():
    masked = RowProblem("D", 3, "Số CCCD", "001234567890", "invalid-citizen-id", "…")
    phone = RowProblem("D", 4, "Số điện thoại", "09123456789", "invalid-phone",
                       "Số điện thoại “09123456789” không hợp lệ")
    assert imports_service._kept(masked)["value"] == "•••••••••890"
    assert imports_service._kept(phone) == phone.as_dict()
