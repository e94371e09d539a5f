"""A whole city on PostgreSQL: import throughput, and figures that do not grow with people.

Builds, in PostgreSQL schemas of their own:
  - the city: 30 districts, 580 communes, 5,000 clusters, 1,000,000 people from resident rosters
    (one CSV per commune) plus count reports every 3 days;
  - one district alone (1/30 of it), built the same way.
Prints, in one run:
  1. import throughput (rows/s) against a bare read (csv module) of the same files (goal: at least
     25% of the bare read's rate), and the per-file overhead: the median import of a one-person
     roster into the built city (goal: at most 50 ms);
  2. the overview's server-side time (services.dashboard.overview) for the city against one of its
     districts (goal: within 2x), and against the one-district tracker;
  3. the agencies' and data-quality pages' services for the city against one of its districts,
     and `python cli.py progress --json` for the city against one district (goals: within 2x);
  4. 10 parallel importers: throughput, and a check that no row was lost or doubled.

    .venv/bin/python bench/city_bench.py [--people 1000000] [--postgres URL] [--reuse-city]
    .venv/bin/python bench/city_bench.py --quick   # CI: a city of 3 districts, 12 communes

--reuse-city measures 2 and 3 on the city an earlier run left in its schema (building the city
takes most of a run), and skips 1 and 4. --quick runs every part on a tiny city in a few seconds
and checks no goal.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_ID_KEY", "cd" * 32)

DISTRICTS, COMMUNES, CLUSTERS = 30, 580, 5000
START = date(2024, 7, 5)
AS_OF = date(2024, 8, 20)


def city_directory(districts: int) -> list:
    """UnitRows for `districts` of the city's 30 (communes and clusters spread evenly)."""
    from importers.report import UnitRow
    rng = random.Random(1)
    rows = []
    for c in range(COMMUNES * districts // DISTRICTS):
        d = c % districts
        clusters = CLUSTERS // COMMUNES + (1 if c < CLUSTERS % COMMUNES else 0)
        for k in range(clusters):
            rows.append(UnitRow("bench", len(rows) + 2, district_code=f"D{d:02d}",
                                district=f"Quận {d:02d}", commune_code=f"X{c:03d}",
                                commune=f"Phường {c:03d}", cluster_code=f"X{c:03d}-{k + 1:02d}",
                                cluster=f"Tổ dân phố {k + 1}",
                                target_population=rng.randint(150, 260),
                                population=rng.randint(250, 400)))
    return rows


def write_rosters(folder: Path, directory: list, people: int, seed: int) -> list[tuple[Path, str]]:
    """One CSV roster per commune; `people` in all, spread over the clusters."""
    rng = random.Random(seed)
    by_commune: dict[str, list[str]] = {}
    for row in directory:
        by_commune.setdefault(row.commune_code, []).append(row.cluster)
    per_cluster = max(1, people // len(directory))
    files = []
    for code, clusters in by_commune.items():
        path = folder / f"{code}-{seed}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Họ và tên", "Số CCCD", "Thôn", "Đã cài đặt", "Đã tạo tài khoản",
                             "Ngày tạo tài khoản"])
            for cluster in clusters:
                for n in range(per_cluster):
                    registered = rng.random() < 0.7
                    day = START + timedelta(days=rng.randint(0, 40))
                    writer.writerow([f"Người {n}", f"0{seed:02d}{rng.randint(0, 10**9):09d}",
                                     cluster, "x" if registered else "", "x" if registered else "",
                                     day.strftime("%d/%m/%Y") if registered else ""])
        files.append((path, code))
    return files


def bare_read(files) -> float:
    started = time.perf_counter()
    for path, _ in files:
        with open(path, encoding="utf-8") as handle:
            for _row in csv.reader(handle):
                pass
    return time.perf_counter() - started


def fresh_schema(server: str, schema: str):
    from sqlalchemy import text

    from db import get_engine, migrate
    url = f"{server}?options=-csearch_path%3D{schema}"
    engine = get_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    migrate(engine)
    return url, engine


