"""Imports at the same moment, and imports killed half-way: each lands whole or not at all."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from db import session_scope
from models import RosterEntry, Upload
from services.progress import progress
from tests.conftest import POSTGRES_URL, fresh_postgres, fresh_sqlite, load_reference_directory
from tests.workbooks import count_report

# The roster of the "sign-ins and overview reads during an import" test; a smaller one (say
# 20000) where a run must be quick.
BIG_ROSTER_ROWS = int(os.environ.get("TRACKER_TEST_BIG_ROSTER_ROWS", "200000"))

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    """(url, engine) of a fresh database holding the demo directory."""
    if request.param == "sqlite":
        engine = fresh_sqlite(tmp_path)
        url = str(engine.url)
    else:
        engine, url = fresh_postgres(), POSTGRES_URL
    load_reference_directory(engine)
    return url, engine


def cli(url: str, *args: str, app_name: str | None = None) -> subprocess.Popen:
    if app_name and url.startswith("postgresql"):
        url += f"&application_name={app_name}"
    return subprocess.Popen([sys.executable, "cli.py", *args], cwd=ROOT, text=True,
                            env={**os.environ, "DATABASE_URL": url},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen) -> tuple[int, list]:
    out, err = process.communicate(timeout=300)
    return process.returncode, (json.loads(out) if out.strip().startswith("[") else err)


def roster_csv(path: Path, people: int, cluster: str = "Cụm 1", seed: int = 1) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Họ và tên", "Số CCCD", "Thôn", "Đã cài đặt", "Đã tạo tài khoản"])
    for n in range(people):
        writer.writerow([f"Người {n}", f"001{seed:03d}{n:06d}", cluster, "x", "x" if n % 2 else ""])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_eight_parallel_imports_each_land_once(database, tmp_path):
    url, engine = database
    communes = {"DONGTHAP": "Cụm", "HONGHA": "Cụm", "THOAN": "Cụm", "TANHOI": "Thôn",
                "HAMO": "Thôn", "LIENHA": "Thôn"}
    files = []
    for code, prefix in communes.items():
        path = tmp_path / f"{code}.xlsx"
        path.write_bytes(count_report([[f"{prefix} 1", 10, 7], [f"{prefix} 2", 20, 13]],
                                      title=f"Xã {code}"))
        files.append((path, code))
    same = tmp_path / "THOAN-again.xlsx"  # the same commune twice: the same file, at the same time
    same.write_bytes((tmp_path / "THOAN.xlsx").read_bytes())
    files.append((same, "THOAN"))
    files.append((tmp_path / "THOAN.xlsx", "THOAN"))
    processes = [cli(url, "import", str(path), "--commune", code, "--as-of", "2024-08-10", "--json")
                 for path, code in files]
    with ThreadPoolExecutor(len(processes)) as pool:
        results = list(pool.map(finish, processes))
    assert [code for code, _ in results] == [0] * 8, results
    statuses = sorted(report[0]["status"] for _, report in results)
    assert statuses == ["imported"] * 6 + ["unchanged"] * 2
    figures = progress(date(2024, 8, 10), engine=engine)
    assert figures.campaign("residents").registered == 6 * (7 + 13)
    assert figures.campaign("residents").installed == 6 * (10 + 20)
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(Upload)).scalar_one() == 6


def test_two_different_rosters_of_one_commune_at_once_both_land(database, tmp_path):
    url, engine = database
    first = roster_csv(tmp_path / "cum1.csv", 3000, "Cụm 1", seed=1)
    second = roster_csv(tmp_path / "cum2.csv", 3000, "Cụm 2", seed=2)
    processes = [cli(url, "import", str(path), "--commune", "DONGTHAP", "--as-of", "2024-08-10",
                     "--json") for path in (first, second)]
    results = [finish(p) for p in processes]
    assert [r[1][0]["status"] for r in results] == ["imported", "imported"], results
    figures = progress(date(2024, 8, 10), engine=engine)
    assert figures.campaign("residents").installed == 6000
    assert figures.campaign("residents").registered == 3000


def counts(engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        return (session.execute(select(func.count()).select_from(Upload)).scalar_one(),
                session.execute(select(func.count()).select_from(RosterEntry)).scalar_one())


def test_import_killed_half_way_leaves_nothing_and_the_next_import_works(database, tmp_path):
    url, engine = database
    people = 40_000
    roster = roster_csv(tmp_path / "big.csv", people)
    landed = False
    for delay in (0.8, 1.6, 2.4, 3.2, 4.0, 5.0):
        process = cli(url, "import", str(roster), "--commune", "DONGTHAP", "--as-of", "2024-08-10")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        uploads, entries = counts(engine)
        assert (uploads, entries) in {(0, 0), (1, people)}, (delay, uploads, entries)
        if uploads:
            landed = True
            break
    code, report = finish(cli(url, "import", str(roster), "--commune", "DONGTHAP", "--as-of",
                              "2024-08-10", "--json"))
    assert code == 0 and report[0]["status"] == ("unchanged" if landed else "imported")
    assert counts(engine) == (1, people)
    assert progress(date(2024, 8, 10), engine=engine).campaign("residents").registered == people // 2


@pytest.mark.postgres
def test_import_whose_connection_is_dropped_leaves_nothing(tmp_path):
    engine = fresh_postgres()
    load_reference_directory(engine)
    roster = roster_csv(tmp_path / "big.csv", 40_000)
    name = f"tracker_drop_{os.getpid()}"
    process = cli(POSTGRES_URL, "import", str(roster), "--commune", "DONGTHAP", "--json",
                  app_name=name)
    killed = 0
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        with engine.connect() as connection:
            killed += connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name AND state <> 'idle'"), {"name": name}).scalar_one()
        time.sleep(0.05)
    process.communicate(timeout=60)
    uploads, entries = counts(engine)
    assert (uploads, entries) in {(0, 0), (1, 40_000)}
    if killed and uploads == 0:
        assert process.returncode != 0
    code, report = finish(cli(POSTGRES_URL, "import", str(roster), "--commune", "DONGTHAP", "--json"))
    assert code == 0 and counts(engine) == (1, 40_000)


def advisory_locks(session) -> int:
    return session.execute(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 74100 "
        "AND pid = pg_backend_pid()")).scalar_one()


def test_serial_writers_on_postgres_take_one_lock_in_turn_and_short_writes_none(database):
    url, engine = database
    if not url.startswith("postgresql"):
        pytest.skip("the advisory lock is PostgreSQL's; SQLite writers use BEGIN IMMEDIATE")
    with session_scope(engine, serial=True) as session:
        assert advisory_locks(session) == 1
    with session_scope(engine, writer=True) as session:
        assert advisory_locks(session) == 0


def test_a_transaction_that_will_write_waits_for_the_sqlite_writer_instead_of_failing(sqlite_engine):
    """The second writer begins as a writer (BEGIN IMMEDIATE): it waits for the first to commit
    (busy timeout), then reads what the first wrote, and writes."""
    from models import AuditEvent, utcnow
    started = ThreadPoolExecutor(1)
    with session_scope(sqlite_engine, writer=True) as first:
        first.add(AuditEvent(at=utcnow(), action="first"))
        first.flush()

        def second():
            with session_scope(sqlite_engine, writer=True) as session:
                seen = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
                session.add(AuditEvent(at=utcnow(), action="second"))
                return seen
        waiting = started.submit(second)
        time.sleep(0.5)  # the second is waiting for the lock meanwhile (not a timing assertion)
        assert not waiting.done()
    assert waiting.result(timeout=60) == 1


def test_sign_ins_and_overview_reads_all_succeed_while_a_big_import_runs(database, tmp_path,
                                                                          monkeypatch):
    """Parsing and planning hold no lock; the write holds it for the write alone. Five sign-ins
    and five overview reads run to the end once the roster is read (the import waits for them:
    it holds no lock, or they could not finish), five more of each start while its rows are being
    written (the write transaction open): every one succeeds. Overview reads finish during the
    write on both databases; sign-ins too on PostgreSQL (they never wait for an import), while on
    SQLite they wait for the write to commit (busy timeout), never failing."""
    from services import auth, dashboard, imports
    from services.imports import import_file
    from tests.accounts_helpers import PASSWORD, account
    url, engine = database
    account(engine, "lanhdao", "leader")
    roster = roster_csv(tmp_path / "big.csv", BIG_ROSTER_ROWS).read_bytes()
    pool = ThreadPoolExecutor(12)

    def sign_in():
        return auth.authenticate("lanhdao", PASSWORD, engine=engine).role

    def overview():
        return dashboard.overview(engine=engine).as_of

    def both() -> tuple[list, list]:
        return [pool.submit(sign_in) for _ in range(5)], [pool.submit(overview) for _ in range(5)]

    during_write: dict = {}
    real_parse, real_write = imports.parse_file, imports.write_plan

    def parse_file(*args, **kwargs):
        parsed = real_parse(*args, **kwargs)
        sign_ins, reads = during_write["sign_ins_read"], during_write["reads_read"] = both()
        assert [s.result(timeout=120) for s in sign_ins] == ["leader"] * 5
        assert len({r.result(timeout=120) for r in reads}) == 1
        return parsed
    monkeypatch.setattr(imports, "parse_file", parse_file)

    def write_plan(session, plan, *args, **kwargs):
        upload = real_write(session, plan, *args, **kwargs)
        session.flush()  # the rows are written, the transaction (and its lock) still open
        sign_ins, reads = during_write["sign_ins"], during_write["reads"] = both()
        assert [r.result(timeout=120) for r in reads] == [reads[0].result()] * 5
        if url.startswith("postgresql"):
            assert [s.result(timeout=120) for s in sign_ins] == ["leader"] * 5
            assert advisory_locks(session) == 1  # ... while the import holds its lock
        return upload
    monkeypatch.setattr(imports, "write_plan", write_plan)

    importing = pool.submit(import_file, roster, "big.csv", commune="DONGTHAP",
                            as_of=date(2024, 8, 10), engine=engine)
    outcome = importing.result(timeout=600)
    assert (outcome.status, outcome.rows_accepted) == ("imported", BIG_ROSTER_ROWS), outcome.message
    sign_ins = during_write["sign_ins_read"] + during_write["sign_ins"]
    assert [s.result(timeout=120) for s in sign_ins] == ["leader"] * 10
    assert len([r.result() for r in during_write["reads_read"] + during_write["reads"]]) == 10
    assert progress(date(2024, 8, 10), engine=engine).campaign("residents").installed == \
        BIG_ROSTER_ROWS


def test_every_sqlite_connection_is_in_wal_mode_with_a_busy_timeout_and_a_64_mib_cache(
        sqlite_engine):
    connections = [sqlite_engine.connect() for _ in range(3)]  # three pooled connections at once
    try:
        for connection in connections:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -64 * 1024
    finally:
        for connection in connections:
            connection.close()
