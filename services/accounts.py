"""Accounts as the admin manages them (create, reset a password, disable), and the audit log.

Every function here is for an admin actor only; anyone else is refused (`ScopeRefused`).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from db import session_scope
from models import Agency, AuditEvent, Commune, User, utcnow
from services.auth import (MAX_USERNAME_LENGTH, ROLES, AccountError, Actor, create_user,
                           hash_password)
from services.scope import require_role

AUDIT_ACTIONS = {"login": "Đăng nhập", "login-failed": "Đăng nhập sai", "logout": "Đăng xuất",
                 "session-expired": "Hết phiên", "import": "Nhập tệp", "undo": "Hoàn tác",
                 "user-add": "Tạo tài khoản", "password-reset": "Đặt lại mật khẩu",
                 "user-disable": "Khóa tài khoản", "user-enable": "Mở khóa tài khoản",
                 "unit-edit": "Sửa đơn vị", "unit-close": "Đóng đơn vị",
                 "unit-reopen": "Mở lại đơn vị", "unit-merge": "Sáp nhập xã",
                 "unit-unmerge": "Hoàn tác sáp nhập", "campaign-edit": "Sửa chiến dịch"}


@dataclass
class AccountSummary:
    username: str
    role: str
    unit: str | None  # the commune's or agency's name
    active: bool
    locked_until: datetime | None
    created_at: datetime


@dataclass
class AuditEntry:
    at: datetime
    username: str | None
    action: str
    detail: str | None


def new_password() -> str:
    """A random password, shown once to the admin who hands it over."""
    return secrets.token_urlsafe(9)


def list_accounts(actor: Actor, *, engine: Engine | None = None) -> list[AccountSummary]:
    require_role(actor, "admin")
    with session_scope(engine) as session:
        communes = {c.id: c.name for c in session.exec(select(Commune))}
        agencies = {a.id: a.name for a in session.exec(select(Agency))}
        return [AccountSummary(u.username, u.role,
                               communes.get(u.commune_id) or agencies.get(u.agency_id),
                               u.active, u.locked_until, u.created_at)
                for u in session.exec(select(User).order_by(User.role, User.username))]


def create_account(actor: Actor, username: str, role: str, *, password: str | None = None,
                   commune: str | None = None, agency: str | None = None,
                   engine: Engine | None = None) -> str:
    """Create an account; returns its password (a random one when none is given)."""
    require_role(actor, "admin")
    password = password or new_password()
    create_user(username, password, role, commune=commune, agency=agency, engine=engine,
                by=actor.username)
    return password


def reset_password(actor: Actor, username: str, *, password: str | None = None,
                   engine: Engine | None = None) -> str:
    """Give an account a new password (a random one when none is given) and lift its lockout.
    An empty password is refused like any too short one, never silently replaced."""
    require_role(actor, "admin")
    password = new_password() if password is None else password
    password_hash = hash_password(password)
    with session_scope(engine, writer=True) as session:
        user = _user(session, username)
        user.password_hash = password_hash
        user.failed_logins, user.locked_until = 0, None
        session.add(user)
        session.add(AuditEvent(at=utcnow(), username=actor.username, action="password-reset",
                               detail=user.username))
    return password


def set_active(actor: Actor, username: str, active: bool, *, engine: Engine | None = None) -> str:
    """Disable an account (it can no longer log in, and its open sessions end) or enable it again."""
    require_role(actor, "admin")
    if username.strip() == actor.username and not active:
        raise AccountError("Không thể tự khóa tài khoản của chính mình.")
    with session_scope(engine, writer=True) as session:
        user = _user(session, username)
        user.active = active
        session.add(user)
        session.add(AuditEvent(at=utcnow(), username=actor.username,
                               action="user-enable" if active else "user-disable",
                               detail=user.username))
    return f"Đã {'mở khóa' if active else 'khóa'} tài khoản {user.username}."


def audit_log(actor: Actor, *, action: str | None = None, username: str | None = None,
              limit: int = 500, engine: Engine | None = None) -> list[AuditEntry]:
    """The newest events first: who, when, what."""
    require_role(actor, "admin")
    with session_scope(engine) as session:
        query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
        if action:
            query = query.where(AuditEvent.action == action)
        if username:
            query = query.where(AuditEvent.username == username)
        return [AuditEntry(e.at, e.username, e.action, _detail(e.action, e.detail))
                for e in session.exec(query)]


def _detail(action: str, detail: str | None) -> str | None:
    """A new account's detail is stored as `name (role)`: shown with the role's Vietnamese name,
    `xa.thoan (Cán bộ xã, thị trấn)`."""
    if action == "user-add" and detail and detail.endswith(")"):
        name, _, role = detail[:-1].rpartition(" (")
        if name and role in ROLES:
            return f"{name} ({ROLES[role]})"
    return detail


def _user(session, username: str) -> User:
    name = username.strip()
    user = (session.exec(select(User).where(User.username == name)).first()
            if len(name) <= MAX_USERNAME_LENGTH else None)
    if user is None:
        shown = name if len(name) <= MAX_USERNAME_LENGTH else name[:MAX_USERNAME_LENGTH] + "…"
        raise AccountError(f"Không có tài khoản “{shown}”.")
    return user
