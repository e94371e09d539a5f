"""An independent recount of every figure, written from the contract (import-formats.md, "Figures
as of a date") and nothing else: it reads the stored rows (the directory, the roster entries and
count reports of the imports not undone) and counts in plain Python. It imports nothing from
`services/`, so that a test comparing the pages, the command line and this oracle tests the rule
the tracker implements against the rule the contract states.

- A person (campaign, person key) is in the state of the latest roster listing them: the latest
  report date; on the same date, the later import; in one import, the later row.
- They count from their registration date where given and not after that roster's date, else from
  the roster's report date.
- A count report holds from its date until the unit's next report; of two imports for one unit and
  date, the later one holds.
- A unit with both: the more recent report date wins; on the same date the count report wins.
- A unit counts while it and its commune are open (opened on or before the day, not closed on or
  before it); a commune adds up its clusters, a district its communes' clusters (residents) and
  the agencies of its communes or directly under it (staff), a campaign every unit of its kind.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db import session_scope
from models import Agency, Campaign, Cluster, Commune, CountReport, District, RosterEntry, Upload


@dataclass(frozen=True)
class Figure:
    registered: int
    installed: int
    last_report: date | None = None


@dataclass
class Recount:
    as_of: date
    clusters: dict[str, Figure]  # by code, the open clusters of open communes
    agencies: dict[str, Figure]  # by code, the open agencies
    communes: dict[str, Figure]  # by code: residents, without a last report
    districts: dict[str, dict[str, Figure]]  # by code, then campaign key
    campaigns: dict[str, tuple[int, int, int]]  # key -> (registered, installed, people in scope)


def _open(unit, day: date) -> bool:
    return ((unit.opened_on is None or unit.opened_on <= day)
            and (unit.closed_on is None or unit.closed_on > day))


def recount(engine, as_of: date) -> Recount:
    with session_scope(engine) as session:
        districts = list(session.execute(select(District)).scalars())
        communes = {c.id: c for c in session.execute(select(Commune)).scalars()}
        clusters = list(session.execute(select(Cluster)).scalars())
        agencies = list(session.execute(select(Agency)).scalars())
        entries = list(session.execute(select(RosterEntry)).scalars())
        counts = list(session.execute(select(CountReport)).scalars())
        campaigns = [c.key for c in session.execute(select(Campaign)).scalars()]
        session.expunge_all()

    # each person's latest entry
    latest: dict[tuple[str, str], RosterEntry] = {}
    for entry in entries:
        person = (entry.campaign, entry.person_key)
        known = latest.get(person)
        if known is None or (entry.report_date, entry.upload_id, entry.id) > \
                (known.report_date, known.upload_id, known.id):
            latest[person] = entry
    people: dict[tuple[str, int], list[int]] = {}
    for entry in latest.values():
        since = entry.report_date
        if entry.registered_on is not None and entry.registered_on <= entry.report_date:
            since = entry.registered_on
        unit = _unit(entry)
        tally = people.setdefault(unit, [0, 0])
        if since <= as_of:
            tally[0] += entry.registered
            tally[1] += entry.installed
    roster_day: dict[tuple[str, int], date] = {}
    for entry in entries:
        unit = _unit(entry)
        if entry.report_date <= as_of and entry.report_date > roster_day.get(unit, date.min):
            roster_day[unit] = entry.report_date
    count: dict[tuple[str, int], CountReport] = {}
    for report in counts:
        unit = _unit(report)
        known = count.get(unit)
        if report.report_date <= as_of and (known is None or (
                report.report_date, report.upload_id, report.id) > (
                known.report_date, known.upload_id, known.id)):
            count[unit] = report

    def figure(unit: tuple[str, int]) -> Figure:
        report, day = count.get(unit), roster_day.get(unit)
        if report is not None and (day is None or report.report_date >= day):
            return Figure(report.registered, report.installed, report.report_date)
        registered, installed = people.get(unit, (0, 0))
        return Figure(registered, installed, day)

    def commune_open(commune_id) -> bool:
        return commune_id in communes and _open(communes[commune_id], as_of)

    open_clusters = [c for c in clusters if _open(c, as_of) and commune_open(c.commune_id)]
    open_agencies = [a for a in agencies if _open(a, as_of)
                     and (a.commune_id is None or commune_open(a.commune_id))]
    result = Recount(as_of, {}, {}, {}, {}, {})
    for cluster in open_clusters:
        result.clusters[cluster.code] = figure(("cluster", cluster.id))
    for agency in open_agencies:
        result.agencies[agency.code] = figure(("agency", agency.id))
    for commune in communes.values():
        if _open(commune, as_of):
            mine = [result.clusters[c.code] for c in open_clusters if c.commune_id == commune.id]
            result.communes[commune.code] = Figure(sum(f.registered for f in mine),
                                                   sum(f.installed for f in mine))

    def district_of(unit) -> int | None:
        if getattr(unit, "commune_id", None) is not None:
            return communes[unit.commune_id].district_id
        return unit.district_id

    for district in districts:
        if not _open(district, as_of):
            continue
        residents = [result.clusters[c.code] for c in open_clusters
                     if district_of(c) == district.id]
        staff = [result.agencies[a.code] for a in open_agencies if district_of(a) == district.id]
        result.districts[district.code] = {
            key: Figure(sum(f.registered for f in units), sum(f.installed for f in units))
            for key, units in (("residents", residents), ("staff", staff))}
    sizes = {"residents": (open_clusters, "target_population", result.clusters),
             "staff": (open_agencies, "staff", result.agencies)}
    for key in campaigns:
        units, size, figures = sizes[key]
        result.campaigns[key] = (sum(figures[u.code].registered for u in units),
                                 sum(figures[u.code].installed for u in units),
                                 sum(getattr(u, size) or 0 for u in units))
    return result


def _unit(row) -> tuple[str, int]:
    return ("cluster", row.cluster_id) if row.cluster_id is not None else ("agency", row.agency_id)


def unit_reports(engine) -> dict[tuple[str, str], list[tuple]]:
    """Each open unit's reports, by (kind, code): every date a count report or a roster of it is
    dated, oldest first, as (day, registered, installed, first import's time, registered went
    down since the report before), the figures being the recount's on that day."""
    with session_scope(engine) as session:
        uploaded = dict(session.execute(select(Upload.id, Upload.created_at)).all())
        codes = {("cluster", i): code for i, code in session.execute(select(Cluster.id, Cluster.code))}
        codes |= {("agency", i): code for i, code in session.execute(select(Agency.id, Agency.code))}
        rows = [(_unit(r), r.report_date, r.upload_id) for model in (RosterEntry, CountReport)
                for r in session.execute(select(model)).scalars()]
    first: dict[tuple, object] = {}
    for unit, day, upload_id in rows:
        key = ((unit[0], codes[unit]), day)
        first[key] = min(first.get(key, uploaded[upload_id]), uploaded[upload_id])
    recounts = {day: recount(engine, day) for day in {day for _, day in first}}
    reports: dict[tuple[str, str], list[tuple]] = {}
    for (unit, day), at in sorted(first.items()):
        figures = recounts[day].clusters if unit[0] == "cluster" else recounts[day].agencies
        figure, mine = figures[unit[1]], reports.setdefault(unit, [])
        mine.append((day, figure.registered, figure.installed, at,
                     bool(mine) and figure.registered < mine[-1][1]))
    return reports
