"""The upload preview as a read (services/preview.py): for every unit a file touches or changes,
the figures before and after equal what `services.progress` gives before and after really
importing the file, and the preview writes nothing and waits on no writer."""
from __future__ import annotations

import csv
import io
import random
import sqlite3
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from db import session_scope
from importers.parse import parse_file
from services.imports import import_file, plan_import
from services.preview import Figures, figures_on, planned_deciding, rows_after, unit_changes
from services.progress import progress
from services.units import load_directory
from tests.conftest import sample
from tests.workbooks import xlsx_bytes

START = date(2024, 8, 1)
COMMUNES = {"THOAN": "Thọ An", "HONGHA": "Hồng Hà"}
AGENCIES = ["UBND xã Thọ An", "Trường Mầm non Thọ An", "Trường Tiểu học Thọ An",
            "Trường THCS Thọ An"]


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def person_rows(people: list[tuple], unit_header: str, dated: bool) -> bytes:
    """people: (name, citizen ID, unit, installed, registered, registered on, report date)."""
    header = ["Họ và tên", "Số CCCD", unit_header, "Đã cài đặt", "Đã tạo tài khoản",
              "Ngày tạo tài khoản"] + (["Ngày báo cáo"] if dated else [])
    return csv_bytes(header, [[name, cid, unit, "x" if inst else "", "x" if reg else "",
                               f"{since:%d/%m/%Y}" if since else ""]
                              + ([f"{day:%d/%m/%Y}"] if dated else [])
                              for name, cid, unit, inst, reg, since, day in people])


def counts_file(units: list[tuple[str, int, int]], unit_header: str = "Thôn") -> bytes:
    """units: (unit name, installed, registered)."""
    return csv_bytes([unit_header, "Số người đã cài đặt", "Số người đã tạo tài khoản"],
                     [list(unit) for unit in units])


def plan_of(engine, data: bytes, name: str, *, commune: str | None = None,
            agency: str | None = None, as_of: date | None = None):
    """The plan `import_file` makes of a file, and the directory it matched against."""
    parsed = parse_file(data, name)
    with session_scope(engine) as session:
        directory = load_directory(session, as_of or parsed.as_of)
    plan = plan_import(parsed, directory, commune_id=directory.commune_id(commune),
                       agency_id=directory.agency_id(agency), as_of=as_of, today=as_of)
    return plan, directory


def unit_figures(engine, day: date) -> dict[tuple[str, str], Figures]:
    """Every open unit's figures on a day, recounted by `services.progress`."""
    figures = progress(day, engine=engine)
    return ({("cluster", c.code): Figures(c.registered, c.installed, c.target_population)
             for c in figures.clusters}
            | {("agency", a.code): Figures(a.registered, a.installed, a.staff)
               for a in figures.agencies})


def preview_then_import(engine, data: bytes, name: str, **options) -> list:
    """Preview a file, import it, and check the preview against the recounts before and after:
    the units it shows are those the file names and those whose figures the import changes."""
    plan, directory = plan_of(engine, data, name, **options)
    rows = plan.entries + plan.counts
    day = max((r["report_date"] for r in rows), default=plan.as_of)
    changes = unit_changes(plan, directory, engine=engine)
    before = unit_figures(engine, day)
    outcome = import_file(data, name, engine=engine, **options)
    assert outcome.status == "imported", outcome.message
    after = unit_figures(engine, day)
    named = {("cluster", directory.clusters[r["cluster_id"]].code) if r["cluster_id"]
             else ("agency", directory.agencies[r["agency_id"]].code) for r in rows}
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert {(c.unit_type, c.code): (c.before, c.after) for c in changes} == \
        {key: (before.get(key), after.get(key)) for key in named | changed}
    return changes


# ---------------------------------------------------------------- the pure part


def test_a_units_rows_after_a_plan_move_its_level_from_a_day_on():
    rows = [("roster", date(2024, 8, 1), 5, 4, True, None), ("count", date(2024, 8, 3), 9, 9, True),
            ("roster", date(2024, 8, 6), 6, 5, True, None)]
    after = rows_after(rows, {date(2024, 8, 2): [1, 1]}, {date(2024, 8, 7)},
                       {date(2024, 8, 3): (10, 8)})
    assert sorted(after, key=lambda r: (r[1], r[0])) == [
        ("roster", date(2024, 8, 1), 5, 4, True), ("roster", date(2024, 8, 2), 6, 5, False),
        ("count", date(2024, 8, 3), 10, 8, True), ("roster", date(2024, 8, 6), 7, 6, True),
        ("roster", date(2024, 8, 7), 7, 6, True)]
    assert [figures_on(after, date(2024, 8, day)) for day in (2, 4, 7)] == [(6, 5), (10, 8), (7, 6)]


