"""What the dashboard pages show: the campaigns, the communes (or a city's districts), one commune,
the agencies, and the day's summary for the Zalo groups. Every figure is as of a date, from
`services.analytics`: the overview reads the area aggregates, so a city costs what a district
does."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Engine

import formats as fmt
from db import session_scope
from models import AuditEvent, Commune, District as DistrictRow, open_on
from services.aggregates import data_version
from services.analytics import (AreaHistories, CampaignInfo, Standing, UnitHistories, UnitInfo,
                                average_pace, district_choices, load_area_histories,
                                load_unit_histories, silent_by_district)
from services.auth import Actor
from services.scope import ScopeRefused
from services.quality import DEFAULT_STALE_DAYS, SilentUnit, is_silent, silent_units
from text import fold

SUMMARY_UNITS = 5
PLACE_CHANGE_DAYS = 7  # the overview's ranking says each area's move since this many days before
# agency kinds in the order the district reads them: its departments, the communes' committees,
# the schools; matched on the folded kind
GROUP_ORDER = ("huyen", "ubnd", "truong")
# audit events about accounts: no figure depends on them (sign-ins must not empty every cache)
ACCOUNT_EVENTS = ("login", "login-failed", "logout", "session-expired", "password-reset",
                  "user-add", "user-enable", "user-disable")


@dataclass(frozen=True)
class Curve:
    """A cumulative curve, its target, the expected line (start -> deadline) and a projection."""

    days: list[date]
    registered: list[int]
    start: date
    deadline: date
    target: int
    expected: float  # by the as-of date
    projection: list[tuple[date, float]]  # [(as_of, now), (deadline, at the current pace)] or []


@dataclass(frozen=True)
class CampaignProgress:
    key: str
    name: str
    start: date
    deadline: date
    days_left: int  # negative once the deadline has passed
    standing: Standing
    curve: Curve
    silent: bool = False  # reported before, not in the last stale days (quality.is_silent)


@dataclass(frozen=True)
class UnitProgress:
    kind: str  # commune | cluster | agency
    code: str
    name: str
    parent: str | None  # a cluster's or agency's commune; a commune's kind
    group: str | None  # an agency's kind
    standing: Standing
    silent: bool = False  # no report for the stale days, or never (quality.is_silent)


@dataclass(frozen=True)
class PlaceChange:
    """An area's place in the ranking (1: the highest percent; equal percents share a place) and
    its place PLACE_CHANGE_DAYS days before (None: not ranked then, or nothing reported yet)."""

    place: int
    before: int | None

    @property
    def moved(self) -> int | None:
        """Places gained since then (negative: lost), None without an earlier place."""
        return None if self.before is None else self.before - self.place


@dataclass
class Overview:
    as_of: date
    name: str  # the city, the district ("" for a tracker without districts)
    campaigns: list[CampaignProgress]
    areas: list[UnitProgress]  # its communes, or the city's districts: furthest behind first
    agencies_behind: list[UnitProgress]  # below 100% of their staff (a city: its districts)
    silent: list[SilentUnit]  # a city: empty (see the summary, by district)
    summary: str
    is_empty: bool
    not_reporting: str = ""  # the summary's sentence about the units not reporting (silent_line)
    place_changes: dict[str, PlaceChange] = field(default_factory=dict)  # areas' codes

    @property
    def of_districts(self) -> bool:
        """A city of several districts: the areas and those behind are districts."""
        return bool(self.areas) and self.areas[0].kind == "district"


@dataclass
class CommuneView:
    as_of: date
    code: str
    name: str
    progress: CampaignProgress  # the commune's residents against its own target
    clusters: list[UnitProgress]  # furthest behind first
    agencies: list[UnitProgress]  # the commune's committee and schools, furthest behind first


@dataclass(frozen=True)
class AgencyGroup:
    name: str
    standing: Standing
    agencies: list[UnitProgress]  # those below 100% first


@dataclass
class AgenciesView:
    as_of: date
    campaign: CampaignProgress | None
    groups: list[AgencyGroup]
    is_empty: bool


@dataclass(frozen=True)
class DeadlineCheck:
    """An agency against the staff deadline: when it reached its target, how late."""

    agency: UnitProgress
    reached_on: date | None  # the first day at or above its target; None: not yet
    late: bool  # had not reached it by the deadline (the as-of date is the deadline or after it)
    days_late: int  # days after the deadline until it reached it, or until the as-of date


# ---------------------------------------------------------------- the views


def overview(as_of: date | None = None, *, district: str | None = None,
             stale_days: int = DEFAULT_STALE_DAYS, engine: Engine | None = None) -> Overview:
    """The city (by district, when it has several) or one district (by commune, by its code)."""
    scope = load_area_histories(as_of, district=district, engine=engine)
    campaigns = [scope_progress(scope, c) for c in scope.campaigns]
    staff = scope.campaign("staff")
    areas = area_ranking(scope)
    if areas and areas[0].kind == "district":
        behind = rank([UnitProgress(a.kind, a.code, a.name, None, None, scope.standing(a, staff))
                       for a in scope.children]) if staff else []
        silent = []
        silent_text = _silent_districts(silent_by_district(scope.as_of, stale_days, engine=engine),
                                        scope.children)
    else:
        units = load_unit_histories(scope.as_of, district=scope.area.code if district else None,
                              engine=engine)
        behind = rank(unit_progress(units, units.agencies))
        areas = with_commune_reports(areas, units, stale_days)
        silent = silent_units(units, stale_days)
        silent_text = _silent_text(silent)
    behind = [a for a in behind if a.standing.percent is not None and a.standing.percent < 1]
    earlier = load_area_histories(scope.as_of - timedelta(days=PLACE_CHANGE_DAYS),
                                  district=district, engine=engine)
    return Overview(scope.as_of, scope.area.name, campaigns, areas, behind, silent,
                    daily_summary(scope.as_of, scope.area.name, campaigns, areas, behind,
                                  silent_text, stale_days), scope.is_empty,
                    silent_line(silent_text, stale_days),
                    place_changes(areas, area_ranking(earlier) if earlier.last_report else []))


def figures_version(engine: Engine | None = None) -> tuple[int, ...]:
    """What every view's figures depend on, for the pages' cache key: the uploads (imports,
    undos: `data_version`) and the latest audit event that is not about an account (directory
    and campaign edits are audited; sign-ins, logouts and account edits change no figure)."""
    with session_scope(engine) as session:
        edit = session.execute(select(AuditEvent.id).where(
            AuditEvent.action.not_in(ACCOUNT_EVENTS)).order_by(AuditEvent.id.desc()).limit(1)
        ).scalar() or 0
        return (*data_version(session), edit)


def view_scope(actor: Actor | None) -> Actor | None:
    """The part of an account the views depend on: a commune account sees its own commune only;
    every other account sees what no account at all sees (None)."""
    return actor if actor is not None and actor.role == "commune" else None


def commune_choices(actor: Actor | None = None, *, district: str | None = None,
                    as_of: date | None = None,
                    engine: Engine | None = None) -> list[tuple[str, str]]:
    """(code, name) of the communes the actor may open (of one district, by its code): their own
    for a commune account; those open on `as_of` (before a merger, the old communes), or open
    now when no date is given."""
    actor = view_scope(actor)
    with session_scope(engine) as session:
        query = select(Commune.code, Commune.name).where(
            open_on(Commune, as_of) if as_of is not None else Commune.closed_on.is_(None))
        if district is not None:
            query = query.join(DistrictRow, DistrictRow.id == Commune.district_id).where(
                DistrictRow.code == district)
        if actor is not None:
            query = query.where(Commune.id == actor.commune_id)
        rows = [(code, name) for code, name in session.execute(query)]
    return sorted(rows, key=lambda row: fold(row[1]))


def commune_view(code: str, as_of: date | None = None, *, actor: Actor | None = None,
                 engine: Engine | None = None) -> CommuneView | None:
    """One commune's clusters, curve and agencies; None for an unknown or closed commune.
    A commune account may open its own only (ScopeRefused)."""
    district = load_unit_histories(as_of, commune=code, engine=engine)
    commune = next((c for c in district.communes if c.code == code), None)
    residents = district.campaign("residents")
    if commune is None or residents is None:
        return None
    actor = view_scope(actor)
    if actor is not None and actor.commune_id != commune.id:
        raise ScopeRefused(f"Tài khoản “{actor.username}” chỉ xem được xã, thị trấn mình.")
    clusters = [u for u in district.clusters if u.commune_code == code]
    agencies = [u for u in district.agencies if u.commune_code == code]
    return CommuneView(district.as_of, commune.code, commune.name,
                       campaign_progress(district, residents, clusters),
                       rank(unit_progress(district, clusters)),
                       rank(unit_progress(district, agencies)))


def agencies_view(as_of: date | None = None, *, district: str | None = None,
                  engine: Engine | None = None) -> AgenciesView:
    """All agencies (of one district, by its code) against the staff deadline, by kind; in each,
    those below 100% first."""
    district = load_unit_histories(as_of, district=district, agencies_only=True, engine=engine)
    staff = district.campaign("staff")
    if staff is None:
        return AgenciesView(district.as_of, None, [], True)
    return AgenciesView(district.as_of, campaign_progress(district, staff, district.agencies),
                        agency_groups(district), not district.agencies)


# ---------------------------------------------------------------- building blocks


@dataclass(frozen=True)
class DailyNew:
    """New registrations day by day and their 7-day average (the cards' pace, day by day)."""

    days: list[date]
    new: list[int]  # registered that day (a correction downwards: negative)
    average: list[float]  # average_pace of the days up to that one


def daily_new(curve: Curve) -> DailyNew:
    """From a campaign's cumulative curve (its first day counts from zero, as average_pace)."""
    levels = curve.registered
    return DailyNew(list(curve.days), [b - a for a, b in zip([0, *levels], levels)],
                    [average_pace(levels[:i + 1]) for i in range(len(levels))])


def deadline_checks(view: AgenciesView) -> list[DeadlineCheck]:
    """Which agencies missed the staff deadline (“Which agencies missed 25/7?”): every agency,
    the late first (not reached yet, lowest first; then reached the latest first), on time last.
    Before the deadline nobody is late yet."""
    if view.campaign is None:
        return []
    deadline, checks = view.campaign.deadline, []
    for group in view.groups:
        for agency in group.agencies:
            reached = agency.standing.reached_on
            late = view.as_of >= deadline and (reached is None or reached > deadline)
            days = ((reached or view.as_of) - deadline).days if late else 0
            checks.append(DeadlineCheck(agency, reached, late, days))
    return sorted(checks, key=lambda c: (not c.late, c.reached_on is not None,
                                         -(c.reached_on or deadline).toordinal(),
                                         c.agency.standing.percent or 0, fold(c.agency.name)))


def campaign_progress(district: UnitHistories, campaign: CampaignInfo,
                      units: Sequence[UnitInfo]) -> CampaignProgress:
    return _progress(campaign, district.group_standing(units, campaign), district.days,
                     district.series(units), district.as_of)


def _progress(campaign: CampaignInfo, figures: Standing, days: list[date], series: list[int],
              as_of: date) -> CampaignProgress:
    shown = [(day, level) for day, level in zip(days, series) if day >= campaign.start]
    # stopped reporting: its pace is unknown, so no projection
    silent = figures.last_report is not None and is_silent(figures.last_report, as_of,
                                                           DEFAULT_STALE_DAYS)
    projection = []
    if not silent and as_of < campaign.deadline and figures.status not in ("reached", "no_target"):
        days_left = (campaign.deadline - as_of).days
        projection = [(as_of, float(figures.registered)),
                      (campaign.deadline, figures.registered + max(figures.pace, 0) * days_left)]
    curve = Curve([d for d, _ in shown], [level for _, level in shown], campaign.start,
                  campaign.deadline, figures.target, figures.expected, projection)
    return CampaignProgress(campaign.key, campaign.name, campaign.start, campaign.deadline,
                            (campaign.deadline - as_of).days, figures, curve, silent)


def scope_progress(scope: AreaHistories, campaign: CampaignInfo) -> CampaignProgress:
    """A campaign in the scope's area, with its curve."""
    figures = scope.standing(scope.area, campaign, scope.last_report)
    return _progress(campaign, figures, scope.days, scope.area.figures[campaign.key].registered,
                     scope.as_of)


def agency_groups(district: UnitHistories) -> list[AgencyGroup]:
    """Agencies by kind (district departments, commune committees, schools, others)."""
    staff = district.campaign("staff")
    groups: dict[str, list[UnitInfo]] = {}
    for agency in district.agencies:
        groups.setdefault(agency.group or "Khác", []).append(agency)
    ordered = sorted(groups.items(), key=lambda item: (_group_rank(item[0]), fold(item[0])))
    return [AgencyGroup(name, district.group_standing(members, staff),
                        rank(unit_progress(district, members))) for name, members in ordered]


def commune_progress(district: UnitHistories) -> list[UnitProgress]:
    residents = district.campaign("residents")
    if residents is None:
        return []
    return [UnitProgress("commune", c.code, c.name, c.kind, None, district.group_standing(
        [u for u in district.clusters if u.commune_code == c.code], residents))
        for c in district.communes]


def unit_progress(district: UnitHistories, units: Sequence[UnitInfo]) -> list[UnitProgress]:
    return [UnitProgress(u.kind, u.code, u.name, u.commune_name, u.group, s,
                         is_silent(s.last_report, district.as_of, DEFAULT_STALE_DAYS))
            for u in units if (s := district.unit_standing(u)) is not None]


def area_ranking(scope: AreaHistories) -> list[UnitProgress]:
    """The scope's areas (communes, or a city's districts) in the residents campaign, ranked."""
    residents = scope.campaign("residents")
    return rank([UnitProgress(a.kind, a.code, a.name, a.detail, None, scope.standing(a, residents))
                 for a in scope.children]) if residents else []


def places(units: Sequence[UnitProgress]) -> dict[str, int]:
    """Each unit's place by code, 1 for the highest percent; equal percents share a place, the
    next one counting them all (1, 2, 2, 4); a unit without a target has none."""
    percents = [u.standing.percent for u in units if u.standing.percent is not None]
    return {u.code: 1 + sum(p > u.standing.percent for p in percents)
            for u in units if u.standing.percent is not None}


def place_changes(now: Sequence[UnitProgress], before: Sequence[UnitProgress]
                  ) -> dict[str, PlaceChange]:
    """Each ranked unit's place now and in the earlier ranking (by code: a commune made by a
    merger has no earlier place)."""
    earlier = places(before)
    return {code: PlaceChange(place, earlier.get(code)) for code, place in places(now).items()}


def with_commune_reports(areas: Sequence[UnitProgress], district: UnitHistories,
                         stale_days: int = DEFAULT_STALE_DAYS) -> list[UnitProgress]:
    """The communes of a ranking (read from the area aggregates) with their last report (their
    clusters' latest) and whether they stopped reporting (quality.is_silent)."""
    last: dict[str, date] = {}
    for cluster in district.clusters:
        day = district.history[cluster.kind, cluster.id].last_report
        if day is not None and (cluster.commune_code not in last
                                or day > last[cluster.commune_code]):
            last[cluster.commune_code] = day
    return [replace(a, standing=replace(a.standing, last_report=last.get(a.code)),
                    silent=is_silent(last.get(a.code), district.as_of, stale_days))
            for a in areas]


def silent_note(unit: UnitProgress | CampaignProgress) -> str:
    """“không báo cáo từ 14/08” beside the figures of a unit that stopped reporting ("" else): its
    pace is unknown, not zero."""
    if not unit.silent:
        return ""
    last = unit.standing.last_report
    return f"không báo cáo từ {last:%d/%m}" if last else "chưa báo cáo lần nào"


def rank(items: list[UnitProgress]) -> list[UnitProgress]:
    """Furthest behind first: lowest percent; units without a target last."""
    return sorted(items, key=lambda p: (p.standing.percent is None, p.standing.percent or 0,
                                        fold(p.name)))


def daily_summary(as_of: date, name: str, campaigns: Sequence[CampaignProgress],
                  areas: Sequence[UnitProgress], behind: Sequence[UnitProgress],
                  silent: str, stale_days: int) -> str:
    """A short plain text for the district's (or the city's) Zalo groups (no markup)."""
    of = f" {name.upper()}" if name else ""
    lines = [f"TIẾN ĐỘ CÀI ĐẶT iHaNoi{of}, số liệu đến ngày {fmt.day(as_of)}"]
    for number, c in enumerate(campaigns, start=1):
        s = c.standing
        text = (f"{number}. {c.name}: {fmt.number(s.registered)}/{fmt.number(s.size)} người đã tạo "
                f"tài khoản ({fmt.percent(s.percent)}); hạn {fmt.day(c.deadline)}, "
                f"{fmt.days_left(c.days_left)}")
        if s.needed_pace is not None and s.status != "reached":
            text += (f"; cần {fmt.pace(s.needed_pace)} người/ngày, 7 ngày qua "
                     f"{fmt.pace(s.pace)} người/ngày")
        lines.append(f"{text}. Đánh giá: {fmt.STATUS_LABELS[s.status]}.")
    districts = bool(areas) and areas[0].kind == "district"
    lowest = [c for c in areas if c.standing.percent is not None][:SUMMARY_UNITS]
    if lowest:
        lines.append(f"{len(lowest)} {'quận, huyện' if districts else 'xã, thị trấn'} thấp nhất: "
                     + "; ".join(f"{c.name} {fmt.percent(c.standing.percent)}" for c in lowest)
                     + ".")
    lagging = behind[:SUMMARY_UNITS]
    if lagging:
        what = "quận, huyện có cán bộ chưa đạt 100%" if districts else "cơ quan, đơn vị thấp nhất"
        lines.append(f"{len(lagging)} {what}: " + "; ".join(
            f"{a.name} {fmt.percent(a.standing.percent)}" for a in lagging) + ".")
    lines.append(silent_line(silent, stale_days))
    return "\n".join(lines)


def silent_line(silent: str, stale_days: int) -> str:
    """The sentence about the units not reporting, for the summary and the picture."""
    if silent:
        return f"Chưa báo cáo {stale_days} ngày trở lên: {silent}."
    return f"Tất cả đơn vị đã báo cáo trong {stale_days} ngày qua."


def _silent_text(silent: Sequence[SilentUnit], limit: int = 8) -> str:
    """Clusters grouped by commune, then agencies: `Hồng Hà (8 thôn, cụm, báo cáo cuối 14/08)`."""
    clusters: dict[str, list[SilentUnit]] = {}
    for item in silent:
        if item.unit.kind == "cluster":
            clusters.setdefault(item.unit.commune or "", []).append(item)
    parts = [f"{commune} ({len(items)} thôn, cụm, {_since(items)})"
             for commune, items in clusters.items()]
    parts += [f"{item.unit.name} ({_since([item])})" for item in silent
              if item.unit.kind == "agency"]
    shown = "; ".join(parts[:limit])
    return shown + (f"; và {len(parts) - limit} đơn vị khác" if len(parts) > limit else "")


def _silent_districts(silent: dict[int, int], districts: Sequence, limit: int = 8) -> str:
    """`Quận 03 (12 đơn vị); …`, most silent units first ("" when none)."""
    names = {d.id: d.name for d in districts}
    ranked = sorted(silent.items(), key=lambda item: (-item[1], fold(names.get(item[0], ""))))
    parts = [f"{names[i]} ({n} đơn vị)" for i, n in ranked if i in names and n]
    shown = "; ".join(parts[:limit])
    return shown + (f"; và {len(parts) - limit} quận, huyện khác" if len(parts) > limit else "")


def _since(items: Sequence[SilentUnit]) -> str:
    last = max((i.last_report for i in items if i.last_report), default=None)
    return "chưa báo cáo lần nào" if last is None else f"báo cáo cuối {fmt.short_day(last)}"


def _group_rank(name: str) -> int:
    key = fold(name)
    return next((i for i, word in enumerate(GROUP_ORDER) if word in key), len(GROUP_ORDER))

