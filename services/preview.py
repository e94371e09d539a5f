"""The upload preview as a read: each unit a checked plan touches, with its figures before and
after the import, as of the plan's latest report date (import-formats.md, "Figures as of a date").

Nothing is written and nothing is recounted: the figures before come from the units' daily rows
(`services.aggregates`, the tables the pages read); the figures after are those rows with the plan
applied in memory. A roster also changes the units where its people's deciding entries are now (a
person moving from one cluster to another), so those people's entries are read, and nothing else.

The pure part (a person's deciding entry, how a plan changes a unit's daily rows) is kept apart
from the reading, in small functions.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Iterable, Iterator

from sqlalchemy import and_, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from db import session_scope
from formats import day as day_text, number, percent
from models import Agency, Campaign, Cluster, Commune, District, RosterEntry, open_on
from services import aggregates, people
from services.figures_rule import Entry, UnitFigures, UnitKey, counts_from, deciding, roster_changes
from services.units import UnitDirectory, apply_unit_rows

NEW_UPLOAD = math.inf  # the upload a plan would become comes after every upload there is
_BATCH = 5_000  # keys per IN (...) query


@dataclass(frozen=True)
class Figures:
    registered: int
    installed: int
    target: int | None  # target population of a cluster, staff of an agency


@dataclass
class FigureChange:
    """One unit's figures as of the file's report date, before and after the import."""

    unit_type: str  # cluster | agency
    code: str
    name: str
    commune: str | None
    before: Figures | None  # None: the import creates the unit
    after: Figures | None   # None: the import removes the unit
    listed: int = 0  # the people a roster lists in the unit
    count_replaced: date | None = None  # a roster takes over from the count report of this date


ScopeFilter = set[tuple[str, str]]  # the (unit type, code) shown: `scope.units_in_scope`'s answer


# ---------------------------------------------------------------- pure: the rule applied to rows


def rows_after(rows: list[tuple], level_changes: dict[date, list[int]],
               report_days: set[date], counts: dict[date, tuple[int, int]]) -> list[tuple]:
    """A unit's daily rows (source, day, registered, installed, reported) once a plan is in:
    `level_changes` moves its roster level from those days on, `report_days` are the plan's roster
    dates for the unit, `counts` its count reports by date (replacing any of the same date)."""
    count_rows = {r[1]: r for r in rows if r[0] == "count"}
    count_rows |= {day: ("count", day, registered, installed, True)
                   for day, (registered, installed) in counts.items()}
    roster = {r[1]: r for r in rows if r[0] == "roster"}
    result = list(count_rows.values())
    level = change = (0, 0)
    for day in sorted(roster.keys() | level_changes.keys() | report_days):
        if day in roster:
            level = roster[day][2:4]
        if day in level_changes:
            change = (change[0] + level_changes[day][0], change[1] + level_changes[day][1])
        reported = bool(roster[day][4]) if day in roster else False
        result.append(("roster", day, level[0] + change[0], level[1] + change[1],
                       reported or day in report_days))
    return result


def figures_on(rows: list[tuple], day: date) -> tuple[int, int]:
    """(registered, installed) of a unit on a day, from its daily rows."""
    return UnitFigures(rows).on(day)[:2]


@dataclass(frozen=True)
class Window:
    """A campaign's name and dates."""

    name: str
    start: date
    deadline: date