def test_a_persons_planned_deciding_entry_is_their_latest_report_date_then_their_last_row():
    rng = random.Random(3)
    entries = [{"campaign": "residents", "person_key": f"p{rng.randint(0, 40)}",
                "cluster_id": rng.randint(1, 4), "agency_id": None,
                "report_date": date(2024, 8, rng.randint(1, 5)), "registered": rng.random() < 0.6,
                "installed": rng.random() < 0.7,
                "registered_on": rng.choice([None, date(2024, 7, rng.randint(1, 31))])}
               for _ in range(300)]
    decided = planned_deciding(entries)
    # the oracle: a person's rows in the file; the latest report date, the last such row
    for person in {e["person_key"] for e in entries}:
        rows = [(i, e) for i, e in enumerate(entries) if e["person_key"] == person]
        latest = max(e["report_date"] for _, e in rows)
        index, entry = [(i, e) for i, e in rows if e["report_date"] == latest][-1]
        got = decided["residents", person]
        assert got.unit == ("cluster", entry["cluster_id"])
        assert got.rank[0] == latest and got.rank[2] == index
        assert (got.registered, got.installed) == (entry["registered"], entry["installed"])
        assert got.since == (entry["registered_on"] or latest)
    assert len(decided) == len({e["person_key"] for e in entries})


# ---------------------------------------------------------------- the cases of the old preview


def test_count_report_gives_before_and_after_of_each_unit_it_names(district):
    import_file(counts_file([("Cụm 1", 100, 90), ("Cụm 2", 50, 40)]), "v1.csv",
                commune="DONGTHAP", as_of=date(2024, 8, 1), engine=district)
    changes = preview_then_import(district, counts_file([("Cụm 1", 130, 120), ("Cụm 3", 10, 10)]),
                                  "v2.csv", commune="DONGTHAP", as_of=date(2024, 8, 5))
    targets = {c.code: c.after.target for c in changes}
    assert [(c.code, c.name, c.commune, c.before, c.after) for c in changes] == [
        ("DONGTHAP-01", "Cụm 1", "Đồng Tháp", Figures(90, 100, targets["DONGTHAP-01"]),
         Figures(120, 130, targets["DONGTHAP-01"])),
        ("DONGTHAP-03", "Cụm 3", "Đồng Tháp", Figures(0, 0, targets["DONGTHAP-03"]),
         Figures(10, 10, targets["DONGTHAP-03"]))]


def test_a_person_moving_to_another_cluster_leaves_the_old_one(district):
    def people(second_cluster):
        return person_rows([("An", "001080000001", "Cụm 1", True, True, None, None),
                            ("Bình", "001080000002", second_cluster, True, True, None, None)],
                           "Thôn", dated=False)
    import_file(people("Cụm 2"), "v1.csv", commune="THOAN", as_of=date(2024, 8, 2),
                engine=district)
    changes = preview_then_import(district, people("Cụm 1"), "v2.csv", commune="THOAN",
                                  as_of=date(2024, 8, 9))
    assert {c.code: (c.before.registered, c.after.registered) for c in changes} == \
        {"THOAN-01": (1, 2), "THOAN-02": (1, 0)}  # Cụm 2 is not in the file: it loses Bình


def test_a_communes_first_roster_looks_up_nobody_and_its_second_looks_up_its_people(
        district, monkeypatch):
    from services import preview
    looked_up = []
    real = preview._current_entries
    monkeypatch.setattr(preview, "_current_entries",
                        lambda session, people: looked_up.append(len(people)) or real(session, people))
    first = person_rows([("An", "001080000001", "Cụm 1", True, True, None, None)], "Thôn",
                        dated=False)
    preview_then_import(district, first, "v1.csv", commune="THOAN", as_of=date(2024, 8, 2))
    assert looked_up == []  # nobody in Thọ An yet: no person's entries to read
    preview_then_import(district, first, "v1-hongha.csv", commune="HONGHA", as_of=date(2024, 8, 2))
    assert looked_up == []  # An of Thọ An is not a person of Hồng Hà
    changes = preview_then_import(district, person_rows(
        [("An", "001080000001", "Cụm 2", True, True, None, None)], "Thôn", dated=False),
        "v2.csv", commune="THOAN", as_of=date(2024, 8, 9))
    assert looked_up == [1]
    assert {c.code: (c.before.registered, c.after.registered) for c in changes} == \
        {"THOAN-01": (1, 0), "THOAN-02": (0, 1)}


