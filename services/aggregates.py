"""Per unit and day, the levels the dashboards read, so that no page view scans people rows.

A row (unit, source, day) holds a unit's registered and installed figures from that day on, as one
source gives them by the rule of services/figures_rule.py (which these tables materialise):
- source `count`: the unit's count report dated that day (the latest import of that day wins);
- source `roster`: the people whose latest roster entry is in the unit and who count from that day
  or before; a row is written on each day the level changes and on each day a roster is dated.
`reported` marks a report dated that day; `first_upload_id` is the import that first brought it
(its time, in `upload`, tells whether the report was on time).

`AreaDay` rolls the units up: a commune's, a district's and the city's level per campaign (clusters
count for the residents, agencies for the staff) from a day on, the sum of its units open that day
(a unit counts from its `opened_on` to the day before its `closed_on`, and only while its commune is
open), so that the figures before a merger stay what they were. A commune sums its units, a
district its communes and the agencies directly under it, the city its districts and whatever has
no district. The city's dashboards read these rows only, whatever the number of units and people.

The tables follow the uploads: `catch_up` brings in the uploads it has not seen (the import service
calls it after writing, in its transaction), and `refresh_after_undo` puts back the units an undone
upload touched; a directory change (units import, closing, merging) refreshes every area. Readers
call `ensure_current`: one small query when nothing is new, else a catch-up in a writer
transaction of its own. Anything it cannot follow exactly (an undo it was not told of,
uploads committed out of order) makes it rebuild from scratch.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

from sqlalchemy import (and_, case, delete, exists, false, func, insert, or_, select,
                        true, tuple_)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session

from db import session_scope
from models import (Agency, AggregateState, AreaDay, Cluster, Commune, CountReport,
                    RosterEntry, UnitDay, UnitReport, Upload)
from services.figures_rule import DECIDING_ORDER, Level, ReportedFigure, UnitFigures, UnitKey

REBUILD_ABOVE_UPLOADS = 200  # more new uploads than this at once: rebuild rather than follow
CAMPAIGN_OF_UNIT = {"cluster": "residents", "agency": "staff"}


def data_version(session: Session) -> tuple[int, int, int]:
    """(uploads, highest upload id, undone uploads): changes with every import and every undo."""
    count, last, undone = session.execute(select(
        func.count(Upload.id), func.coalesce(func.max(Upload.id), 0),
        func.count(Upload.undone_at))).one()
    return int(count), int(last), int(undone)


def ensure_current(engine: Engine | None = None) -> None:
    """For readers: check (read only) and, when uploads came or went, catch up as a writer."""
    with session_scope(engine) as session:
        state = session.get(AggregateState, 1)
        if state is not None and _version_of(state) == data_version(session):
            return
    try:
        with session_scope(engine, serial=True) as session:
            catch_up(session)
    except IntegrityError:  # another process made the first state row at the same moment
        with session_scope(engine, serial=True) as session:
            catch_up(session)


def catch_up(session: Session) -> None:
    """Bring the table up to date with the uploads, in the caller's (writer) transaction."""
    state = session.get(AggregateState, 1, with_for_update=True)  # one catch-up at a time
    version = data_version(session)
    if state is not None and _version_of(state) == version:
        return
    new = {} if state is None else dict(session.execute(
        select(Upload.id, Upload.kind).where(Upload.id > state.last_upload_id)).all())
    if (state is None or state.undone != version[2] or len(new) != version[0] - state.uploads
            or len(new) > REBUILD_ABOVE_UPLOADS):
        rebuild(session)
    else:
        touched = units_of_uploads(session, new, kinds=set(new.values()))
        refresh_units(session, touched)
        refresh_areas(session, None if "units" in new.values() else touched)
    _store(session, version)


