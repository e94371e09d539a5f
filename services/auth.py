"""Accounts and roles. Passwords are argon2 hashes; there are no default accounts.

A sign-in that fails says the same thing, after the same work (one argon2 verification), whether
the name is unknown, the account disabled or locked, or the password wrong: names do not leak.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, case, literal, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from db import session_scope
from errors import UserError
from models import AuditEvent, User, utcnow
from services.units import load_directory
from settings import current

ROLES = {"leader": "Lãnh đạo", "admin": "Quản trị", "commune": "Cán bộ xã, thị trấn",
         "agency": "Văn thư cơ quan, đơn vị"}
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
MAX_USERNAME_LENGTH = 64
SIGN_IN_FAILED = (f"Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang tạm khóa: sau "
                  f"{MAX_FAILED_LOGINS} lần đăng nhập sai liên tiếp, tài khoản bị khóa "
                  f"{LOCKOUT.seconds // 60} phút. Nếu vẫn không đăng nhập được, hãy liên hệ quản "
                  "trị viên.")

_hasher = PasswordHasher()


class AccountError(UserError, ValueError):
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
    username = check_username(username)
    if role not in ROLES:
        raise AccountError(f"Vai trò “{role}” không có; chọn một trong: {', '.join(ROLES)}.")
    password_hash = hash_password(password)
    with session_scope(engine, writer=True) as session:
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


def check_username(username: str) -> str:
    """The username as stored: 1 to 64 characters, no spaces. Checked before anything is stored."""
    name = username.strip()
    if not name or len(name) > MAX_USERNAME_LENGTH or any(ch.isspace() for ch in name):
        raise AccountError(f"Tên đăng nhập phải có từ 1 đến {MAX_USERNAME_LENGTH} ký tự và không "
                           "có dấu cách.")
    return name


def authenticate(username: str, password: str, *, engine: Engine | None = None,
                 now: datetime | None = None) -> Actor:
    """The account's actor, or AccountError (`SIGN_IN_FAILED`, whatever the reason).

    Each failure adds one to the account's count in one atomic UPDATE (parallel guesses all
    count); the fifth in a row locks it for 15 minutes, during which even the right password is
    refused (and counted). The count starts again after a success or once the lock has ended."""
    now = now or utcnow()
    name = username.strip()
    if len(name) > MAX_USERNAME_LENGTH:
        name = ""  # no account has such a name: nothing of it is looked up or stored
    stored = None
    if name:
        with session_scope(engine) as session:
            stored = session.exec(select(User.password_hash, User.active)
                                  .where(User.username == name)).first()
    # Exactly one verification for every attempt, against a dummy hash when there is no usable
    # account, so that unknown, disabled, locked and wrong all take the same time.
    usable = stored is not None and stored.active
    right = _verify(stored.password_hash if usable else _dummy_hash(), password) and usable
    with session_scope(engine, writer=True) as session:
        actor = None
        if right:
            signed_in = session.execute(
                update(User)
                .where(User.username == name, User.active,
                       User.password_hash == stored.password_hash,
                       or_(User.locked_until.is_(None), User.locked_until <= now))
                .values(failed_logins=0, locked_until=None)
                .returning(User.role, User.commune_id, User.agency_id)).first()
            if signed_in is not None:
                actor = Actor(name, *signed_in)
        if actor is None and usable:
            session.execute(_count_failure(name, now))
        session.add(AuditEvent(at=now, username=name if stored is not None else _unknown(username),
                               action="login" if actor else "login-failed"))
    if actor is None:
        raise AccountError(SIGN_IN_FAILED)
    return actor


def _count_failure(username: str, now: datetime):
    """One more failure, atomically (the database adds it to the row as it is when the UPDATE
    runs); the MAX_FAILED_LOGINS-th in a row sets the lock, a lock in force stays as it is, and
    the first failure after a lock ended starts the count again."""
    lock_ended = and_(User.locked_until.is_not(None), User.locked_until <= now)
    failures = case((lock_ended, 1), else_=User.failed_logins + 1)
    locked_until = case((User.locked_until > now, User.locked_until),
                        (failures >= MAX_FAILED_LOGINS,
                         literal(now + LOCKOUT, User.__table__.c.locked_until.type)),
                        else_=None)
    return (update(User).where(User.username == username, User.active)
            .values(failed_logins=failures, locked_until=locked_until))


def _unknown(username: str) -> str:
    """What the audit log keeps of a name that is no account: `?` and a short keyed hash (the
    same name gives the same mark), never the text, which may be a password typed in the wrong
    box. Three bytes: enough to see repeats, too few to confirm a guessed text."""
    typed = username.strip()[:MAX_USERNAME_LENGTH + 1].encode()
    mark = hashlib.blake2b(b"login|" + typed, key=current().id_key, digest_size=3)
    return "?" + mark.hexdigest()


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
    with session_scope(engine, writer=True) as session:
        session.add(AuditEvent(at=utcnow(), username=actor.username,
                               action="session-expired" if expired else "logout"))


@cache
def _dummy_hash() -> str:
    """A hash of no account's password (made on first use, so that importing this is cheap)."""
    return _hasher.hash("not a password of any account")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
