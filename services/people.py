"""Recognising a person again across rosters without keeping their citizen ID in clear.

A person is recognised within one scope only (import-formats.md, "People and duplicates"): the
commune whose residents they are (the commune of their cluster) or the agency they work for. The
key is a keyed hash (BLAKE2b with the secret key) of the scope and of the identity's own keyed
hash, so that a file of one commune or agency can never name, move or reveal another's people, and
so that keys made before scoping (the identity's hash alone) can be scoped without any citizen ID
(`scoped_key`, used by migration 0006).

A row's key is first the one of its strongest identifier (`person_key_function`). Where the scope
already knows that person under another identifier (`recognise`), the row takes the key they have:
by the reference a printed follow-up list carries, by citizen ID (its keyed hash, `citizen_key`),
by phone, or by name + date of birth + unit, unless an identifier the row gives contradicts what
is known of them (another citizen ID, another phone).
"""
from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import or_, select

from importers.kinds import person_identity
from importers.problems import Problem
from importers.report import PersonRow
from models import Cluster, RosterEntry
from settings import current
from text import fold

_BATCH = 5_000  # keys per IN (...) query
_FEW = 500  # rows to recognise up to which only their candidates are read (`_Known.read`)


def person_key_function(campaign: str) -> Callable[[PersonRow, int, int], str]:
    """A function giving each row its person key: `person_key(row, unit_id, scope_id)`, where
    `unit_id` is the row's cluster or agency and `scope_id` the cluster's commune (residents) or
    the agency (staff).

    Identity: `importers.kinds.person_identity` (the name's basis: folded name, date of birth and
    the unit's id).
    """
    key = current().id_key

    def person_key(row: PersonRow, unit_id: int, scope_id: int) -> str:
        basis, value = person_identity(row.citizen_id, row.phone, lambda: (
            f"{fold(row.full_name)}|{row.birth_date or row.birth_year or ''}|{unit_id}"))
        return scoped_key(scope_id, _hash(f"{campaign}|{basis}|{value}", key), key)

    return person_key


def match_key(basis: str, value: str | None, key: bytes | None = None) -> str | None:
    """The keyed hash a citizen ID (`basis` "id") or a phone ("phone") is matched by between the
    rosters and the platform's account list, within the district (the tracker's database): the
    same on both sides, never the value in clear. None for no value."""
    if not value:
        return None
    return _hash(f"account|{basis}|{value}", key if key is not None else current().id_key)


def scoped_key(scope_id: int, identity_key: str, key: bytes | None = None) -> str:
    """The person key within a scope (a commune id for residents, an agency id for staff), from
    the identity's keyed hash."""
    return _hash(f"{scope_id}|{identity_key}", key if key is not None else current().id_key)


def _hash(text: str, key: bytes) -> str:
    """BLAKE2b-128 of the text with the secret key. The keyed state is made once per key and
    copied for each text (the key's own block is then not hashed again: a third less per key)."""
    keyed = _keyed.get(key)
    if keyed is None:
        keyed = _keyed[key] = hashlib.blake2b(key=key, digest_size=16)
    state = keyed.copy()
    state.update(text.encode())
    return state.hexdigest()


_keyed: dict[bytes, "hashlib.blake2b"] = {}


# ---------------------------------------------------------------- follow-up references


def reference(person_key: str) -> str:
    """The person's reference on a printed follow-up list (`ABCDE-FGHIJ`): an opaque code made
    from their person key (itself a keyed hash), never their citizen ID."""
    code = base64.b32encode(hashlib.blake2b(person_key.encode(), digest_size=7).digest()).decode()
    return f"{code[:5]}-{code[5:10]}"


