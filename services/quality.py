"""Data quality, after DHIS2: who does not report, how complete and timely reporting is, and which
figures cannot be trusted (above the target, going down, no target), and imports with rejected rows.

Each unit is expected to report at least once every N days (N is the page's setting, 3 by default).
A report is on time when its first import came in by the end of the day after its period.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Engine

from db import session_scope
from models import District as DistrictRow, Upload, open_on
from services.aggregates import ensure_current, read_levels_on, read_unit_reports
from services.analytics import (UnitHistories, UnitInfo, district_choices, latest_report_date,
                                load_unit_histories, open_units_by_district, read_campaigns)
from services.figures_rule import ReportedFigure, reported_since
from text import fold, local_time, vietnam_today

DEFAULT_STALE_DAYS = 3
TIMELY_GRACE_DAYS = 1

# ---------------------------------------------------------------- figures (pure)


def days_without_report(last_report: date | None, as_of: date) -> int | None:
    """Days since the unit's last report (0: it reported on the as-of date); None: never."""
    return None if last_report is None else (as_of - last_report).days


def is_silent(last_report: date | None, as_of: date, stale_days: int) -> bool:
    """Never reported, or `stale_days` days or more since the last report."""
    return last_report is None or last_report < reported_since(as_of, stale_days)


def reporting_periods(start: date, as_of: date, length: int) -> list[tuple[date, date]]:
    """Periods of `length` days ending on `as_of`, back to `start` (the first one cut there),
    oldest first. None before the start."""
    periods = []
    end = as_of
    while end >= start:
        begin = max(start, end - timedelta(days=length - 1))
        periods.append((begin, end))
        end = begin - timedelta(days=1)
    return periods[::-1]


def reporting_rates(reports_by_unit: Sequence[Sequence[ReportedFigure]],
                    periods: Sequence[tuple[date, date]],
                    grace_days: int = TIMELY_GRACE_DAYS) -> tuple[int, int, int]:
    """(expected, received, on time) reports: one expected per unit and period; received when the
    unit has a report dated in the period; on time when one of them was imported by the end of the
    day `grace_days` after the period (Vietnam's time). Periods are consecutive, oldest first."""
    begins = [begin for begin, _ in periods]
    received = on_time = 0
    for reports in reports_by_unit:
        seen, timely = set(), set()
        for report in reports:
            n = bisect_right(begins, report.day) - 1
            if n < 0 or report.day > periods[n][1]:
                continue
            seen.add(n)
            if report.reported_at is not None and local_time(report.reported_at).date() <= (
                    periods[n][1] + timedelta(days=grace_days)):
                timely.add(n)
        received, on_time = received + len(seen), on_time + len(timely)
    return len(reports_by_unit) * len(periods), received, on_time


def decreases(reports: Sequence[ReportedFigure]) -> list[tuple[ReportedFigure, ReportedFigure]]:
    """Pairs of consecutive reports where the registered figure went down (`fell`, by the rule
    of services/figures_rule.py)."""
    return [(before, after) for before, after in zip(reports, reports[1:]) if after.fell]


# ---------------------------------------------------------------- the page's figures


@dataclass(frozen=True)
class UnitRef:
    kind: str  # cluster | agency
    code: str
    name: str
    commune: str | None


@dataclass(frozen=True)
class SilentUnit:
    unit: UnitRef
    last_report: date | None
    days: int | None  # None: never reported


@dataclass(frozen=True)
class ReportingRate:
    commune_code: str
    commune: str
    units: int
    expected: int
    received: int
    on_time: int

    @property
    def completeness(self) -> float | None:
        return self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


@dataclass(frozen=True)
class OverTarget:
    unit: UnitRef
    size: int
    registered: int
    installed: int

    @property
    def percent(self) -> float:
        return max(self.registered, self.installed) / self.size


@dataclass(frozen=True)
class Decrease:
    unit: UnitRef
    before: ReportedFigure
    after: ReportedFigure


@dataclass(frozen=True)
class RejectedImport:
    upload_id: int
    created_at: datetime
    username: str | None
    file_name: str
    as_of: date
    rows_read: int
    rows_rejected: int
    first_error: str | None


@dataclass(frozen=True)
class DistrictQuality:
    """A district's data quality in figures (the whole city's page: one row per district)."""

    code: str
    name: str
    units: int  # open clusters and agencies
    silent: int
    reporting: ReportingRate  # its clusters' reports
    over_target: int
    decreases: int
    no_target: int


@dataclass
class DataQuality:
    as_of: date
    stale_days: int
    periods: int  # reporting periods of `stale_days` days since the residents' campaign began
    silent: list[SilentUnit]
    reporting: list[ReportingRate]
    over_target: list[OverTarget]
    decreases: list[Decrease]
    no_target: list[UnitRef]
    rejected_imports: list[RejectedImport]
    is_empty: bool = False
    districts: list[DistrictQuality] = field(default_factory=list)  # the whole city: by
    # district, and the unit lists above left empty