def build(server: str, schema: str, districts: int, people: int, folder: Path):
    from db import session_scope
    from services.imports import import_file, plan_import, write_plan
    from services.units import apply_unit_rows, load_directory
    from importers.report import CountRow, ImportReport, ParsedFile
    url, engine = fresh_schema(server, schema)
    directory = city_directory(districts)
    with session_scope(engine) as session:
        apply_unit_rows(session, directory, None)
    files = write_rosters(folder, directory, people, seed=districts)
    read_seconds = bare_read(files)
    started = time.perf_counter()
    rows = 0
    for path, code in files:
        outcome = import_file(path.read_bytes(), path.name, commune=code, as_of=AS_OF, engine=engine)
        assert outcome.status == "imported", outcome.message
        rows += outcome.rows_accepted
    import_seconds = time.perf_counter() - started
    # the statistics autovacuum would have taken by now (it is off on some machines): without
    # them the plans psycopg's prepared statements cached while the tables were empty stay, and
    # the count reports' catch-up ran 0.55 s a file instead of 0.045 s
    _vacuum_analyze(engine)
    # count reports every 3 days for the clusters of every 4th commune, each upload in its own
    # transaction as an import is
    with session_scope(engine) as session:
        units = load_directory(session)
    for commune in list(units.communes.values())[::4]:
        clusters = units.clusters_of(commune.id)
        for day in range(0, (AS_OF - START).days, 3):
            report_date = START + timedelta(days=day)
            count_rows = [CountRow("bench", i + 2, cluster=c.name, registered=day * 3,
                                   installed=day * 3) for i, c in enumerate(clusters)]
            parsed = ParsedFile("counts", count_rows, ImportReport("bench", kind="counts"))
            plan = plan_import(parsed, units, commune_id=commune.id, as_of=report_date)
            with session_scope(engine, writer=True) as session:
                write_plan(session, plan, f"{commune.code}-{day}.xlsx",
                           hashlib.sha256(f"{commune.code}-{day}".encode()).hexdigest(), "bench")
    _vacuum_analyze(engine)
    return url, engine, rows, read_seconds, import_seconds