def caution_texts(plan, changes: list[FigureChange], today: date,
                  windows: dict[str, Window]) -> list[str]:
    """What the user must acknowledge before confirming the plan (Vietnamese): a unit pushed over
    its target; a roster that takes a unit's figures below the count report it replaces (a
    partial list); a file dated the day of upload, which lies outside its campaign."""
    texts = []
    for change in changes:
        before, after = change.before, change.after
        if after is None:
            continue
        unit = change.name + (f" ({change.commune})" if change.commune and
                              change.unit_type == "cluster" else "")
        limit = "chỉ tiêu" if change.unit_type == "cluster" else "tổng số cán bộ"
        for label, value, was in (("đã tạo tài khoản", after.registered,
                                   before.registered if before else 0),
                                  ("đã cài đặt", after.installed, before.installed if before else 0)):
            if after.target and value > after.target and value > was:
                texts.append(f"{unit}: sau khi nhập có {number(value)} người {label}, vượt {limit} "
                             f"{number(after.target)} ({percent(value / after.target)}). Hãy kiểm "
                             "tra tệp (người bị trùng, nhầm đơn vị) trước khi nhập.")
                break
        if change.count_replaced and before and after.registered < before.registered:
            texts.append(f"{unit}: danh sách này có {number(change.listed)} người, thay cho biểu "
                         f"tổng hợp ngày {day_text(change.count_replaced)} "
                         f"({number(before.registered)} người đã tạo tài khoản): số đã tạo tài "
                         f"khoản sẽ giảm từ {number(before.registered)} xuống "
                         f"{number(after.registered)}. Nếu danh sách chưa đủ người, hãy bổ sung "
                         "cho đủ hoặc tiếp tục gửi biểu tổng hợp.")
    if plan.undated and plan.as_of == today:
        for key in _campaigns_of(plan):
            window = windows.get(key)
            if window and not window.start <= today <= window.deadline:
                texts.append(f"Tệp không ghi ngày báo cáo nên được tính là ngày hôm nay "
                             f"({day_text(today)}), ngoài thời gian chiến dịch “{window.name}” "
                             f"({day_text(window.start)} – {day_text(window.deadline)}). Nếu số "
                             "liệu là của ngày khác, hãy chọn Ngày báo cáo trước khi nhập.")
    return texts


def _campaigns_of(plan) -> list[str]:
    if plan.kind in ("residents", "staff"):
        return [plan.kind]
    if plan.kind == "counts":
        return [key for key, kept in (
            ("staff", any(c["agency_id"] is not None for c in plan.counts)),
            ("residents", any(c["cluster_id"] is not None for c in plan.counts))) if kept]
    return []  # a unit directory holds no campaign figures


# ---------------------------------------------------------------- reading


def cautions(plan, changes: list[FigureChange], today: date, *,
             engine: Engine | None = None) -> list[str]:
    """`caution_texts` of a plan and its changes, with the campaigns' dates read."""
    with session_scope(engine) as session:
        windows = {c.key: Window(c.name, c.start, c.deadline)
                   for c in session.execute(select(Campaign)).scalars()}
    return caution_texts(plan, changes, today, windows)


