"""Accounts: argon2 hashes, login, lockout after five failures, disabled accounts, no default account."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db import session_scope
from models import AuditEvent, User, utcnow
from services.auth import AccountError, Actor, authenticate, create_user, reload_actor
from services.accounts import set_active
from tests.accounts_helpers import PASSWORD, account, table_counts


def events(engine) -> list[tuple[str | None, str]]:
    with session_scope(engine) as session:
        return [(e.username, e.action) for e in session.execute(
            select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def test_a_new_database_has_no_account(engine):
    assert table_counts(engine)["user"] == 0


def test_password_is_stored_as_an_argon2_hash_and_logs_in(district):
    actor = account(district, "xa.thoan", "commune", commune="THOAN")
    with session_scope(district) as session:
        stored = session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate("xa.thoan", PASSWORD, engine=district) == actor
    assert actor.role == "commune" and actor.commune_id is not None and actor.agency_id is None
    assert events(district)[-1] == ("xa.thoan", "login")


@pytest.mark.parametrize("username, password, role, unit, message", [
    ("", PASSWORD, "leader", {}, "Tên đăng nhập"),
    ("co dau cach", PASSWORD, "leader", {}, "không có dấu cách"),
    ("ngan", "1234567", "leader", {}, "ít nhất 8 ký tự"),
    ("vaitro", PASSWORD, "superuser", {}, "Vai trò"),
    ("xa", PASSWORD, "commune", {}, "xã/thị trấn"),
    ("xa", PASSWORD, "commune", {"commune": "Không Có"}, "xã/thị trấn"),
    ("cq", PASSWORD, "agency", {}, "cơ quan"),
])
def test_account_with_bad_input_is_refused(district, username, password, role, unit, message):
    with pytest.raises(AccountError, match=message):
        create_user(username, password, role, engine=district, **unit)
    assert table_counts(district)["user"] == 0


def test_same_username_twice_is_refused(district):
    account(district, "lanhdao", "leader")
    with pytest.raises(AccountError, match="đã có"):
        account(district, "lanhdao", "admin")


def test_wrong_password_and_unknown_user_get_the_same_answer(district):
    account(district, "lanhdao", "leader")
    with pytest.raises(AccountError) as wrong:
        authenticate("lanhdao", "sai-mat-khau", engine=district)
    with pytest.raises(AccountError) as unknown:
        authenticate("khongco", "sai-mat-khau", engine=district)
    assert str(wrong.value) == str(unknown.value) == "Sai tên đăng nhập hoặc mật khẩu."
    assert events(district)[-2:] == [("lanhdao", "login-failed"), ("khongco", "login-failed")]


def test_five_failures_lock_the_account_for_fifteen_minutes(district):
    account(district, "lanhdao", "leader")
    start = utcnow()
    for attempt in range(5):
        with pytest.raises(AccountError, match="Sai tên"):
            authenticate("lanhdao", "sai", engine=district, now=start + timedelta(seconds=attempt))
    with pytest.raises(AccountError, match="tạm khóa"):  # the right password, while locked
        authenticate("lanhdao", PASSWORD, engine=district, now=start + timedelta(minutes=14))
    actor = authenticate("lanhdao", PASSWORD, engine=district, now=start + timedelta(minutes=15, seconds=5))
    assert actor.username == "lanhdao"


def test_four_failures_then_success_start_the_count_again(district):
    account(district, "lanhdao", "leader")
    for _ in range(4):
        with pytest.raises(AccountError):
            authenticate("lanhdao", "sai", engine=district)
    authenticate("lanhdao", PASSWORD, engine=district)
    for _ in range(4):
        with pytest.raises(AccountError, match="Sai tên"):
            authenticate("lanhdao", "sai", engine=district)
    assert authenticate("lanhdao", PASSWORD, engine=district).username == "lanhdao"


def test_disabled_account_cannot_log_in_and_its_sessions_end(district):
    admin = account(district, "quantri", "admin")
    leader = account(district, "lanhdao", "leader")
    assert reload_actor(leader, engine=district) == leader
    set_active(admin, "lanhdao", False, engine=district)
    with pytest.raises(AccountError, match="Sai tên"):
        authenticate("lanhdao", PASSWORD, engine=district)
    assert reload_actor(leader, engine=district) is None
    assert reload_actor(Actor("daxoa", "admin"), engine=district) is None
