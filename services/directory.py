"""The unit directory and the campaigns as the admin edits them, and the units each account acts for.

Edits, closings and campaign changes are admin-only (`ScopeRefused` otherwise) and are written to
the audit log with their before and after values. Importing a directory from Excel goes through
`services.imports.import_file` (kind `units`), which records each change so it can be undone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from db import session_scope
from models import Agency, AuditEvent, Campaign, Cluster, Commune, utcnow
from services.auth import Actor
from services.scope import require_role
from text import fold

UNIT_LABELS = {"commune": "xã, thị trấn", "cluster": "thôn, cụm dân cư", "agency": "cơ quan, đơn vị"}
EDITABLE = {"commune": ("name", "kind"),
            "cluster": ("name", "households", "population", "target_population"),
            "agency": ("name", "kind", "staff")}
COMMUNE_KINDS = ("Xã", "Thị trấn")
FIELD_LABELS = {"name": "tên", "kind": "loại", "households": "số hộ", "population": "số nhân khẩu",
                "target_population": "số người trong diện", "staff": "số cán bộ",
                "start": "ngày bắt đầu", "deadline": "hạn hoàn thành", "target_pct": "chỉ tiêu (%)"}
_MODELS = {"commune": Commune, "cluster": Cluster, "agency": Agency}


class DirectoryError(ValueError):
    """A Vietnamese message: bad value, unknown unit, already closed."""


@dataclass
class UnitRecord:
    unit_type: str
    id: int
    code: str
    name: str
    commune: str | None = None  # the commune's name (clusters; agencies located in a commune)
    kind: str | None = None
    households: int | None = None
    population: int | None = None
    target_population: int | None = None
    staff: int | None = None
    closed_on: date | None = None


@dataclass(frozen=True)
class UnitOption:
    id: int
    code: str
    name: str


@dataclass
class CampaignRecord:
    key: str
    name: str
    start: date
    deadline: date
    target_pct: float


# ---------------------------------------------------------------- the units an account acts for


def communes_in_scope(actor: Actor, *, engine: Engine | None = None) -> list[UnitOption]:
    """Open communes the actor uploads for and sees rosters of: all for an admin, its own for a
    commune account, none for anyone else."""
    if actor.role not in ("admin", "commune"):
        return []
    with session_scope(engine) as session:
        query = select(Commune).where(Commune.closed_on.is_(None))
        if actor.role == "commune":
            query = query.where(Commune.id == actor.commune_id)
        return sorted((UnitOption(c.id, c.code, f"{c.kind} {c.name}") for c in session.exec(query)),
                      key=lambda u: fold(u.name))


def agencies_in_scope(actor: Actor, *, engine: Engine | None = None) -> list[UnitOption]:
    """Open agencies: all for an admin, its own for an agency account, none for anyone else."""
    if actor.role not in ("admin", "agency"):
        return []
    with session_scope(engine) as session:
        query = select(Agency).where(Agency.closed_on.is_(None))
        if actor.role == "agency":
            query = query.where(Agency.id == actor.agency_id)
        return sorted((UnitOption(a.id, a.code, a.name) for a in session.exec(query)),
                      key=lambda u: fold(u.name))


def find_commune(code: str, *, engine: Engine | None = None) -> UnitOption | None:
    """A commune by its code (codes and names are public; what is in it is not)."""
    with session_scope(engine) as session:
        commune = session.exec(select(Commune).where(Commune.code == code)).first()
        return UnitOption(commune.id, commune.code, f"{commune.kind} {commune.name}") \
            if commune else None


def find_agency(code: str, *, engine: Engine | None = None) -> UnitOption | None:
    with session_scope(engine) as session:
        agency = session.exec(select(Agency).where(Agency.code == code)).first()
        return UnitOption(agency.id, agency.code, agency.name) if agency else None


# ---------------------------------------------------------------- admin: units


def list_units(actor: Actor, unit_type: str, *, engine: Engine | None = None) -> list[UnitRecord]:
    """Every unit of a type, open and closed, ordered by code."""
    require_role(actor, "admin")
    model = _model(unit_type)
    with session_scope(engine) as session:
        communes = {c.id: c.name for c in session.exec(select(Commune))}
        records = []
        for unit in session.exec(select(model).order_by(model.code)):
            record = UnitRecord(unit_type, unit.id, unit.code, unit.name,
                                closed_on=unit.closed_on,
                                commune=communes.get(getattr(unit, "commune_id", None)))
            for name in ("kind", "households", "population", "target_population", "staff"):
                setattr(record, name, getattr(unit, name, None))
            records.append(record)
        return records


def update_unit(actor: Actor, unit_type: str, unit_id: int, changes: dict, *,
                engine: Engine | None = None) -> str:
    """Change a unit's name, kind or figures (see `EDITABLE`); returns what changed."""
    require_role(actor, "admin")
    model = _model(unit_type)
    unknown = set(changes) - set(EDITABLE[unit_type])
    if unknown:
        raise DirectoryError(f"Không sửa được: {', '.join(sorted(unknown))}.")
    clean = {name: _checked(name, value) for name, value in changes.items()}
    with session_scope(engine) as session:
        unit = _unit(session, model, unit_type, unit_id)
        done = [f"{FIELD_LABELS[name]}: {_shown(getattr(unit, name))} → {_shown(value)}"
                for name, value in clean.items() if getattr(unit, name) != value]
        if not done:
            return "Không có gì thay đổi."
        for name, value in clean.items():
            setattr(unit, name, value)
        session.add(unit)
        session.add(AuditEvent(at=utcnow(), username=actor.username, action="unit-edit",
                               detail=f"{UNIT_LABELS[unit_type]} {unit.code}: {'; '.join(done)}"))
        return f"Đã sửa {UNIT_LABELS[unit_type]} {unit.name}: {'; '.join(done)}."


