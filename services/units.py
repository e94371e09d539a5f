"""The unit directory: communes, clusters and agencies, and matching names as staff write them.

Reading the directory (`load_directory`) is cached per process under the database's directory
version (`models.DirectoryVersion`, a random token): every write to a unit table through a
session (ORM objects or `insert`/`update`/`delete` statements) gives it a new token in the same
transaction (`_note_directory_write`), so that the next read of any process sees the change. A
raw SQL write to the unit tables must call `directory_changed(session)`.
"""
from __future__ import annotations

import re
import uuid
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from rapidfuzz import fuzz, process
from sqlalchemy import event, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from importers.report import UnitRow
from models import Agency, Cluster, Commune, DirectoryVersion, District, UnitChange
from text import commune_key, fold, unit_key

_CODE = re.compile(r"[^A-Z0-9]+")


@dataclass
class UnitDirectory:
    """The units open on a date, indexed by code and by name key, for matching rows against.
    Shared by the callers of `load_directory` (cached): read it, never change it."""

    communes: dict[int, Commune]
    clusters: dict[int, Cluster]
    agencies: dict[int, Agency]

    # -- indexes, each built on its first use

    @cached_property
    def _commune_by_key(self) -> dict[str, int]:
        found = {}
        for commune in self.communes.values():
            found[commune_key(commune.name)] = commune.id
            found[fold(commune.code)] = commune.id
        return found

    @cached_property
    def _cluster_by_key(self) -> dict[tuple[int, str], int]:
        found = {}
        for cluster in self.clusters.values():
            found[(cluster.commune_id, unit_key(cluster.name))] = cluster.id
            found[(cluster.commune_id, fold(cluster.code))] = cluster.id
        return found

    @cached_property
    def _clusters_by_key(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for cluster in self.clusters.values():
            found.setdefault(unit_key(cluster.name), []).append(cluster.id)
        return found

    @cached_property
    def _agency_by_key(self) -> dict[str, int]:
        found = {}
        for agency in self.agencies.values():
            found[unit_key(agency.name)] = agency.id
            found[fold(agency.code)] = agency.id
        return found

    # -- lookups: each returns an id or None

    def commune_id(self, text: str | None) -> int | None:
        if not text:
            return None
        key = commune_key(text)
        found = self._commune_by_key.get(key) or self._commune_by_key.get(fold(text))
        if found is None and key.startswith("ubnd "):
            found = self._commune_by_key.get(key[5:])
        return found

    def cluster_id(self, text: str | None, commune_id: int | None) -> int | None:
        if not text:
            return None
        key = unit_key(text)
        if commune_id is not None:
            return self._cluster_by_key.get((commune_id, key)) or self._cluster_by_key.get(
                (commune_id, fold(text)))
        candidates = self._clusters_by_key.get(key, [])
        return candidates[0] if len(candidates) == 1 else None

    def agency_id(self, text: str | None) -> int | None:
        if not text:
            return None
        return self._agency_by_key.get(unit_key(text)) or self._agency_by_key.get(fold(text))

    def commune_from_hints(self, hints: tuple[str, ...]) -> int | None:
        """A commune named by a sheet name or a title row (`UBND XÃ THỌ AN`)."""
        for hint in hints:
            if (found := self.commune_id(hint)) is not None:
                return found
            words = fold(hint).split()
            for size in (3, 2):  # `ubnd xa tho an` ends with the commune's name
                if len(words) > size and (found := self.commune_id(" ".join(words[-size:]))):
                    return found
        return None

    # -- suggestions for unknown names

    def suggest_clusters(self, text: str, commune_id: int | None, limit: int = 3) -> list[str]:
        pool = {cid: c.name for cid, c in self.clusters.items()
                if commune_id is None or c.commune_id == commune_id}
        return _closest(text, pool, limit)

    def suggest_agencies(self, text: str, limit: int = 3) -> list[str]:
        return _closest(text, {aid: a.name for aid, a in self.agencies.items()}, limit)

    def suggest_communes(self, text: str, limit: int = 3) -> list[str]:
        return _closest(text, {cid: c.name for cid, c in self.communes.items()}, limit)

    def clusters_of(self, commune_id: int) -> list[Cluster]:
        return [c for c in self.clusters.values() if c.commune_id == commune_id]


def _closest(text: str, pool: dict[int, str], limit: int) -> list[str]:
    choices = {uid: unit_key(name) for uid, name in pool.items()}
    found = process.extract(unit_key(text), choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
    return [pool[uid] for _, _, uid in found]


def directory_version(session: Session) -> str | None:
    """The unit directory's version (`models.DirectoryVersion`): renewed by every write to it."""
    return session.execute(select(DirectoryVersion.token)).scalar()


def load_directory(session: Session, on: date | None = None) -> UnitDirectory:
    """The units open on `on` (`models.open_on`; None: those not closed) as read-only rows
    (attribute access like the models; no ORM objects). A file dated before a merge of communes
    matches the old units, a file dated from the merge on the new ones.

    Read once per directory version and per process (see the module's docstring); a session
    whose transaction changed the directory reads its own changes, uncached."""
    version = directory_version(session)
    if version is None or _changed_here(session):
        return _AllUnits(session).on(on)
    global _cached
    if _cached is None or _cached.version != version:
        _cached = _AllUnits(session, version)
    return _cached.on(on)


class _AllUnits:
    """Every commune, cluster and agency, open or closed, and their directories by date: one per
    span between two opening or closing days (the units open do not change within one)."""

    def __init__(self, session: Session, version: str | None = None) -> None:
        self.version = version
        self.rows = {model: list(session.execute(select(*model.__table__.columns)))
                     for model in (Commune, Cluster, Agency)}
        self.days = sorted({day for rows in self.rows.values() for row in rows
                            for day in (row.opened_on, row.closed_on) if day is not None})
        self.directories: dict[int | None, UnitDirectory] = {}

    def on(self, day: date | None) -> UnitDirectory:
        span = None if day is None else bisect_right(self.days, day)
        if span not in self.directories:
            def open_rows(model):  # as models.open_on, in Python
                return {row.id: row for row in self.rows[model] if (
                    row.closed_on is None if day is None else
                    (row.opened_on is None or row.opened_on <= day)
                    and (row.closed_on is None or row.closed_on > day))}
            self.directories[span] = UnitDirectory(open_rows(Commune), open_rows(Cluster),
                                                   open_rows(Agency))
        return self.directories[span]


_cached: _AllUnits | None = None
_CHANGED_IN = "directory changed in"  # session.info: the transaction that wrote to the directory
_UNIT_TABLES = frozenset(model.__tablename__ for model in (District, Commune, Cluster, Agency))


def directory_changed(session: Session) -> None:
    """Give the directory a new version, in the session's transaction (once per transaction)."""
    connection = session.connection()  # begins the transaction if need be
    if _changed_here(session):
        return
    session.info[_CHANGED_IN] = session.get_transaction()
    connection.execute(update(DirectoryVersion.__table__).values(token=uuid.uuid4().hex))


def _changed_here(session: Session) -> bool:
    """Whether the session's current transaction wrote to the directory."""
    transaction = session.get_transaction()
    return transaction is not None and session.info.get(_CHANGED_IN) is transaction


@event.listens_for(OrmSession, "before_flush")
def _note_directory_write(session, _context, _instances) -> None:
    """Every flush that adds, changes or deletes a unit gives the directory a new version."""
    if any(isinstance(unit, _UNIT_MODELS) for unit in (*session.new, *session.deleted)) or any(
            isinstance(unit, _UNIT_MODELS) and session.is_modified(unit) for unit in session.dirty):
        directory_changed(session)


@event.listens_for(OrmSession, "do_orm_execute")
def _note_directory_statement(state) -> None:
    """... and so does an `insert`, `update` or `delete` statement on a unit table."""
    if (state.is_insert or state.is_update or state.is_delete) and \
            getattr(getattr(state.statement, "table", None), "name", None) in _UNIT_TABLES:
        directory_changed(state.session)


def make_code(*parts: str) -> str:
    """A stable code for a directory row that has none: `Thọ An`, `Cụm 3` -> `THOAN-CUM3`."""
    return "-".join(_CODE.sub("", fold(part).upper()) for part in parts if part)


# ---------------------------------------------------------------- writing the directory

_UNIT_FIELDS = {
    "district": ("code", "name", "closed_on"),
    "commune": ("code", "name", "kind", "district_id", "closed_on"),
    "cluster": ("code", "commune_id", "name", "households", "population", "target_population",
                "closed_on"),
    "agency": ("code", "name", "kind", "commune_id", "district_id", "staff", "closed_on"),
}


def apply_unit_rows(session: Session, rows: list[UnitRow], upload_id: int | None) -> None:
    """Create or update the units of a directory; each change is recorded for undo."""
    writer = _DirectoryWriter(session, upload_id)
    for row in rows:
        district = writer.district(row.district_code, row.district)
        if row.cluster or row.cluster_code:
            commune = writer.commune(row.commune_code, row.commune, row.commune_kind, district)
            if commune is not None:
                writer.cluster(commune, row)
        elif row.agency or row.agency_code:
            commune = writer.commune(row.commune_code, row.commune, None, district) \
                if (row.commune_code or row.commune) else None
            writer.agency(commune, row, district)
    session.flush()


class _DirectoryWriter:
    def __init__(self, session: Session, upload_id: int | None):
        self.session, self.upload_id = session, upload_id
        self.touched: set[tuple[str, int]] = set()
        # A merge leaves a closed unit and its open copy under one name: the open one is matched
        # (first for the communes' `next`, last in the name dictionaries).
        self.communes = sorted(session.exec(select(Commune)), key=lambda c: c.closed_on is not None)
        self.districts = list(session.exec(select(District)))
        self.clusters = sorted(session.exec(select(Cluster)), key=lambda c: c.closed_on is None)
        self.agencies = sorted(session.exec(select(Agency)), key=lambda a: a.closed_on is None)
        self.cluster_by_code = {c.code: c for c in self.clusters}
        self.cluster_by_name = {(c.commune_id, unit_key(c.name)): c for c in self.clusters}
        self.agency_by_code = {a.code: a for a in self.agencies}
        self.agency_by_name = {unit_key(a.name): a for a in self.agencies}

    def district(self, code: str | None, name: str | None) -> District | None:
        if not (code or name):
            return None
        found = next((d for d in self.districts if code and d.code == code), None) or next(
            (d for d in self.districts if name and unit_key(d.name) == unit_key(name)), None)
        if found is None:
            found = District(code=code or make_code(name), name=name or code)
            self.districts.append(found)
            return self._created("district", found)
        return self._update("district", found, name=name or found.name)

    def commune(self, code: str | None, name: str | None, kind: str | None,
                district: District | None = None) -> Commune | None:
        communes = self.communes
        found = next((c for c in communes if code and c.code == code), None) or next(
            (c for c in communes if name and commune_key(c.name) == commune_key(name)), None)
        if found is None:
            if not (code or name):
                return None
            found = Commune(code=code or make_code(name), name=name or code,
                            kind=kind or "Xã", district_id=district.id if district else None)
            communes.append(found)
            return self._created("commune", found)
        return self._update("commune", found, name=name or found.name, kind=kind or found.kind,
                            district_id=district.id if district else found.district_id)

    def cluster(self, commune: Commune, row: UnitRow) -> Cluster:
        found = self.cluster_by_code.get(row.cluster_code) if row.cluster_code else None
        if found is None and row.cluster:
            found = self.cluster_by_name.get((commune.id, unit_key(row.cluster)))
        values = {"households": row.households, "population": row.population,
                  "target_population": row.target_population}
        if found is None:
            found = self._created("cluster", Cluster(
                code=row.cluster_code or make_code(commune.code, row.cluster),
                commune_id=commune.id, name=row.cluster or row.cluster_code, **values))
        else:
            found = self._update("cluster", found, commune_id=commune.id,
                                 name=row.cluster or found.name,
                                 **{k: v for k, v in values.items() if v is not None})
        self.cluster_by_code[found.code] = found
        self.cluster_by_name[(found.commune_id, unit_key(found.name))] = found
        return found

    def agency(self, commune: Commune | None, row: UnitRow, district: District | None) -> Agency:
        found = self.agency_by_code.get(row.agency_code) if row.agency_code else None
        if found is None and row.agency:
            found = self.agency_by_name.get(unit_key(row.agency))
        if found is None:
            found = self._created("agency", Agency(
                code=row.agency_code or make_code(row.agency), name=row.agency or row.agency_code,
                kind=row.agency_kind, commune_id=commune.id if commune else None, staff=row.staff,
                district_id=district.id if district and not commune else None))
            self.agency_by_code[found.code] = found
            self.agency_by_name[unit_key(found.name)] = found
            return found
        changes = {"name": row.agency or found.name, "kind": row.agency_kind or found.kind,
                   "commune_id": commune.id if commune else found.commune_id}
        if district is not None and commune is None:
            changes["district_id"] = district.id
        if row.staff is not None:
            changes["staff"] = row.staff
        return self._update("agency", found, **changes)

    def _created(self, unit_type: str, unit):
        self.session.add(unit)
        self.session.flush()
        self._record(unit_type, unit, None)
        return unit

    def _update(self, unit_type: str, unit, **changes):
        before = {name: _jsonable(getattr(unit, name)) for name in _UNIT_FIELDS[unit_type]}
        changed = {k: v for k, v in changes.items() if getattr(unit, k) != v}
        if changed:
            self._record(unit_type, unit, before)
            for name, value in changed.items():
                setattr(unit, name, value)
            self.session.add(unit)
            self.session.flush()
        return unit

    def _record(self, unit_type: str, unit, before: dict | None) -> None:
        if self.upload_id is None or (unit_type, unit.id) in self.touched:
            return
        self.touched.add((unit_type, unit.id))
        self.session.add(UnitChange(upload_id=self.upload_id, unit_type=unit_type,
                                    unit_id=unit.id, before=before))


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


UNIT_MODELS = {"district": District, "commune": Commune, "cluster": Cluster, "agency": Agency}
_UNIT_MODELS = tuple(UNIT_MODELS.values())