def unit_changes(plan, directory: UnitDirectory, *, engine: Engine | None = None,
                 scope_filter: ScopeFilter | None = None) -> list[FigureChange]:
    """Every unit the plan (`services.imports.ImportPlan`, a roster or count report) touches or
    changes, with its figures before and after, as of the plan's latest report date; only the
    units in `scope_filter` when given (`services.scope.units_in_scope`). Reads; writes nothing,
    takes no lock.

    `directory`: the one the plan was matched against (its ids are the plan's); the units shown,
    their names and targets, are read as of the report date (those open that day, as
    `services.progress` lists them)."""
    if plan.units:
        return _directory_changes(plan.units, plan.as_of, engine, scope_filter)
    rows = plan.entries + plan.counts
    day = max((r["report_date"] for r in rows), default=plan.as_of)
    planned = planned_deciding(plan.entries)
    report_days: dict[UnitKey, set[date]] = defaultdict(set)
    listed: dict[UnitKey, int] = defaultdict(int)
    for (cluster_id, agency_id, report_date), n in Counter(
            map(itemgetter("cluster_id", "agency_id", "report_date"), plan.entries)).items():
        report_days[_key(cluster_id, agency_id)].add(report_date)
        listed[_key(cluster_id, agency_id)] += n
    counts: dict[UnitKey, dict[date, tuple[int, int]]] = defaultdict(dict)
    for count in plan.counts:  # the plan holds one per unit and date
        counts[_key(count["cluster_id"], count["agency_id"])][count["report_date"]] = \
            (count["registered"], count["installed"])

    aggregates.ensure_current(engine)  # a read when current, as after every import
    with session_scope(engine) as session:
        scopes = {_scope_of(cluster_id, agency_id, directory) for cluster_id, agency_id
                  in set(map(itemgetter("cluster_id", "agency_id"), plan.entries))}
        current = (_current_entries(session, planned)  # nobody in these scopes: nobody known
                   if scopes and people.any_entries(session, plan.kind, scopes) else {})
        changes = roster_changes(current, planned)
        touched = report_days.keys() | counts.keys()
        units = touched | changes.keys()
        unit_rows: dict[UnitKey, list[tuple]] = defaultdict(list)
        for row in aggregates.read_unit_days(session, units):
            unit_rows[row[0], row[1]].append(row[2:])
        shown = _open_units(session, units, day)

    result = []
    for key, unit in shown.items():
        if scope_filter is not None and (key[0], unit.code) not in scope_filter:
            continue
        after = UnitFigures(rows_after(unit_rows[key], changes.get(key, {}),
                                       report_days.get(key, set()), counts.get(key, {})))
        before = UnitFigures(unit_rows[key])
        before_figures = Figures(*before.on(day)[:2], unit.target)
        after_figures = Figures(*after.on(day)[:2], unit.target)
        counted = before.count_on(day)
        if key in touched or before_figures != after_figures:
            result.append(FigureChange(
                key[0], unit.code, unit.name, unit.commune, before_figures, after_figures,
                listed.get(key, 0),
                before.count_days[counted] if counted >= 0 and after.count_on(day) < 0 else None))
    return sorted(result, key=lambda c: (c.unit_type != "cluster", c.code))


def _directory_changes(rows: list, day: date, engine: Engine | None,
                       scope_filter: ScopeFilter | None) -> list[FigureChange]:
    """A unit directory's changes: its new units, and the units whose target it changes. The
    directory is copied into a private in-memory database and the rows applied there, by the very
    code that an import runs (`services.units.apply_unit_rows`); the database is only read."""
    aggregates.ensure_current(engine)
    with session_scope(engine) as session, _directory_copy(session) as copy:
        before = _open_units(session, None, day)
        apply_unit_rows(copy, rows, None)
        after = _open_units(copy, None, day)
        changed = {key for key in before.keys() | after.keys() if key not in before
                   or key not in after or before[key].target != after[key].target}
        unit_rows: dict[UnitKey, list[tuple]] = defaultdict(list)
        for row in aggregates.read_unit_days(session, changed & before.keys()):
            unit_rows[row[0], row[1]].append(row[2:])
    result = []
    for key in changed:
        old, new = before.get(key), after.get(key)
        unit = new or old
        if scope_filter is not None and (key[0], unit.code) not in scope_filter:
            continue
        counted = figures_on(unit_rows[key], day)
        result.append(FigureChange(key[0], unit.code, unit.name, unit.commune,
                                   old and Figures(*counted, old.target),
                                   new and Figures(*counted, new.target)))
    return sorted(result, key=lambda c: (c.unit_type != "cluster", c.code))


@contextmanager
def _directory_copy(session) -> Iterator[Session]:
    """A session on a private in-memory SQLite database holding a copy of the unit directory."""
    with create_engine("sqlite://").connect() as connection:
        SQLModel.metadata.create_all(connection)
        for table in (model.__table__ for model in (District, Commune, Cluster, Agency)):
            values = [dict(row._mapping) for row in session.execute(select(*table.columns))]
            if values:
                connection.execute(table.insert(), values)
        with Session(connection) as copy:
            yield copy


