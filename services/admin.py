"""The unit directory and the campaigns as the admin edits them, and the units each account acts for.

Edits, closings, merges and campaign changes are admin-only (`ScopeRefused` otherwise) and are
written to the audit log with their before and after values. Importing a directory from Excel
goes through `services.imports.import_file` (kind `units`), which records each change for undo.

A unit counts on a day when it is open then (`models.open_on`). Merging communes (2025) closes the
old communes with their clusters and agencies on the merge day and opens the new commune that day,
with a copy of each of those units coded `<new commune code>-<old code>`: that code is how a merge
is traced back, to refuse reopening what it closed and to undo it. Every change to which units are
open refreshes the per-area aggregates in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db import session_scope
from errors import UserError
from models import (Agency, AuditEvent, Campaign, Cluster, Commune, CountReport, RosterEntry,
                    UnitChange, Upload, User, utcnow)
from services import aggregates
from services.analytics import CampaignInfo, read_campaigns
from services.auth import Actor
from services.scope import require_role
from text import fold, unit_key

UNIT_LABELS = {"commune": "xã, thị trấn", "cluster": "thôn, cụm dân cư", "agency": "cơ quan, đơn vị"}
EDITABLE = {"commune": ("name", "kind"),
            "cluster": ("name", "households", "population", "target_population"),
            "agency": ("name", "kind", "staff")}
COMMUNE_KINDS = ("Xã", "Phường", "Thị trấn")
FIELD_LABELS = {"name": "tên", "kind": "loại", "households": "số hộ", "population": "số nhân khẩu",
                "target_population": "số người trong diện", "staff": "số cán bộ",
                "start": "ngày bắt đầu", "deadline": "hạn hoàn thành", "target_pct": "chỉ tiêu (%)"}
_MODELS = {"commune": Commune, "cluster": Cluster, "agency": Agency}
_CHILDREN = ("cluster", "agency")  # a commune's units
_COPIED = {"cluster": ("name", "households", "population", "target_population"),
           "agency": ("name", "kind", "district_id", "staff")}  # what a merge copies


class DirectoryError(UserError, ValueError):
    """A Vietnamese message: bad value, unknown unit, already closed."""


@dataclass
class UnitRecord:
    unit_type: str
    id: int | None  # None: a unit a merge would create (`MergePlan`)
    code: str
    name: str
    commune: str | None = None  # the commune's name (clusters; agencies located in a commune)
    kind: str | None = None
    households: int | None = None
    population: int | None = None
    target_population: int | None = None
    staff: int | None = None
    opened_on: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True)
class UnitOption:
    id: int
    code: str
    name: str


@dataclass
class MergePlan:
    """What a merge would do (`plan_merge`): the new commune, the units it closes (the communes
    with their clusters and agencies) and the copies it opens under the new commune."""

    on: date
    commune: UnitRecord
    closing: list[UnitRecord]
    opening: list[UnitRecord]


@dataclass
class MergeRecord:
    """A commune made by a merge: since when, and from which communes (their names)."""

    commune: UnitOption
    on: date
    sources: list[str]


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
    """Every unit of a type, open and closed (with the days it opened and closed), by code."""
    require_role(actor, "admin")
    model = _model(unit_type)
    with session_scope(engine) as session:
        communes = {c.id: c.name for c in session.exec(select(Commune))}
        return [_record(unit_type, unit, communes.get(getattr(unit, "commune_id", None)))
                for unit in session.exec(select(model).order_by(model.code))]


def update_unit(actor: Actor, unit_type: str, unit_id: int, changes: dict, *,
                engine: Engine | None = None) -> str:
    """Change a unit's name, kind or figures (see `EDITABLE`); returns what changed."""
    require_role(actor, "admin")
    model = _model(unit_type)
    unknown = set(changes) - set(EDITABLE[unit_type])
    if unknown:
        raise DirectoryError(f"Không sửa được: {', '.join(sorted(unknown))}.")
    clean = {name: _checked(name, value) for name, value in changes.items()}
    with session_scope(engine, writer=True) as session:
        unit = _unit(session, model, unit_type, unit_id)
        if not (done := _apply(unit, clean)):
            return "Không có gì thay đổi."
        session.add(unit)
        session.add(AuditEvent(at=utcnow(), username=actor.username, action="unit-edit",
                               detail=f"{UNIT_LABELS[unit_type]} {unit.code}: {'; '.join(done)}"))
        return f"Đã sửa {UNIT_LABELS[unit_type]} {unit.name}: {'; '.join(done)}."


