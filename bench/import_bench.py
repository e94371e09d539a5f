"""Import speed: a 200,000-row resident roster, in one run.

Times (each in its own process, so memory is measured alone):
  1. a bare python-calamine read of the file (the floor),
  2. `python cli.py import --dry-run` (read, check, match; no writes),
  3. `python cli.py import` into a fresh SQLite database (everything, written).
Prints seconds, the ratios to the bare read, and each process's peak memory (max RSS).
Goals: dry run within 1.5x, real import within 1.8x, memory under 1 GiB.

    .venv/bin/python bench/import_bench.py [--rows 200000]
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "SĐT", "Thôn/Cụm dân cư", "Đã cài đặt iHaNoi",
          "Đã tạo tài khoản", "Ngày tạo tài khoản"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Cường", "Phạm Thu Hà", "Hoàng Đức Nam",
         "Vũ Thanh Mai", "Đặng Quang Hùng", "Bùi Ngọc Lan"]


def write_roster(path: Path, rows: int) -> None:
    from openpyxl import Workbook
    rng = random.Random(7)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["UBND XÃ THỌ AN"])
    sheet.append(["DANH SÁCH NGƯỜI DÂN CÀI ĐẶT ỨNG DỤNG iHANOI (Tính đến ngày 18/8/2024)"])
    sheet.append([])
    sheet.append(HEADER)
    for i in range(rows):
        born = date(1945, 1, 1) + timedelta(days=rng.randint(0, 23000))
        registered = rng.random() < 0.7
        day = date(2024, 7, 5) + timedelta(days=rng.randint(0, 43))
        sheet.append([i + 1, rng.choice(NAMES), born if i % 2 else born.strftime("%d/%m/%Y"),
                      f"{rng.choice(['001', '034', '036'])}{rng.randint(0, 10**9 - 1):09d}",
                      f"09{rng.randint(0, 10**8 - 1):08d}", f"Cụm {rng.randint(1, 12)}",
                      "x" if registered or rng.random() < 0.1 else "",
                      "có" if registered else "chưa",
                      (day if i % 3 else day.strftime("%d/%m/%Y")) if registered else None])
    book.save(path)


BARE_READ = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
rows = sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)
"""

LOAD_DIRECTORY = """
from db import get_engine, migrate, session_scope
from services.demo import reference_unit_rows
from services.units import apply_unit_rows
engine = get_engine()
migrate(engine)
with session_scope(engine) as session:
    apply_unit_rows(session, reference_unit_rows(), None)
"""


def timed(args: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one child process."""
    wrapper = ("import resource, runpy, sys, time; t = time.perf_counter(); sys.argv = sys.argv[1:];"
               "code = 0\n"
               "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
               "except SystemExit as e:\n    code = e.code or 0\n"
               "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
               " code, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", wrapper, *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    seconds, peak_kib, code = result.stderr.strip().splitlines()[-1].split()
    if int(code) not in (0,):
        raise SystemExit(f"{args} failed ({code}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return float(seconds), int(peak_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    rows = parser.parse_args().rows
    OUT.mkdir(parents=True, exist_ok=True)
    roster = OUT / f"roster-{rows}.xlsx"
    if not roster.exists():
        print(f"writing {roster.name} …", flush=True)
        write_roster(roster, rows)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
               "TRACKER_ID_KEY": "ab" * 32}
        subprocess.run([sys.executable, "-c", LOAD_DIRECTORY], cwd=ROOT, env=env, check=True)
        read_script = Path(tmp) / "bare_read.py"
        read_script.write_text(BARE_READ)
        bare, bare_mem = timed([str(read_script), str(roster)], env)
        dry, dry_mem = timed(["cli.py", "import", str(roster), "--dry-run", "--commune", "THOAN"], env)
        real, real_mem = timed(["cli.py", "import", str(roster), "--commune", "THOAN"], env)
    print(f"rows: {rows:,}")
    print(f"bare calamine read : {bare:6.2f} s   peak {bare_mem:6.0f} MiB   1.00x")
    print(f"import --dry-run   : {dry:6.2f} s   peak {dry_mem:6.0f} MiB   {dry / bare:.2f}x (goal 1.5x)")
    print(f"import into SQLite : {real:6.2f} s   peak {real_mem:6.0f} MiB   {real / bare:.2f}x (goal 1.8x)")


if __name__ == "__main__":
    main()
