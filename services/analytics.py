"""The district day by day, read from the unit-day aggregates, and the figures computed from it.

`load_district(as_of)` gives every open unit's registered and installed figures for each day from
the first campaign's start to `as_of`, by the rules of `services/progress.py` (so that the figures
on `as_of` are `progress(as_of)`'s), and each unit's reports. The pure functions below compute
what the dashboards show from those series: expected by now, paces, projection and status.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from db import session_scope
from models import Agency, Campaign, Cluster, Commune
from models import UnitDay
from services.aggregates import ensure_current, read_unit_days
from text import fold

PACE_WINDOW_DAYS = 7
STATUSES = ("reached", "on_track", "at_risk", "behind", "no_target")

# ---------------------------------------------------------------- figures (pure)


def expected_by_now(target: float, start: date, deadline: date, as_of: date) -> float:
    """The target pro-rated linearly from the campaign's start (0) to its deadline (all of it)."""
    span = (deadline - start).days
    if span <= 0:
        return float(target) if as_of >= deadline else 0.0
    return target * min(max((as_of - start).days / span, 0.0), 1.0)


def average_pace(levels: Sequence[int], window: int = PACE_WINDOW_DAYS) -> float:
    """New people per day over the last `window` days of `levels` (one cumulative figure per day,
    the first on the campaign's first day; nothing before it). A younger campaign uses its days."""
    if not levels:
        return 0.0
    days = min(window, len(levels))
    before = levels[-1 - days] if len(levels) > days else 0
    return (levels[-1] - before) / days


def needed_pace(target: int, registered: int, as_of: date, deadline: date) -> float | None:
    """People per day still needed to reach the target by the deadline; None once it has passed."""
    days_left = (deadline - as_of).days
    if days_left <= 0:
        return None
    return max(target - registered, 0) / days_left


def projected_date(target: int, registered: int, pace: float, as_of: date) -> date | None:
    """The day the target is reached at the current pace; None when reached or not moving."""
    if registered >= target or pace <= 0:
        return None
    return as_of + timedelta(days=math.ceil((target - registered) / pace))


def status(registered: int, target: int, expected: float, pace: float, needed: float | None,
           as_of: date, deadline: date) -> str:
    """reached; on_track (the current pace reaches the target by the deadline); at_risk (it does
    not, but the figure is still at or above the expected-by-now line); behind (below the line
    with too slow a pace, or the deadline passed without the target); no_target."""
    if target <= 0:
        return "no_target"
    if registered >= target:
        return "reached"
    if as_of >= deadline or needed is None:
        return "behind"
    if pace >= needed:
        return "on_track"
    return "at_risk" if registered >= expected else "behind"


def target_of(size: int, target_pct: float) -> int:
    """People to reach: the target percent of the unit's size, rounded up."""
    return math.ceil(size * target_pct / 100 - 1e-9)


@dataclass(frozen=True)
class Standing:
    """Where a unit or a campaign stands on a date."""

    size: int  # people in scope: target population, or staff
    target: int  # people to reach by the deadline
    registered: int
    installed: int
    percent: float | None  # registered / size
    expected: float  # expected by now
    pace: float  # people per day, average of the last 7 days
    needed_pace: float | None  # people per day to reach the target; None after the deadline
    projected: date | None  # at the current pace; None when reached or not moving
    reached_on: date | None
    status: str
    last_report: date | None


@dataclass(frozen=True)
class CampaignInfo:
    key: str
    name: str
    start: date
    deadline: date
    target_pct: float


def standing(levels: Sequence[int], installed: int, size: int, campaign: CampaignInfo,
             days: Sequence[date], last_report: date | None) -> Standing:
    """A standing from a cumulative daily series that ends on the as-of date (`days[-1]`)."""
    as_of = days[-1]
    series = [level for day, level in zip(days, levels) if day >= campaign.start] or [levels[-1]]
    registered = levels[-1]
    target = target_of(size, campaign.target_pct)
    expected = expected_by_now(target, campaign.start, campaign.deadline, as_of)
    pace = average_pace(series)
    needed = needed_pace(target, registered, as_of, campaign.deadline)
    reached_on = next((day for day, level in zip(days, levels) if target > 0 and level >= target),
                      None)
    return Standing(size, target, registered, installed, registered / size if size else None,
                    expected, pace, needed, projected_date(target, registered, pace, as_of),
                    reached_on, status(registered, target, expected, pace, needed, as_of,
                                       campaign.deadline), last_report)


# ---------------------------------------------------------------- the district, day by day


@dataclass(frozen=True)
class Report:
    """A unit's figure on one of its report dates."""

    day: date
    registered: int
    installed: int
    reported_at: datetime | None  # when the first import of it came in


@dataclass(frozen=True)
class UnitInfo:
    kind: str  # cluster | agency
    id: int
    code: str
    name: str
    commune_code: str | None
    commune_name: str | None
    group: str | None  # the agency's kind (district departments, commune committees, schools)
    size: int | None  # target population (cluster) or staff (agency)


@dataclass
class History:
    registered: list[int]  # one per District.days
    installed: list[int]
    last_report: date | None
    reports: list[Report]  # on or before the as-of date, oldest first


@dataclass(frozen=True)
class CommuneInfo:
    id: int
    code: str
    name: str
    kind: str


