"""Person keys (services/people.py): the identity rule of importers/kinds.py, hashed within a
scope; the keys already stored stay those of the same people."""
from __future__ import annotations

import hashlib
from datetime import date

from importers.report import PersonRow
from services.people import person_key_function, scoped_key
from settings import id_hash_key


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