def _vacuum_analyze(engine) -> None:
    """What autovacuum does in production (it is off on some machines): dead rows of the daily
    tables' rewrites cleared, plans from the real tables' statistics (a cached plan is planned
    again once its tables are analyzed)."""
    from sqlalchemy import text
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def per_file_seconds(engine, files: int = 15) -> float:
    """The median import of a one-person roster into the built city, each into another commune:
    what a file costs whatever its rows."""
    from services.imports import import_file
    from services.units import load_directory
    from db import session_scope
    with session_scope(engine) as session:
        communes = sorted(c.code for c in load_directory(session, AS_OF).communes.values())
    times = []
    for n in range(files):
        data = ("Họ và tên,Số CCCD,Thôn,Đã cài đặt,Đã tạo tài khoản,Ngày tạo tài khoản\n"
                f"Người {n},09{n:010d},Tổ dân phố 1,x,x,01/08/2024\n").encode()
        started = time.perf_counter()
        outcome = import_file(data, f"one-{n}.csv", commune=communes[n * 7 % len(communes)],
                              as_of=AS_OF, engine=engine)
        times.append(time.perf_counter() - started)
        assert outcome.status == "imported", outcome.message
    return sorted(times)[len(times) // 2]


def overview_seconds(engine, district: str | None = None, repeats: int = 3) -> float:
    from services.dashboard import overview
    return view_seconds(overview, engine, district, repeats)


def view_seconds(view, engine, district: str | None = None, repeats: int = 3) -> float:
    """The best of `repeats` calls of a page's service for the city (None) or one district."""
    view(AS_OF, district=district, engine=engine)  # the aggregates catch up once
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        view(AS_OF, district=district, engine=engine)
        best = min(best, time.perf_counter() - started)
    return best


def cli_progress_seconds(url: str, repeats: int = 2) -> float:
    env = {**os.environ, "DATABASE_URL": url}
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "cli.py", "progress", "--as-of", AS_OF.isoformat(), "--json"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


def parallel_imports(url: str, engine, folder: Path, people: int, workers: int = 10) -> None:
    from sqlalchemy import func, select

    from db import session_scope
    from models import RosterEntry
    directory = city_directory(DISTRICTS)
    files = write_rosters(folder, directory[: len(directory) // 5], people, seed=77)
    with session_scope(engine) as session:
        before = session.execute(select(func.count()).select_from(RosterEntry)).scalar_one()
    expected = sum(sum(1 for _ in open(path, encoding="utf-8")) - 1 for path, _ in files)
    env = {**os.environ, "DATABASE_URL": url}
    chunks = [files[i::workers] for i in range(workers)]

    def run(chunk):  # one importer: its files one after another, each as `cli.py import`
        return max(subprocess.run([sys.executable, "cli.py", "import", str(path), "--commune", code,
                                   "--as-of", "2024-08-25"], cwd=ROOT, env=env,
                                  capture_output=True, text=True).returncode
                   for path, code in chunk)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        codes = list(pool.map(run, chunks))
    seconds = time.perf_counter() - started
    with session_scope(engine) as session:
        after = session.execute(select(func.count()).select_from(RosterEntry)).scalar_one()
    print(f"{workers} parallel importers: {expected:,} rows in {seconds:.1f} s = {expected / seconds:,.0f} rows/s;"
          f" exit codes {sorted(set(codes))}; rows written {after - before:,} "
          f"({'none lost, none doubled' if after - before == expected else 'MISMATCH'})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--reuse-city", action="store_true")
    parser.add_argument("--schema", default="bench",
                        help="prefix of the PostgreSQL schemas (two runs at once need two)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny city in a few seconds, so that CI sees the bench run")
    args = parser.parse_args()
    global DISTRICTS, COMMUNES, CLUSTERS
    workers, parallel_people, schema = 10, 100_000, args.schema
    if args.quick:
        schema = "bench_quick"
        DISTRICTS, COMMUNES, CLUSTERS = 3, 12, 48
        args.people, args.reuse_city, workers, parallel_people = 1_200, False, 2, 200
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("building one district …", flush=True)
        d_url, d_engine, d_rows, d_read, d_import = build(
            args.postgres, f"{schema}_district", 1, args.people // DISTRICTS, folder)
        print(f"import, one district: {d_rows:,} rows = {d_rows / d_import:,.0f} rows/s")
        if args.reuse_city:
            from db import get_engine
            c_url = f"{args.postgres}?options=-csearch_path%3D{schema}_city"
            c_engine = get_engine(c_url)
        else:
            print("building the city …", flush=True)
            c_url, c_engine, c_rows, c_read, c_import = build(
                args.postgres, f"{schema}_city", DISTRICTS, args.people, folder)
            files = COMMUNES
            print(f"import, city: {c_rows:,} rows from {files} files in {c_import:.1f} s = "
                  f"{c_rows / c_import:,.0f} rows/s; bare csv read {c_read:.2f} s = "
                  f"{c_rows / c_read:,.0f} rows/s; import at {100 * c_read / c_import:.1f}% of "
                  f"the bare read's rate (goal 25%)")
            overhead = per_file_seconds(c_engine)
            print(f"per-file overhead (one-person roster into the city): {overhead * 1000:.0f} ms "
                  f"(goal 50 ms); {files} files x {overhead * 1000:.0f} ms = "
                  f"{100 * files * overhead / c_import:.0f}% of the city import")
        city, district = overview_seconds(c_engine), overview_seconds(c_engine, "D00")
        alone = overview_seconds(d_engine)
        print(f"overview server-side: city {city:.3f} s, one of its districts {district:.3f} s, "
              f"ratio {city / district:.2f}x (goal 2x); a one-district tracker {alone:.3f} s, "
              f"ratio {city / alone:.2f}x")
        from services.dashboard import agencies_view
        from services.quality import data_quality
        for label, view in (("agencies", agencies_view), ("data quality", data_quality)):
            city, district = view_seconds(view, c_engine), view_seconds(view, c_engine, "D00")
            print(f"{label} server-side: city {city:.3f} s, one of its districts {district:.3f} s, "
                  f"ratio {city / district:.2f}x (goal 2x)")
        repeats = 1 if args.quick else 2
        city, district = cli_progress_seconds(c_url, repeats), cli_progress_seconds(d_url, repeats)
        print(f"cli.py progress --json: city {city:.2f} s, one district {district:.2f} s, "
              f"ratio {city / district:.2f}x (goal 2x)")
        if not args.reuse_city:
            parallel_imports(c_url, c_engine, folder, parallel_people, workers)

if __name__ == "__main__":
    main()