def units_of_uploads(session: Session, upload_ids: Iterable[int],
                     kinds: set[str] | None = None) -> set[UnitKey]:
    """The units whose figures the uploads decide: their own units, and for a roster, every unit
    where its people appear (a person's latest roster moves them from one unit to another).
    `kinds`: the uploads' kinds, where the caller knows them (only those tables are read)."""
    ids = list(upload_ids)
    if not ids:
        return set()
    units = set()
    if kinds is None or "counts" in kinds:
        units |= {_key(c, a) for c, a in session.execute(
            select(CountReport.cluster_id, CountReport.agency_id).distinct()
            .where(CountReport.upload_id.in_(ids)))}
    if kinds is None or kinds & {"residents", "staff"}:
        mine, theirs = aliased(RosterEntry), aliased(RosterEntry)
        units |= {_key(c, a) for c, a in session.execute(
            select(theirs.cluster_id, theirs.agency_id).distinct()
            .join(mine, and_(mine.campaign == theirs.campaign,
                             mine.person_key == theirs.person_key))
            .where(mine.upload_id.in_(ids)))}
    return units


def refresh_after_undo(session: Session, units: set[UnitKey], *, directory: bool = False) -> None:
    """After an undo's rows are deleted: recompute the units it touched (`units_of_uploads`,
    taken before the delete), and every area when it was a directory import."""
    state = session.get(AggregateState, 1, with_for_update=True)
    refresh_units(session, units)
    refresh_areas(session, None if directory else units)
    version = data_version(session)
    if state is not None and (state.uploads, state.last_upload_id, state.undone + 1) == version:
        _store(session, version)


def refresh_units(session: Session, units: set[UnitKey]) -> None:
    """Recompute the rows of these units from the roster entries and count reports."""
    if not units:
        return
    clusters = sorted(i for kind, i in units if kind == "cluster")
    agencies = sorted(i for kind, i in units if kind == "agency")
    for table in (UnitDay, UnitReport):
        for one in _by_units(delete(table), table, units):
            session.execute(one)
    _insert(session, _compute(session, clusters, agencies))


def rebuild(session: Session) -> None:
    """Recompute every row, units and areas."""
    session.execute(delete(UnitDay))
    session.execute(delete(UnitReport))
    _insert(session, _compute(session, None, None))
    refresh_areas(session)


def rebuild_all(engine: Engine | None = None) -> None:
    with session_scope(engine, serial=True) as session:
        rebuild(session)
        _store(session, data_version(session))


def read_unit_days(session: Session, units: Iterable[UnitKey] | None = None) -> list[tuple]:
    """The rows (of these units, or all) as (unit_type, unit_id, source, day, registered,
    installed, reported, first import's time), by unit, source and day (call `ensure_current`
    first)."""
    query = (select(UnitDay.unit_type, UnitDay.unit_id, UnitDay.source, UnitDay.day,
                    UnitDay.registered, UnitDay.installed, UnitDay.reported, Upload.created_at)
             .outerjoin(Upload, Upload.id == UnitDay.first_upload_id))
    order = (UnitDay.unit_type, UnitDay.unit_id, UnitDay.source, UnitDay.day)
    return [tuple(row) for one in _by_units(query, UnitDay, units)
            for row in session.connection().execute(one.order_by(*order))]


def _by_units(query, table, units: Iterable[UnitKey] | None, batch: int = 5_000) -> list:
    """The statement (a select or a delete) as is (every unit) or narrowed to these units, one per
    kind and batch of ids: no empty IN (beside an OR it made SQLite scan the whole table), and
    bound parameters stay well under the databases' limits."""
    if units is None:
        return [query]
    queries = []
    for kind in ("cluster", "agency"):
        ids = sorted(i for k, i in units if k == kind)
        queries += [query.where(table.unit_type == kind, table.unit_id.in_(ids[start:start + batch]))
                    for start in range(0, len(ids), batch)]
    return queries


