"""Accounts and roles. Passwords are argon2 hashes; there are no default accounts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import select

from db import session_scope
from models import AuditEvent, User, utcnow
from services.units import load_directory
from text import local_time

ROLES = {"leader": "Lãnh đạo", "admin": "Quản trị", "commune": "Cán bộ xã, thị trấn",
         "agency": "Văn thư cơ quan, đơn vị"}
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of any account")


class AccountError(ValueError):
    """A Vietnamese message for the user: bad input, unknown unit, wrong password, locked."""


@dataclass(frozen=True)
class Actor:
    """Who is calling a service: their role and, for commune and agency accounts, their unit."""

    username: str
    role: str
    commune_id: int | None = None
    agency_id: int | None = None


def create_user(username: str, password: str, role: str, *, commune: str | None = None,
                agency: str | None = None, engine: Engine | None = None,
                by: str | None = None) -> Actor:
    """A new account (`by`: the admin who made it, for the audit log). No scope check: the
    command line calls this; the admin page goes through `services.accounts.create_account`."""
    username = username.strip()
    if not username or len(username) > 80 or any(ch.isspace() for ch in username):
        raise AccountError("Tên đăng nhập phải có từ 1 đến 80 ký tự và không có dấu cách.")
    if role not in ROLES:
        raise AccountError(f"Vai trò “{role}” không có; chọn một trong: {', '.join(ROLES)}.")
    password_hash = hash_password(password)
    with session_scope(engine) as session:
        if session.exec(select(User).where(User.username == username)).first():
            raise AccountError(f"Tài khoản “{username}” đã có.")
        directory = load_directory(session)
        commune_id = agency_id = None
        if role == "commune":
            commune_id = directory.commune_id(commune) if commune else None
            if commune_id is None:
                raise AccountError("Tài khoản cán bộ xã cần một xã/thị trấn có trong danh mục "
                                   "(--commune).")
        if role == "agency":
            agency_id = directory.agency_id(agency) if agency else None
            if agency_id is None:
                raise AccountError("Tài khoản văn thư cần một cơ quan, đơn vị có trong danh mục "
                                   "(--agency).")
        session.add(User(username=username, password_hash=password_hash, role=role,
                         commune_id=commune_id, agency_id=agency_id, created_at=utcnow()))
        session.add(AuditEvent(at=utcnow(), username=by, action="user-add",
                               detail=f"{username} ({role})"))
    return Actor(username, role, commune_id, agency_id)


def authenticate(username: str, password: str, *, engine: Engine | None = None,
                 now: datetime | None = None) -> Actor:
    """The account's actor, or AccountError. Five failures lock the account for 15 minutes."""
    now = now or utcnow()
    failure = "Sai tên đăng nhập hoặc mật khẩu."
    with session_scope(engine) as session:  # failures are committed too, then raised
        user = session.exec(select(User).where(User.username == username.strip())).first()
        if user is None:
            _verify(_DUMMY_HASH, password)  # as slow as for a real account: names do not leak
        if user is not None and user.active and user.locked_until and user.locked_until > now:
            failure = (f"Tài khoản tạm khóa đến {local_time(user.locked_until):%H:%M} do đăng nhập sai "
                       f"{MAX_FAILED_LOGINS} lần.")
        elif user is not None and user.active and _verify(user.password_hash, password):
            user.failed_logins, user.locked_until = 0, None
            session.add(user)
            session.add(AuditEvent(at=now, username=user.username, action="login"))
            return Actor(user.username, user.role, user.commune_id, user.agency_id)
        elif user is not None and user.active:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until, user.failed_logins = now + LOCKOUT, 0
            session.add(user)
        session.add(AuditEvent(at=now, username=username, action="login-failed"))
    raise AccountError(failure)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    return _hasher.hash(password)


def reload_actor(actor: Actor, *, engine: Engine | None = None) -> Actor | None:
    """The account as it is now: None once disabled or removed (its sessions end), else its
    current role and unit."""
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == actor.username)).first()
        if user is None or not user.active:
            return None
        return Actor(user.username, user.role, user.commune_id, user.agency_id)


def record_logout(actor: Actor, *, expired: bool = False, engine: Engine | None = None) -> None:
    with session_scope(engine) as session:
        session.add(AuditEvent(at=utcnow(), username=actor.username,
                               action="session-expired" if expired else "logout"))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
