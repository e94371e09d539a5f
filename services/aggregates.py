"""Per unit and day, the levels the dashboards read, so that no page view scans people rows.

A row (unit, source, day) holds a unit's registered and installed figures from that day on, as one
source gives them (import-formats.md, "Figures as of a date"):
- source `count`: the unit's count report dated that day (the latest import of that day wins);
- source `roster`: the people whose latest roster entry is in the unit and who count from that day
  or before; a row is written on each day the level changes and on each day a roster is dated.
`reported` marks a report dated that day; `first_upload_id` is the import that first brought it
(its time, in `upload`, tells whether the report was on time).

The table follows the uploads: `catch_up` brings in the uploads it has not seen (the import service
calls it after writing, in its transaction), and `refresh_after_undo` puts back the units an undone
upload touched. Readers call `ensure_current`: one small query when nothing is new, else a catch-up
in a writer transaction of its own. Anything it cannot follow exactly (an undo it was not told of,
uploads committed out of order) makes it rebuild from scratch.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

from sqlalchemy import (and_, case, delete, func, insert, or_, select,
                        true, tuple_)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session

from db import session_scope
from models import AggregateState, AuditEvent, CountReport, RosterEntry, UnitDay, Upload

UnitKey = tuple[str, int]  # ("cluster", id) or ("agency", id)
REBUILD_ABOVE_UPLOADS = 200  # more new uploads than this at once: rebuild rather than follow




def data_version(session: Session) -> tuple[int, int, int]:
    """(uploads, highest upload id, undone uploads): changes with every import and every undo."""
    count, last, undone = session.execute(select(
        func.count(Upload.id), func.coalesce(func.max(Upload.id), 0),
        func.count(Upload.undone_at))).one()
    return int(count), int(last), int(undone)


def cache_version(engine: Engine | None = None) -> tuple[int, ...]:
    """What cached figures depend on: the uploads (`data_version`) and the latest audit event
    (directory and campaign edits are audited)."""
    with session_scope(engine) as session:
        audit = session.execute(select(func.max(AuditEvent.id))).scalar() or 0
        return (*data_version(session), audit)


def ensure_current(engine: Engine | None = None) -> None:
    """For readers: check (read only) and, when uploads came or went, catch up as a writer."""
    with session_scope(engine) as session:
        state = session.get(AggregateState, 1)
        if state is not None and _version_of(state) == data_version(session):
            return
    try:
        with session_scope(engine, writer=True) as session:
            catch_up(session)
    except IntegrityError:  # another process made the first state row at the same moment
        with session_scope(engine, writer=True) as session:
            catch_up(session)


def catch_up(session: Session) -> None:
    """Bring the table up to date with the uploads, in the caller's (writer) transaction."""
    state = session.get(AggregateState, 1, with_for_update=True)  # one catch-up at a time
    version = data_version(session)
    if state is not None and _version_of(state) == version:
        return
    new = [] if state is None else list(session.execute(
        select(Upload.id).where(Upload.id > state.last_upload_id)).scalars())
    if (state is None or state.undone != version[2] or len(new) != version[0] - state.uploads
            or len(new) > REBUILD_ABOVE_UPLOADS):
        rebuild(session)
    else:
        refresh_units(session, units_of_uploads(session, new))
    _store(session, version)


def units_of_uploads(session: Session, upload_ids: Iterable[int]) -> set[UnitKey]:
    """The units whose figures the uploads decide: their own units, and for a roster, every unit
    where its people appear (a person's latest roster moves them from one unit to another)."""
    ids = list(upload_ids)
    if not ids:
        return set()
    units = {_key(c, a) for c, a in session.execute(
        select(CountReport.cluster_id, CountReport.agency_id).distinct()
        .where(CountReport.upload_id.in_(ids)))}
    mine, theirs = aliased(RosterEntry), aliased(RosterEntry)
    units |= {_key(c, a) for c, a in session.execute(
        select(theirs.cluster_id, theirs.agency_id).distinct()
        .join(mine, and_(mine.campaign == theirs.campaign, mine.person_key == theirs.person_key))
        .where(mine.upload_id.in_(ids)))}
    return units


def refresh_after_undo(session: Session, units: set[UnitKey]) -> None:
    """After an undo's rows are deleted: recompute the units it touched (`units_of_uploads`,
    taken before the delete)."""
    state = session.get(AggregateState, 1, with_for_update=True)
    refresh_units(session, units)
    version = data_version(session)
    if state is not None and (state.uploads, state.last_upload_id, state.undone + 1) == version:
        _store(session, version)


