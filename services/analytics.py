"""The district day by day, read from the aggregates, and the figures computed from it.

`load_area_histories(as_of, district)` gives an area (the city, or one district) and the areas
under it (its districts, or its communes) day by day from the area aggregates: what the overview
shows, whatever the number of units. `load_unit_histories(as_of)` gives every open unit's registered and
installed figures for each day from the first campaign's start to `as_of`, by the rule of
`services/figures_rule.py` (so that the figures on `as_of` are `progress(as_of)`'s), and each
unit's reports. The pure functions below compute what the dashboards show from those series: expected by
now, paces, projection and status.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Sequence

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.engine import Engine

from db import session_scope
from models import Agency, Campaign, Cluster, Commune, District as DistrictRow, UnitDay, open_on
from services.aggregates import (CAMPAIGN_OF_UNIT, ensure_current, read_area_days,
                                 read_unit_days, read_unit_reports)
from services.figures_rule import ReportedFigure, UnitFigures, reported_since
from text import fold, vietnam_today

PACE_WINDOW_DAYS = 7

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
    """A campaign (models.Campaign) as every service hands it on: the one record of it."""

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
    registered: list[int]  # one per UnitHistories.days
    installed: list[int]
    last_report: date | None
    reports: list[ReportedFigure]  # on or before the as-of date, oldest first


@dataclass(frozen=True)
class CommuneInfo:
    id: int
    code: str
    name: str
    kind: str


@dataclass
class UnitHistories:
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
        return self.campaign(CAMPAIGN_OF_UNIT[unit.kind])

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


def load_unit_histories(as_of: date | None = None, *, district: str | None = None,
                        commune: str | None = None, agencies_only: bool = False,
                        series: bool = True, engine: Engine | None = None
                        ) -> UnitHistories:
    """Every open unit (of one district or one commune, by code, or all) and its figures day by
    day, up to `as_of` (default: the latest report); `agencies_only`: no cluster (the agencies'
    page reads none); `series=False`: the as-of date alone is the district's one day (data quality
    reads each unit's figures on it and its reports, no daily curve)."""
    as_of = as_of or latest_report_date(engine) or vietnam_today()
    ensure_current(engine)
    with session_scope(engine) as session:
        district_id = _district_id(session, district)
        everything = district_id is None and commune is None
        commune_query = select(Commune).where(open_on(Commune, as_of))
        if district_id is not None:
            commune_query = commune_query.where(Commune.district_id == district_id)
        if commune is not None:
            commune_query = commune_query.where(Commune.code == commune)
        communes = {c.id: c for c in session.execute(commune_query).scalars()}
        cluster_query = select(Cluster).where(open_on(Cluster, as_of)).order_by(Cluster.code)
        agency_query = select(Agency).where(open_on(Agency, as_of)).order_by(Agency.code)
        if not everything:
            cluster_query = cluster_query.where(Cluster.commune_id.in_(list(communes)))
            direct = (and_(Agency.commune_id.is_(None), Agency.district_id == district_id)
                      if commune is None else false())
            agency_query = agency_query.where(or_(Agency.commune_id.in_(list(communes)), direct))
        clusters = [] if agencies_only else [c for c in session.execute(cluster_query).scalars()
                                             if c.commune_id in communes]
        agencies = list(session.execute(agency_query).scalars())
        units = (None if everything and not agencies_only else
                 [("cluster", c.id) for c in clusters] + [("agency", a.id) for a in agencies])
        rows = read_unit_days(session, units)
        reports = read_unit_reports(session, units, as_of)
        campaigns = read_campaigns(session)
    days = _days(campaigns, as_of) if series else [as_of]
    district = UnitHistories(
        as_of, days, campaigns,
        [CommuneInfo(c.id, c.code, c.name, c.kind) for c in sorted(communes.values(),
                                                             key=lambda c: fold(c.name))],
        [UnitInfo("cluster", c.id, c.code, c.name, communes[c.commune_id].code,
                  communes[c.commune_id].name, None, c.target_population) for c in clusters],
        [UnitInfo("agency", a.id, a.code, a.name, _code(communes.get(a.commune_id)),
                  _name(communes.get(a.commune_id)), a.kind, a.staff) for a in agencies])
    by_unit: dict[tuple[str, int], list[tuple]] = {}
    for row in rows:
        by_unit.setdefault((row[0], row[1]), []).append(row[2:])
    for unit in district.clusters + district.agencies:
        key = unit.kind, unit.id
        district.history[key] = _history(by_unit.get(key, []), days, reports.get(key, []))
    return district


def _history(rows: list[tuple], days: list[date], reports: list[ReportedFigure]) -> History:
    """A unit's figures on each day (`UnitFigures`), with its reports up to the last day."""
    figures = UnitFigures(r for r in rows if r[1] <= days[-1])
    daily = [figures.on(day) for day in days]
    return History([d[0] for d in daily], [d[1] for d in daily], daily[-1][2], reports)