def close_unit(actor: Actor, unit_type: str, unit_id: int, closed_on: date, *,
               engine: Engine | None = None) -> str:
    """Close a unit from a date (a commune dissolved, an agency reorganised): from that day it is
    no longer counted, and files can no longer name it. Closing a commune closes its open clusters
    and agencies too. Figures before the date are unchanged."""
    require_role(actor, "admin")
    model = _model(unit_type)
    with session_scope(engine, serial=True) as session:
        unit = _unit(session, model, unit_type, unit_id)
        if unit.closed_on is not None:
            raise DirectoryError(f"{unit.name} đã đóng từ ngày {unit.closed_on:%d/%m/%Y}.")
        if unit.opened_on is not None and closed_on <= unit.opened_on:
            raise DirectoryError(f"Ngày đóng phải sau ngày {unit.name} bắt đầu hoạt động "
                                 f"({unit.opened_on:%d/%m/%Y}).")
        unit.closed_on = closed_on
        session.add(unit)
        closed = {"cluster": [], "agency": []}
        if unit_type == "commune":
            for child_type, child in _children(session, unit, lambda m: m.closed_on.is_(None)):
                child.closed_on = closed_on
                session.add(child)
                closed[child_type].append(child.code)
        codes = [unit.code, *closed["cluster"], *closed["agency"]]
        _directory_changed(session, actor, "unit-close",
                           f"Đóng từ {closed_on:%d/%m/%Y}: {', '.join(codes)}")
        also = " và ".join(f"{len(units)} {UNIT_LABELS[child_type]}"
                           for child_type, units in closed.items() if units)
        return (f"Đã đóng {UNIT_LABELS[unit_type]} {unit.name}{' cùng ' + also if also else ''} "
                f"từ ngày {closed_on:%d/%m/%Y}.")


def reopen_unit(actor: Actor, unit_type: str, unit_id: int, *, engine: Engine | None = None) -> str:
    """Undo a closing made by mistake (a commune's clusters and agencies closed the same day reopen
    with it). What a merge closed is refused: undo the merge instead (`undo_merge`)."""
    require_role(actor, "admin")
    model = _model(unit_type)
    with session_scope(engine, serial=True) as session:
        unit = _unit(session, model, unit_type, unit_id)
        if unit.closed_on is None:
            raise DirectoryError(f"{unit.name} đang hoạt động.")
        if (target := _merged_into(session, unit_type, unit)) is not None:
            raise DirectoryError(
                f"{unit.name} đã được sáp nhập vào {target.kind} {target.name} từ ngày "
                f"{unit.closed_on:%d/%m/%Y}: không mở lại được. Nếu sáp nhập nhầm, hãy hoàn tác "
                "việc sáp nhập ở thẻ “Sáp nhập xã”.")
        reopened = [unit.code]
        if unit_type == "commune":
            for _, child in _children(session, unit, lambda m: m.closed_on == unit.closed_on):
                child.closed_on = None
                session.add(child)
                reopened.append(child.code)
        unit.closed_on = None
        session.add(unit)
        _directory_changed(session, actor, "unit-reopen", ", ".join(reopened))
        return f"Đã mở lại {UNIT_LABELS[unit_type]} {unit.name}."


# ---------------------------------------------------------------- admin: merging communes


def plan_merge(actor: Actor, commune_ids: list[int], *, code: str, name: str, kind: str, on: date,
               engine: Engine | None = None) -> MergePlan:
    """What `merge_communes` would close and open, for the admin to confirm; nothing is written.
    Refused (`DirectoryError`) for the same reasons as the merge itself."""
    require_role(actor, "admin")
    with session_scope(engine) as session:
        commune, sources, copies = _plan_merge(session, commune_ids, code, name, kind, on)
        names = {s.id: s.name for s in sources}
        closing = [_record("commune", s) for s in sources]
        closing += [_record(t, old, names[old.commune_id]) for t, old, _ in copies]
        for record in closing:
            record.closed_on = on
        return MergePlan(on, _record("commune", commune), closing,
                         [_record(t, new, commune.name) for t, _, new in copies])