def read_levels_on(session: Session, day: date) -> dict[UnitKey, tuple[int, int, date | None]]:
    """Every unit's (registered, installed, last report) on a day (call `ensure_current` first):
    the rule (`UnitFigures`) applied to the only rows it reads for that day, each unit's latest
    count row, latest roster row and latest roster report on or before it. A city costs one to
    three rows per unit, whatever its people and days."""
    upto = UnitDay.day <= day
    unit = (UnitDay.unit_type, UnitDay.unit_id)
    latest = select(*unit, UnitDay.source, func.max(UnitDay.day).label("day")) \
        .where(upto).group_by(*unit, UnitDay.source)
    reported = select(*unit, UnitDay.source, func.max(UnitDay.day).label("day")) \
        .where(upto, UnitDay.source == "roster", UnitDay.reported).group_by(*unit, UnitDay.source)
    wanted = latest.union(reported).subquery()
    query = select(UnitDay.unit_type, UnitDay.unit_id, UnitDay.source, UnitDay.day,
                   UnitDay.registered, UnitDay.installed, UnitDay.reported).join(wanted, and_(
                       wanted.c.unit_type == UnitDay.unit_type,
                       wanted.c.unit_id == UnitDay.unit_id, wanted.c.source == UnitDay.source,
                       wanted.c.day == UnitDay.day))
    rows: dict[UnitKey, list[tuple]] = defaultdict(list)
    for row in session.connection().execute(query):  # Core: no ORM work per row
        rows[row[0], row[1]].append(tuple(row[2:]))
    return {key: UnitFigures(unit_rows).on(day) for key, unit_rows in rows.items()}


def read_area_days(session: Session, area_type: str, area_ids: Iterable[int] | None,
                   until: date) -> dict[tuple[int, str], list[Level]]:
    """The levels of areas of a type (all of them when `area_ids` is None), up to `until`, by
    (area id, campaign), oldest first (call `ensure_current` first)."""
    query = select(AreaDay.area_id, AreaDay.campaign, AreaDay.day, AreaDay.registered,
                   AreaDay.installed).where(AreaDay.area_type == area_type, AreaDay.day <= until)
    if area_ids is not None:
        query = query.where(AreaDay.area_id.in_(list(area_ids)))
    levels: dict[tuple[int, str], list[Level]] = defaultdict(list)
    for area_id, campaign, day, registered, installed in session.connection().execute(
            query.order_by(AreaDay.area_id, AreaDay.campaign, AreaDay.day)):
        levels[area_id, campaign].append((day, registered, installed))
    return levels


def refresh_areas(session: Session, units: set[UnitKey] | None = None) -> None:
    """Recompute the area rows these units feed: their communes, their districts and the city
    (every area when `units` is None, and after any change to which units are open).

    With `units`, only their communes are summed from their units; a district and the city take
    the change that brings (new rows minus old), so that an import reads a few areas' rows
    whatever the size of the city. A district whose own agencies (under no commune) are among
    the units is summed again, and so is the city for agencies under no district."""
    if units is None:
        _refresh_every_area(session, _communes(session))
        return
    clusters = [i for kind, i in units if kind == "cluster"]
    agencies = [i for kind, i in units if kind == "agency"]
    touched = set(session.execute(select(Cluster.commune_id).distinct()
                                  .where(Cluster.id.in_(clusters))).scalars()) if clusters else set()
    direct = set()  # districts (None: the city) whose own agencies are among the units
    for commune_id, district_id in session.execute(
            select(Agency.commune_id, Agency.district_id).distinct()
            .where(Agency.id.in_(agencies))) if agencies else ():
        if commune_id is None:
            direct.add(district_id)
        else:
            touched.add(commune_id)
    touched.discard(None)
    # the communes' rows: of the touched ones, or all where a district or the city is summed
    communes = _communes(session, None if direct else touched)
    new = _sum_units(session, communes, commune_ids=touched)
    change = _change(read_area_days(session, "commune", touched, date.max), touched,
                     new)  # by (commune, campaign)
    _write_areas(session, "commune", touched, new)
    by_district: dict[tuple[int | None, str], dict] = {}
    for (commune_id, campaign), days in change.items():
        _merge(by_district, (communes[commune_id].district_id, campaign), days)
    districts = {communes[c].district_id for c in touched} | direct
    new = _sum_districts(session, communes, districts & direct - {None})
    for (district_id, campaign), days in by_district.items():
        if district_id is not None and district_id not in direct:
            _merge(new, (district_id, campaign), days)
    districts -= {None}
    held = read_area_days(session, "district", districts, date.max)
    for key, levels in held.items():
        if key[0] not in direct:
            _add(new, key, levels)
    city_change = _change(held, districts, new)
    _write_areas(session, "district", districts, new)
    if None in direct:
        _write_areas(session, "city", {0}, _sum_city(session, communes))
        return
    city: dict[tuple[int, str], dict] = {}
    for (_, campaign), days in [*city_change.items(), *((k, v) for k, v in by_district.items()
                                                        if k[0] is None)]:
        _merge(city, (0, campaign), days)
    for key, levels in read_area_days(session, "city", None, date.max).items():
        _add(city, key, levels)
    _write_areas(session, "city", {0}, city)


