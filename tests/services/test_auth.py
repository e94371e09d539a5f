"""Accounts: argon2 hashes, login, lockout after five failures, disabled accounts, no default account."""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

import services.auth
from db import session_scope
from models import AuditEvent, User, utcnow
from services.auth import (SIGN_IN_FAILED, AccountError, Actor, authenticate, create_user,
                           reload_actor)
from services.accounts import set_active
from settings import ROOT
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
    ("a" * 65, PASSWORD, "leader", {}, "từ 1 đến 64 ký tự"),
    ("a" * 5_000_000, PASSWORD, "leader", {}, "từ 1 đến 64 ký tự"),
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
    assert table_counts(district)["user"] == table_counts(district)["auditevent"] == 0


def test_a_username_of_64_characters_is_accepted(district):
    assert account(district, "a" * 64, "leader").username == "a" * 64


def test_same_username_twice_is_refused(district):
    account(district, "lanhdao", "leader")
    with pytest.raises(AccountError, match="đã có"):
        account(district, "lanhdao", "admin")


def failures_and_lock(engine, username: str):
    with session_scope(engine) as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        return user.failed_logins, user.locked_until


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """The hashes each attempt was verified against (the real verification still runs)."""
    calls, verify = [], services.auth._verify

    def spy(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return verify(password_hash, password)

    monkeypatch.setattr(services.auth, "_verify", spy)
    return calls


def test_unknown_disabled_locked_and_wrong_answer_alike_after_one_verification(district,
                                                                                verifications):
    admin = account(district, "quantri", "admin")
    account(district, "lanhdao", "leader")
    account(district, "khoa", "leader")
    account(district, "tat", "leader")
    set_active(admin, "tat", False, engine=district)
    for _ in range(5):
        with pytest.raises(AccountError):
            authenticate("khoa", "sai-mat-khau", engine=district)
    del verifications[:]
    answers = {}
    for case, (username, password) in {"unknown": ("khongco", PASSWORD),
                                       "disabled": ("tat", PASSWORD),
                                       "locked": ("khoa", PASSWORD),
                                       "wrong": ("lanhdao", "sai-mat-khau")}.items():
        before = len(verifications)
        with pytest.raises(AccountError) as refused:
            authenticate(username, password, engine=district)
        answers[case] = str(refused.value)
        assert len(verifications) == before + 1, case
    assert set(answers.values()) == {SIGN_IN_FAILED}
    assert SIGN_IN_FAILED.startswith(
        "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang tạm khóa")
    authenticate("lanhdao", PASSWORD, engine=district)
    assert len(verifications) == 5


@pytest.fixture
def light_hashes(monkeypatch):
    """Argon2 with small costs (8 KiB, one pass): thirty verifications at once stay cheap on a
    shared machine; what is tested is the counting, not the hash."""
    monkeypatch.setattr(services.auth, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    services.auth._dummy_hash.cache_clear()
    yield
    services.auth._dummy_hash.cache_clear()


def test_thirty_parallel_wrong_guesses_all_count_and_lock_the_account(district, light_hashes):
    account(district, "lanhdao", "leader")
    start = utcnow()

    def guess(attempt: int):
        try:
            authenticate("lanhdao", f"sai-{attempt}", engine=district)
        except Exception as error:  # noqa: BLE001 (what each attempt raised is the point)
            return error
        return None

    with ThreadPoolExecutor(30) as pool:
        outcomes = list(pool.map(guess, range(30)))
    assert [type(e) for e in outcomes] == [AccountError] * 30
    assert {str(e) for e in outcomes} == {SIGN_IN_FAILED}
    failures, locked_until = failures_and_lock(district, "lanhdao")
    assert failures == 30
    assert start + timedelta(minutes=15) <= locked_until <= utcnow() + timedelta(minutes=15)
    assert events(district).count(("lanhdao", "login-failed")) == 30
    with pytest.raises(AccountError, match="tạm khóa"):  # the right password, while locked
        authenticate("lanhdao", PASSWORD, engine=district)
    assert failures_and_lock(district, "lanhdao") == (31, locked_until)


def test_five_failures_lock_the_account_for_fifteen_minutes(district):
    account(district, "lanhdao", "leader")
    start = utcnow()
    for attempt in range(5):
        with pytest.raises(AccountError, match="Sai tên"):
            authenticate("lanhdao", "sai", engine=district, now=start + timedelta(seconds=attempt))
    assert failures_and_lock(district, "lanhdao") == (5, start + timedelta(seconds=4, minutes=15))
    with pytest.raises(AccountError, match="tạm khóa"):  # the right password, while locked
        authenticate("lanhdao", PASSWORD, engine=district, now=start + timedelta(minutes=14))
    actor = authenticate("lanhdao", PASSWORD, engine=district, now=start + timedelta(minutes=15, seconds=5))
    assert actor.username == "lanhdao"
    assert failures_and_lock(district, "lanhdao") == (0, None)


def test_after_a_lock_ends_the_count_starts_again(district):
    account(district, "lanhdao", "leader")
    start = utcnow()
    for _ in range(5):
        with pytest.raises(AccountError):
            authenticate("lanhdao", "sai", engine=district, now=start)
    with pytest.raises(AccountError):
        authenticate("lanhdao", "sai", engine=district, now=start + timedelta(minutes=16))
    assert failures_and_lock(district, "lanhdao") == (1, None)
    assert authenticate("lanhdao", PASSWORD, engine=district,
                        now=start + timedelta(minutes=17)).username == "lanhdao"


def test_a_failed_sign_in_keeps_no_unknown_name_in_clear(district):
    account(district, "lanhdao", "leader")
    typed = [PASSWORD + "-go-nham-o-o-ten", "khongco", "x" * 5_000_000]
    for text in typed:
        with pytest.raises(AccountError):
            authenticate(text, "sai-mat-khau", engine=district)
    with pytest.raises(AccountError):
        authenticate("lanhdao", "sai-mat-khau", engine=district)
    with pytest.raises(AccountError):  # the same unknown name gives the same mark
        authenticate("khongco", "mat-khau-khac", engine=district)
    logged = events(district)[-5:]
    assert [action for _, action in logged] == ["login-failed"] * 5
    names = [name for name, _ in logged]
    assert names[3] == "lanhdao" and names[4] == names[1]
    assert all(name.startswith("?") and len(name) == 7 for name in names[:3])
    with session_scope(district) as session:
        stored = " ".join(f"{e.username} {e.detail}" for e in session.execute(
            select(AuditEvent)).scalars())
    assert not any(text[:10] in stored for text in typed[:2])
    assert "xxxxxxxxxx" not in stored


def test_importing_the_module_computes_no_hash():
    code = ("import argon2\n"
            "def refuse(*args, **kwargs): raise SystemExit('hash at import time')\n"
            "argon2.PasswordHasher.hash = refuse\n"
            "import services.auth\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


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
