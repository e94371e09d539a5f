"""The upload preview of one commune's roster: on a one-district database against a city's (SQLite).

Builds two SQLite databases (bulk inserts, then one aggregate rebuild, as `cli.py rebuild`):
  - one district (1/10 of the city: its communes, clusters and people);
  - a city of 10 districts, 300,000 people (bench/city_bench.py's directory), count reports every
    3 days for every 4th commune.
In each, one commune's 3,000-row roster is imported; then the preview of its next roster (the same
people, some registered since, some moved to another cluster) is timed, in one run:
  - services.preview.unit_changes (the preview as a read);
  - services.imports.preview_changes (the old one: two recounts around a rolled-back write), while
    it still exists.
Goal: unit_changes on the city within 1.2x one district, and <= 0.5 s for 3,000 rows.

    .venv/bin/python bench/preview_bench.py [--people 300000] [--rows 3000]
    .venv/bin/python bench/preview_bench.py --quick      # a few seconds (CI): small sizes
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_ID_KEY", "cd" * 32)

from bench.city_bench import AS_OF, START, city_directory  # noqa: E402

CITY_DISTRICTS = 10
COMMUNE = "X000"  # the commune whose roster is previewed (in district D00)


def build(path: Path, districts: int, people: int, rows: int, seed: int):
    """A database of `districts` districts and `people` people in all; returns its engine and the
    two rosters of the previewed commune (imported, and to preview)."""
    from db import get_engine, migrate, session_scope
    from services import aggregates
    from services.imports import import_file
    from services.units import apply_unit_rows, load_directory
    engine = get_engine(f"sqlite:///{path}")
    migrate(engine)
    directory = city_directory(districts)
    with session_scope(engine) as session:
        apply_unit_rows(session, directory, None)
        units = load_directory(session)
    rng = random.Random(seed)
    commune_ids = {c.code: c.id for c in units.communes.values()}
    others = [c for c in units.clusters.values() if c.commune_id != commune_ids[COMMUNE]]
    _bulk_people(engine, others, people - rows, rng)
    _bulk_counts(engine, units, rng)
    aggregates.rebuild_all(engine)
    mine = [c.name for c in units.clusters_of(commune_ids[COMMUNE])]
    first, second = _rosters(mine, rows, random.Random(seed))  # the same in every database
    outcome = import_file(first, "ds-1.csv", commune=COMMUNE, as_of=AS_OF - timedelta(days=3),
                          engine=engine)
    assert outcome.status == "imported", outcome.message
    return engine, second


def _bulk_people(engine, clusters: list, people: int, rng: random.Random) -> None:
    """Roster entries straight into the table, one upload per commune, as its import would be."""
    by_commune: dict[int, list] = {}
    for cluster in clusters:
        by_commune.setdefault(cluster.commune_id, []).append(cluster.id)
    per_commune = people // max(1, len(by_commune))
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        for commune_id, cluster_ids in by_commune.items():
            upload = _upload(raw, "residents", commune_id)
            values = []
            for n in range(per_commune):
                registered = rng.random() < 0.7
                day = START + timedelta(days=rng.randint(0, 40))
                values.append((upload, "residents", f"{commune_id:05d}{n:027d}",
                               rng.choice(cluster_ids), None, AS_OF - timedelta(days=3),
                               registered, registered, day if registered else None, f"Người {n}"))
            raw.executemany(
                "INSERT INTO rosterentry (upload_id, campaign, person_key, cluster_id, agency_id, "
                "report_date, installed, registered, registered_on, full_name) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)


def _bulk_counts(engine, units, rng: random.Random) -> None:
    """Count reports every 3 days for the clusters of every 4th commune (one upload each)."""
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        for commune in list(units.communes.values())[::4]:
            if commune.code == COMMUNE:
                continue
            clusters = units.clusters_of(commune.id)
            for day in range(0, (AS_OF - START).days, 3):
                upload = _upload(raw, "counts", commune.id)
                raw.executemany(
                    "INSERT INTO countreport (upload_id, cluster_id, agency_id, report_date, "
                    "installed, registered) VALUES (?, ?, NULL, ?, ?, ?)",
                    [(upload, c.id, START + timedelta(days=day), day * 3, day * 3)
                     for c in clusters])


def _upload(raw, kind: str, commune_id: int) -> int:
    cursor = raw.execute(
        "INSERT INTO upload (created_at, file_name, sha256, kind, as_of, commune_id, rows_read, "
        "rows_accepted, rows_rejected) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)",
        (datetime(2024, 7, 1, tzinfo=timezone.utc).isoformat(), "bench.csv",
         os.urandom(32).hex(), kind, AS_OF.isoformat(), commune_id))
    return cursor.lastrowid


def _rosters(clusters: list[str], rows: int, rng: random.Random) -> tuple[bytes, bytes]:
    """The commune's roster, and the next one: 30% registered since, 10% moved to another
    cluster of the commune."""
    people = [[f"Người {n}", f"001{rng.randint(0, 3)}{n:08d}", rng.choice(clusters),
               rng.random() < 0.5] for n in range(rows)]
    first = _roster_bytes(people, AS_OF - timedelta(days=4))
    for person in people:
        if rng.random() < 0.3:
            person[3] = True
        if rng.random() < 0.1:
            person[2] = rng.choice(clusters)
    return first, _roster_bytes(people, AS_OF)


def _roster_bytes(people: list[list], registered_on: date) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Họ và tên", "Số CCCD", "Thôn", "Đã cài đặt", "Đã tạo tài khoản",
                     "Ngày tạo tài khoản"])
    for name, citizen_id, cluster, registered in people:
        writer.writerow([name, citizen_id, cluster, "x" if registered else "",
                         "x" if registered else "",
                         f"{registered_on:%d/%m/%Y}" if registered else ""])
    return buffer.getvalue().encode()


def plan_of(engine, data: bytes):
    from db import session_scope
    from importers.parse import parse_file
    from services.imports import plan_import
    from services.units import load_directory
    parsed = parse_file(data, "ds-2.csv")
    with session_scope(engine) as session:
        directory = load_directory(session, AS_OF)
    return plan_import(parsed, directory, commune_id=directory.commune_id(COMMUNE), as_of=AS_OF,
                       today=AS_OF), directory


def measure(databases: dict[str, tuple], repeats: int) -> dict[str, dict[str, float]]:
    """The best time of each preview on each database (label -> (engine, roster)), the databases
    taken in turn on each repeat so that the machine's load falls on all of them alike."""
    from services import imports
    from services.preview import unit_changes
    old = getattr(imports, "preview_changes", None)
    if old is not None and old.__module__ != "services.imports":
        old = None  # the lead's wiring: preview_changes is unit_changes now
    plans = {label: plan_of(engine, data) for label, (engine, data) in databases.items()}
    runs = {"new": lambda engine, plan, directory: unit_changes(plan, directory, engine=engine)}
    if old is not None:
        runs["old"] = lambda engine, plan, directory: old(plan, directory, engine)
    best = {label: {name: float("inf") for name in runs} for label in databases}
    changes = {}
    for name, run in runs.items():
        for _ in range(repeats if name == "new" else max(1, repeats // 5)):
            for label, (engine, _data) in databases.items():
                started = time.perf_counter()
                changes[label, name] = run(engine, *plans[label])
                best[label][name] = min(best[label][name], time.perf_counter() - started)
    for label in databases:
        line = (f"{label}: unit_changes {best[label]['new']:.3f} s "
                f"({len(changes[label, 'new'])} units)")
        if old is not None:
            same = _same(changes[label, "new"], changes[label, "old"])
            line += (f"; old preview_changes {best[label]['old']:.3f} s "
                     f"({'same figures' if same else 'DIFFER'})")
        print(line, flush=True)
    return best


def _same(new, old) -> bool:
    def plain(change):
        return (change.unit_type, change.code, change.name, change.commune,
                change.before and vars(change.before), change.after and vars(change.after))
    return [plain(c) for c in new] == [plain(c) for c in old]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300_000, help="people in the city")
    parser.add_argument("--rows", type=int, default=3_000, help="rows of the previewed roster")
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds (CI)")
    args = parser.parse_args()
    people, rows, districts, repeats = args.people, args.rows, CITY_DISTRICTS, 15
    if args.quick:
        people, rows, districts, repeats = 6_000, 300, 2, 5
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        one, one_roster = build(Path(tmp) / "district.db", 1, people // districts, rows, seed=1)
        city, city_roster = build(Path(tmp) / "city.db", districts, people, rows, seed=1)
        print(f"built one district ({people // districts:,} people) and a city of {districts} "
              f"districts ({people:,} people) in {time.perf_counter() - started:.1f} s; "
              f"previewing a {rows:,}-row roster of commune {COMMUNE}", flush=True)
        best = measure({"one district": (one, one_roster), "city": (city, city_roster)}, repeats)
        district, whole = best["one district"], best["city"]
    print(f"unit_changes: city / one district {whole['new'] / district['new']:.2f}x (goal 1.2x), "
          f"city {whole['new']:.3f} s for {rows:,} rows (goal 0.5 s)")
    if "old" in whole:
        print(f"old preview_changes: city / one district {whole['old'] / district['old']:.2f}x; "
              f"on the city, old / new {whole['old'] / whole['new']:.1f}x")


if __name__ == "__main__":
    main()
