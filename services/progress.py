"""Registered and installed people per cluster, commune, agency and campaign, as of any date.

Rules (import-formats.md, "Figures as of a date"):
- the latest roster listing a person decides their state; they count from their registration date
  (never after that roster's date), else from the roster's report date;
- a count report holds from its report date until the unit's next report;
- where a unit has both, the more recent report date wins; on the same date the count report wins.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Engine

from db import session_scope
from models import (Agency, Campaign, Cluster, Commune, CountReport, District, RosterEntry,
                    open_on)
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


@dataclass
class CampaignFigure:
    key: str
    name: str
    start: date
    deadline: date
    target_pct: float
    denominator: int
    registered: int
    installed: int


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


def latest_report_date(engine: Engine | None = None) -> date | None:
    """The newest report date in the data (the default as-of date, not the wall clock)."""
    with session_scope(engine) as session:
        dates = [session.execute(select(func.max(model.report_date))).scalar()
                 for model in (RosterEntry, CountReport)]
    dates = [d for d in dates if d is not None]
    return max(dates) if dates else None


def progress(as_of: date | None = None, *, district: str | None = None,
             engine: Engine | None = None) -> Progress:
    """Every figure the dashboard shows, as of `as_of` (default: the latest report date).

    `district`: only that district's communes, clusters and agencies (a city deployment)."""
    as_of = as_of or latest_report_date(engine) or vietnam_today()
    with session_scope(engine) as session:
        districts = list(session.execute(select(District).where(open_on(District, as_of))
                                         .order_by(District.code)).scalars())
        communes = list(session.execute(select(Commune).where(open_on(Commune, as_of))).scalars())
        clusters = list(session.execute(select(Cluster).where(open_on(Cluster, as_of))
                                     .order_by(Cluster.code)).scalars())
        agencies = list(session.execute(select(Agency).where(open_on(Agency, as_of))
                                     .order_by(Agency.code)).scalars())
        campaigns = list(session.execute(select(Campaign).order_by(Campaign.deadline)).scalars())
        roster = _roster_figures(session, as_of)
        counts = _count_figures(session, as_of)

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
        _combine(figure, roster.get(("c", cluster.id)), counts.get(("c", cluster.id)))
        result.clusters.append(figure)
    for agency in agencies:
        commune = commune_by_id.get(agency.commune_id)
        figure = AgencyFigure(agency.code, agency.name, commune_code=commune.code if commune else None,
                              kind=agency.kind, staff=agency.staff)
        _combine(figure, roster.get(("a", agency.id)), counts.get(("a", agency.id)))
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


def _combine(figure: UnitFigure, roster: tuple | None, count: tuple | None) -> None:
    """Roster or count report, whichever is more recent (the count report on the same date)."""
    roster_date = roster[2] if roster else None
    if count is not None and (roster_date is None or count[2] >= roster_date):
        figure.registered, figure.installed, figure.last_report = count
        return
    if roster is not None:
        figure.registered, figure.installed, figure.last_report = roster


def _roster_figures(session, as_of: date) -> dict[tuple[str, int], tuple[int, int, date | None]]:
    """(registered, installed, last roster date <= as_of) per unit, from each person's latest entry."""
    ranked = select(
        RosterEntry.cluster_id, RosterEntry.agency_id, RosterEntry.registered,
        RosterEntry.installed, RosterEntry.report_date,
        func.coalesce(RosterEntry.registered_on, RosterEntry.report_date).label("since"),
        func.row_number().over(
            partition_by=(RosterEntry.campaign, RosterEntry.person_key),
            order_by=(RosterEntry.report_date.desc(), RosterEntry.upload_id.desc(),
                      RosterEntry.id.desc())).label("rank"),
    ).subquery()
    counts_from = ranked.c.since <= as_of
    query = select(
        ranked.c.cluster_id, ranked.c.agency_id,
        func.sum(case((and_(ranked.c.registered, counts_from), 1), else_=0)),
        func.sum(case((and_(ranked.c.installed, counts_from), 1), else_=0)),
    ).where(ranked.c.rank == 1).group_by(ranked.c.cluster_id, ranked.c.agency_id)
    figures = {}
    for cluster_id, agency_id, registered, installed in session.execute(query):
        figures[_unit(cluster_id, agency_id)] = (int(registered or 0), int(installed or 0), None)
    last = select(RosterEntry.cluster_id, RosterEntry.agency_id, func.max(RosterEntry.report_date)) \
        .where(RosterEntry.report_date <= as_of) \
        .group_by(RosterEntry.cluster_id, RosterEntry.agency_id)
    for cluster_id, agency_id, last_date in session.execute(last):
        key = _unit(cluster_id, agency_id)
        registered, installed, _ = figures.get(key, (0, 0, None))
        figures[key] = (registered, installed, last_date)
    return figures


def _count_figures(session, as_of: date) -> dict[tuple[str, int], tuple[int, int, date]]:
    """(registered, installed, report date) of each unit's latest count report on or before as_of."""
    ranked = select(
        CountReport.cluster_id, CountReport.agency_id, CountReport.registered,
        CountReport.installed, CountReport.report_date,
        func.row_number().over(
            partition_by=(CountReport.cluster_id, CountReport.agency_id),
            order_by=(CountReport.report_date.desc(), CountReport.upload_id.desc(),
                      CountReport.id.desc())).label("rank"),
    ).where(CountReport.report_date <= as_of).subquery()
    query = select(ranked.c.cluster_id, ranked.c.agency_id, ranked.c.registered,
                   ranked.c.installed, ranked.c.report_date).where(ranked.c.rank == 1)
    return {_unit(c, a): (reg, inst, day) for c, a, reg, inst, day in session.execute(query)}


def _unit(cluster_id: int | None, agency_id: int | None) -> tuple[str, int]:
    return ("c", cluster_id) if cluster_id is not None else ("a", agency_id)
