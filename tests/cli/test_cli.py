"""The command line contract (../shared/spec/cli.md), run as a real process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, load_reference_directory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path):
    from db import get_engine, migrate
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate(get_engine(url))
    return url


def run(url, *args, stdin=None):
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def district(url):
    from db import get_engine
    load_reference_directory(get_engine(url))


def test_import_json_reports_each_file_and_exit_zero(database):
    district(database)
    result = run(database, "import", str(SAMPLES / "dong-thap-bao-cao-05-8.xlsx"), "--json")
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)
    assert {k: report[k] for k in ("file", "status", "kind", "as_of", "commune", "agency",
                                   "rows_read", "rows_accepted", "rows_rejected")} == {
        "file": "dong-thap-bao-cao-05-8.xlsx", "status": "imported", "kind": "counts",
        "as_of": "2024-08-05", "commune": "DONGTHAP", "agency": None,
        "rows_read": 5, "rows_accepted": 5, "rows_rejected": 0}
    assert isinstance(report["upload_id"], int)
    assert report["errors"] == [] and report["skipped_sheets"] == [] and report["message"]


def test_progress_json_after_import_gives_the_counted_figures(database):
    district(database)
    run(database, "import", str(SAMPLES / "dong-thap-bao-cao-05-8.xlsx"))
    result = run(database, "progress", "--json")
    figures = json.loads(result.stdout)
    assert figures["as_of"] == "2024-08-05"  # the latest report date, not the wall clock
    residents = next(c for c in figures["campaigns"] if c["key"] == "residents")
    assert (residents["deadline"], residents["denominator"], residents["registered"],
            residents["installed"]) == ("2024-08-30", 135746, 3907, 4010)
    cum3 = next(c for c in figures["clusters"] if c["code"] == "DONGTHAP-03")
    assert cum3 == {"code": "DONGTHAP-03", "commune_code": "DONGTHAP", "name": "Cụm 3",
                    "population": 3492, "target_population": cum3["target_population"],
                    "registered": 1089, "installed": 1123, "last_report": "2024-08-05"}
    silent = next(c for c in figures["clusters"] if c["code"] == "THOAN-01")
    assert (silent["registered"], silent["last_report"]) == (0, None)
    agency = next(a for a in figures["agencies"] if a["code"] == "CQ02")
    assert agency == {"code": "CQ02", "name": "Phòng Nội vụ", "commune_code": None, "staff": 18,
                      "registered": 0, "installed": 0, "last_report": None}


def test_refused_file_exits_3_with_a_vietnamese_message(database, tmp_path):
    district(database)
    fake = tmp_path / "bao-cao.xlsx"
    fake.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    result = run(database, "import", str(fake), "--json")
    assert result.returncode == 3
    [report] = json.loads(result.stdout)
    assert report["status"] == "refused" and report["rows_accepted"] == 0
    assert "PDF" in report["message"]
    assert "Traceback" not in result.stderr


def test_usage_error_exits_2(database):
    assert run(database, "import", "x.xlsx", "--kind", "nonsense").returncode == 2
    assert run(database, "import", "x.xlsx", "--as-of", "12/08/2024").returncode == 2


def test_undo_command_removes_the_import(database):
    district(database)
    [report] = json.loads(run(database, "import", str(SAMPLES / "dong-thap-bao-cao-05-8.xlsx"),
                              "--json").stdout)
    result = run(database, "undo", str(report["upload_id"]))
    assert result.returncode == 0 and "hoàn tác" in result.stdout
    figures = json.loads(run(database, "progress", "--as-of", "2024-08-05", "--json").stdout)
    assert next(c for c in figures["campaigns"] if c["key"] == "residents")["registered"] == 0


def test_dry_run_json_is_checked_and_writes_nothing(database):
    district(database)
    [report] = json.loads(run(database, "import", str(SAMPLES / "dong-thap-bao-cao-05-8.xlsx"),
                              "--dry-run", "--json").stdout)
    assert (report["status"], report["upload_id"], report["rows_accepted"]) == ("checked", None, 5)
    [again] = json.loads(run(database, "import", str(SAMPLES / "dong-thap-bao-cao-05-8.xlsx"),
                             "--json").stdout)
    assert again["status"] == "imported"


def test_dry_run_prints_what_must_be_checked_before_importing(database, tmp_path):
    """Issue 12 item 3: an undated file dated today, long after the campaign (the demo's campaign
    is of 2024), and a unit pushed over its target (Cụm 5 of Thọ An: 630)."""
    from tests.workbooks import count_report
    district(database)
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(count_report([["Cụm 5", 663, 663]], unit_header="Cụm dân cư",
                                  title="UBND XÃ THỌ AN"))
    [report] = json.loads(run(database, "import", str(path), "--dry-run", "--json").stdout)
    assert report["status"] == "checked"
    over, undated = report["cautions"]
    assert over.startswith("Cụm 5 (Thọ An): sau khi nhập có 663 người đã tạo tài khoản, vượt "
                           "chỉ tiêu 630")
    assert undated.startswith("Tệp không ghi ngày báo cáo nên được tính là ngày hôm nay")
    text = run(database, "import", str(path), "--dry-run").stdout
    assert "cần kiểm tra trước khi nhập: Cụm 5 (Thọ An): sau khi nhập có 663 người" in text


def test_user_add_reads_the_password_from_stdin(database):
    from db import get_engine
    from services.auth import authenticate
    district(database)
    result = run(database, "user", "add", "xa.thoan", "--role", "commune", "--commune", "Thọ An",
                 stdin="mat-khau-dai\n")
    assert result.returncode == 0, result.stderr
    actor = authenticate("xa.thoan", "mat-khau-dai", engine=get_engine(database))
    assert actor.role == "commune" and actor.commune_id is not None
    assert run(database, "user", "add", "xa.thoan", "--role", "leader",
               stdin="mat-khau-dai\n").returncode == 1


def test_demo_fills_an_empty_database_and_refuses_one_with_real_data(database, tmp_path):
    result = run(database, "demo")
    assert result.returncode == 0, result.stderr
    usernames = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert usernames == ["lanhdao", "quantri", "xa.thoan", "vanthu.cq05"]
    figures = json.loads(run(database, "progress", "--json").stdout)
    assert figures["as_of"] == "2024-08-30"
    assert len(figures["communes"]) == 16 and len(figures["clusters"]) == 129
    assert len(figures["agencies"]) == 80
    [district] = figures["districts"]
    assert (district["code"], district["target_population"], district["staff"]) == \
        ("H-DANPHUONG", 135746, 2739)
    real = run(database, "import", str(SAMPLES / "dong-thap-bao-cao-05-8.xlsx"))
    assert real.returncode == 0
    refused = run(database, "demo")
    assert refused.returncode == 1 and "dữ liệu thật" in refused.stderr


def test_rebuild_recomputes_the_daily_aggregates_from_the_raw_data(database):
    from datetime import date

    from sqlalchemy import text

    from db import get_engine
    from services.analytics import load_unit_histories
    from services.progress import progress
    district(database)
    run(database, "import", str(SAMPLES / "dong-thap-bao-cao-05-8.xlsx"))
    run(database, "import", str(SAMPLES / "tho-an-cum-5-6.xlsx"), "--as-of", "2024-08-18")
    engine = get_engine(database)
    with engine.begin() as connection:  # damage the aggregates
        connection.execute(text("UPDATE unitday SET registered = registered + 7"))
    result = run(database, "rebuild")
    assert result.returncode == 0 and "tính lại" in result.stdout
    recount = progress(date(2024, 8, 18), engine=engine)
    figures = load_unit_histories(date(2024, 8, 18), engine=engine)
    assert sum(c.registered for c in recount.clusters) == 3907 + 73
    assert figures_total(figures) == 3907 + 73


def figures_total(district) -> int:
    residents = district.campaign("residents")
    return district.group_standing(district.units_of("residents"), residents).registered


def test_user_reset_password_reads_the_new_password_from_stdin(database):
    from db import get_engine
    from services.auth import AccountError, authenticate
    district(database)
    run(database, "user", "add", "xa.thoan", "--role", "commune", "--commune", "Thọ An",
        stdin="mat-khau-cu-1\n")
    result = run(database, "user", "reset-password", "xa.thoan", stdin="mat-khau-moi-2\n")
    assert result.returncode == 0, result.stderr
    assert "mat-khau-moi-2" not in result.stdout  # a password the admin typed is not echoed
    engine = get_engine(database)
    assert authenticate("xa.thoan", "mat-khau-moi-2", engine=engine).role == "commune"
    with pytest.raises(AccountError):
        authenticate("xa.thoan", "mat-khau-cu-1", engine=engine)


def test_user_reset_password_random_prints_it_once_and_refuses_bad_input(database):
    from db import get_engine
    from services.auth import AccountError, authenticate
    district(database)
    run(database, "user", "add", "lanhdao", "--role", "leader", stdin="mat-khau-cu-1\n")
    result = run(database, "user", "reset-password", "lanhdao", "--random")
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if "Mật khẩu mới" in line]
    password = line.rsplit(" ", 1)[1]
    engine = get_engine(database)
    assert authenticate("lanhdao", password, engine=engine).role == "leader"
    with pytest.raises(AccountError):
        authenticate("lanhdao", "mat-khau-cu-1", engine=engine)
    unknown = run(database, "user", "reset-password", "khong.co", stdin="mat-khau-moi-2\n")
    assert unknown.returncode == 1 and "Không có tài khoản" in unknown.stderr
    empty = run(database, "user", "reset-password", "lanhdao", stdin="\n")
    assert empty.returncode == 1 and "ít nhất 8 ký tự" in empty.stderr
    assert authenticate("lanhdao", password, engine=engine)  # unchanged by the refusals


def _start_sh_arguments(tmp_path, *arguments, **environment):
    """Run scripts/start.sh in a copy of the project whose .venv/bin/python is a stub that only
    records its arguments: what streamlit would have been started with."""
    import shutil
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    for name in ("requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    stub = tmp_path / ".venv" / "bin" / "python"
    stub.parent.mkdir(parents=True)
    stub.write_text('#!/bin/sh\necho "$*" >> "$(dirname "$0")/calls"\n')
    stub.chmod(0o755)
    stamp = subprocess.run("cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16",
                           shell=True, cwd=tmp_path, capture_output=True, text=True).stdout.strip()
    (tmp_path / ".venv" / f".requirements-{stamp}").touch()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRACKER_ADDRESS")}
    result = subprocess.run(["bash", "scripts/start.sh", *arguments], cwd=tmp_path,
                            env={**env, "DATABASE_URL": "sqlite://", **environment},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / ".venv" / "bin" / "calls").read_text().splitlines()
    return calls[-1], result.stdout


def test_start_sh_serves_on_localhost_unless_told_otherwise(tmp_path):
    streamlit, printed = _start_sh_arguments(tmp_path / "default")
    assert streamlit == "-m streamlit run app.py --server.address 127.0.0.1"
    assert "TRACKER_ADDRESS=0.0.0.0" in printed  # says how to open it to the network
    streamlit, _ = _start_sh_arguments(tmp_path / "env", TRACKER_ADDRESS="0.0.0.0")
    assert streamlit == "-m streamlit run app.py --server.address 0.0.0.0"
    streamlit, _ = _start_sh_arguments(tmp_path / "arg", "--server.address", "10.0.0.5")
    assert streamlit == "-m streamlit run app.py --server.address 10.0.0.5"