# ---------------------------------------------------------------- areas: the city, a district


@dataclass(frozen=True)
class AreaFigures:
    """An area's figures in one campaign: registered day by day, installed and size on as_of."""

    registered: list[int]
    installed: int
    size: int


@dataclass(frozen=True)
class Area:
    kind: str  # city | district | commune
    id: int
    code: str
    name: str
    detail: str | None  # a commune's kind
    figures: dict[str, AreaFigures]  # by campaign key


@dataclass
class AreaHistories:
    """An area and the areas under it, day by day (`load_area_histories`)."""

    as_of: date
    days: list[date]
    campaigns: list[CampaignInfo]
    area: Area
    children: list[Area]  # communes of a district, or districts of the city
    last_report: date | None

    @property
    def is_empty(self) -> bool:
        """No unit at all (no directory yet)."""
        return not self.children and not any(
            f.size or f.registered[-1] for f in self.area.figures.values())

    def campaign(self, key: str) -> CampaignInfo | None:
        return next((c for c in self.campaigns if c.key == key), None)

    def standing(self, area: Area, campaign: CampaignInfo, last_report: date | None = None
                 ) -> Standing:
        f = area.figures[campaign.key]
        return standing(f.registered, f.installed, f.size, campaign, self.days, last_report)


def load_area_histories(as_of: date | None = None, *, district: str | None = None,
                        engine: Engine | None = None) -> AreaHistories:
    """One district (by code) and its communes; else the city and its districts when it has
    several; else everything, by commune. Read from the area aggregates only."""
    as_of = as_of or latest_report_date(engine) or vietnam_today()
    ensure_current(engine)
    with session_scope(engine) as session:
        campaigns = read_campaigns(session)
        districts = list(session.execute(select(DistrictRow).where(open_on(DistrictRow, as_of))
                                         ).scalars())
        chosen = next((d for d in districts if d.code == district), None) if district else None
        if chosen is None and len(districts) > 1:
            area = ("city", 0, "", "Toàn thành phố", None)
            children = [("district", d.id, d.code, d.name, None) for d in districts]
        else:
            communes = select(Commune).where(open_on(Commune, as_of))
            if chosen is not None:
                area = ("district", chosen.id, chosen.code, chosen.name, None)
                communes = communes.where(Commune.district_id == chosen.id)
            else:  # one district (its name) or none
                only = districts[0] if districts else None
                area = ("city", 0, only.code if only else "", only.name if only else "", None)
            children = [("commune", c.id, c.code, c.name, c.kind)
                        for c in session.execute(communes).scalars()]
        child_type = children[0][0] if children else "commune"
        levels = read_area_days(session, area[0], [area[1]], as_of)
        child_levels = read_area_days(session, child_type, [c[1] for c in children], as_of)
        sizes = _sizes(session, as_of, child_type, chosen.id if chosen else None)
        last_report = _last_report(session, as_of, chosen.id if chosen else None)
    days = _days(campaigns, as_of)

    def build(kind, area_id, code, name, detail, area_levels, area_sizes) -> Area:
        return Area(kind, area_id, code, name, detail, {
            c.key: _area_figures(area_levels.get((area_id, c.key), []), days,
                                 area_sizes.get(c.key, 0)) for c in campaigns})

    total = {key: sum(v for (_, k), v in sizes.items() if k == key)
             for key in ("residents", "staff")}
    built_children = [build(*child, child_levels, {k: v for (i, k), v in sizes.items()
                                                   if i == child[1]}) for child in children]
    return AreaHistories(as_of, days, campaigns, build(*area, levels, total),
                 sorted(built_children, key=lambda a: fold(a.name)), last_report)


def _area_figures(levels: list[tuple[date, int, int]], days: list[date], size: int
                  ) -> AreaFigures:
    level_days = [lv[0] for lv in levels]
    daily = []
    for day in days:
        i = bisect_right(level_days, day) - 1
        daily.append(levels[i][1] if i >= 0 else 0)
    return AreaFigures(daily, levels[-1][2] if levels else 0, size)


def _sizes(session, as_of: date, child_type: str, district_id: int | None
           ) -> dict[tuple[int | None, str], int]:
    """People in scope on as_of by (child area, campaign): target population of open clusters,
    staff of open agencies (an agency under no commune counts in its district's total only)."""
    by = Commune.id if child_type == "commune" else Commune.district_id
    cluster_query = (select(by, func.coalesce(func.sum(Cluster.target_population), 0))
                     .join(Commune, Commune.id == Cluster.commune_id)
                     .where(open_on(Cluster, as_of), open_on(Commune, as_of)).group_by(by))
    agency_by = by if child_type == "commune" else func.coalesce(Commune.district_id,
                                                                 Agency.district_id)
    agency_query = (select(agency_by, func.coalesce(func.sum(Agency.staff), 0))
                    .outerjoin(Commune, Commune.id == Agency.commune_id)
                    .where(open_on(Agency, as_of),
                           or_(Agency.commune_id.is_(None), open_on(Commune, as_of)))
                    .group_by(agency_by))
    if district_id is not None:
        cluster_query = cluster_query.where(Commune.district_id == district_id)
        agency_query = agency_query.where(or_(Commune.district_id == district_id, and_(
            Agency.commune_id.is_(None), Agency.district_id == district_id)))
    sizes = {(area, "residents"): int(n) for area, n in session.execute(cluster_query)}
    sizes |= {(area, "staff"): int(n) for area, n in session.execute(agency_query)}
    return sizes


