"""Admin account operations and the audit log."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models import utcnow
from services.accounts import (audit_log, create_account, list_accounts, reset_password,
                               set_active)
from services.auth import AccountError, authenticate
from tests.accounts_helpers import PASSWORD, account


@pytest.fixture
def admin(district):
    return account(district, "quantri", "admin")


def test_admin_creates_an_account_with_a_random_password_that_logs_in(district, admin):
    password = create_account(admin, "xa.dongthap", "commune", commune="DONGTHAP", engine=district)
    assert len(password) >= 12
    actor = authenticate("xa.dongthap", password, engine=district)
    assert (actor.role, actor.commune_id) == ("commune", list_commune_id(district, "DONGTHAP"))
    [entry] = audit_log(admin, action="user-add", engine=district)[:1]
    assert (entry.username, entry.detail) == ("quantri", "xa.dongthap (Cán bộ xã, thị trấn)")


def list_commune_id(engine, code):
    from services.admin import find_commune
    return find_commune(code, engine=engine).id


def test_accounts_list_names_each_unit(district, admin):
    account(district, "xa.thoan", "commune", commune="THOAN")
    account(district, "vanthu.cq05", "agency", agency="CQ05")
    listed = {a.username: (a.role, a.unit, a.active) for a in list_accounts(admin, engine=district)}
    assert listed["xa.thoan"] == ("commune", "Thọ An", True)
    assert listed["vanthu.cq05"][0] == "agency" and listed["vanthu.cq05"][1]
    assert listed["quantri"] == ("admin", None, True)


def test_reset_password_replaces_the_old_one_and_lifts_a_lockout(district, admin):
    account(district, "lanhdao", "leader")
    for _ in range(5):
        with pytest.raises(AccountError):
            authenticate("lanhdao", "sai", engine=district)
    new = reset_password(admin, "lanhdao", engine=district)
    assert authenticate("lanhdao", new, engine=district).username == "lanhdao"
    with pytest.raises(AccountError):
        authenticate("lanhdao", PASSWORD, engine=district)
    assert audit_log(admin, action="password-reset", engine=district)[0].detail == "lanhdao"


def test_reset_to_a_short_password_or_of_an_unknown_account_is_refused(district, admin):
    with pytest.raises(AccountError, match="ít nhất 8"):
        reset_password(admin, "quantri", password="ngan", engine=district)
    with pytest.raises(AccountError, match="Không có tài khoản"):
        reset_password(admin, "khongco", engine=district)


def test_disable_then_enable(district, admin):
    account(district, "lanhdao", "leader")
    assert set_active(admin, "lanhdao", False, engine=district) == "Đã khóa tài khoản lanhdao."
    assert [a.active for a in list_accounts(admin, engine=district) if a.username == "lanhdao"] == [False]
    set_active(admin, "lanhdao", True, engine=district)
    assert authenticate("lanhdao", PASSWORD, engine=district).username == "lanhdao"
    assert [e.action for e in audit_log(admin, username="quantri", engine=district)][:2] == \
        ["user-enable", "user-disable"]


def test_admin_cannot_disable_their_own_account(district, admin):
    with pytest.raises(AccountError, match="chính mình"):
        set_active(admin, "quantri", False, engine=district)


def test_audit_log_says_who_did_what_newest_first(district, admin):
    authenticate("quantri", PASSWORD, engine=district)
    with pytest.raises(AccountError):
        authenticate("quantri", "sai", engine=district, now=utcnow() + timedelta(seconds=1))
    log = audit_log(admin, engine=district)
    assert [(e.username, e.action) for e in log[:2]] == [("quantri", "login-failed"),
                                                         ("quantri", "login")]
    assert log[0].at >= log[1].at
    assert [e.action for e in audit_log(admin, action="login", engine=district)] == ["login"]


def test_an_admin_cannot_make_a_username_longer_than_64_characters(district, admin):
    with pytest.raises(AccountError, match="từ 1 đến 64 ký tự"):
        create_account(admin, "a" * 65, "leader", engine=district)
    assert [a.username for a in list_accounts(admin, engine=district)] == ["quantri"]


def test_a_long_unknown_name_is_quoted_capped_and_nothing_is_written(district, admin):
    before = len(audit_log(admin, engine=district))
    for change in (lambda name: reset_password(admin, name, engine=district),
                   lambda name: set_active(admin, name, False, engine=district)):
        with pytest.raises(AccountError) as refused:
            change("x" * 5_000_000)
        assert str(refused.value) == f"Không có tài khoản “{'x' * 64}…”."
    assert len(audit_log(admin, engine=district)) == before


def test_every_account_change_opens_its_transaction_as_a_writer(district, admin, monkeypatch):
    import db
    import services.accounts
    import services.auth
    opened = []

    def scope(engine=None, *, writer=False):
        opened.append(writer)
        return db.session_scope(engine, writer=writer)

    monkeypatch.setattr(services.accounts, "session_scope", scope)
    monkeypatch.setattr(services.auth, "session_scope", scope)
    create_account(admin, "lanhdao", "leader", engine=district)
    reset_password(admin, "lanhdao", engine=district)
    set_active(admin, "lanhdao", False, engine=district)
    assert opened == [True, True, True]
