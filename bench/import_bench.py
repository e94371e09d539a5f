"""Import speed: a 200,000-row resident roster, in one run; and the isolated reader's costs.

Times (each in its own process, so memory is measured alone):
  1. a bare python-calamine read of the file (the floor),
  2. a fastexcel -> Arrow read of the same sheet,
  3. `importers.read.read_sheets` in process (the reader, not isolated),
  4. `importers.parse.parse_in_process` (read and parse, not isolated),
  5. `importers.parse.parse_file` (read and parse in the capped child, the result handed back),
  6. `python cli.py import --dry-run` (read, check, match; no writes),
  7. `python cli.py import` into a fresh SQLite database (everything, written).
Prints seconds, the ratios to the bare read, and each process's peak memory (max RSS; for the
isolated parse, the child's too). Goals: dry run within 1.5x, real import within 1.8x, memory
under 1 GiB. Then the per-file cost of the isolation (a small file, isolated vs in process) and,
for each hostile file of tests/importers/hostile.py, the seconds to its answer.

    .venv/bin/python bench/import_bench.py [--rows 200000] [--no-hostile]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
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

FASTEXCEL_READ = """
import sys
import fastexcel
reader = fastexcel.read_excel(sys.argv[1])
rows = sum(reader.load_sheet(name).to_arrow().num_rows for name in reader.sheet_names)
"""

OURS = """
import sys
sys.path.insert(0, {root!r})
if __name__ == "__main__":  # the reader's child imports this module again
    data = open(sys.argv[1], "rb").read()
    if sys.argv[2] == "read":
        from importers.read import read_sheets
        read_sheets(data, "roster.xlsx")
    elif sys.argv[2] == "parse":
        from importers.parse import parse_in_process
        parse_in_process(data, "roster.xlsx")
    else:
        from bench.import_bench import parse_with_peak
        from importers.isolated import run_isolated
        parsed, child_kib = run_isolated(parse_with_peak, data, data=data, filename="roster.xlsx")
        print("child-peak", child_kib, file=sys.stderr)
"""


def parse_with_peak(data: bytes, progress=None):
    """Run in the reader's child: the parse, and the child's own peak memory (KiB)."""
    import resource

    from importers.parse import parse_in_process
    parsed = parse_in_process(data, "roster.xlsx", progress=progress)
    return parsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


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
               "print('timed', time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
               " code, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", wrapper, *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    lines = result.stderr.strip().splitlines()
    _, seconds, peak_kib, code = [line for line in lines if line.startswith("timed ")][-1].split()
    if int(code) not in (0,):
        raise SystemExit(f"{args} failed ({code}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    child = [int(line.split()[1]) for line in lines if line.startswith("child-peak ")]
    return float(seconds), max([int(peak_kib)] + child) / 1024


def isolation_overhead(repeat: int = 30) -> tuple[float, float]:
    """Median ms of one small sample read isolated, and in process."""
    from importers.parse import parse_file, parse_in_process
    data = (ROOT / "tests" / "samples" / "tho-an-cum-5-6.xlsx").read_bytes()
    parse_file(data, "a.xlsx")  # the fork server starts once per server process
    times = {}
    for name, fn in (("isolated", parse_file), ("in process", parse_in_process)):
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn(data, "a.xlsx")
            runs.append((time.perf_counter() - start) * 1000)
        times[name] = statistics.median(runs)
    return times["isolated"], times["in process"]


def hostile_timings() -> None:
    import logging

    from importers.parse import parse_file
    from importers.report import FileRefused
    from tests.importers.hostile import SHAPES
    logging.getLogger("importers.isolated").setLevel(logging.ERROR)  # each refusal is logged
    print("hostile files (isolated parse_file): seconds to the answer")
    for name, (build, filename) in SHAPES.items():
        data = build()
        start = time.perf_counter()
        try:
            answer = f"{len(parse_file(data, filename).rows)} rows"
        except FileRefused as exc:
            answer = exc.code
        print(f"  {name:26} {len(data) / 1024:7.1f} KB  {time.perf_counter() - start:6.2f} s  {answer}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--no-hostile", action="store_true")
    args = parser.parse_args()
    rows = args.rows
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
        fast_script = Path(tmp) / "fastexcel_read.py"
        fast_script.write_text(FASTEXCEL_READ)
        fast, fast_mem = timed([str(fast_script), str(roster)], env)
        ours_script = Path(tmp) / "ours.py"
        ours_script.write_text(OURS.format(root=str(ROOT)))
        ours = {step: timed([str(ours_script), str(roster), step], env) for step in ("read", "parse", "isolated")}
        dry, dry_mem = timed(["cli.py", "import", str(roster), "--dry-run", "--commune", "THOAN"], env)
        real, real_mem = timed(["cli.py", "import", str(roster), "--commune", "THOAN"], env)
    print(f"rows: {rows:,}")
    print(f"bare calamine read   : {bare:6.2f} s   peak {bare_mem:6.0f} MiB   1.00x")
    print(f"fastexcel -> Arrow   : {fast:6.2f} s   peak {fast_mem:6.0f} MiB   {fast / bare:.2f}x")
    for step, label in (("read", "read_sheets         "), ("parse", "parse_in_process    "),
                        ("isolated", "parse_file, isolated")):
        seconds, mem = ours[step]
        print(f"{label} : {seconds:6.2f} s   peak {mem:6.0f} MiB   {seconds / bare:.2f}x")
    print(f"import --dry-run     : {dry:6.2f} s   peak {dry_mem:6.0f} MiB   {dry / bare:.2f}x (goal 1.5x)")
    print(f"import into SQLite   : {real:6.2f} s   peak {real_mem:6.0f} MiB   {real / bare:.2f}x (goal 1.8x)")
    isolated_ms, in_process_ms = isolation_overhead()
    print(f"isolation, one small file: {isolated_ms:.1f} ms isolated, {in_process_ms:.1f} ms in process: "
          f"{isolated_ms - in_process_ms:.1f} ms a file")
    if not args.no_hostile:
        hostile_timings()


if __name__ == "__main__":
    main()