def _refresh_every_area(session: Session, communes: dict) -> None:
    session.execute(delete(AreaDay))  # also the rows of areas deleted since (an undone merge)
    _write_areas(session, "commune", set(communes), _sum_units(session, communes))
    districts = {c.district_id for c in communes.values()} | set(session.execute(
        select(Agency.district_id).distinct().where(Agency.commune_id.is_(None))).scalars())
    districts -= {None}
    _write_areas(session, "district", districts, _sum_districts(session, communes, districts))
    _write_areas(session, "city", {0}, _sum_city(session, communes))


def _sum_districts(session: Session, communes: dict, districts: set[int]) -> dict:
    """The districts' daily changes: their own agencies' and their communes' (as written)."""
    if not districts:
        return {}
    sums = _sum_units(session, communes, direct_of=districts)
    for (commune_id, campaign), levels in read_area_days(
            session, "commune", [c.id for c in communes.values() if c.district_id in districts],
            date.max).items():
        _add(sums, (communes[commune_id].district_id, campaign), levels)
    return sums


def _sum_city(session: Session, communes: dict) -> dict:
    """The city's daily changes: its districts' (as written), the communes under no district
    and the agencies under neither."""
    city = _sum_units(session, communes, direct_of={None})
    for key, levels in read_area_days(session, "district", None, date.max).items():
        _add(city, (0, key[1]), levels)
    for (commune_id, campaign), levels in read_area_days(
            session, "commune", [c.id for c in communes.values() if c.district_id is None],
            date.max).items():
        _add(city, (0, campaign), levels)
    return city


def _change(held: dict, area_ids: set[int], new: dict) -> dict:
    """New daily changes minus the ones the areas' rows hold now (`held`, as `read_area_days`
    gives them), by (area, campaign)."""
    change: dict[tuple[int, str], dict] = {}
    for key, levels in held.items():
        _add(change, key, levels, sign=-1)
    for key, days in new.items():
        if key[0] in area_ids:
            _merge(change, key, days)
    return change


def _communes(session: Session, ids: set[int] | None = None) -> dict:
    """The communes' rows (id, district, open dates) by id: these, or all."""
    query = select(Commune.id, Commune.district_id, Commune.opened_on, Commune.closed_on)
    if ids is not None:
        query = query.where(Commune.id.in_(list(ids)))
    return {c.id: c for c in session.execute(query)}


