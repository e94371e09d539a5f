"""Recognising a person again across rosters without keeping their citizen ID in clear."""
from __future__ import annotations

import hashlib
from typing import Callable

from importers.report import PersonRow
from settings import id_hash_key
from text import fold


def person_key_function(campaign: str) -> Callable[[PersonRow, int], str]:
    """A function giving each row a keyed hash (BLAKE2b with a secret key) of its identity.

    Identity: citizen ID where valid, else phone, else folded name + date of birth + unit.
    """
    key = id_hash_key()

    def person_key(row: PersonRow, unit_id: int) -> str:
        if row.citizen_id:
            identity = f"{campaign}|id|{row.citizen_id}"
        elif row.phone:
            identity = f"{campaign}|phone|{row.phone}"
        else:
            born = row.birth_date or row.birth_year or ""
            identity = f"{campaign}|name|{fold(row.full_name)}|{born}|{unit_id}"
        return hashlib.blake2b(identity.encode(), key=key[:64], digest_size=16).hexdigest()

    return person_key
