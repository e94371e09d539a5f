"""What the dashboard pages show: the campaigns, the communes (or a city's districts), one commune,
the agencies, and the day's summary for the Zalo groups. Every figure is as of a date, from
`services.analytics`: the overview reads the area aggregates, so a city costs what a district
does."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Engine

from components import format as fmt
from db import session_scope
from models import Commune, District as DistrictRow
from services.analytics import (CampaignInfo, District, Scope, Standing, UnitInfo, load_district,
                                load_scope, silent_by_district)
from services.auth import Actor
from services.scope import ScopeRefused
from services.quality import DEFAULT_STALE_DAYS, SilentUnit, silent_units
from text import fold

SUMMARY_UNITS = 5
# agency kinds in the order the district reads them: its departments, the communes' committees,
# the schools; matched on the folded kind
GROUP_ORDER = ("huyen", "ubnd", "truong")


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


@dataclass(frozen=True)
class UnitProgress:
    kind: str  # commune | cluster | agency
    code: str
    name: str
    parent: str | None  # a cluster's or agency's commune; a commune's kind
    group: str | None  # an agency's kind
    standing: Standing


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


# ---------------------------------------------------------------- the views


def overview(as_of: date | None = None, *, district: str | None = None,
             stale_days: int = DEFAULT_STALE_DAYS, engine: Engine | None = None) -> Overview:
    """The city (by district, when it has several) or one district (by commune, by its code)."""
    scope = load_scope(as_of, district=district, engine=engine)
    campaigns = [scope_progress(scope, c) for c in scope.campaigns]
    residents, staff = scope.campaign("residents"), scope.campaign("staff")
    areas = rank([UnitProgress(a.kind, a.code, a.name, a.detail, None, scope.standing(a, residents))
                  for a in scope.children]) if residents else []
    if areas and areas[0].kind == "district":
        behind = rank([UnitProgress(a.kind, a.code, a.name, None, None, scope.standing(a, staff))
                       for a in scope.children]) if staff else []
        silent = []
        silent_text = _silent_districts(silent_by_district(scope.as_of, stale_days, engine=engine),
                                        scope.children)
    else:
        units = load_district(scope.as_of, district=scope.area.code if district else None,
                              engine=engine)
        behind = rank(unit_progress(units, units.agencies))
        silent = silent_units(units, stale_days)
        silent_text = _silent_text(silent)
    behind = [a for a in behind if a.standing.percent is not None and a.standing.percent < 1]
    return Overview(scope.as_of, scope.area.name, campaigns, areas, behind, silent,
                    daily_summary(scope.as_of, scope.area.name, campaigns, areas, behind,
                                  silent_text, stale_days), scope.is_empty)


def district_choices(*, engine: Engine | None = None) -> list[tuple[str, str]]:
    """(code, name) of the open districts, by name; the pages offer a choice when there are two
    or more (a city)."""
    with session_scope(engine) as session:
        rows = [(code, name) for code, name in session.execute(
            select(DistrictRow.code, DistrictRow.name).where(DistrictRow.closed_on.is_(None)))]
    return sorted(rows, key=lambda row: fold(row[1]))


def commune_choices(actor: Actor | None = None, *, district: str | None = None,
                    engine: Engine | None = None) -> list[tuple[str, str]]:
    """(code, name) of the communes the actor may open (of one district, by its code): their own
    for a commune account."""
    with session_scope(engine) as session:
        query = select(Commune.code, Commune.name).where(Commune.closed_on.is_(None))
        if district is not None:
            query = query.join(DistrictRow, DistrictRow.id == Commune.district_id).where(
                DistrictRow.code == district)
        if actor is not None and actor.role == "commune":
            query = query.where(Commune.id == actor.commune_id)
        rows = [(code, name) for code, name in session.execute(query)]
    return sorted(rows, key=lambda row: fold(row[1]))


def commune_view(code: str, as_of: date | None = None, *, actor: Actor | None = None,
                 engine: Engine | None = None) -> CommuneView | None:
    """One commune's clusters, curve and agencies; None for an unknown or closed commune.
    A commune account may open its own only (ScopeRefused)."""
    district = load_district(as_of, commune=code, engine=engine)
    commune = next((c for c in district.communes if c.code == code), None)
    residents = district.campaign("residents")
    if commune is None or residents is None:
        return None
    if actor is not None and actor.role == "commune" and actor.commune_id != commune.id:
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
    district = load_district(as_of, district=district, engine=engine)
    staff = district.campaign("staff")
    if staff is None:
        return AgenciesView(district.as_of, None, [], True)
    return AgenciesView(district.as_of, campaign_progress(district, staff, district.agencies),
                        agency_groups(district), not district.agencies)


# ---------------------------------------------------------------- building blocks


def campaign_progress(district: District, campaign: CampaignInfo,
                      units: Sequence[UnitInfo]) -> CampaignProgress:
    return _progress(campaign, district.group_standing(units, campaign), district.days,
                     district.series(units), district.as_of)


def _progress(campaign: CampaignInfo, figures: Standing, days: list[date], series: list[int],
              as_of: date) -> CampaignProgress:
    shown = [(day, level) for day, level in zip(days, series) if day >= campaign.start]
    projection = []
    if as_of < campaign.deadline and figures.status not in ("reached", "no_target"):
        days_left = (campaign.deadline - as_of).days
        projection = [(as_of, float(figures.registered)),
                      (campaign.deadline, figures.registered + max(figures.pace, 0) * days_left)]
    curve = Curve([d for d, _ in shown], [level for _, level in shown], campaign.start,
                  campaign.deadline, figures.target, figures.expected, projection)
    return CampaignProgress(campaign.key, campaign.name, campaign.start, campaign.deadline,
                            (campaign.deadline - as_of).days, figures, curve)


def scope_progress(scope: Scope, campaign: CampaignInfo) -> CampaignProgress:
    """A campaign in the scope's area, with its curve."""
    figures = scope.standing(scope.area, campaign, scope.last_report)
    return _progress(campaign, figures, scope.days, scope.area.figures[campaign.key].registered,
                     scope.as_of)


def agency_groups(district: District) -> list[AgencyGroup]:
    """Agencies by kind (district departments, commune committees, schools, others)."""
    staff = district.campaign("staff")
    groups: dict[str, list[UnitInfo]] = {}
    for agency in district.agencies:
        groups.setdefault(agency.group or "Khác", []).append(agency)
    ordered = sorted(groups.items(), key=lambda item: (_group_rank(item[0]), fold(item[0])))
    return [AgencyGroup(name, district.group_standing(members, staff),
                        rank(unit_progress(district, members))) for name, members in ordered]


def commune_progress(district: District) -> list[UnitProgress]:
    residents = district.campaign("residents")
    if residents is None:
        return []
    return [UnitProgress("commune", c.code, c.name, c.kind, None, district.group_standing(
        [u for u in district.clusters if u.commune_code == c.code], residents))
        for c in district.communes]


def unit_progress(district: District, units: Sequence[UnitInfo]) -> list[UnitProgress]:
    return [UnitProgress(u.kind, u.code, u.name, u.commune_name, u.group, s)
            for u in units if (s := district.unit_standing(u)) is not None]


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
    if silent:
        lines.append(f"Chưa báo cáo {stale_days} ngày trở lên: {silent}.")
    else:
        lines.append(f"Tất cả đơn vị đã báo cáo trong {stale_days} ngày qua.")
    return "\n".join(lines)


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

