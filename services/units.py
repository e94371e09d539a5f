"""The unit directory: communes, clusters and agencies, and matching names as staff write them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from importers.report import UnitRow
from models import Agency, Cluster, Commune, District, UnitChange, open_on
from text import fold, unit_key

_CODE = re.compile(r"[^A-Z0-9]+")


@dataclass
class UnitDirectory:
    """The units open on a date, indexed by code and by name key, for matching rows against."""

    communes: dict[int, Commune]
    clusters: dict[int, Cluster]
    agencies: dict[int, Agency]
    _commune_by_key: dict[str, int] = field(default_factory=dict)
    _cluster_by_key: dict[tuple[int, str], int] = field(default_factory=dict)
    _clusters_by_key: dict[str, list[int]] = field(default_factory=dict)
    _agency_by_key: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for commune in self.communes.values():
            self._commune_by_key[unit_key(commune.name)] = commune.id
            self._commune_by_key[fold(commune.code)] = commune.id
        for cluster in self.clusters.values():
            key = unit_key(cluster.name)
            self._cluster_by_key[(cluster.commune_id, key)] = cluster.id
            self._cluster_by_key[(cluster.commune_id, fold(cluster.code))] = cluster.id
            self._clusters_by_key.setdefault(key, []).append(cluster.id)
        for agency in self.agencies.values():
            self._agency_by_key[unit_key(agency.name)] = agency.id
            self._agency_by_key[fold(agency.code)] = agency.id

    # -- lookups: each returns an id or None

    def commune_id(self, text: str | None) -> int | None:
        if not text:
            return None
        key = unit_key(text)
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


def load_directory(session: Session, on: date | None = None) -> UnitDirectory:
    """The units open on `on` (`models.open_on`; None: those not closed) as read-only rows
    (attribute access like the models; no ORM objects). A file dated before a merge of communes
    matches the old units, a file dated from the merge on the new ones."""
    def open_rows(model):
        table = model.__table__
        condition = table.c.closed_on.is_(None) if on is None else open_on(table.c, on)
        return {row.id: row for row in session.execute(select(*table.columns).where(condition))}
    return UnitDirectory(communes=open_rows(Commune), clusters=open_rows(Cluster),
                         agencies=open_rows(Agency))


def make_code(*parts: str) -> str:
    """A stable code for a directory row that has none: `Thọ An`, `Cụm 3` -> `THOAN-CUM3`."""
    return "-".join(_CODE.sub("", fold(part).upper()) for part in parts if part)


def is_empty(session: Session) -> bool:
    return session.exec(select(Commune.id).limit(1)).first() is None and \
        session.exec(select(Agency.id).limit(1)).first() is None


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
            (c for c in communes if name and unit_key(c.name) == unit_key(name)), None)
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