def _sum_units(session: Session, communes: dict, *,
               commune_ids: set[int] | None = None,
               direct_of: set[int | None] | None = None) -> dict[tuple[int, str], dict]:
    """Daily changes (day -> [registered, installed]) summed by (area, campaign): of the units
    of `commune_ids` (all communes when None) by commune; or, with `direct_of`, of the agencies
    under no commune, by their district (0 for the city when `direct_of` holds None)."""
    if direct_of is not None:
        owners = select(Agency.id, Agency.district_id, Agency.opened_on, Agency.closed_on).where(
            Agency.commune_id.is_(None),
            or_(Agency.district_id.in_([d for d in direct_of if d is not None]),
                Agency.district_id.is_(None) if None in direct_of else false()))
        units = [("agency", i, 0 if d is None else d, opened, closed)
                 for i, d, opened, closed in session.execute(owners)]
    else:
        units = []
        for model, kind in ((Cluster, "cluster"), (Agency, "agency")):
            query = select(model.id, model.commune_id, model.opened_on, model.closed_on).where(
                model.commune_id.is_not(None))
            if commune_ids is not None:
                query = query.where(model.commune_id.in_(list(commune_ids)))
            units += [(kind, i, c, *_window((opened, closed), communes[c]))
                      for i, c, opened, closed in session.execute(query)]
    rows: dict[UnitKey, list[tuple]] = defaultdict(list)
    for row in read_unit_days(session, [(kind, unit_id) for kind, unit_id, *_ in units]):
        rows[row[0], row[1]].append(row[2:])
    sums: dict[tuple[int, str], dict] = defaultdict(dict)
    for kind, unit_id, area_id, opened, closed in units:
        if rows.get((kind, unit_id)):
            figures = UnitFigures(rows[kind, unit_id])
            _add(sums, (area_id, CAMPAIGN_OF_UNIT[kind]), _clip(figures, opened, closed))
    return sums


def _window(unit: tuple[date | None, date | None], commune) -> tuple:
    """When a unit counts: while both it and its commune are open."""
    opened = max((d for d in (unit[0], commune.opened_on) if d), default=None)
    closed = min((d for d in (unit[1], commune.closed_on) if d), default=None)
    return opened, closed


def _clip(figures: UnitFigures, opened: date | None, closed: date | None) -> list[Level]:
    """A unit's levels, zero before `opened` and from `closed` on."""
    if opened is not None and closed is not None and closed <= opened:
        return []
    levels = [lv for lv in figures.levels() if (opened is None or lv[0] > opened)
              and (closed is None or lv[0] < closed)]
    if opened is not None:
        levels.insert(0, (opened, *figures.on(opened)[:2]))
    if closed is not None:
        levels.append((closed, 0, 0))
    return levels


def _add(sums: dict, key: tuple, levels: list[Level], sign: int = 1) -> None:
    """Add a series of levels, as its daily changes, to `sums[key]` (day -> [reg, inst]);
    `sign=-1`: take it away."""
    changes = sums.setdefault(key, {})
    registered = installed = 0
    for day, new_registered, new_installed in levels:
        change = changes.setdefault(day, [0, 0])
        change[0] += sign * (new_registered - registered)
        change[1] += sign * (new_installed - installed)
        registered, installed = new_registered, new_installed


def _merge(sums: dict, key: tuple, days: dict) -> None:
    """Add daily changes (day -> [reg, inst]) to `sums[key]`."""
    changes = sums.setdefault(key, {})
    for day, (registered, installed) in days.items():
        change = changes.setdefault(day, [0, 0])
        change[0] += registered
        change[1] += installed


def _write_areas(session: Session, area_type: str, area_ids: set[int],
                 sums: dict[tuple[int, str], dict]) -> None:
    area_ids = list(area_ids)
    for start in range(0, len(area_ids), 5_000):
        session.execute(delete(AreaDay).where(AreaDay.area_type == area_type,
                                              AreaDay.area_id.in_(area_ids[start:start + 5_000])))
    rows = []
    for (area_id, campaign), changes in sums.items():
        if area_id not in area_ids:
            continue
        registered = installed = 0
        for day in sorted(changes):
            if changes[day] == [0, 0]:
                continue
            registered, installed = registered + changes[day][0], installed + changes[day][1]
            rows.append(dict(area_type=area_type, area_id=area_id, campaign=campaign, day=day,
                             registered=registered, installed=installed))
    for start in range(0, len(rows), 5_000):
        session.execute(insert(AreaDay.__table__), rows[start:start + 5_000])


