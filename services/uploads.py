"""The import history, and undoing one import exactly."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db import session_scope
from errors import UserError
from models import (AccountEntry, Agency, AuditEvent, Cluster, Commune, CountReport, RosterEntry,
                    UnitChange, Upload, utcnow)
from services import aggregates, scope
from services.auth import Actor
from services.units import UNIT_MODELS
from text import local_time


class UndoRefused(UserError):
    """The import cannot be undone; the message says why, in Vietnamese."""


@dataclass
class UploadSummary:
    id: int
    created_at: datetime
    username: str | None
    file_name: str
    kind: str
    as_of: date
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    undone_at: datetime | None
    report: dict | None


def list_uploads(*, username: str | None = None, limit: int = 200,
                 engine: Engine | None = None, actor: Actor | None = None) -> list[UploadSummary]:
    """The newest uploads first; only `username`'s when given. With an `actor`: only the uploads in
    its scope (an admin's: all; a commune's or agency's: those for its unit; a leader: refused)."""
    if actor is not None:
        scope.require_role(actor, "admin", "commune", "agency")
    with session_scope(engine) as session:
        query = select(Upload).order_by(Upload.id.desc()).limit(limit)
        if username is not None:
            query = query.where(Upload.username == username)
        if actor is not None and actor.role == "commune":
            query = query.where(Upload.commune_id == actor.commune_id)
        if actor is not None and actor.role == "agency":
            query = query.where(Upload.agency_id == actor.agency_id)
        return [UploadSummary(u.id, u.created_at, u.username, u.file_name, u.kind, u.as_of,
                              u.rows_read, u.rows_accepted, u.rows_rejected, u.undone_at, u.report)
                for u in session.exec(query)]


def undo_upload(upload_id: int, *, username: str | None = None,
                engine: Engine | None = None, actor: Actor | None = None) -> str:
    """Remove everything one import wrote; the figures return to what they were before it.

    With an `actor`: only an upload in its scope (`ScopeRefused` otherwise); None: a trusted caller."""
    if actor is not None:
        scope.require_role(actor, "admin", "commune", "agency")
        username = actor.username
    with session_scope(engine, serial=True) as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise UndoRefused(f"Không có lần nhập số {upload_id}.")
        if actor is not None:
            scope.check_upload(actor, upload.commune_id, upload.agency_id)
        if upload.undone_at is not None:
            raise UndoRefused(f"Lần nhập số {upload_id} đã được hoàn tác lúc "
                              f"{local_time(upload.undone_at):%d/%m/%Y %H:%M}.")
        touched = aggregates.units_of_uploads(session, [upload_id])
        session.execute(delete(RosterEntry).where(RosterEntry.upload_id == upload_id))
        session.execute(delete(CountReport).where(CountReport.upload_id == upload_id))
        session.execute(delete(AccountEntry).where(AccountEntry.upload_id == upload_id))
        _restore_units(session, upload_id)
        upload.undone_at = utcnow()
        upload.undone_by = username
        session.add(upload)
        session.flush()
        aggregates.refresh_after_undo(session, touched)
        session.add(AuditEvent(at=utcnow(), username=username, action="undo",
                               detail=f"Hoàn tác lần nhập {upload_id}: {upload.file_name}"))
        return (f"Đã hoàn tác lần nhập số {upload_id} ({upload.file_name}): "
                f"{upload.rows_accepted} dòng đã được gỡ bỏ.")


def _restore_units(session: Session, upload_id: int) -> None:
    changes = list(session.exec(select(UnitChange).where(UnitChange.upload_id == upload_id)
                                .order_by(UnitChange.id.desc())))
    for change in changes:
        model = UNIT_MODELS[change.unit_type]
        unit = session.get(model, change.unit_id)
        if unit is None:
            continue
        if change.before is None:
            if _in_use(session, change.unit_type, unit.id):
                raise UndoRefused(f"Không thể hoàn tác: đơn vị “{unit.name}” do lần nhập này tạo "
                                  "đã có số liệu hoặc đơn vị con từ lần nhập khác.")
            session.delete(unit)
        else:
            for name, value in change.before.items():
                column = model.__table__.columns[name]
                if value is not None and column.type.python_type is date:
                    value = date.fromisoformat(value)
                setattr(unit, name, value)
            session.add(unit)
        session.flush()
    session.execute(delete(UnitChange).where(UnitChange.upload_id == upload_id))


def _in_use(session: Session, unit_type: str, unit_id: int) -> bool:
    if unit_type == "district":
        checks = [select(func.count()).select_from(Commune).where(Commune.district_id == unit_id),
                  select(func.count()).select_from(Agency).where(Agency.district_id == unit_id)]
    elif unit_type == "commune":
        checks = [select(func.count()).select_from(Cluster).where(Cluster.commune_id == unit_id),
                  select(func.count()).select_from(Agency).where(Agency.commune_id == unit_id)]
    else:
        column = "cluster_id" if unit_type == "cluster" else "agency_id"
        checks = [select(func.count()).select_from(model).where(
            getattr(model, column) == unit_id) for model in (RosterEntry, CountReport)]
    return any(session.exec(check).one() for check in checks)