@dataclass
class District:
    as_of: date
    days: list[date]  # the first campaign's start (or as_of, if earlier) .. as_of
    campaigns: list[CampaignInfo]
    communes: list[CommuneInfo]
    clusters: list[UnitInfo]
    agencies: list[UnitInfo]
    history: dict[tuple[str, int], History] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.clusters and not self.agencies

    def campaign(self, key: str) -> CampaignInfo | None:
        return next((c for c in self.campaigns if c.key == key), None)

    def units_of(self, key: str) -> list[UnitInfo]:
        return {"residents": self.clusters, "staff": self.agencies}.get(key, [])

    def campaign_of(self, unit: UnitInfo) -> CampaignInfo | None:
        return self.campaign("residents" if unit.kind == "cluster" else "staff")

    def unit_standing(self, unit: UnitInfo) -> Standing | None:
        campaign = self.campaign_of(unit)
        return None if campaign is None else self.group_standing([unit], campaign)

    def group_standing(self, units: Sequence[UnitInfo], campaign: CampaignInfo) -> Standing:
        """The standing of units taken together (a commune's clusters, a campaign's units)."""
        return standing(self.series(units), sum(self.history[u.kind, u.id].installed[-1]
                                                for u in units),
                        sum(u.size or 0 for u in units), campaign, self.days,
                        max((self.history[u.kind, u.id].last_report for u in units
                             if self.history[u.kind, u.id].last_report), default=None))

    def series(self, units: Sequence[UnitInfo]) -> list[int]:
        """Registered people of the units together, day by day."""
        totals = [0] * len(self.days)
        for unit in units:
            totals = [a + b for a, b in zip(totals, self.history[unit.kind, unit.id].registered)]
        return totals


def latest_report_date(engine: Engine | None = None) -> date | None:
    """The newest report date in the data, from the aggregates (no people rows read)."""
    ensure_current(engine)
    with session_scope(engine) as session:
        return session.execute(select(func.max(UnitDay.day)).where(UnitDay.reported)).scalar()


def date_bounds(engine: Engine | None = None) -> tuple[date, date] | None:
    """(first campaign start or first report, latest report date) for the as-of picker; None
    while there is no report."""
    latest = latest_report_date(engine)
    if latest is None:
        return None
    with session_scope(engine) as session:
        first = min(d for d in (session.execute(select(func.min(Campaign.start))).scalar(),
                                session.execute(select(func.min(UnitDay.day))).scalar(), latest)
                    if d is not None)
    return first, latest


def load_district(as_of: date | None = None, *, engine: Engine | None = None) -> District:
    """Every open unit and its figures day by day, up to `as_of` (default: the latest report)."""
    as_of = as_of or latest_report_date(engine) or date.today()
    ensure_current(engine)
    with session_scope(engine) as session:
        rows = read_unit_days(session)
        open_on = lambda model: or_(model.closed_on.is_(None), model.closed_on > as_of)  # noqa: E731
        communes = {c.id: c for c in session.execute(
            select(Commune).where(open_on(Commune))).scalars()}
        clusters = list(session.execute(select(Cluster).where(open_on(Cluster))
                                        .order_by(Cluster.code)).scalars())
        agencies = list(session.execute(select(Agency).where(open_on(Agency))
                                        .order_by(Agency.code)).scalars())
        campaigns = [CampaignInfo(c.key, c.name, c.start, c.deadline, c.target_pct) for c in
                     session.execute(select(Campaign).order_by(Campaign.deadline)).scalars()]
    first = min([c.start for c in campaigns] + [as_of])
    days = [first + timedelta(days=n) for n in range((as_of - first).days + 1)]
    district = District(
        as_of, days, campaigns,
        [CommuneInfo(c.id, c.code, c.name, c.kind) for c in sorted(communes.values(),
                                                             key=lambda c: fold(c.name))],
        [UnitInfo("cluster", c.id, c.code, c.name, communes[c.commune_id].code,
                  communes[c.commune_id].name, None, c.target_population)
         for c in clusters if c.commune_id in communes],
        [UnitInfo("agency", a.id, a.code, a.name, _code(communes.get(a.commune_id)),
                  _name(communes.get(a.commune_id)), a.kind, a.staff) for a in agencies])
    by_unit: dict[tuple[str, int], list[tuple]] = {}
    for row in rows:
        by_unit.setdefault((row[0], row[1]), []).append(row[2:])
    for unit in district.clusters + district.agencies:
        district.history[unit.kind, unit.id] = _history(by_unit.get((unit.kind, unit.id), []),
                                                        days)
    return district


def _history(rows: list[tuple], days: list[date]) -> History:
    """Combine a unit's sources day by day: the more recent report wins, the count report on the
    same date (progress.py's `_combine`)."""
    as_of = days[-1]
    counts = [r for r in rows if r[0] == "count" and r[1] <= as_of]
    roster = [r for r in rows if r[0] == "roster" and r[1] <= as_of]
    roster_reports = [r for r in roster if r[4]]
    count_days = [r[1] for r in counts]
    roster_days = [r[1] for r in roster]
    roster_report_days = [r[1] for r in roster_reports]

    def figure_on(day: date) -> tuple[int, int, date | None]:
        c = bisect_right(count_days, day) - 1
        rr = bisect_right(roster_report_days, day) - 1
        reported = roster_report_days[rr] if rr >= 0 else None
        if c >= 0 and (reported is None or count_days[c] >= reported):
            return counts[c][2], counts[c][3], count_days[c]
        r = bisect_right(roster_days, day) - 1
        return (roster[r][2], roster[r][3], reported) if r >= 0 else (0, 0, reported)

    daily = [figure_on(day) for day in days]
    first_import: dict[date, datetime | None] = {}
    for row in counts + roster_reports:
        known = first_import.get(row[1])
        first_import[row[1]] = row[5] if known is None else min(known, row[5] or known)
    reports = [Report(day, *figure_on(day)[:2], first_import[day]) for day in sorted(first_import)]
    return History([d[0] for d in daily], [d[1] for d in daily], daily[-1][2], reports)


def _code(commune: Commune | None) -> str | None:
    return commune.code if commune else None


def _name(commune: Commune | None) -> str | None:
    return commune.name if commune else None
