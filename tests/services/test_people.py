"""A person is the same person from file to file within their commune or agency, whichever
identifiers each file carries (import-formats.md, "People and duplicates"), and never counted twice;
an identifier that contradicts makes another person."""
from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import func, select

from db import session_scope
from models import RosterEntry
from services.imports import import_file
from importers.report import PersonRow
from services.people import person_key_function, reference, scoped_key
from services.progress import progress
from settings import id_hash_key
from tests.accounts_helpers import account
from tests.conftest import load_reference_directory
from tests.query_plans import plans_of, whole_reads
from tests.workbooks import xlsx_bytes

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Số điện thoại", "Thôn", "Đã tạo tài khoản"]


def residents(*people: list, title: str = "UBND XÃ THỌ AN") -> bytes:
    return xlsx_bytes(("Danh sách", [[title], [], HEADER] +
                       [[i + 1, *person] for i, person in enumerate(people)]))


def people_known(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count(func.distinct(RosterEntry.person_key)))).scalar_one()


def registered(engine, code: str, day: date) -> int:
    return next(c for c in progress(day, engine=engine).clusters if c.code == code).registered


def load(engine, data: bytes, day: date, name: str):
    outcome = import_file(data, name, as_of=day, engine=engine)
    assert outcome.status == "imported", outcome.message
    return outcome


def test_known_by_citizen_id_then_only_by_phone_then_only_by_name_and_birth(district):
    load(district, residents(["Nguyễn Văn An", "01/02/1980", "001080000001", "0912000001", "Cụm 1", ""]),
         date(2024, 8, 1), "v1.xlsx")
    load(district, residents(["Nguyễn Văn An", "", "", "0912000001", "Cụm 1", ""]),
         date(2024, 8, 5), "v2.xlsx")
    assert (people_known(district), registered(district, "THOAN-01", date(2024, 8, 5))) == (1, 0)
    load(district, residents(["Nguyen Van An", "01/02/1980", "", "", "Cụm 1", "x"]),
         date(2024, 8, 9), "v3.xlsx")
    assert (people_known(district), registered(district, "THOAN-01", date(2024, 8, 9))) == (1, 1)


def test_known_by_phone_then_by_citizen_id_with_that_phone(district):
    load(district, residents(["Trần Thị Bình", "", "", "0912000002", "Cụm 2", "x"]),
         date(2024, 8, 1), "v1.xlsx")
    load(district, residents(["Trần Thị Bình", "", "001080000002", "0912000002", "Cụm 2", "x"]),
         date(2024, 8, 5), "v2.xlsx")
    load(district, residents(["Trần Thị Bình", "", "001080000002", "", "Cụm 2", "x"]),
         date(2024, 8, 9), "v3.xlsx")
    assert (people_known(district), registered(district, "THOAN-02", date(2024, 8, 9))) == (1, 1)


def test_another_citizen_id_or_phone_makes_another_person(district):
    load(district, residents(["Lê Văn Cường", "", "001080000003", "0912000003", "Cụm 3", "x"]),
         date(2024, 8, 1), "v1.xlsx")
    # the same phone with another ID: a family member on one phone
    load(district, residents(["Lê Văn Cường", "", "001080000004", "0912000003", "Cụm 3", "x"]),
         date(2024, 8, 5), "v2.xlsx")
    assert people_known(district) == 2
    # the same name in the same cluster with a phone neither of them has: a namesake
    load(district, residents(["Lê Văn Cường", "", "", "0912000999", "Cụm 3", "x"]),
         date(2024, 8, 9), "v3.xlsx")
    assert (people_known(district), registered(district, "THOAN-03", date(2024, 8, 9))) == (3, 3)


def test_another_birth_date_on_the_same_name_makes_another_person(district):
    load(district, residents(["Phạm Thu Hà", "03/04/1990", "001090000005", "", "Cụm 4", "x"]),
         date(2024, 8, 1), "v1.xlsx")
    load(district, residents(["Phạm Thu Hà", "05/06/2001", "", "", "Cụm 4", "x"]),
         date(2024, 8, 5), "v2.xlsx")
    assert people_known(district) == 2


def test_people_are_never_recognised_across_communes(district):
    load(district, residents(["Nguyễn Văn An", "", "001080000001", "0912000001", "Cụm 1", "x"]),
         date(2024, 8, 1), "thoan.xlsx")
    load(district, residents(["Nguyễn Văn An", "", "", "0912000001", "Cụm 1", ""],
                             title="UBND XÃ ĐỒNG THÁP"), date(2024, 8, 5), "dongthap.xlsx")
    assert people_known(district) == 2
    assert registered(district, "THOAN-01", date(2024, 8, 5)) == 1


def test_a_reference_is_opaque_and_stable():
    key = "0123456789abcdef0123456789abcdef"
    assert reference(key) == reference(key) != reference(key[::-1])
    assert len(reference(key)) == 11 and reference(key)[5] == "-"


def test_a_follow_up_reference_typed_in_lower_case_still_finds_its_person(district):
    clerk = account(district, "xa.thoan", "commune", commune="THOAN")
    load(district, residents(["Đỗ Thị Dung", "", "001080000006", "", "Cụm 5", ""]),
         date(2024, 8, 1), "v1.xlsx")
    with session_scope(district) as session:
        key = session.execute(select(RosterEntry.person_key)).scalar_one()
    typed = xlsx_bytes(("Cụm 5", [["Cụm 5"], [], ["STT", "Họ và tên", "Đã tạo tài khoản",
                                                    "Mã tham chiếu"],
                                   [1, "Dung", "x", reference(key).lower().replace("-", " ")]]))
    done = import_file(typed, "lai.xlsx", actor=clerk, as_of=date(2024, 8, 9), engine=district)
    assert (done.status, done.warnings) == ("imported", [])
    assert (people_known(district), registered(district, "THOAN-05", date(2024, 8, 9))) == (1, 1)


