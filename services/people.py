"""Recognising a person again across rosters without keeping their citizen ID in clear.

A person is recognised within one scope only (import-formats.md, "People and duplicates"): the
commune whose residents they are (the commune of their cluster) or the agency they work for. The
key is a keyed hash (BLAKE2b with the secret key) of the scope and of the identity's own keyed
hash, so that a file of one commune or agency can never name, move or reveal another's people, and
so that keys made before scoping (the identity's hash alone) can be scoped without any citizen ID
(`scoped_key`, used by migration 0006).
"""
from __future__ import annotations

import hashlib
from typing import Callable

from importers.report import PersonRow
from settings import id_hash_key
from text import fold


def person_key_function(campaign: str) -> Callable[[PersonRow, int, int], str]:
    """A function giving each row its person key: `person_key(row, unit_id, scope_id)`, where
    `unit_id` is the row's cluster or agency and `scope_id` the cluster's commune (residents) or
    the agency (staff).

    Identity: citizen ID where valid, else phone, else folded name + date of birth + unit.
    """
    key = id_hash_key()[:64]

    def person_key(row: PersonRow, unit_id: int, scope_id: int) -> str:
        if row.citizen_id:
            identity = f"{campaign}|id|{row.citizen_id}"
        elif row.phone:
            identity = f"{campaign}|phone|{row.phone}"
        else:
            born = row.birth_date or row.birth_year or ""
            identity = f"{campaign}|name|{fold(row.full_name)}|{born}|{unit_id}"
        return scoped_key(scope_id, _hash(identity, key), key)

    return person_key


def match_key(basis: str, value: str | None, key: bytes | None = None) -> str | None:
    """The keyed hash a citizen ID (`basis` "id") or a phone ("phone") is matched by between the
    rosters and the platform's account list, within the district (the tracker's database): the
    same on both sides, never the value in clear. None for no value."""
    if not value:
        return None
    return _hash(f"account|{basis}|{value}", key if key is not None else id_hash_key()[:64])


def scoped_key(scope_id: int, identity_key: str, key: bytes | None = None) -> str:
    """The person key within a scope (a commune id for residents, an agency id for staff), from
    the identity's keyed hash."""
    return _hash(f"{scope_id}|{identity_key}", key if key is not None else id_hash_key()[:64])


def _hash(text: str, key: bytes) -> str:
    return hashlib.blake2b(text.encode(), key=key, digest_size=16).hexdigest()