def merge_communes(actor: Actor, commune_ids: list[int], *, code: str, name: str, kind: str,
                   on: date, engine: Engine | None = None) -> str:
    """Merge communes of one district into a new one from `on`: the communes, their open clusters
    and open agencies close that day; the new commune opens that day with a copy of each (same
    name, kind and sizes; code `<code>-<old code>`; two clusters of the same name get their old
    commune's name added: `Thôn 1 (Hạ Mỗ)`). Figures before `on` stay those of the old units."""
    require_role(actor, "admin")
    with session_scope(engine, serial=True) as session:
        commune, sources, copies = _plan_merge(session, commune_ids, code, name, kind, on)
        for source in sources:
            source.closed_on = on
            session.add(source)
        session.add(commune)
        session.flush()
        for _, old, new in copies:
            old.closed_on = on
            new.commune_id = commune.id
            session.add_all([old, new])
        moved = ", ".join(f"{old.code} → {new.code}" for _, old, new in copies)
        _directory_changed(session, actor, "unit-merge",
                           f"{', '.join(s.code for s in sources)} → {commune.code} ({commune.kind} "
                           f"{commune.name}) từ {on:%d/%m/%Y}: {moved}")
        counts = {t: sum(1 for unit_type, _, _ in copies if unit_type == t) for t in _CHILDREN}
        return (f"Đã sáp nhập {', '.join(f'{s.kind} {s.name}' for s in sources)} thành "
                f"{commune.kind} {commune.name} từ ngày {on:%d/%m/%Y}: {counts['cluster']} thôn, "
                f"cụm dân cư và {counts['agency']} cơ quan, đơn vị chuyển sang xã mới.")


def list_merges(actor: Actor, *, engine: Engine | None = None) -> list[MergeRecord]:
    """The communes made by a merge, newest first."""
    require_role(actor, "admin")
    with session_scope(engine) as session:
        merges = []
        for commune in session.exec(select(Commune).where(Commune.opened_on.is_not(None))
                                    .order_by(Commune.opened_on.desc(), Commune.code)):
            if sources := _merge_sources(session, _merge_copies(session, commune)):
                merges.append(MergeRecord(
                    UnitOption(commune.id, commune.code, f"{commune.kind} {commune.name}"),
                    commune.opened_on, [f"{s.kind} {s.name}" for s in sources]))
        return merges


def undo_merge(actor: Actor, commune_id: int, *, engine: Engine | None = None) -> str:
    """Undo a merge made by mistake: the new commune and its units are deleted, the communes and
    units it closed reopen. Refused once anything refers to the new units (figures, imports,
    accounts, directory imports) or units were added to the new commune."""
    require_role(actor, "admin")
    with session_scope(engine, serial=True) as session:
        commune = _unit(session, Commune, "commune", commune_id)
        copies = _merge_copies(session, commune)
        if not copies:
            raise DirectoryError(f"{commune.kind} {commune.name} không do sáp nhập tạo ra.")
        children = list(_children(session, commune))
        refusal = (f"đã đóng từ ngày {commune.closed_on:%d/%m/%Y}" if commune.closed_on else
                   "có thêm đơn vị sau khi sáp nhập" if len(children) != len(copies) else
                   "đã có số liệu, lần nhập (kể cả đã hoàn tác) hoặc tài khoản"
                   if _in_use(session, commune, children) else None)
        if refusal:
            raise DirectoryError(f"Không hoàn tác được việc sáp nhập: {commune.kind} "
                                 f"{commune.name} {refusal}.")
        sources = _merge_sources(session, copies)
        for unit in [old for _, old, _ in copies] + sources:
            unit.closed_on = None
            session.add(unit)
        for _, _, new in copies:
            session.delete(new)
        session.flush()
        session.delete(commune)
        _directory_changed(session, actor, "unit-unmerge",
                           f"{commune.code} ({commune.kind} {commune.name}) → "
                           f"{', '.join(s.code for s in sources)}")
        return (f"Đã hoàn tác việc sáp nhập: {commune.kind} {commune.name} đã được xóa; "
                f"{', '.join(f'{s.kind} {s.name}' for s in sources)} hoạt động trở lại.")