def refresh_units(session: Session, units: set[UnitKey]) -> None:
    """Recompute the rows of these units from the roster entries and count reports."""
    if not units:
        return
    clusters = sorted(i for kind, i in units if kind == "cluster")
    agencies = sorted(i for kind, i in units if kind == "agency")
    session.execute(delete(UnitDay).where(or_(
        and_(UnitDay.unit_type == "cluster", UnitDay.unit_id.in_(clusters)),
        and_(UnitDay.unit_type == "agency", UnitDay.unit_id.in_(agencies)))))
    _insert(session, _compute(session, clusters, agencies))


def rebuild(session: Session) -> None:
    """Recompute every row."""
    session.execute(delete(UnitDay))
    _insert(session, _compute(session, None, None))


def rebuild_all(engine: Engine | None = None) -> None:
    with session_scope(engine, writer=True) as session:
        rebuild(session)
        _store(session, data_version(session))


def read_unit_days(session: Session) -> list[tuple]:
    """Every row as (unit_type, unit_id, source, day, registered, installed, reported,
    first import's time), by unit, source and day (call `ensure_current` first)."""
    return [tuple(row) for row in session.execute(
        select(UnitDay.unit_type, UnitDay.unit_id, UnitDay.source, UnitDay.day,
               UnitDay.registered, UnitDay.installed, UnitDay.reported, Upload.created_at)
        .outerjoin(Upload, Upload.id == UnitDay.first_upload_id)
        .order_by(UnitDay.unit_type, UnitDay.unit_id, UnitDay.source, UnitDay.day))]


# ---------------------------------------------------------------- computing


def _compute(session: Session, clusters: list[int] | None,
             agencies: list[int] | None) -> list[dict]:
    """The rows of the given units (all units when both are None)."""
    everything = clusters is None and agencies is None

    def unit_filter(model):
        if everything:
            return true()
        return or_(model.cluster_id.in_(clusters or []), model.agency_id.in_(agencies or []))

    rows = [dict(unit_type=kind, unit_id=unit_id, source="count", day=day, registered=registered,
                 installed=installed, reported=True, first_upload_id=first)
            for (kind, unit_id), day, registered, installed, first in _count_rows(session,
                                                                                 unit_filter)]
    deltas: dict[UnitKey, dict[date, tuple[int, int]]] = defaultdict(dict)
    for cluster_id, agency_id, since, registered, installed in _roster_deltas(
            session, None if everything else unit_filter):
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


def _roster_deltas(session: Session, unit_filter):
    """Per unit and day: how many people start to count that day (registered, installed), from
    each person's latest roster entry; with a filter, in those units only (ranking only the people
    who ever appear there)."""
    ranked = select(
        RosterEntry.cluster_id, RosterEntry.agency_id, RosterEntry.registered,
        RosterEntry.installed,
        func.coalesce(RosterEntry.registered_on, RosterEntry.report_date).label("since"),
        func.row_number().over(
            partition_by=(RosterEntry.campaign, RosterEntry.person_key),
            order_by=(RosterEntry.report_date.desc(), RosterEntry.upload_id.desc(),
                      RosterEntry.id.desc())).label("rank"))
    if unit_filter is not None:
        person = tuple_(RosterEntry.campaign, RosterEntry.person_key)
        ranked = ranked.where(person.in_(select(RosterEntry.campaign, RosterEntry.person_key)
                                         .where(unit_filter(RosterEntry))))
    ranked = ranked.subquery()
    query = select(
        ranked.c.cluster_id, ranked.c.agency_id, ranked.c.since,
        func.sum(case((ranked.c.registered, 1), else_=0)),
        func.sum(case((ranked.c.installed, 1), else_=0)),
    ).where(ranked.c.rank == 1, or_(ranked.c.registered, ranked.c.installed)) \
        .group_by(ranked.c.cluster_id, ranked.c.agency_id, ranked.c.since)
    if unit_filter is not None:
        query = query.where(unit_filter(ranked.c))
    return session.execute(query)


def _insert(session: Session, rows: list[dict], batch: int = 5_000) -> None:
    for start in range(0, len(rows), batch):
        session.execute(insert(UnitDay.__table__), rows[start:start + batch])


def _version_of(state: AggregateState) -> tuple[int, int, int]:
    return state.uploads, state.last_upload_id, state.undone


def _store(session: Session, version: tuple[int, int, int]) -> None:
    state = session.get(AggregateState, 1) or AggregateState(id=1)
    state.uploads, state.last_upload_id, state.undone = version
    session.add(state)
    session.flush()


def _key(cluster_id: int | None, agency_id: int | None) -> UnitKey:
    return ("cluster", cluster_id) if cluster_id is not None else ("agency", agency_id)
