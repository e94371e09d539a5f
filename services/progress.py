"""Registered and installed people per cluster, commune, agency and campaign, as of any date: the
`cli.py progress --json` contract (cli.md).

A reader of the daily tables, as the pages are: each unit's figures on the date are the rule of
services/figures_rule.py applied to its rows (`aggregates.read_levels_on`); communes, districts and
campaigns add up their open units. Nothing is recounted from the people rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Engine

from db import session_scope
from models import Agency, Cluster, Commune, District, open_on
from services.aggregates import ensure_current, read_levels_on
from services.analytics import CampaignInfo, latest_report_date, read_campaigns
from text import fold, vietnam_today


@dataclass
class UnitFigure:
    code: str
    name: str
    registered: int = 0
    installed: int = 0
    last_report: date | None = None


@dataclass
class ClusterFigure(UnitFigure):
    commune_code: str = ""
    population: int | None = None
    target_population: int | None = None


@dataclass
class AgencyFigure(UnitFigure):
    commune_code: str | None = None
    kind: str | None = None
    staff: int | None = None


@dataclass
class CommuneFigure:
    code: str
    name: str
    district_code: str | None = None
    target_population: int = 0
    registered: int = 0
    installed: int = 0
    last_report: date | None = None


@dataclass
class DistrictFigure:
    """A district's residents (from its communes) and staff (from its agencies)."""

    code: str
    name: str
    target_population: int = 0
    registered: int = 0
    installed: int = 0
    staff: int = 0
    staff_registered: int = 0
    staff_installed: int = 0


@dataclass(frozen=True)
class CampaignFigure(CampaignInfo):
    """A campaign and its figures."""

    denominator: int = 0
    registered: int = 0
    installed: int = 0


@dataclass
class Progress:
    as_of: date
    campaigns: list[CampaignFigure] = field(default_factory=list)
    communes: list[CommuneFigure] = field(default_factory=list)
    clusters: list[ClusterFigure] = field(default_factory=list)
    agencies: list[AgencyFigure] = field(default_factory=list)
    districts: list[DistrictFigure] = field(default_factory=list)  # empty: a one-district tracker

    def campaign(self, key: str) -> CampaignFigure:
        return next(c for c in self.campaigns if c.key == key)

    def as_json(self) -> dict:
        """The `progress --json` contract (cli.md), keys in its order."""
        def rows(items, keys):
            return [{key: _iso(getattr(item, key)) for key in keys} for item in items]
        return {
            "as_of": self.as_of.isoformat(),
            "campaigns": rows(self.campaigns, ("key", "deadline", "target_pct", "denominator",
                                               "registered", "installed")),
            "communes": rows(self.communes, ("code", "name", "target_population", "registered",
                                             "installed")),
            "clusters": rows(self.clusters, ("code", "commune_code", "name", "population",
                                             "target_population", "registered", "installed",
                                             "last_report")),
            "agencies": rows(self.agencies, ("code", "name", "commune_code", "staff", "registered",
                                             "installed", "last_report")),
        } | ({"districts": rows(self.districts, ("code", "name", "target_population", "registered",
                                                 "installed", "staff", "staff_registered",
                                                 "staff_installed"))} if self.districts else {})


def _iso(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def progress(as_of: date | None = None, *, district: str | None = None,
             engine: Engine | None = None) -> Progress:
    """Every figure the dashboard shows, as of `as_of` (default: the latest report date).

    `district`: only that district's communes, clusters and agencies (a city deployment)."""
    as_of = as_of or latest_report_date(engine) or vietnam_today()
    ensure_current(engine)
    with session_scope(engine) as session:
        districts = list(session.execute(select(District).where(open_on(District, as_of))
                                         .order_by(District.code)).scalars())
        communes = list(session.execute(select(Commune).where(open_on(Commune, as_of))).scalars())
        clusters = list(session.execute(select(Cluster).where(open_on(Cluster, as_of))
                                     .order_by(Cluster.code)).scalars())
        agencies = list(session.execute(select(Agency).where(open_on(Agency, as_of))
                                     .order_by(Agency.code)).scalars())
        campaigns = read_campaigns(session)
        levels = read_levels_on(session, as_of)

    district_code = {d.id: d.code for d in districts}
    if district is not None:
        chosen = {d.id for d in districts if d.code == district}
        communes = [c for c in communes if c.district_id in chosen]
        commune_ids = {c.id for c in communes}
        agencies = [a for a in agencies if a.commune_id in commune_ids or a.district_id in chosen]
        districts = [d for d in districts if d.id in chosen]
    commune_by_id = {c.id: c for c in communes}
    result = Progress(as_of)
    for cluster in clusters:
        commune = commune_by_id.get(cluster.commune_id)
        if commune is None:
            continue
        figure = ClusterFigure(cluster.code, cluster.name, commune_code=commune.code,
                               population=cluster.population,
                               target_population=cluster.target_population)
        _take(figure, levels.get(("cluster", cluster.id)))
        result.clusters.append(figure)
    for agency in agencies:
        commune = commune_by_id.get(agency.commune_id)
        figure = AgencyFigure(agency.code, agency.name, commune_code=commune.code if commune else None,
                              kind=agency.kind, staff=agency.staff)
        _take(figure, levels.get(("agency", agency.id)))
        result.agencies.append(figure)

    by_commune = {c.code: CommuneFigure(c.code, c.name, district_code.get(c.district_id))
                  for c in sorted(communes, key=lambda c: fold(c.name))}
    for figure in result.clusters:
        total = by_commune[figure.commune_code]
        total.target_population += figure.target_population or 0
        total.registered += figure.registered
        total.installed += figure.installed
        if figure.last_report and (total.last_report is None or figure.last_report > total.last_report):
            total.last_report = figure.last_report
    result.communes = list(by_commune.values())
    result.districts = _district_figures(districts, result, communes, agencies)

    units_of = {"residents": (result.clusters, "target_population"), "staff": (result.agencies, "staff")}
    for campaign in campaigns:
        units, size = units_of.get(campaign.key, ([], ""))
        result.campaigns.append(CampaignFigure(
            campaign.key, campaign.name, campaign.start, campaign.deadline, campaign.target_pct,
            denominator=sum(getattr(u, size) or 0 for u in units),
            registered=sum(u.registered for u in units), installed=sum(u.installed for u in units)))
    return result


def _district_figures(districts, result: Progress, communes, agencies) -> list[DistrictFigure]:
    if not districts:
        return []
    totals = {d.id: DistrictFigure(d.code, d.name) for d in districts}
    district_of_commune = {c.code: c.district_id for c in communes}
    for figure in result.communes:
        if (total := totals.get(district_of_commune.get(figure.code))) is not None:
            total.target_population += figure.target_population
            total.registered += figure.registered
            total.installed += figure.installed
    commune_district = {c.id: c.district_id for c in communes}
    for agency, figure in zip(agencies, result.agencies):
        district_id = agency.district_id or commune_district.get(agency.commune_id)
        if (total := totals.get(district_id)) is not None:
            total.staff += figure.staff or 0
            total.staff_registered += figure.registered
            total.staff_installed += figure.installed
    return list(totals.values())


def _take(figure: UnitFigure, level: tuple[int, int, date | None] | None) -> None:
    if level is not None:
        figure.registered, figure.installed, figure.last_report = level