def _reference_key(text: str) -> str:
    """A reference as typed, compared without case, spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


# ---------------------------------------------------------------- recognising people again


@dataclass
class Listed:
    """One roster row planned for import: its unit, its scope and its person key (to recognise)."""

    row: PersonRow
    unit_id: int
    scope_id: int
    key: str  # the strongest identifier's key; `recognise` may replace it
    citizen_key: str | None


def recognise(session, campaign: str, listed: list[Listed],
              warn: Callable[..., None]) -> None:
    """Give each listed row the key of the person its scope already knows it to be, if any
    (reads only). `warn(row, problem, **values)` reports a reference that its scope does not know."""
    if not listed:
        return
    if any_entries(session, campaign, {item.scope_id for item in listed}):
        known = _existing_keys(session, campaign, {item.key for item in listed})
        todo = [item for item in listed if item.row.reference or item.key not in known]
        people = _Known.read(session, campaign, todo) if todo else _Known()
    else:  # nobody known yet: every row is a new person
        todo, people = [item for item in listed if item.row.reference], _Known()
    for item in todo:
        ref = item.row.reference
        if ref:
            found = people.references.get((item.scope_id, _reference_key(ref)))
            if found is not None:
                item.key = found
                people.learn(item)
                continue
            warn(item.row, Problem.UNKNOWN_REFERENCE, value=ref)
        item.key = people.match(item) or item.key
        people.learn(item)


class _Known:
    """What a scope knows of its people, from every entry listing them."""

    def __init__(self):
        self.keys: set[str] = set()
        self.references: dict[tuple[int, str], str] = {}
        self.by_citizen: dict[str, str] = {}
        self.by_phone: dict[tuple[int, str], list[str]] = defaultdict(list)
        self.by_name: dict[tuple[int, str, int], list[str]] = defaultdict(list)
        self.citizens: dict[str, set[str]] = defaultdict(set)
        self.phones: dict[str, set[str]] = defaultdict(set)
        self.births: dict[str, set[tuple]] = defaultdict(set)

    @classmethod
    def read(cls, session, campaign: str, todo: list[Listed]) -> "_Known":
        """What the scopes of the rows to recognise know of their people. For a few rows and no
        reference, only of the people the rows could be (`_candidates`): the same then, as `match`
        looks no further, at a fraction of the cost (a one-person roster into a commune of 2,700
        entries on a city of 1,000,000 people: its cluster's 300 read, 35 -> 12 ms)."""
        known = cls()
        query = _entries(campaign, {item.scope_id for item in todo})
        queries = [query]
        if len(todo) <= _FEW and not any(item.row.reference for item in todo):
            # the keys first, then their entries: as one statement, PostgreSQL misjudged the
            # candidates as one row and compared every pair (80 ms for a cluster of 300 people)
            keys = sorted(set(session.execute(_candidates(campaign, todo)).scalars()))
            queries = [query.where(RosterEntry.person_key.in_(keys[start:start + _BATCH]))
                       for start in range(0, len(keys), _BATCH)]
        rows = (row for query in queries for row in session.execute(query))
        for scope_id, person_key, citizen_key, phone, name, birth_date, birth_year, unit_id in rows:
            if person_key not in known.keys:
                known.keys.add(person_key)
                known.references[scope_id, _reference_key(reference(person_key))] = person_key
            known._add(scope_id, person_key, citizen_key, phone, fold(name), birth_date,
                       birth_year, unit_id)
        return known

    def learn(self, item: Listed) -> None:
        """The row's identifiers are now known of its person (later rows of the file match it)."""
        row = item.row
        self.keys.add(item.key)
        self._add(item.scope_id, item.key, item.citizen_key, row.phone, fold(row.full_name),
                  row.birth_date, row.birth_year, item.unit_id)

    def _add(self, scope_id, person_key, citizen_key, phone, name, birth_date, birth_year,
             unit_id) -> None:
        if citizen_key:
            self.by_citizen.setdefault(citizen_key, person_key)
            self.citizens[person_key].add(citizen_key)
        if phone and person_key not in self.by_phone[scope_id, phone]:
            self.by_phone[scope_id, phone].append(person_key)
            self.phones[person_key].add(phone)
        if person_key not in self.by_name[scope_id, name, unit_id]:
            self.by_name[scope_id, name, unit_id].append(person_key)
        if birth_date or birth_year:
            self.births[person_key].add((birth_date, birth_year or (birth_date and birth_date.year)))

    def match(self, item: Listed) -> str | None:
        """The one known person the row is, by citizen ID, else phone, else name + birth + unit,
        among those no identifier of the row contradicts; None when none is, or several are."""
        row, scope = item.row, item.scope_id
        if item.citizen_key:
            if item.citizen_key in self.by_citizen:
                return self.by_citizen[item.citizen_key]
            if item.citizen_key in self.keys:  # first known by this ID, before keys were kept
                return item.citizen_key
        agree = [p for p in self.by_phone.get((scope, row.phone), ()) if self._agrees(p, item)] \
            if row.phone else []
        if not agree:
            agree = [p for p in self.by_name.get((scope, fold(row.full_name), item.unit_id), ())
                     if self._agrees(p, item) and self._born_agrees(p, row)]
        return agree[0] if len(agree) == 1 else None

    def _agrees(self, person_key: str, item: Listed) -> bool:
        """No identifier the row gives contradicts the person's: another citizen ID, another
        phone."""
        citizens, phones = self.citizens.get(person_key), self.phones.get(person_key)
        return not (item.citizen_key and citizens and item.citizen_key not in citizens) and \
            not (item.row.phone and phones and item.row.phone not in phones)

    def _born_agrees(self, person_key: str, row: PersonRow) -> bool:
        known = self.births.get(person_key)
        if not known or not (row.birth_date or row.birth_year):
            return True
        year = row.birth_year or row.birth_date.year
        return any(y == year and (d is None or row.birth_date is None or d == row.birth_date)
                   for d, y in known)


def _scope_column(campaign: str):
    return RosterEntry.agency_id if campaign == "staff" else Cluster.commune_id


def _in_scopes(query, campaign: str, scopes: set[int]):
    """The query narrowed to the campaign's entries in these scopes. The unit decides the
    campaign (a cluster's entries are the residents', an agency's the staff's), so there is no
    campaign condition: one would lead the planner to the person index, through every entry of
    the campaign in the city (SQLite: 75 ms for a commune's 3,000 of 300,000 entries, 2 ms
    without), rather than from the scope's units."""
    if campaign != "staff":
        query = query.join(Cluster, Cluster.id == RosterEntry.cluster_id)
    return query.where(_scope_column(campaign).in_(sorted(scopes)))


def _entries(campaign: str, scopes: set[int]):
    unit = RosterEntry.agency_id if campaign == "staff" else RosterEntry.cluster_id
    return _in_scopes(select(_scope_column(campaign), RosterEntry.person_key,
                             RosterEntry.citizen_key, RosterEntry.phone, RosterEntry.full_name,
                             RosterEntry.birth_date, RosterEntry.birth_year, unit),
                      campaign, scopes)


def _candidates(campaign: str, todo: list[Listed]):
    """The person keys of the rows' scopes that `_Known.match` could give a row: those known by
    one of its citizen IDs or phones, or with an entry in its unit (the name match is within the
    unit). A query, for `IN`."""
    unit = RosterEntry.agency_id if campaign == "staff" else RosterEntry.cluster_id
    by = [(unit, {item.unit_id for item in todo}),
          (RosterEntry.citizen_key, {item.citizen_key for item in todo if item.citizen_key}),
          (RosterEntry.phone, {item.row.phone for item in todo if item.row.phone})]
    return _in_scopes(select(RosterEntry.person_key), campaign, {item.scope_id for item in todo}) \
        .where(or_(*(column.in_(sorted(values)) for column, values in by if values)))


def any_entries(session, campaign: str, scopes: set[int]) -> bool:
    """Whether any roster entry of the campaign is in these scopes (communes for the residents,
    agencies for the staff): none, and nobody a file lists can be known yet (keys are scoped)."""
    return session.execute(_in_scopes(select(RosterEntry.id), campaign, scopes)
                           .limit(1)).first() is not None


def _existing_keys(session, campaign: str, keys: set[str]) -> set[str]:
    ordered, found = sorted(keys), set()
    for start in range(0, len(ordered), _BATCH):
        found.update(session.execute(select(RosterEntry.person_key).distinct().where(
            RosterEntry.campaign == campaign,
            RosterEntry.person_key.in_(ordered[start:start + _BATCH]))).scalars())
    return found
