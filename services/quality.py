"""Data quality, after DHIS2: who does not report, how complete and timely reporting is, and which
figures cannot be trusted (above the target, going down, no target), and imports with rejected rows.

Each unit is expected to report at least once every N days (N is the page's setting, 3 by default).
A report is on time when its first import came in by the end of the day after its period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Engine

from db import session_scope
from models import Upload
from services.analytics import UnitHistories, ReportedFigure, UnitInfo, load_unit_histories
from text import fold, local_time

DEFAULT_STALE_DAYS = 3
TIMELY_GRACE_DAYS = 1

# ---------------------------------------------------------------- figures (pure)


def days_without_report(last_report: date | None, as_of: date) -> int | None:
    """Days since the unit's last report (0: it reported on the as-of date); None: never."""
    return None if last_report is None else (as_of - last_report).days


def is_silent(last_report: date | None, as_of: date, stale_days: int) -> bool:
    """Never reported, or `stale_days` days or more since the last report."""
    days = days_without_report(last_report, as_of)
    return days is None or days >= stale_days


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
    day `grace_days` after the period (Vietnam's time)."""
    received = on_time = 0
    for reports in reports_by_unit:
        for begin, end in periods:
            in_period = [r for r in reports if begin <= r.day <= end]
            received += bool(in_period)
            deadline = end + timedelta(days=grace_days)
            on_time += any(r.reported_at is not None
                           and local_time(r.reported_at).date() <= deadline for r in in_period)
    return len(reports_by_unit) * len(periods), received, on_time


def decreases(reports: Sequence[ReportedFigure]) -> list[tuple[ReportedFigure, ReportedFigure]]:
    """Pairs of consecutive reports where the registered figure went down. An account once made
    stays made, so that is an error; installs may go down (people uninstall) and are not flagged."""
    return [(before, after) for before, after in zip(reports, reports[1:])
            if after.registered < before.registered]


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
    """Everything the data-quality page shows, as of a date (for one district, by its code)."""
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
