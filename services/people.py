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

from importers.kinds import person_identity
from importers.report import PersonRow
from settings import id_hash_key
from text import fold


def person_key_function(campaign: str) -> Callable[[PersonRow, int, int], str]:
    """A function giving each row its person key: `person_key(row, unit_id, scope_id)`, where
    `unit_id` is the row's cluster or agency and `scope_id` the cluster's commune (residents) or
    the agency (staff).

    Identity: `importers.kinds.person_identity` (the name's basis: folded name, date of birth and
    the unit's id).
    """
    key = id_hash_key()[:64]

    def person_key(row: PersonRow, unit_id: int, scope_id: int) -> str:
        basis, value = person_identity(row.citizen_id, row.phone, lambda: (
            f"{fold(row.full_name)}|{row.birth_date or row.birth_year or ''}|{unit_id}"))
        return scoped_key(scope_id, _hash(f"{campaign}|{basis}|{value}", key), key)

    return person_key


def scoped_key(scope_id: int, identity_key: str, key: bytes | None = None) -> str:
    """The person key within a scope (a commune id for residents, an agency id for staff), from
    the identity's keyed hash."""
    return _hash(f"{scope_id}|{identity_key}", key if key is not None else id_hash_key()[:64])


def _hash(text: str, key: bytes) -> str:
    return hashlib.blake2b(text.encode(), key=key, digest_size=16).hexdigest()