def _identity_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), key=id_hash_key()[:64], digest_size=16).hexdigest()


def test_a_person_is_known_by_citizen_id_else_phone_else_name_birth_and_unit():
    key = person_key_function("residents")
    by_id = PersonRow("S", 2, "An", citizen_id="001090001234", phone="0912345678")
    by_phone = PersonRow("S", 3, "An", phone="0912345678")
    by_name = PersonRow("S", 4, "Nguyễn Văn An", birth_date=date(1980, 5, 1))
    assert key(by_id, 7, 3) == scoped_key(3, _identity_hash("residents|id|001090001234"))
    assert key(by_phone, 7, 3) == scoped_key(3, _identity_hash("residents|phone|0912345678"))
    assert key(by_name, 7, 3) == scoped_key(
        3, _identity_hash("residents|name|nguyen van an|1980-05-01|7"))
    assert key(by_id, 7, 4) != key(by_id, 7, 3)  # another commune: another person


def test_stored_keys_are_keyed_blake2b_of_the_contract_texts_whatever_the_secret_key():
    """The keys are stored (and migrations rebuild them): the reused keyed state changes none."""
    from services.people import match_key
    for secret in (b"k" * 64, id_hash_key()[:64], b"k" * 64):
        def oracle(text: str) -> str:
            return hashlib.blake2b(text.encode(), key=secret, digest_size=16).hexdigest()
        assert scoped_key(3, "abc", secret) == oracle("3|abc")
        assert match_key("id", "001090001234", secret) == oracle("account|id|001090001234")
        assert match_key("phone", "0912345678", secret) == oracle("account|phone|0912345678")
    assert match_key("id", None, b"k" * 64) is None


def test_a_communes_people_are_read_from_its_units_not_from_the_whole_campaign(sqlite_engine):
    """Recognising a roster's people and previewing it read the entries of the commune's clusters
    only (SQLite planning as deployed, without statistics): a campaign condition once led SQLite
    through every entry of the campaign in the city (the preview of one commune's roster: 2.2x on
    a 10-district city, 1.1x without)."""
    load_reference_directory(sqlite_engine)
    load(sqlite_engine, residents(["Nguyễn Văn An", "01/02/1980", "001080000001", "", "Cụm 1", ""],
                                  ["Trần Thị Bình", "", "", "0912000002", "Cụm 2", "x"]),
         date(2024, 8, 1), "v1.xlsx")
    again = residents(["Nguyễn Văn An", "01/02/1980", "001080000001", "", "Cụm 1", "x"],
                      ["Trần Thị Bình", "", "", "0912000002", "Cụm 2", "x"],
                      ["Lê Văn Cường", "", "", "", "Cụm 1", ""])
    plans = plans_of(sqlite_engine, lambda: import_file(
        again, "v2.xlsx", as_of=date(2024, 8, 5), dry_run=True, preview=True, engine=sqlite_engine))
    used = {line for line, _ in plans}
    assert "SEARCH rosterentry USING INDEX ix_rosterentry_person (campaign=?)" not in used
    assert any("ix_rosterentry_cluster" in line for line in used)
    assert whole_reads(plans, "rosterentry") == []


def test_a_few_rows_are_recognised_from_their_candidates_as_from_the_whole_commune(
        district, monkeypatch):
    """`_Known.read` narrows a small file's lookup to the people its rows could be: the keys it
    gives are those of reading the whole commune, over random rosters of shared names, phones,
    citizen IDs and birth dates, some missing, some contradicting."""
    import random

    from services import people
    from services.imports import prepare_import
    rng = random.Random(11)
    names = ["Nguyễn Văn An", "Nguyen Van An", "Trần Thị Bình", "Lê Văn Cường"]

    def person() -> list:
        pick = rng.random
        return [rng.choice(names), rng.choice(["", "01/02/1980", "03/04/1990"]) if pick() < 0.7 else "",
                f"00108000000{rng.randint(1, 6)}" if pick() < 0.4 else "",
                f"091200000{rng.randint(1, 6)}" if pick() < 0.5 else "",
                rng.choice(["Cụm 1", "Cụm 2", "Cụm 3"]), rng.choice(["", "x"])]

    for n in range(6):
        outcome = import_file(residents(*(person() for _ in range(8))), f"r{n}.xlsx",
                              as_of=date(2024, 8, 1 + n), engine=district)
        assert outcome.status == "imported", outcome.message

    def keys(data: bytes) -> list[str]:
        prepared = prepare_import(data, "new.xlsx", as_of=date(2024, 8, 20), engine=district)
        return [entry["person_key"] for entry in prepared.plan.entries]

    read = []
    real_read = people._Known.read.__func__
    monkeypatch.setattr(people._Known, "read", classmethod(
        lambda cls, *args: read.append(len(real_read(cls, *args).keys)) or real_read(cls, *args)))
    with session_scope(district) as session:
        known = set(session.execute(select(RosterEntry.person_key)).scalars())
    recognised = 0
    for _ in range(25):
        data = residents(*(person() for _ in range(rng.randint(1, 4))))
        narrowed = keys(data)
        monkeypatch.setattr(people, "_FEW", 0)  # the whole commune read
        whole = keys(data)
        monkeypatch.setattr(people, "_FEW", 500)
        assert narrowed == whole
        recognised += len(known.intersection(whole))
    assert recognised > 10  # many rows are people the commune knows
    assert read and min(read) < max(read)  # the candidates are fewer than the commune's people