def planned_deciding(entries: list[dict]) -> dict[tuple[str, str], Entry]:
    """Each person's deciding entry among a plan's entries (campaign, person key -> Entry). The
    plan's entries rank after every entry written (`NEW_UPLOAD`) and among themselves in the
    file's order, as they would be written: a person's latest report date decides, then the later
    row (`figures_rule.deciding` of each person's entries, without making an Entry for each)."""
    best: dict[tuple[str, str], tuple[int, dict]] = {}  # person -> (row index, entry)
    for index, entry in enumerate(entries):
        person = (entry["campaign"], entry["person_key"])
        known = best.get(person)
        if known is None or entry["report_date"] >= known[1]["report_date"]:
            best[person] = (index, entry)
    return {person: Entry(
        _key(entry["cluster_id"], entry["agency_id"]), (entry["report_date"], NEW_UPLOAD, index),
        bool(entry["registered"]), bool(entry["installed"]),
        counts_from(entry["registered_on"], entry["report_date"]))
        for person, (index, entry) in best.items()}


def _current_entries(session, people: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Entry]:
    """The deciding entry of each of these people (campaign, person key) in the database."""
    keys: dict[str, list[str]] = defaultdict(list)
    for campaign, person_key in people:
        keys[campaign].append(person_key)
    found: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for campaign, person_keys in keys.items():
        for start in range(0, len(person_keys), _BATCH):
            query = select(
                RosterEntry.person_key, RosterEntry.cluster_id, RosterEntry.agency_id,
                RosterEntry.report_date, RosterEntry.upload_id, RosterEntry.id,
                RosterEntry.registered, RosterEntry.installed,
                aggregates.counts_from_column(),
            ).where(RosterEntry.campaign == campaign,
                    RosterEntry.person_key.in_(person_keys[start:start + _BATCH]))
            for (person_key, cluster_id, agency_id, report_date, upload_id, row_id, registered,
                 installed, since) in session.connection().execute(query):
                found[campaign, person_key].append(Entry(
                    _key(cluster_id, agency_id), (report_date, upload_id, row_id),
                    bool(registered), bool(installed), since))
    return {person: deciding(entries) for person, entries in found.items()}


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    commune: str | None  # the commune's name, when it is open
    target: int | None


def _open_units(session, units: set[UnitKey] | None, day: date) -> dict[UnitKey, _Unit]:
    """Those of the units (None: all) open on the day, as `services.progress` lists them: a
    cluster while its commune is open too, an agency with its commune's name while that is open."""
    clusters = select(Cluster.id, Cluster.code, Cluster.name, Commune.name,
                      Cluster.target_population).join(Commune, Commune.id == Cluster.commune_id) \
        .where(open_on(Cluster, day), open_on(Commune, day))
    agencies = select(Agency.id, Agency.code, Agency.name, Commune.name, Agency.staff) \
        .outerjoin(Commune, and_(Commune.id == Agency.commune_id, open_on(Commune, day))) \
        .where(open_on(Agency, day))
    shown: dict[UnitKey, _Unit] = {}
    for kind, query, model in (("cluster", clusters, Cluster), ("agency", agencies, Agency)):
        if units is None:
            batches = [query]
        else:
            ids = sorted(i for k, i in units if k == kind)
            batches = [query.where(model.id.in_(ids[start:start + _BATCH]))
                       for start in range(0, len(ids), _BATCH)]
        for batch in batches:
            shown.update({(kind, row[0]): _Unit(*row[1:]) for row in session.execute(batch)})
    return shown


def _scope_of(cluster_id: int | None, agency_id: int | None, directory: UnitDirectory) -> int:
    """The scope a planned entry's person is known in (people.py): the cluster's commune, or the
    agency."""
    if cluster_id is not None:
        return directory.clusters[cluster_id].commune_id
    return agency_id


def _key(cluster_id: int | None, agency_id: int | None) -> UnitKey:
    return ("cluster", cluster_id) if cluster_id is not None else ("agency", agency_id)
