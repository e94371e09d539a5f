"""The overview's server-side work on a district of 10,000 people and on one of 1,000,000.

    .venv/bin/python bench/dashboard_bench.py [--small 10000] [--large 1000000] [--repeat 5]
    .venv/bin/python bench/dashboard_bench.py --quick   # CI: 500 and 5,000 people, no goal checked

Each database (SQLite, in a temporary folder) holds the demo district's directory, resident rosters
listing the people (a tenth of them listed twice, the later roster deciding) and the agencies'
count reports. Timed for one as-of date, uncached, as a page view after an import does it: the data
version, the as-of bounds, every figure of the overview and its three charts. The goal: the large
one within 1.5 times the small one, because no view reads people rows (services/aggregates.py).
The one-off build of the aggregates, which imports do, is printed apart.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from components import charts  # noqa: E402
from db import get_engine, migrate, session_scope  # noqa: E402
from models import Agency, Cluster, CountReport, RosterEntry, Upload  # noqa: E402
from services import aggregates  # noqa: E402
from services.analytics import date_bounds  # noqa: E402
from services.dashboard import overview  # noqa: E402
from services.demo import reference_unit_rows  # noqa: E402
from services.units import apply_unit_rows  # noqa: E402

START, DEADLINE = date(2024, 7, 5), date(2024, 8, 30)
AS_OF = date(2024, 8, 12)
ROSTER_DAYS = [START + timedelta(days=n) for n in range(6, 57, 7)]  # weekly rosters
BATCH = 50_000


def build(url: str, people: int, seed: int = 7) -> None:
    """The directory, `people` residents on weekly rosters, and the agencies' count reports."""
    engine = get_engine(url)
    migrate(engine)
    rng = random.Random(seed)
    with session_scope(engine) as session:
        apply_unit_rows(session, reference_unit_rows(), None)
        clusters = list(session.execute(select(Cluster.id)).scalars())
        agencies = list(session.execute(select(Agency.id, Agency.staff)))
        uploads = {}
        for day in ROSTER_DAYS:
            upload = Upload(created_at=datetime.combine(day, datetime.min.time(), timezone.utc),
                            file_name=f"roster-{day}.xlsx", sha256=f"r{day}", kind="residents",
                            as_of=day)
            session.add(upload)
            session.flush()
            uploads[day] = upload.id
        rows = []
        for n in range(people):
            since = START + timedelta(days=rng.randint(0, 55))
            listed = [d for d in ROSTER_DAYS if d >= since][:2 if n % 10 == 0 else 1] or \
                ROSTER_DAYS[-1:]
            registered = rng.random() < 0.85
            for day in listed:
                rows.append({"upload_id": uploads[day], "campaign": "residents",
                             "person_key": f"p{n:08d}", "cluster_id": clusters[n % len(clusters)],
                             "report_date": day, "installed": registered,
                             "registered": registered,
                             "registered_on": since if registered else None,
                             "full_name": f"Người {n}"})
            if len(rows) >= BATCH:
                session.execute(insert(RosterEntry.__table__), rows)
                rows = []
        if rows:
            session.execute(insert(RosterEntry.__table__), rows)
        for day in (START + timedelta(days=n) for n in range(1, 57, 3)):
            upload = Upload(created_at=datetime.combine(day, datetime.min.time(), timezone.utc),
                            file_name=f"agencies-{day}.xlsx", sha256=f"a{day}", kind="counts",
                            as_of=day)
            session.add(upload)
            session.flush()
            share = min(1.0, (day - START).days / 20)
            session.execute(insert(CountReport.__table__), [
                {"upload_id": upload.id, "agency_id": agency_id, "report_date": day,
                 "registered": round(staff * share), "installed": round(staff * share)}
                for agency_id, staff in agencies])


def one_view(engine) -> None:
    """What the overview does on the server for one view, uncached."""
    with session_scope(engine) as session:
        aggregates.data_version(session)
    date_bounds(engine)
    figures = overview(AS_OF, engine=engine)
    for campaign in figures.campaigns:
        charts.campaign_curve(campaign).to_dict()
    charts.ranking(figures.areas).to_dict()


def measure(people: int, repeat: int, folder: Path) -> tuple[float, float]:
    url = f"sqlite:///{folder / f'bench-{people}.db'}"
    started = time.perf_counter()
    build(url, people)
    built = time.perf_counter() - started
    engine = get_engine(url)
    started = time.perf_counter()
    aggregates.rebuild_all(engine)
    aggregated = time.perf_counter() - started
    one_view(engine)  # warm-up: imports, plotly's first figure
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        one_view(engine)
        times.append(time.perf_counter() - started)
    view = statistics.median(times)
    with session_scope(engine) as session:
        roster_rows = session.execute(select(RosterEntry.id).order_by(
            RosterEntry.id.desc()).limit(1)).scalar()
        unit_days = session.execute(select(func.count(aggregates.UnitDay.id))).scalar()
    print(f"{people:>9,} people ({roster_rows:,} roster rows, {unit_days:,} unit-day rows): "
          f"data {built:6.1f} s, aggregates built once {aggregated:6.2f} s, "
          f"overview view {view * 1000:7.1f} ms (median of {repeat})", flush=True)
    return view, aggregated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="a few seconds, so that CI sees the bench run (no goal checked)")
    args = parser.parse_args(argv)
    if args.quick:
        args.small, args.large, args.repeat = 500, 5_000, 2
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as folder:
        small, _ = measure(args.small, args.repeat, Path(folder))
        large, _ = measure(args.large, args.repeat, Path(folder))
    ratio = large / small
    print(f"ratio large/small: {ratio:.2f} (goal: at most 1.5) -> "
          + ("not checked (--quick)" if args.quick else "OK" if ratio <= 1.5 else "TOO SLOW"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