def test_a_file_imported_again_changes_nothing(district):
    data = counts_file([("Cụm 1", 30, 20), ("Cụm 2", 5, 5)])
    import_file(data, "bc.csv", commune="DONGTHAP", as_of=date(2024, 8, 5), engine=district)
    plan, directory = plan_of(district, data, "bc.csv", commune="DONGTHAP", as_of=date(2024, 8, 5))
    changes = unit_changes(plan, directory, engine=district)
    assert len(changes) == 2 and all(c.before == c.after for c in changes)


def test_a_count_report_wins_over_a_roster_of_the_same_date_and_loses_to_a_later_one(district):
    import_file(person_rows([("An", "001080000001", "Cụm 1", True, True, None, None)], "Thôn",
                            dated=False), "ds.csv", commune="THOAN", as_of=date(2024, 8, 5),
                engine=district)
    same_day = preview_then_import(district, counts_file([("Cụm 1", 40, 30)]), "bc.csv",
                                   commune="THOAN", as_of=date(2024, 8, 5))
    assert [(c.before.registered, c.after.registered) for c in same_day] == [(1, 30)]
    earlier = preview_then_import(district, counts_file([("Cụm 1", 9, 9)]), "bc-old.csv",
                                  commune="THOAN", as_of=date(2024, 8, 3))
    assert [(c.before.registered, c.after.registered) for c in earlier] == [(0, 9)]  # as of 3/8
    later_roster = preview_then_import(
        district, person_rows([("Bình", "001080000002", "Cụm 1", False, True, None, None)],
                              "Thôn", dated=False), "ds2.csv", commune="THOAN",
        as_of=date(2024, 8, 6))
    assert [(c.before.registered, c.after.registered) for c in later_roster] == [(30, 2)]


def test_an_older_roster_does_not_undo_a_persons_later_state(district):
    import_file(person_rows([("An", "001080000001", "Cụm 1", True, True, None, None)], "Thôn",
                            dated=False), "new.csv", commune="THOAN", as_of=date(2024, 8, 10),
                engine=district)
    changes = preview_then_import(
        district, person_rows([("An", "001080000001", "Cụm 2", False, False, None, None)], "Thôn",
                              dated=False), "old.csv", commune="THOAN", as_of=date(2024, 8, 4))
    assert {c.code: (c.before.registered, c.after.registered) for c in changes} == \
        {"THOAN-02": (0, 0)}


def test_a_staff_list_updates_its_people_and_counts_a_new_agency(district):
    def staff(registered):
        return person_rows([("Chi", "001080000003", AGENCIES[0], True, True, None, None),
                            ("Dũng", "001080000004", AGENCIES[0], False, registered,
                             date(2024, 7, 20), None),
                            ("Em", "001080000005", AGENCIES[1], True, registered, None, None)],
                           "Cơ quan, đơn vị", dated=False)
    import_file(staff(False), "cb1.csv", as_of=date(2024, 7, 22), engine=district)
    changes = preview_then_import(district, staff(True), "cb2.csv", as_of=date(2024, 7, 24))
    assert {c.code: (c.before.registered, c.after.registered, c.after.target)
            for c in changes} == {"UB-THOAN": (1, 2, 24), "MN-THOAN": (0, 1, 26)}


# ---------------------------------------------------------------- generated files


def random_file(rng: random.Random) -> tuple[bytes, str, dict]:
    """A roster, staff list or count report of random people and units, on one of a few days
    (so that rosters and count reports meet on the same date)."""
    day = START + timedelta(days=rng.choice([0, 2, 2, 5, 7, 7, 9]))
    choice = rng.random()
    commune = rng.choice(list(COMMUNES))
    if choice < 0.4:  # residents: a pool of people, four clusters to move between
        dated = rng.random() < 0.25
        clusters = rng.sample(range(1, 5), rng.randint(1, 2))  # people move from the others
        people = {n: (f"Người {n}", f"0010{80 + list(COMMUNES).index(commune)}{n:06d}",
                      f"Cụm {rng.choice(clusters)}", *flags(rng, day),
                      day - timedelta(days=rng.randint(0, 2)) if dated else None)
                  for n in rng.sample(range(25), rng.randint(1, 10))}
        return (person_rows(list(people.values()), "Thôn", dated), "ds.csv",
                dict(commune=commune, as_of=None if dated else day))
    if choice < 0.6:
        people = {n: (f"Cán bộ {n}", f"0010{90}{n:06d}", rng.choice(AGENCIES), *flags(rng, day),
                      None) for n in rng.sample(range(15), rng.randint(1, 6))}
        return person_rows(list(people.values()), "Cơ quan, đơn vị", False), "cb.csv", \
            dict(as_of=day)
    if choice < 0.85:
        units = [(f"Cụm {k}", rng.randint(0, 40), rng.randint(0, 40))
                 for k in rng.sample(range(1, 5), rng.randint(1, 3))]
        return counts_file(units), "bc.csv", dict(commune=commune, as_of=day)
    units = [(name, rng.randint(0, 30), rng.randint(0, 30))
             for name in rng.sample(AGENCIES, rng.randint(1, 2))]
    return counts_file(units, "Cơ quan, đơn vị"), "bc-cq.csv", dict(as_of=day)