# ---------------------------------------------------------------- computing


def _compute(session: Session, clusters: list[int] | None,
             agencies: list[int] | None) -> list[dict]:
    """The rows of the given units (all units when both are None)."""
    everything = clusters is None and agencies is None

    def unit_filter(model):
        if everything:
            return true()
        # only the kinds given: an empty IN beside an OR makes SQLite scan the whole table
        return or_(false(), *([model.cluster_id.in_(clusters)] if clusters else []),
                   *([model.agency_id.in_(agencies)] if agencies else []))

    rows = [dict(unit_type=kind, unit_id=unit_id, source="count", day=day, registered=registered,
                 installed=installed, reported=True, first_upload_id=first)
            for (kind, unit_id), day, registered, installed, first in _count_rows(session,
                                                                                 unit_filter)]
    deltas: dict[UnitKey, dict[date, tuple[int, int]]] = defaultdict(dict)
    for cluster_id, agency_id, since, registered, installed in _roster_deltas(
            session, unit_filter):
        deltas[_key(cluster_id, agency_id)][since] = (int(registered), int(installed))
    reports: dict[UnitKey, dict[date, int]] = defaultdict(dict)
    for cluster_id, agency_id, day, first in session.execute(
            select(RosterEntry.cluster_id, RosterEntry.agency_id, RosterEntry.report_date,
                   func.min(RosterEntry.upload_id)).where(unit_filter(RosterEntry))
            .group_by(RosterEntry.cluster_id, RosterEntry.agency_id, RosterEntry.report_date)):
        reports[_key(cluster_id, agency_id)][day] = first
    for unit in deltas.keys() | reports.keys():
        registered = installed = 0
        for day in sorted(deltas[unit].keys() | reports[unit].keys()):
            new_registered, new_installed = deltas[unit].get(day, (0, 0))
            registered, installed = registered + new_registered, installed + new_installed
            rows.append(dict(unit_type=unit[0], unit_id=unit[1], source="roster", day=day,
                             registered=registered, installed=installed,
                             reported=day in reports[unit],
                             first_upload_id=reports[unit].get(day)))
    return rows


def _count_rows(session: Session, unit_filter):
    """Per unit and report date: the latest import's counts, and the first import's id."""
    ranked = select(
        CountReport.cluster_id, CountReport.agency_id, CountReport.report_date,
        CountReport.registered, CountReport.installed,
        func.min(CountReport.upload_id).over(
            partition_by=(CountReport.cluster_id, CountReport.agency_id,
                          CountReport.report_date)).label("first"),
        func.row_number().over(
            partition_by=(CountReport.cluster_id, CountReport.agency_id, CountReport.report_date),
            order_by=(CountReport.upload_id.desc(), CountReport.id.desc())).label("rank"),
    ).where(unit_filter(CountReport)).subquery()
    query = select(ranked.c.cluster_id, ranked.c.agency_id, ranked.c.report_date,
                   ranked.c.registered, ranked.c.installed, ranked.c.first
                   ).where(ranked.c.rank == 1)
    for cluster_id, agency_id, day, registered, installed, first in session.execute(query):
        yield _key(cluster_id, agency_id), day, registered, installed, first


