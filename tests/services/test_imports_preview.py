"""The upload preview: a dry run says, per unit, what the import will change (before → after),
writes nothing, and the import then lands exactly on the previewed figures. Citizen IDs are
never kept in clear, not even in the stored report."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text

from db import session_scope
from services.imports import import_file
from services.preview import Figures
from services.progress import progress
from services.uploads import list_uploads
from tests.accounts_helpers import account, table_counts
from tests.conftest import sample
from tests.workbooks import count_report, roster, xlsx_bytes


def figures(engine, code, day):
    unit = next(c for c in progress(day, engine=engine).clusters if c.code == code)
    return Figures(unit.registered, unit.installed, unit.target_population)


def test_preview_gives_each_units_figures_before_and_after_and_writes_nothing(district):
    clerk = account(district, "xa.dongthap", "commune", commune="DONGTHAP")
    import_file(count_report([["Cụm 1", 100, 90], ["Cụm 2", 50, 40]]), "v1.xlsx",
                as_of=date(2024, 8, 1), engine=district)
    before = table_counts(district)
    preview = import_file(count_report([["Cụm 1", 130, 120], ["Cụm 3", 10, 10]]), "v2.xlsx",
                          as_of=date(2024, 8, 5), dry_run=True, preview=True, actor=clerk,
                          engine=district)
    assert table_counts(district) == before
    target1, target3 = figures(district, "DONGTHAP-01", date(2024, 8, 5)).target, \
        figures(district, "DONGTHAP-03", date(2024, 8, 5)).target
    assert [(c.code, c.name, c.commune, c.before, c.after) for c in preview.changes] == [
        ("DONGTHAP-01", "Cụm 1", "Đồng Tháp", Figures(90, 100, target1), Figures(120, 130, target1)),
        ("DONGTHAP-03", "Cụm 3", "Đồng Tháp", Figures(0, 0, target3), Figures(10, 10, target3))]
    done = import_file(count_report([["Cụm 1", 130, 120], ["Cụm 3", 10, 10]]), "v2.xlsx",
                       as_of=date(2024, 8, 5), actor=clerk, engine=district)
    assert done.status == "imported"
    assert [figures(district, c.code, date(2024, 8, 5)) for c in preview.changes] == \
        [c.after for c in preview.changes]


def test_preview_of_a_roster_counts_people_once_as_the_import_will(district):
    clerk = account(district, "xa.thoan", "commune", commune="THOAN")
    import_file(roster([["An", "001000000001", "Cụm 1", "x", "x", ""],
                        ["Bình", "001000000002", "Cụm 2", "x", "x", ""]]), "v1.xlsx",
                as_of=date(2024, 8, 2), actor=clerk, engine=district)
    update = roster([["An", "001000000001", "Cụm 1", "x", "x", ""],
                     ["Bình", "001000000002", "Cụm 1", "x", "x", ""]])  # Bình moved to Cụm 1
    preview = import_file(update, "v2.xlsx", as_of=date(2024, 8, 9), dry_run=True, preview=True,
                          actor=clerk, engine=district)
    moves = {c.code: (c.before.registered, c.after.registered) for c in preview.changes}
    assert moves == {"THOAN-01": (1, 2), "THOAN-02": (1, 0)}  # Cụm 2 is not in the file: it loses Bình
    import_file(update, "v2.xlsx", as_of=date(2024, 8, 9), actor=clerk, engine=district)
    assert figures(district, "THOAN-01", date(2024, 8, 9)).registered == 2


def test_preview_of_a_directory_shows_new_targets_and_new_units(engine):
    preview = import_file(sample("danh-muc-don-vi.xlsx"), "dm.xlsx", dry_run=True, preview=True, engine=engine)
    assert len(preview.changes) == 129 + 80
    assert all(c.before is None and c.after is not None for c in preview.changes)
    assert table_counts(engine)["commune"] == 0


def test_preview_of_an_already_imported_file_names_that_import(district):
    first = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", engine=district)
    preview = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", dry_run=True, preview=True,
                          engine=district)
    assert (preview.status, preview.previous_upload_id) == ("checked", first.upload_id)
    assert all(c.before == c.after for c in preview.changes)


def test_cli_json_keeps_its_keys_and_adds_the_changes(district):
    preview = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", dry_run=True, preview=True,
                          engine=district)
    report = preview.as_json()
    assert list(report)[:15] == ["file", "status", "upload_id", "kind", "as_of", "commune", "agency",
                                 "rows_read", "rows_accepted", "rows_rejected", "errors", "warnings",
                                 "skipped_sheets", "notes", "message"]
    assert report["changes"][0]["after"] == {"registered": 730, "installed": 759,
                                             "target": report["changes"][0]["after"]["target"]}


def test_citizen_ids_are_never_stored_in_clear_not_even_in_reports(district, tmp_path):
    clerk = account(district, "xa.thoan", "commune", commune="THOAN")
    ids = {"valid": "001080000001", "lost digits": "3.43585E+11", "typo": "0010800000033"}
    data = xlsx_bytes(("DS", [["Họ và tên", "Số CCCD", "Thôn", "Đã tạo tài khoản"],
                              ["An", ids["valid"], "Cụm 1", "x"],
                              ["Bình", ids["lost digits"], "Cụm 1", "x"],
                              ["Cường", ids["typo"], "Cụm 1", ""]]))
    preview = import_file(data, "ds.xlsx", dry_run=True, preview=True, actor=clerk, engine=district)
    assert {p.value for p in preview.warnings} >= {ids["lost digits"], ids["typo"]}  # the clerk sees them
    outcome = import_file(data, "ds.xlsx", actor=clerk, engine=district)
    assert outcome.rows_accepted == 3
    with session_scope(district) as session:
        tables = [name for (name,) in session.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table'" if district.dialect.name == "sqlite"
            else "SELECT tablename FROM pg_tables WHERE schemaname='public'"))]
        stored = " ".join(str(value) for table in tables
                          for row in session.execute(text(f'SELECT * FROM "{table}"')) for value in row)
    for citizen_id in ids.values():
        assert citizen_id not in stored
    [upload] = list_uploads(actor=clerk, engine=district)  # the history keeps the last digits only
    assert {w["value"] for w in upload.report["warnings"]} == {"•" * 10 + "033", "•" * 8 + "+11"}
    if district.dialect.name == "sqlite":
        database = Path(district.url.database)
        raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert not any(citizen_id.encode() in raw for citizen_id in ids.values())


def test_a_dry_run_without_preview_skips_the_before_and_after_figures(district):
    check = import_file(sample("dong-thap-bao-cao-05-8.xlsx"), "bc.xlsx", dry_run=True,
                        engine=district)
    assert check.status == "checked" and check.rows_accepted == 5 and check.changes == []