def flags(rng: random.Random, day: date) -> tuple:
    """installed, registered, registration date (sometimes none, sometimes after the report)."""
    registered = rng.random() < 0.7
    since = day + timedelta(days=rng.randint(-6, 2)) if registered and rng.random() < 0.6 else None
    return registered and rng.random() < 0.8, registered, since


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_previews_equal_the_recounts_before_and_after_the_import(district, seed):
    rng = random.Random(seed)
    for step in range(25):
        data, name, options = random_file(rng)
        preview_then_import(district, data, f"{step}-{name}", **options)


# ---------------------------------------------------------------- scope, reads only


def test_only_the_units_in_scope_are_shown(district):
    plan, directory = plan_of(district, counts_file([("Cụm 1", 3, 3), ("Cụm 2", 4, 4)]), "bc.csv",
                              commune="THOAN", as_of=START)

    def shown(units):
        return [c.code for c in unit_changes(plan, directory, engine=district, scope_filter=units)]
    assert shown(None) == ["THOAN-01", "THOAN-02"]
    assert shown({("cluster", "THOAN-02"), ("cluster", "HONGHA-01")}) == ["THOAN-02"]
    assert shown({("agency", "THOAN-01")}) == shown(set()) == []


def statements_of(engine, run) -> list[str]:
    """The SQL statements `run()` sends to the database."""
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.strip())
    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def reads_only(statements: list[str]) -> bool:
    return bool(statements) and all(s.upper() in ("BEGIN", "SELECT 1") or (
        s.upper().startswith("SELECT") and "LOCK" not in s.upper()) for s in statements)


def test_the_preview_writes_nothing_and_takes_no_lock(district):
    import_file(person_rows([("An", "001080000001", "Cụm 1", True, True, None, None)], "Thôn",
                            dated=False), "ds.csv", commune="THOAN", as_of=START, engine=district)
    plan, directory = plan_of(district, person_rows(
        [("An", "001080000001", "Cụm 2", True, True, None, None)], "Thôn", dated=False),
        "ds2.csv", commune="THOAN", as_of=START + timedelta(days=1))
    changes = []
    statements = statements_of(district, lambda: changes.extend(
        unit_changes(plan, directory, engine=district)))
    assert [c.code for c in changes] == ["THOAN-01", "THOAN-02"]
    assert reads_only(statements), statements
    units, directory = plan_of(district, sample("danh-muc-don-vi.xlsx"), "dm.xlsx")
    statements = statements_of(district, lambda: unit_changes(units, directory, engine=district))
    assert reads_only(statements), statements