def _plan_merge(session: Session, commune_ids: list[int], code: str, name: str, kind: str,
                on: date) -> tuple[Commune, list[Commune], list[tuple[str, object, object]]]:
    """The new commune, the communes merged and (unit type, open unit, its copy) for each of their
    clusters and agencies; nothing added to the session. `DirectoryError` when refused."""
    ids = list(dict.fromkeys(commune_ids))
    if len(ids) < 2:
        raise DirectoryError("Chọn ít nhất 2 xã, thị trấn để sáp nhập.")
    code, name = "".join(str(code or "").split()).upper(), _checked("name", name)
    if not code or len(code) > 40:
        raise DirectoryError("Mã xã mới phải có từ 1 đến 40 ký tự.")
    if kind not in COMMUNE_KINDS:
        raise DirectoryError(f"Loại “{kind}” không có; chọn một trong: {', '.join(COMMUNE_KINDS)}.")
    sources = [_unit(session, Commune, "commune", i) for i in ids]
    for source in sources:
        if source.closed_on is not None:
            raise DirectoryError(f"{source.kind} {source.name} đã đóng từ ngày "
                                 f"{source.closed_on:%d/%m/%Y}.")
        if source.opened_on is not None and on <= source.opened_on:
            raise DirectoryError(f"Ngày sáp nhập phải sau ngày {source.kind} {source.name} bắt đầu "
                                 f"hoạt động ({source.opened_on:%d/%m/%Y}).")
    if len({s.district_id for s in sources}) > 1:
        raise DirectoryError("Các xã, thị trấn sáp nhập phải thuộc cùng một quận, huyện.")
    if session.exec(select(Commune.id).where(Commune.code == code)).first() is not None:
        raise DirectoryError(f"Mã xã “{code}” đã có; chọn mã khác.")
    if any(unit_key(c.name) == unit_key(name) for c in session.exec(
            select(Commune).where(or_(Commune.closed_on.is_(None), Commune.closed_on > on)))
           if c.id not in ids):
        raise DirectoryError(f"Đã có xã, thị trấn tên “{name}” đang hoạt động; chọn tên khác.")
    commune = Commune(code=code, name=name, kind=kind, district_id=sources[0].district_id,
                      opened_on=on)
    commune_of = {s.id: s for s in sources}
    copies = [(t, old, _MODELS[t](code=f"{code}-{old.code}", opened_on=on,
                                  **{f: getattr(old, f) for f in _COPIED[t]}))
              for s in sources for t, old in _children(session, s, lambda m: m.closed_on.is_(None))]
    _name_clusters(copies, commune_of)
    for unit_type in _CHILDREN:
        new_codes = [new.code for t, _, new in copies if t == unit_type]
        if too_long := [c for c in new_codes if len(c) > 60]:
            raise DirectoryError(f"Mã đơn vị mới “{too_long[0]}” dài quá 60 ký tự: chọn mã xã "
                                 "ngắn hơn.")
        model = _MODELS[unit_type]
        if taken := session.exec(select(model.code).where(model.code.in_(new_codes))).first():
            raise DirectoryError(f"Mã đơn vị “{taken}” đã có; chọn mã xã khác.")
    return commune, sources, copies


def _name_clusters(copies: list, commune_of: dict[int, Commune]) -> None:
    """Clusters of the same name in the new commune get their old commune's name added."""
    clusters = [(old, new) for t, old, new in copies if t == "cluster"]
    keys = [unit_key(new.name) for _, new in clusters]
    for old, new in clusters:
        if keys.count(unit_key(new.name)) > 1:
            new.name = f"{new.name} ({commune_of[old.commune_id].name})"
    names = [unit_key(new.name) for _, new in clusters]
    if twice := next((new.name for _, new in clusters if names.count(unit_key(new.name)) > 1),
                     None):
        raise DirectoryError(f"Hai thôn, cụm dân cư sẽ cùng tên “{twice}” trong xã mới: sửa tên "
                             "một thôn trước khi sáp nhập.")


def _merge_copies(session: Session, commune: Commune) -> list[tuple[str, object, object]]:
    """(unit type, old unit, its copy) for each unit a merge copied into this commune."""
    if commune.opened_on is None:
        return []
    prefix, found = f"{commune.code}-", []
    for unit_type in _CHILDREN:
        model = _MODELS[unit_type]
        copies = [u for u in session.exec(select(model).where(
            model.commune_id == commune.id, model.opened_on == commune.opened_on))
            if u.code.startswith(prefix)]
        olds = {u.code: u for u in session.exec(select(model).where(
            model.code.in_([u.code[len(prefix):] for u in copies]),
            model.closed_on == commune.opened_on))}
        found += [(unit_type, olds[u.code[len(prefix):]], u) for u in copies
                  if u.code[len(prefix):] in olds]
    return found


