"""What the dashboard pages show: the campaigns, the communes, one commune, the agencies, and the
day's summary for the Zalo groups. Every figure is as of a date, from `services.analytics`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.engine import Engine

from components import format as fmt
from db import session_scope
from models import Commune
from services.analytics import CampaignInfo, District, Standing, UnitInfo, load_district
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
    campaigns: list[CampaignProgress]
    communes: list[UnitProgress]  # furthest behind first
    agencies_behind: list[UnitProgress]  # below 100% of their staff, furthest behind first
    silent: list[SilentUnit]
    summary: str
    is_empty: bool


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


def overview(as_of: date | None = None, *, stale_days: int = DEFAULT_STALE_DAYS,
             engine: Engine | None = None) -> Overview:
    district = load_district(as_of, engine=engine)
    campaigns = [campaign_progress(district, c, district.units_of(c.key))
                 for c in district.campaigns]
    communes = rank(commune_progress(district))
    agencies = rank(unit_progress(district, district.agencies))
    silent = silent_units(district, stale_days)
    return Overview(district.as_of, campaigns, communes,
                    [a for a in agencies if a.standing.percent is not None
                     and a.standing.percent < 1], silent,
                    daily_summary(district.as_of, campaigns, communes, agencies, silent,
                                  stale_days),
                    district.is_empty)


def commune_choices(actor: Actor | None = None, *, engine: Engine | None = None
                    ) -> list[tuple[str, str]]:
    """(code, name) of the communes the actor may open: their own for a commune account."""
    with session_scope(engine) as session:
        query = select(Commune.code, Commune.name).where(Commune.closed_on.is_(None))
        if actor is not None and actor.role == "commune":
            query = query.where(Commune.id == actor.commune_id)
        rows = [(code, name) for code, name in session.execute(query)]
    return sorted(rows, key=lambda row: fold(row[1]))


def commune_view(code: str, as_of: date | None = None, *, actor: Actor | None = None,
                 engine: Engine | None = None) -> CommuneView | None:
    """One commune's clusters, curve and agencies; None for an unknown or closed commune.
    A commune account may open its own only (ScopeRefused)."""
    district = load_district(as_of, engine=engine)
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


def agencies_view(as_of: date | None = None, *, engine: Engine | None = None) -> AgenciesView:
    """All agencies against the staff deadline, by kind; in each, those below 100% first."""
    district = load_district(as_of, engine=engine)
    staff = district.campaign("staff")
    if staff is None:
        return AgenciesView(district.as_of, None, [], True)
    return AgenciesView(district.as_of, campaign_progress(district, staff, district.agencies),
                        agency_groups(district), not district.agencies)


# ---------------------------------------------------------------- building blocks


def campaign_progress(district: District, campaign: CampaignInfo,
                      units: Sequence[UnitInfo]) -> CampaignProgress:
    figures = district.group_standing(units, campaign)
    series = district.series(units)
    shown = [(day, level) for day, level in zip(district.days, series) if day >= campaign.start]
    as_of = district.as_of
    projection = []
    if as_of < campaign.deadline and figures.status not in ("reached", "no_target"):
        days_left = (campaign.deadline - as_of).days
        projection = [(as_of, float(figures.registered)),
                      (campaign.deadline, figures.registered + max(figures.pace, 0) * days_left)]
    curve = Curve([d for d, _ in shown], [level for _, level in shown], campaign.start,
                  campaign.deadline, figures.target, figures.expected, projection)
    return CampaignProgress(campaign.key, campaign.name, campaign.start, campaign.deadline,
                            (campaign.deadline - as_of).days, figures, curve)


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


def daily_summary(as_of: date, campaigns: Sequence[CampaignProgress],
                  communes: Sequence[UnitProgress], agencies: Sequence[UnitProgress],
                  silent: Sequence[SilentUnit], stale_days: int) -> str:
    """A short plain text for the district's Zalo groups (no markup)."""
    lines = [f"TIẾN ĐỘ CÀI ĐẶT iHaNoi HUYỆN ĐAN PHƯỢNG, số liệu đến ngày {fmt.day(as_of)}"]
    for number, c in enumerate(campaigns, start=1):
        s = c.standing
        text = (f"{number}. {c.name}: {fmt.number(s.registered)}/{fmt.number(s.size)} người đã tạo "
                f"tài khoản ({fmt.percent(s.percent)}); hạn {fmt.day(c.deadline)}, "
                f"{fmt.days_left(c.days_left)}")
        if s.needed_pace is not None and s.status != "reached":
            text += (f"; cần {fmt.pace(s.needed_pace)} người/ngày, 7 ngày qua "
                     f"{fmt.pace(s.pace)} người/ngày")
        lines.append(f"{text}. Đánh giá: {fmt.STATUS_LABELS[s.status]}.")
    behind = [c for c in communes if c.standing.percent is not None][:SUMMARY_UNITS]
    if behind:
        lines.append(f"{len(behind)} xã, thị trấn thấp nhất: " + "; ".join(
            f"{c.name} {fmt.percent(c.standing.percent)}" for c in behind) + ".")
    lagging = [a for a in agencies if a.standing.percent is not None
               and a.standing.percent < 1][:SUMMARY_UNITS]
    if lagging:
        lines.append(f"{len(lagging)} cơ quan, đơn vị thấp nhất: " + "; ".join(
            f"{a.name} {fmt.percent(a.standing.percent)}" for a in lagging) + ".")
    if silent:
        lines.append(f"Chưa báo cáo {stale_days} ngày trở lên: " + _silent_text(silent) + ".")
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


def _since(items: Sequence[SilentUnit]) -> str:
    last = max((i.last_report for i in items if i.last_report), default=None)
    return "chưa báo cáo lần nào" if last is None else f"báo cáo cuối {fmt.short_day(last)}"


def _group_rank(name: str) -> int:
    key = fold(name)
    return next((i for i, word in enumerate(GROUP_ORDER) if word in key), len(GROUP_ORDER))