def close_unit(actor: Actor, unit_type: str, unit_id: int, closed_on: date, *,
               engine: Engine | None = None) -> str:
    """Close a unit from a date (communes merge, agencies reorganise): from that day it is no longer
    counted, and files can no longer name it. Closing a commune closes its open clusters too.
    Figures before the date are unchanged."""
    require_role(actor, "admin")
    model = _model(unit_type)
    with session_scope(engine) as session:
        unit = _unit(session, model, unit_type, unit_id)
        if unit.closed_on is not None:
            raise DirectoryError(f"{unit.name} đã đóng từ ngày {unit.closed_on:%d/%m/%Y}.")
        unit.closed_on = closed_on
        session.add(unit)
        closed = [unit.code]
        if unit_type == "commune":
            for cluster in session.exec(select(Cluster).where(Cluster.commune_id == unit.id,
                                                             Cluster.closed_on.is_(None))):
                cluster.closed_on = closed_on
                session.add(cluster)
                closed.append(cluster.code)
        session.add(AuditEvent(at=utcnow(), username=actor.username, action="unit-close",
                               detail=f"Đóng từ {closed_on:%d/%m/%Y}: {', '.join(closed)}"))
        also = f" cùng {len(closed) - 1} thôn, cụm dân cư" if len(closed) > 1 else ""
        return f"Đã đóng {UNIT_LABELS[unit_type]} {unit.name}{also} từ ngày {closed_on:%d/%m/%Y}."


def reopen_unit(actor: Actor, unit_type: str, unit_id: int, *, engine: Engine | None = None) -> str:
    """Undo a closing made by mistake (a commune's clusters closed the same day reopen with it)."""
    require_role(actor, "admin")
    model = _model(unit_type)
    with session_scope(engine) as session:
        unit = _unit(session, model, unit_type, unit_id)
        if unit.closed_on is None:
            raise DirectoryError(f"{unit.name} đang hoạt động.")
        reopened = [unit.code]
        if unit_type == "commune":
            for cluster in session.exec(select(Cluster).where(Cluster.commune_id == unit.id,
                                                             Cluster.closed_on == unit.closed_on)):
                cluster.closed_on = None
                session.add(cluster)
                reopened.append(cluster.code)
        unit.closed_on = None
        session.add(unit)
        session.add(AuditEvent(at=utcnow(), username=actor.username, action="unit-reopen",
                               detail=", ".join(reopened)))
        return f"Đã mở lại {UNIT_LABELS[unit_type]} {unit.name}."


def _model(unit_type: str):
    if unit_type not in _MODELS:
        raise DirectoryError(f"Loại đơn vị “{unit_type}” không có.")
    return _MODELS[unit_type]


def _unit(session, model, unit_type: str, unit_id: int):
    unit = session.get(model, unit_id)
    if unit is None:
        raise DirectoryError(f"Không có {UNIT_LABELS[unit_type]} số {unit_id}.")
    return unit


def _checked(name: str, value):
    if name == "name":
        value = " ".join(str(value or "").split())
        if not value:
            raise DirectoryError("Tên đơn vị không được để trống.")
        return value
    if name == "kind":
        return " ".join(str(value or "").split()) or None
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DirectoryError(f"Số liệu “{value}” phải là số nguyên không âm.")
    return value


# ---------------------------------------------------------------- admin: campaigns


def list_campaigns(*, engine: Engine | None = None) -> list[CampaignRecord]:
    with session_scope(engine) as session:
        return [CampaignRecord(c.key, c.name, c.start, c.deadline, c.target_pct)
                for c in session.exec(select(Campaign).order_by(Campaign.deadline))]


def update_campaign(actor: Actor, key: str, *, name: str, start: date, deadline: date,
                    target_pct: float, engine: Engine | None = None) -> str:
    require_role(actor, "admin")
    name = " ".join(name.split())
    if not name:
        raise DirectoryError("Tên chiến dịch không được để trống.")
    if deadline < start:
        raise DirectoryError("Hạn hoàn thành phải sau ngày bắt đầu.")
    if not 0 < target_pct <= 100:
        raise DirectoryError("Chỉ tiêu phải lớn hơn 0% và không quá 100%.")
    with session_scope(engine) as session:
        campaign = session.exec(select(Campaign).where(Campaign.key == key)).first()
        if campaign is None:
            raise DirectoryError(f"Không có chiến dịch “{key}”.")
        new = {"name": name, "start": start, "deadline": deadline, "target_pct": float(target_pct)}
        done = [f"{FIELD_LABELS[field]}: {_shown(getattr(campaign, field))} → {_shown(value)}"
                for field, value in new.items() if getattr(campaign, field) != value]
        if not done:
            return "Không có gì thay đổi."
        for field, value in new.items():
            setattr(campaign, field, value)
        session.add(campaign)
        session.add(AuditEvent(at=utcnow(), username=actor.username, action="campaign-edit",
                               detail=f"{key}: {'; '.join(done)}"))
        return f"Đã lưu chiến dịch “{name}”: {'; '.join(done)}."


def _shown(value) -> str:
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "trống" if value is None else str(value)