def _merge_sources(session: Session, copies: list[tuple[str, object, object]]) -> list[Commune]:
    """The communes a merge closed (from its `_merge_copies`), by name."""
    ids = {old.commune_id for _, old, _ in copies}
    return sorted((session.get(Commune, i) for i in ids), key=lambda c: fold(c.name))


def _merged_into(session: Session, unit_type: str, unit) -> Commune | None:
    """The commune a merge moved this closed unit (a commune: its units) into, if any."""
    if unit_type == "commune":
        olds = [(t, u.code) for t, u in _children(session, unit,
                                                   lambda m: m.closed_on == unit.closed_on)]
    else:
        olds = [(unit_type, unit.code)]
    for target in session.exec(select(Commune).where(Commune.opened_on == unit.closed_on)):
        for child_type in _CHILDREN:
            model = _MODELS[child_type]
            codes = [f"{target.code}-{code}" for t, code in olds if t == child_type]
            if codes and session.exec(select(model.id).where(
                    model.commune_id == target.id, model.code.in_(codes))).first() is not None:
                return target
    return None


def _in_use(session: Session, commune: Commune, children: list[tuple[str, object]]) -> bool:
    """Anything refers to the commune or its units: figures, imports, accounts, unit changes."""
    clusters = [u.id for t, u in children if t == "cluster"]
    agencies = [u.id for t, u in children if t == "agency"]
    checks = [
        *(select(func.count()).select_from(model).where(or_(
            model.cluster_id.in_(clusters), model.agency_id.in_(agencies)))
          for model in (RosterEntry, CountReport)),
        *(select(func.count()).select_from(model).where(or_(
            model.commune_id == commune.id, model.agency_id.in_(agencies)))
          for model in (Upload, User)),
        select(func.count()).select_from(UnitChange).where(or_(
            and_(UnitChange.unit_type == "commune", UnitChange.unit_id == commune.id),
            and_(UnitChange.unit_type == "cluster", UnitChange.unit_id.in_(clusters)),
            and_(UnitChange.unit_type == "agency", UnitChange.unit_id.in_(agencies))))]
    return any(session.exec(check).one() for check in checks)


def _children(session: Session, commune: Commune, where=None):
    """(unit type, unit) for the commune's clusters and agencies, by code; `where(model)`: only
    those meeting that condition."""
    for unit_type in _CHILDREN:
        model = _MODELS[unit_type]
        query = select(model).where(model.commune_id == commune.id).order_by(model.code)
        for unit in session.exec(query if where is None else query.where(where(model))):
            yield unit_type, unit


def _directory_changed(session: Session, actor: Actor, action: str, detail: str) -> None:
    """Audit a change to which units are open and refresh the per-area aggregates."""
    session.add(AuditEvent(at=utcnow(), username=actor.username, action=action, detail=detail))
    session.flush()
    aggregates.refresh_areas(session)


def _record(unit_type: str, unit, commune: str | None = None) -> UnitRecord:
    record = UnitRecord(unit_type, unit.id, unit.code, unit.name, commune=commune,
                        opened_on=unit.opened_on, closed_on=unit.closed_on)
    for name in ("kind", "households", "population", "target_population", "staff"):
        setattr(record, name, getattr(unit, name, None))
    return record


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


def list_campaigns(*, engine: Engine | None = None) -> list[CampaignInfo]:
    with session_scope(engine) as session:
        return read_campaigns(session)


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
    with session_scope(engine, writer=True) as session:
        campaign = session.exec(select(Campaign).where(Campaign.key == key)).first()
        if campaign is None:
            raise DirectoryError(f"Không có chiến dịch “{key}”.")
        new = {"name": name, "start": start, "deadline": deadline, "target_pct": float(target_pct)}
        if not (done := _apply(campaign, new)):
            return "Không có gì thay đổi."
        session.add(campaign)
        session.add(AuditEvent(at=utcnow(), username=actor.username, action="campaign-edit",
                               detail=f"{key}: {'; '.join(done)}"))
        return f"Đã lưu chiến dịch “{name}”: {'; '.join(done)}."


def _apply(record, new: dict) -> list[str]:
    """Set the record's fields to the new values; what changed, as `Label: old → new`."""
    done = [f"{FIELD_LABELS[name]}: {_shown(getattr(record, name))} → {_shown(value)}"
            for name, value in new.items() if getattr(record, name) != value]
    for name, value in new.items():
        setattr(record, name, value)
    return done


def _shown(value) -> str:
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "trống" if value is None else str(value)