def test_the_preview_runs_while_a_writer_holds_the_lock(district):
    if district.dialect.name != "sqlite":
        pytest.skip("the write lock of SQLite")
    import_file(counts_file([("Cụm 1", 3, 3)]), "bc.csv", commune="THOAN", as_of=START,
                engine=district)
    plan, directory = plan_of(district, counts_file([("Cụm 1", 5, 4)]), "bc2.csv",
                              commune="THOAN", as_of=START + timedelta(days=1))
    writer = sqlite3.connect(district.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # an import holding the write lock
    try:
        changes = unit_changes(plan, directory, engine=district)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [(c.before.registered, c.after.registered) for c in changes] == [(3, 4)]


def test_a_directory_shows_its_new_units(engine):
    changes = preview_then_import(engine, sample("danh-muc-don-vi.xlsx"), "dm.xlsx")
    assert len(changes) == 129 + 80
    assert all(c.before is None and c.after == Figures(0, 0, c.after.target) for c in changes)


def test_a_directory_shows_the_units_whose_target_it_changes(district):
    import_file(counts_file([("Cụm 1", 30, 20)]), "bc.csv", commune="THOAN", as_of=START,
                engine=district)
    edit = csv_bytes(["Xã", "Thôn", "Số người trong diện"],
                     [["Thọ An", "Cụm 1", 900], ["Thọ An", "Cụm 2", 810], ["Thọ An", "Cụm 13", 50]])
    changes = preview_then_import(district, edit, "dm2.csv", as_of=START)
    assert [(c.code, c.before, c.after) for c in changes] == [
        ("THOAN-01", Figures(20, 30, 765), Figures(20, 30, 900)),  # Cụm 2 keeps its target
        ("THOAN-CUM13", None, Figures(0, 0, 50))]


# ---------------------------------------------------------------- what the user must acknowledge

def test_a_file_that_pushes_a_unit_over_its_target_must_be_acknowledged(district):
    before = import_file(count_report_thoan([["Cụm 5", 600, 600]]), "v1.xlsx",
                         as_of=date(2024, 8, 10), engine=district)
    assert before.status == "imported"
    preview = import_file(count_report_thoan([["Cụm 5", 663, 663]]), "v2.xlsx",
                          as_of=date(2024, 8, 12), dry_run=True, preview=True, engine=district)
    assert preview.cautions == [
        "Cụm 5 (Thọ An): sau khi nhập có 663 người đã tạo tài khoản, vượt chỉ tiêu 630 (105,2%). "
        "Hãy kiểm tra tệp (người bị trùng, nhầm đơn vị) trước khi nhập."]
    within = import_file(count_report_thoan([["Cụm 5", 630, 630]]), "v3.xlsx",
                         as_of=date(2024, 8, 12), dry_run=True, preview=True, engine=district)
    assert within.cautions == []


def test_a_partial_staff_list_replacing_a_count_report_must_be_acknowledged(district):
    counts = xlsx_bytes(("Báo cáo", [["BÁO CÁO CÁC CƠ QUAN"], [],
                                     ["STT", "Tên cơ quan, đơn vị", "Số người đã cài đặt",
                                      "Số người đã tạo tài khoản"],
                                     [1, "Phòng Văn hóa và Thông tin", 37, 37]]))
    assert import_file(counts, "bc.xlsx", as_of=date(2024, 7, 20), engine=district).status == "imported"
    staff = xlsx_bytes(("Danh sách", [["Phòng Văn hóa và Thông tin"], [],
                                      ["STT", "Họ tên", "Chức vụ", "Đã tạo tài khoản"]] +
                        [[i, f"Cán bộ {i}", "Chuyên viên", "x" if i <= 8 else ""]
                         for i in range(1, 13)]))
    preview = import_file(staff, "ds.xlsx", as_of=date(2024, 7, 24), dry_run=True, preview=True,
                          engine=district)
    assert preview.cautions == [
        "Phòng Văn hóa và Thông tin: danh sách này có 12 người, thay cho biểu tổng hợp ngày "
        "20/07/2024 (37 người đã tạo tài khoản): số đã tạo tài khoản sẽ giảm từ 37 xuống 8. Nếu "
        "danh sách chưa đủ người, hãy bổ sung cho đủ hoặc tiếp tục gửi biểu tổng hợp."]
    # on the count report's own date the count report wins: nothing is replaced
    same_day = import_file(staff, "ds.xlsx", as_of=date(2024, 7, 20), dry_run=True, preview=True,
                           engine=district)
    assert same_day.cautions == []


def test_an_undated_file_dated_today_outside_its_campaign_must_be_acknowledged(district):
    report = count_report_thoan([["Cụm 1", 10, 10]])
    late = import_file(report, "v1.xlsx", today=date(2026, 8, 30), dry_run=True, preview=True,
                       engine=district)
    assert late.as_of == date(2026, 8, 30)
    assert late.cautions == [
        "Tệp không ghi ngày báo cáo nên được tính là ngày hôm nay (30/08/2026), ngoài thời gian "
        "chiến dịch “" + campaign_name(district, "residents") + "” (05/07/2024 – 30/08/2024). "
        "Nếu số liệu là của ngày khác, hãy chọn Ngày báo cáo trước khi nhập."]
    during = import_file(report, "v1.xlsx", today=date(2024, 8, 20), dry_run=True, preview=True,
                         engine=district)
    dated = import_file(report, "v1.xlsx", as_of=date(2024, 8, 20), today=date(2026, 8, 30),
                        dry_run=True, preview=True, engine=district)
    assert during.cautions == dated.cautions == []


def count_report_thoan(units: list[list]) -> bytes:
    from tests.workbooks import count_report
    return count_report(units, unit_header="Cụm dân cư", title="UBND XÃ THỌ AN")


def campaign_name(engine, key: str) -> str:
    from sqlalchemy import select

    from models import Campaign
    with session_scope(engine) as session:
        return session.execute(select(Campaign.name).where(Campaign.key == key)).scalar_one()