def silent_units(district: UnitHistories, stale_days: int) -> list[SilentUnit]:
    """Units that never reported or have not for `stale_days` days; longest silence first."""
    found = []
    for unit in district.clusters + district.agencies:
        last = district.history[unit.kind, unit.id].last_report
        if is_silent(last, district.as_of, stale_days):
            found.append(SilentUnit(_ref(unit), last, days_without_report(last, district.as_of)))
    return sorted(found, key=lambda s: (s.days is not None, -(s.days or 0),
                                        fold(s.unit.commune or ""), s.unit.code))


def data_quality(as_of: date | None = None, *, district: str | None = None,
                 stale_days: int = DEFAULT_STALE_DAYS, engine: Engine | None = None
                 ) -> DataQuality:
    """Everything the data-quality page shows, as of a date (for one district, by its code).
    The whole city (no district, two or more of them): the same figures counted by district."""
    if district is None and len(district_choices(engine=engine)) > 1:
        return city_quality(as_of, stale_days=stale_days, engine=engine)
    district = load_unit_histories(as_of, district=district, series=False, engine=engine)
    residents = district.campaign("residents")
    periods = (reporting_periods(residents.start, district.as_of, stale_days)
               if residents else [])
    reporting = []
    for commune in district.communes:
        clusters = [u for u in district.clusters if u.commune_code == commune.code]
        rates = reporting_rates([district.history[u.kind, u.id].reports for u in clusters], periods)
        reporting.append(ReportingRate(commune.code, commune.name, len(clusters), *rates))
    reporting.sort(key=lambda r: (r.completeness if r.completeness is not None else 2,
                                  r.timeliness or 0))
    over, down = [], []
    for unit in district.clusters + district.agencies:
        history = district.history[unit.kind, unit.id]
        registered, installed = history.registered[-1], history.installed[-1]
        if unit.size and max(registered, installed) > unit.size:
            over.append(OverTarget(_ref(unit), unit.size, registered, installed))
        down += [Decrease(_ref(unit), before, after)
                 for before, after in decreases(history.reports)]
    return DataQuality(
        district.as_of, stale_days, len(periods), silent_units(district, stale_days), reporting,
        sorted(over, key=lambda o: -o.percent), sorted(down, key=lambda d: d.after.day,
                                                       reverse=True),
        [_ref(u) for u in district.clusters + district.agencies if not u.size],
        _rejected_imports(district.as_of, engine), is_empty=district.is_empty)


def city_quality(as_of: date | None = None, *, stale_days: int = DEFAULT_STALE_DAYS,
                 engine: Engine | None = None) -> DataQuality:
    """`data_quality` of the whole city, by district: the same rules (`is_silent`,
    `reporting_rates`, the reports' `fell`), read from each unit's levels on the date and its
    reports (the daily tables), never from its daily series."""
    as_of = as_of or latest_report_date(engine) or vietnam_today()
    ensure_current(engine)
    with session_scope(engine) as session:
        districts = session.execute(select(DistrictRow.id, DistrictRow.code, DistrictRow.name)
                                    .where(open_on(DistrictRow, as_of))).all()
        units = open_units_by_district(session, as_of)
        levels = read_levels_on(session, as_of)
        reports = read_unit_reports(session, None, as_of)
        residents = next((c for c in read_campaigns(session) if c.key == "residents"), None)
    periods = reporting_periods(residents.start, as_of, stale_days) if residents else []
    by_district = defaultdict(list)
    for unit in units:
        by_district[unit[2]].append(unit)
    rows = []
    for district_id, code, name in districts:
        mine = by_district.get(district_id, [])
        silent = over = 0
        for kind, unit_id, _, size in mine:
            registered, installed, last = levels.get((kind, unit_id), (0, 0, None))
            silent += is_silent(last, as_of, stale_days)
            over += bool(size) and max(registered, installed) > size
        clusters = [reports.get(("cluster", u[1]), []) for u in mine if u[0] == "cluster"]
        rate = ReportingRate(code, name, len(clusters), *reporting_rates(clusters, periods))
        rows.append(DistrictQuality(
            code, name, len(mine), silent, rate, over,
            sum(r.fell for u in mine for r in reports.get((u[0], u[1]), [])),
            sum(not u[3] for u in mine)))
    return DataQuality(as_of, stale_days, len(periods), [], [], [], [], [],
                       _rejected_imports(as_of, engine), is_empty=not units,
                       districts=sorted(rows, key=lambda d: fold(d.name)))


def _rejected_imports(as_of: date, engine: Engine | None, limit: int = 200) -> list[RejectedImport]:
    with session_scope(engine) as session:
        uploads = session.execute(
            select(Upload).where(Upload.rows_rejected > 0, Upload.undone_at.is_(None),
                                 Upload.as_of <= as_of)
            .order_by(Upload.id.desc()).limit(limit)).scalars()
        return [RejectedImport(u.id, u.created_at, u.username, u.file_name, u.as_of, u.rows_read,
                               u.rows_rejected, _first_error(u.report)) for u in uploads]


def _first_error(report: dict | None) -> str | None:
    errors = (report or {}).get("errors") or []
    return errors[0].get("message") if errors else None


def _ref(unit: UnitInfo) -> UnitRef:
    return UnitRef(unit.kind, unit.code, unit.name, unit.commune_name)