def _roster_deltas(session: Session, unit_filter) -> list[tuple]:
    """Per unit and day: how many people start to count that day (registered, installed), from
    each person's deciding entry, in the units of `unit_filter`. The units' entries are found
    by the unit indexes and each is kept when no later entry of its person exists (`is_deciding`,
    by the person index), so that the work follows the units' people, never the city's."""
    query = select(
        RosterEntry.cluster_id, RosterEntry.agency_id, counts_from_column(),
        func.sum(case((RosterEntry.registered, 1), else_=0)),
        func.sum(case((RosterEntry.installed, 1), else_=0)),
    ).where(unit_filter(RosterEntry), or_(RosterEntry.registered, RosterEntry.installed),
            is_deciding()) \
        .group_by(RosterEntry.cluster_id, RosterEntry.agency_id, counts_from_column())
    return list(session.execute(query))


def is_deciding(entry=RosterEntry):
    """A condition on a roster entry (`RosterEntry` of the enclosing query, or an alias of it):
    it decides its person's state, no entry of the same person ranks after it
    (figures_rule.DECIDING_ORDER). Both databases run it as an anti-join by the person index
    (`ix_rosterentry_person`): one index seek per entry read, whatever the size of the city."""
    later = aliased(RosterEntry)
    return ~exists().where(
        later.campaign == entry.campaign, later.person_key == entry.person_key,
        tuple_(*(getattr(later, c) for c in DECIDING_ORDER)) >
        tuple_(*(getattr(entry, c) for c in DECIDING_ORDER)))


def counts_from_column():
    """figures_rule.counts_from, in SQL."""
    return func.coalesce(RosterEntry.registered_on, RosterEntry.report_date)


def _insert(session: Session, rows: list[dict], batch: int = 5_000) -> None:
    """The units' daily rows, and their reports (`UnitFigures.reports`) made from them."""
    for start in range(0, len(rows), batch):
        session.execute(insert(UnitDay.__table__), rows[start:start + batch])
    first_ids = sorted({r["first_upload_id"] for r in rows if r["first_upload_id"] is not None})
    times = {}
    for start in range(0, len(first_ids), batch):
        times.update(session.execute(select(Upload.id, Upload.created_at).where(
            Upload.id.in_(first_ids[start:start + batch]))).all())
    by_unit: dict[UnitKey, list[tuple]] = defaultdict(list)
    for r in rows:
        by_unit[r["unit_type"], r["unit_id"]].append(
            (r["source"], r["day"], r["registered"], r["installed"], r["reported"],
             times.get(r["first_upload_id"])))
    reports = [dict(unit_type=kind, unit_id=unit_id, **report._asdict())
               for (kind, unit_id), unit_rows in by_unit.items()
               for report in UnitFigures(unit_rows).reports()]
    for start in range(0, len(reports), batch):
        session.execute(insert(UnitReport.__table__), reports[start:start + batch])


def read_unit_reports(session: Session, units: Iterable[UnitKey] | None, until: date
                      ) -> dict[UnitKey, list[ReportedFigure]]:
    """The reports (of these units, or all) dated on or before `until`, by unit, oldest first
    (call `ensure_current` first)."""
    query = select(UnitReport.unit_type, UnitReport.unit_id, UnitReport.day,
                   UnitReport.registered, UnitReport.installed, UnitReport.reported_at,
                   UnitReport.fell).where(UnitReport.day <= until)
    order = (UnitReport.unit_type, UnitReport.unit_id, UnitReport.day)
    reports: dict[UnitKey, list[ReportedFigure]] = defaultdict(list)
    for one in _by_units(query, UnitReport, units):
        for kind, unit_id, *report in session.connection().execute(one.order_by(*order)):
            reports[kind, unit_id].append(ReportedFigure(*report))
    return reports


def _version_of(state: AggregateState) -> tuple[int, int, int]:
    return state.uploads, state.last_upload_id, state.undone


def _store(session: Session, version: tuple[int, int, int]) -> None:
    state = session.get(AggregateState, 1) or AggregateState(id=1)
    state.uploads, state.last_upload_id, state.undone = version
    session.add(state)
    session.flush()


def _key(cluster_id: int | None, agency_id: int | None) -> UnitKey:
    return ("cluster", cluster_id) if cluster_id is not None else ("agency", agency_id)