def _last_report(session, as_of: date, district_id: int | None) -> date | None:
    """The newest report date on or before as_of, in a district or anywhere."""
    query = select(func.max(UnitDay.day)).where(UnitDay.reported, UnitDay.day <= as_of)
    if district_id is None:
        return session.execute(query).scalar()
    clusters = select(Cluster.id).join(Commune, Commune.id == Cluster.commune_id).where(
        Commune.district_id == district_id)
    agencies = select(Agency.id).outerjoin(Commune, Commune.id == Agency.commune_id).where(
        or_(Commune.district_id == district_id, Agency.district_id == district_id))
    return session.execute(query.where(or_(
        and_(UnitDay.unit_type == "cluster", UnitDay.unit_id.in_(clusters)),
        and_(UnitDay.unit_type == "agency", UnitDay.unit_id.in_(agencies))))).scalar()


def silent_by_district(as_of: date, stale_days: int, *, engine: Engine | None = None
                       ) -> dict[int, int]:
    """Open units per district that never reported or not for `stale_days` days (the rule of
    services/quality.py's `is_silent`): open units less those with a report dated from
    `figures_rule.reported_since` on. Counted in the database, from the unit-day aggregates."""
    since = reported_since(as_of, stale_days)
    silent: dict[int, int] = {}
    with session_scope(engine) as session:
        for kind, query in _unit_districts(as_of).items():
            units = query.subquery()
            district = units.c[0]
            reporting = (select(UnitDay.unit_id).where(
                UnitDay.unit_type == kind, UnitDay.reported, UnitDay.day >= since,
                UnitDay.day <= as_of))
            for district_id, count in session.execute(
                    select(district, func.count()).where(units.c.unit_id.not_in(reporting))
                    .group_by(district)):
                if district_id is not None:
                    silent[district_id] = silent.get(district_id, 0) + count
    return silent


def _unit_districts(as_of: date) -> dict[str, Select]:
    """By unit kind, the query of its units open on `as_of` (and in an open commune) as
    (district id, unit id, size): a cluster's target population, an agency's staff."""
    return {
        "cluster": select(Commune.district_id, Cluster.id.label("unit_id"),
                          Cluster.target_population)
        .join(Commune, Commune.id == Cluster.commune_id)
        .where(open_on(Cluster, as_of), open_on(Commune, as_of)),
        "agency": select(func.coalesce(Commune.district_id, Agency.district_id),
                         Agency.id.label("unit_id"), Agency.staff)
        .outerjoin(Commune, Commune.id == Agency.commune_id)
        .where(open_on(Agency, as_of), or_(Agency.commune_id.is_(None),
                                           open_on(Commune, as_of)))}


def open_units_by_district(session, as_of: date) -> list[tuple[str, int, int | None, int | None]]:
    """Every unit open on `as_of` as (kind, id, district id, size)."""
    return [(kind, unit_id, district_id, size) for kind, query in _unit_districts(as_of).items()
            for district_id, unit_id, size in session.execute(query)]


def _district_id(session, code: str | None) -> int | None:
    if code is None:
        return None
    found = session.execute(select(DistrictRow.id).where(DistrictRow.code == code)).scalar()
    if found is None:
        raise LookupError(f"Không có quận, huyện mã “{code}”.")
    return found


def read_campaigns(session) -> list[CampaignInfo]:
    """The campaigns, by deadline."""
    return [CampaignInfo(c.key, c.name, c.start, c.deadline, c.target_pct) for c in
            session.execute(select(Campaign).order_by(Campaign.deadline)).scalars()]


def _days(campaigns: list[CampaignInfo], as_of: date) -> list[date]:
    first = min([c.start for c in campaigns] + [as_of])
    return [first + timedelta(days=n) for n in range((as_of - first).days + 1)]


def _code(commune: Commune | None) -> str | None:
    return commune.code if commune else None


def _name(commune: Commune | None) -> str | None:
    return commune.name if commune else None


def district_choices(*, engine: Engine | None = None) -> list[tuple[str, str]]:
    """(code, name) of the open districts, by name; the pages offer a choice when there are two
    or more (a city)."""
    with session_scope(engine) as session:
        rows = [(code, name) for code, name in session.execute(
            select(DistrictRow.code, DistrictRow.name).where(DistrictRow.closed_on.is_(None)))]
    return sorted(rows, key=lambda row: fold(row[1]))
