"""Import a spreadsheet: parse it (importers/), match its units, check it, and write it atomically.

Two steps, so that nothing is locked while a file is read: `prepare_import` parses, matches, checks
and plans (and, for the upload page's preview, computes the figures before and after) outside any
write transaction; `commit_import` writes that plan in a short serial writer transaction, after
checking again that the same content has not landed for the same unit and that the unit directory
has not changed meanwhile (if it has, the kept rows are planned again). `import_file` does both
(the command line, the tests); a dry run only prepares. The upload page keeps the prepared import
between its preview and the confirm, so that a file is read once.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from operator import itemgetter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Iterable

from sqlalchemy import func, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db import session_scope
from errors import UserError
from importers.headers import FIELD_NAMES
from importers.parse import parse_file
from importers.problems import Problem
from importers.report import (KIND_LABELS, AccountRow, CountRow, FileRefused, ImportReport,
                              ParsedFile, PersonRow, RowProblem, UnitRow)
from models import AccountEntry, AuditEvent, CountReport, RosterEntry, Upload, utcnow
from services import aggregates, people, scope
from services.auth import Actor
from services.preview import FigureChange, cautions, unit_changes
from services.units import UnitDirectory, apply_unit_rows, directory_version, load_directory
from settings import current
from text import fold, local_time, vietnam_today

log = logging.getLogger(__name__)
UNREADABLE = ("Không đọc được tệp này. Hãy mở tệp bằng Excel, chọn Lưu thành (Save As) “Excel "
              "Workbook (.xlsx)” rồi tải lên lại.")
STATUS_LABELS = {"imported": "Đã nhập", "checked": "Đã kiểm tra", "unchanged": "Không thay đổi",
                 "refused": "Bị từ chối"}


@dataclass
class ImportOutcome:
    """What one file did (or would do). Its JSON form is the CLI contract's."""

    file: str
    status: str
    message: str
    upload_id: int | None = None
    kind: str | None = None
    as_of: date | None = None
    commune: str | None = None
    agency: str | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    previous_upload_id: int | None = None  # a dry run of a file already imported: that import
    changes: list["FigureChange"] = field(default_factory=list)  # a dry run: before -> after
    # a dry run with the figures: what the user must acknowledge before confirming (Vietnamese)
    cautions: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    def as_json(self) -> dict:
        return {
            "file": self.file, "status": self.status, "upload_id": self.upload_id,
            "kind": self.kind, "as_of": self.as_of.isoformat() if self.as_of else None,
            "commune": self.commune, "agency": self.agency,
            "rows_read": self.rows_read, "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
            "skipped_sheets": self.skipped_sheets, "notes": self.notes, "message": self.message,
            "changes": [asdict(c) for c in self.changes],
            "cautions": self.cautions,
        }


class ImportContextError(UserError, ValueError):
    """The commune or agency the user chose does not exist."""


DIRECTORY_CHANGED = ("Danh mục đơn vị đã thay đổi trong lúc tệp được kiểm tra; tệp đã được đối "
                     "chiếu lại với danh mục mới.")


@dataclass
class PreparedImport:
    """A file read, matched, checked and planned, nothing written (`prepare_import`).

    `outcome` is what the file would do (status `checked`) or its refusal; `commit_import` writes
    `plan` (None when refused). `parsed` is kept for the rows-to-fix workbook and for planning
    again should the unit directory change before the write."""

    file: str
    sha256: str
    outcome: ImportOutcome
    actor: Actor | None = None
    username: str | None = None
    parsed: ParsedFile | None = None
    plan: "ImportPlan | None" = None
    directory: UnitDirectory | None = None
    directory_version: str | None = None
    options: dict = field(default_factory=dict)  # commune_id, agency_id, as_of, today


def import_file(data: bytes, filename: str, *, kind: str | None = None,
                commune: str | None = None, agency: str | None = None,
                as_of: date | None = None, dry_run: bool = False,
                username: str | None = None, engine: Engine | None = None,
                today: date | None = None, actor: Actor | None = None,
                preview: bool = False) -> ImportOutcome:
    """Read, check and (unless `dry_run`) write one file. Never raises for a bad file.

    `actor`: the signed-in account, whose scope is enforced (`services.scope`): a commune or agency
    account's files are its own unit's, whatever the file or the options say; a leader is refused
    (`ScopeRefused`). None: a trusted caller (the command line). A dry run with `preview` also
    gives, in `changes`, each unit's figures before and after the import (the upload page's
    preview; the command line's dry run does not ask for it)."""
    prepared = prepare_import(data, filename, kind=kind, commune=commune, agency=agency,
                              as_of=as_of, actor=actor, today=today, engine=engine,
                              preview=preview and dry_run, username=username)
    if dry_run:
        return prepared.outcome
    return commit_import(prepared, actor=actor, engine=engine)


def prepare_import(data: bytes, filename: str, *, kind: str | None = None,
                   commune: str | None = None, agency: str | None = None,
                   as_of: date | None = None, actor: Actor | None = None,
                   today: date | None = None, engine: Engine | None = None,
                   preview: bool = False, username: str | None = None) -> PreparedImport:
    """Parse, match, check and plan one file, holding no lock and writing nothing. Never raises
    for a bad file (its refusal is the outcome); raises `ScopeRefused` for a caller who may not
    import, or who names a unit outside their scope. See `import_file` for the arguments."""
    if actor is not None:
        scope.require_role(actor, *scope.UPLOAD_KINDS)
        username = actor.username
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    prepared = PreparedImport(name, hashlib.sha256(data).hexdigest(),
                              ImportOutcome(name, "refused", UNREADABLE), actor, username)
    try:
        parsed = parse_file(data, name, kind=kind)
    except FileRefused as refusal:
        prepared.outcome.message = refusal.message
        return prepared
    except Exception:  # a file no rule foresaw must still get an answer, not a stack trace
        log.exception("unreadable file %s (sha256 %s)", name, prepared.sha256)
        return prepared
    prepared.parsed = parsed
    today = today or vietnam_today()
    # Reads only. The directory's version is read before the directory (PostgreSQL reads each
    # statement's latest commit): a change in between makes the commit plan again, needlessly but
    # safely, never write an outdated plan.
    with session_scope(engine) as session:
        prepared.directory_version = directory_version(session)
        directory = load_directory(session, as_of or parsed.as_of or today)
    try:
        commune_id = _unit_option(commune, directory.commune_id, directory.suggest_communes,
                                 "xã/thị trấn")
        agency_id = _unit_option(agency, directory.agency_id, directory.suggest_agencies,
                                 "cơ quan, đơn vị")
    except ImportContextError as error:
        prepared.outcome = ImportOutcome(name, "refused", kind=parsed.kind, message=str(error),
                                         rows_read=parsed.report.rows_read)
        return prepared
    if actor is not None:
        commune_id, agency_id = scope.import_units(actor, commune_id, agency_id)
    prepared.options = {"commune_id": commune_id, "agency_id": agency_id, "as_of": as_of,
                        "today": today}
    with session_scope(engine) as session:  # reads only: the people its scope knows already
        _plan(prepared, directory, session)
    if prepared.plan is None:
        return prepared
    outcome = prepared.outcome
    with session_scope(engine) as session:  # only after the scope check: the actor's own unit
        previous = _previous_upload(session, prepared.sha256, prepared.plan)
    outcome.status = "checked"
    outcome.message = _checked_message(outcome, previous)
    outcome.previous_upload_id = previous.id if previous is not None else None
    if preview:
        outcome.changes = _figure_changes(prepared.plan, directory, engine, actor)
        outcome.cautions = cautions(prepared.plan, outcome.changes, today, engine=engine)
    return prepared


def commit_import(prepared: PreparedImport, *, actor: Actor | None = None,
                  engine: Engine | None = None) -> ImportOutcome:
    """Write a prepared import in one serial writer transaction: all of it or nothing. The same
    content already live for the same unit: `unchanged`; the unit directory changed since the
    plan: the kept rows are planned (and checked for scope) again first."""
    if actor != prepared.actor:
        raise scope.ScopeRefused("Tệp này được kiểm tra bằng một tài khoản khác: hãy tải tệp "
                                 "lên lại.")
    if prepared.plan is None:
        return prepared.outcome
    try:
        with session_scope(engine, serial=True) as session:
            notes = []
            if (version := directory_version(session)) != prepared.directory_version:
                prepared.directory_version = version
                _plan(prepared, load_directory(session, prepared.options["as_of"]
                                               or prepared.parsed.as_of
                                               or prepared.options["today"]), session)
                if prepared.plan is None:
                    return prepared.outcome
                notes.append(DIRECTORY_CHANGED)
            plan = prepared.plan
            if (previous := _previous_upload(session, prepared.sha256, plan)) is not None:
                return _unchanged(prepared.file, previous)
            upload = write_plan(session, plan, prepared.file, prepared.sha256, prepared.username)
    except IntegrityError:
        # The same content landed for the same unit from another process at the same moment (one
        # live upload per content and unit, enforced by a unique index): this import is that one.
        with session_scope(engine) as session:
            previous = _previous_upload(session, prepared.sha256, prepared.plan)
        if previous is None:
            raise
        return _unchanged(prepared.file, previous)
    outcome = dataclasses.replace(prepared.outcome, status="imported", upload_id=upload.id,
                                  previous_upload_id=None, changes=[], cautions=[],
                                  notes=prepared.outcome.notes + notes)
    outcome.message = (f"Đã nhập {outcome.rows_accepted} dòng ({KIND_LABELS[plan.kind]}), "
                       f"ngày báo cáo {plan.as_of:%d/%m/%Y}"
                       + (f"; {outcome.rows_rejected} dòng bị từ chối."
                          if outcome.rows_rejected else "."))
    return outcome


def _plan(prepared: PreparedImport, directory: UnitDirectory, session: Session) -> None:
    """Plan the parsed rows against this directory and check them for the actor's scope: sets
    `plan` (None when refused), `directory` and `outcome`. The parsed report is left as the file
    gave it (planning adds its problems to a copy), so that a plan can be made again."""
    parsed, actor, options = prepared.parsed, prepared.actor, prepared.options
    report = parsed.report
    parsed = dataclasses.replace(parsed, report=dataclasses.replace(
        report, errors=list(report.errors), warnings=list(report.warnings),
        skipped_sheets=list(report.skipped_sheets), notes=list(report.notes)))
    plan = plan_import(parsed, directory, commune_id=options["commune_id"],
                       agency_id=options["agency_id"], as_of=options["as_of"],
                       today=options["today"], session=session)
    prepared.plan, prepared.directory = None, directory
    if actor is not None and (refusal := _scope_refusal(actor, plan, parsed, directory)):
        prepared.outcome = ImportOutcome(prepared.file, "refused", refusal, kind=plan.kind,
                                         as_of=plan.as_of, rows_read=plan.report.rows_read)
        return
    prepared.outcome = plan.outcome(prepared.file, directory)
    if not prepared.outcome.refused:
        prepared.plan = plan


def _figure_changes(plan: "ImportPlan", directory: UnitDirectory, engine: Engine | None,
                    actor: Actor | None) -> list[FigureChange]:
    """The preview's figures before and after, of the units in the actor's scope only."""
    return unit_changes(plan, directory, engine=engine,
                        scope_filter=scope.units_in_scope(actor, directory))


def _unchanged(name: str, previous: Upload) -> ImportOutcome:
    return ImportOutcome(
        name, "unchanged", upload_id=previous.id, kind=previous.kind, as_of=previous.as_of,
        message=f"Tệp này đã được nhập ngày {local_time(previous.created_at):%d/%m/%Y %H:%M} "
                f"(lần nhập số {previous.id}); không có gì thay đổi.")


def _scope_refusal(actor: Actor, plan: "ImportPlan", parsed: ParsedFile,
                   directory: UnitDirectory) -> str | None:
    rows = plan.entries + plan.counts
    cluster_communes = {directory.clusters[r["cluster_id"]].commune_id for r in rows
                        if r["cluster_id"] is not None}
    agency_ids = {r["agency_id"] for r in rows if r["agency_id"] is not None}
    return scope.import_refusal(actor, plan.kind, cluster_communes, agency_ids,
                                _named_communes(parsed.rows, directory))


def _named_communes(rows: list, directory: UnitDirectory) -> set[int]:
    """The communes a file names in a commune column or in its sheet names and titles.

    A title naming the district (`UBND HUYỆN ĐAN PHƯỢNG`) is not read as the commune Đan Phượng."""
    named = {found for row in rows if getattr(row, "commune", None)
             and (found := directory.commune_id(row.commune)) is not None}
    for hints in {getattr(row, "unit_hints", ()) for row in rows}:
        for hint in hints:
            if "huyen" not in fold(hint).split() and \
                    (found := directory.commune_from_hints((hint,))) is not None:
                named.add(found)
    return named


# ---------------------------------------------------------------- planning (no writes)


@dataclass
class ImportPlan:
    """Rows matched to units and checked, ready to write."""

    kind: str
    as_of: date
    report: ImportReport
    commune_id: int | None
    agency_id: int | None
    entries: list[dict] = field(default_factory=list)   # RosterEntry rows
    counts: list[dict] = field(default_factory=list)    # CountReport rows
    units: list[UnitRow] = field(default_factory=list)  # unit directory rows
    accounts: list[dict] = field(default_factory=list)  # AccountEntry rows
    undated: bool = False  # neither the user nor the file gave a date: dated the day of upload

    @property
    def rows_accepted(self) -> int:
        return len(self.entries) + len(self.counts) + len(self.units) + len(self.accounts)

    def outcome(self, name: str, directory: UnitDirectory) -> ImportOutcome:
        report = self.report
        rejected = len(report.rejected_rows)
        outcome = ImportOutcome(
            name, "imported", "", kind=self.kind, as_of=self.as_of,
            commune=directory.communes[self.commune_id].code if self.commune_id else None,
            agency=directory.agencies[self.agency_id].code if self.agency_id else None,
            rows_read=report.rows_read, rows_accepted=self.rows_accepted, rows_rejected=rejected,
            errors=report.errors, warnings=report.warnings, skipped_sheets=report.skipped_sheets,
            notes=report.notes)
        if self.rows_accepted == 0:
            outcome.status = "refused"
            outcome.message = ("Không có dòng nào hợp lệ để nhập" +
                               (f": {rejected} dòng bị lỗi, xem danh sách lỗi." if rejected else
                                ": tệp không có dòng số liệu nào."))
        return outcome


def plan_import(parsed: ParsedFile, directory: UnitDirectory, *, commune_id: int | None = None,
                agency_id: int | None = None, as_of: date | None = None,
                today: date | None = None, session: Session | None = None) -> ImportPlan:
    """Match every row to its unit and check it; nothing is written. With `session`, a roster's
    people already known to their commune or agency are recognised (`people.recognise`, reads)."""
    report = parsed.report
    rows = parsed.rows
    given = as_of or parsed.as_of or max(
        (r.report_date for r in rows if getattr(r, "report_date", None)), default=None)
    file_date = given or today or vietnam_today()
    report.as_of = file_date
    if commune_id is None and parsed.kind in ("residents", "counts"):
        commune_id = _commune_of_file(rows, directory)
    plan = ImportPlan(parsed.kind, file_date, report, commune_id, agency_id,
                      undated=given is None)
    if parsed.kind == "units":
        plan.units = list(rows)
        return plan
    if parsed.kind == "accounts":
        plan.commune_id = None  # the district's list: its communes only help count the unmatched
        plan.accounts = _plan_accounts(rows, directory, report, file_date)
        return plan
    matcher = _UnitMatcher(directory, report, commune_id, agency_id)
    if parsed.kind == "counts":
        plan.counts = _plan_counts(rows, matcher, directory, report, as_of, file_date)
    else:
        plan.entries = _plan_people(rows, parsed.kind, matcher, report, as_of, file_date, session)
    if plan.agency_id is None and parsed.kind == "staff":
        plan.agency_id = _single({e["agency_id"] for e in plan.entries})
    return plan


def _plan_people(rows: list[PersonRow], kind: str, matcher: "_UnitMatcher", report: ImportReport,
                 as_of: date | None, file_date: date, session: Session | None) -> list[dict]:
    entries, listed = [], []
    key_of = people.person_key_function(kind)
    hash_key = current().id_key
    for row in rows:
        if kind == "staff":
            unit = matcher.agency(row, row.agency)
            cluster_id, agency_id = None, unit
        else:
            unit = matcher.cluster(row, row.cluster, row.commune)
            cluster_id, agency_id = unit, None
        if unit is None:
            continue
        scope_id = unit if kind == "staff" else matcher.directory.clusters[unit].commune_id
        report_date = as_of or row.report_date or file_date
        registered_on = row.registered_on
        if registered_on is not None and registered_on > report_date:
            column = report.header(row.sheet, "registered_on", "Ngày tạo tài khoản")
            written = row.registered_on_text or f"{registered_on:%d/%m/%Y}"
            report.warn(row.sheet, row.row, column, written, Problem.REGISTERED_AFTER_REPORT,
                        column=column, value=written, report_date=f"{report_date:%d/%m/%Y}")
            registered_on = None
        key = key_of(row, unit, scope_id)
        # a row with a citizen ID is known by it: its person key is its citizen key
        listed.append(people.Listed(row, unit, scope_id, key, key if row.citizen_id else None))
        entries.append({
            "campaign": kind, "citizen_key": listed[-1].citizen_key,
            "cluster_id": cluster_id, "agency_id": agency_id, "report_date": report_date,
            "installed": row.installed, "registered": row.registered,
            "registered_on": registered_on if (row.registered or row.installed) else None,
            "full_name": row.full_name, "birth_date": row.birth_date, "birth_year": row.birth_year,
            "phone": row.phone, "position": row.position,
            "id_key": people.match_key("id", row.citizen_id, hash_key),
            "phone_key": people.match_key("phone", row.phone, hash_key)})
    if session is not None:
        people.recognise(session, kind, listed, lambda row, problem, **values: report.warn(
            row.sheet, row.row, FIELD_NAMES["person_ref"][0], row.reference, problem, **values))
    for entry, item in zip(entries, listed):
        entry["person_key"] = item.key
    return entries


def _plan_accounts(rows: list[AccountRow], directory: UnitDirectory, report: ImportReport,
                   file_date: date) -> list[dict]:
    """The platform's accounts, their identifiers hashed (never kept in clear). An account made
    after the list's date counts from that date; an unknown commune is only a warning (the
    commune helps count the accounts that match nobody, nothing else)."""
    hash_key = current().id_key
    communes: dict[str, int | None] = {}
    accounts = []
    for row in rows:
        list_date = row.report_date or file_date
        created = row.created_on or list_date
        if created > list_date:
            report.warn(row.sheet, row.row, "Ngày tạo tài khoản", f"{created:%d/%m/%Y}",
                        Problem.CREATED_AFTER_LIST, created_on=f"{created:%d/%m/%Y}",
                        list_date=f"{list_date:%d/%m/%Y}")
            created = list_date
        commune_id = None
        if row.commune:
            if row.commune not in communes:
                communes[row.commune] = directory.commune_id(row.commune)
                if communes[row.commune] is None:
                    report.warn(row.sheet, row.row, "Xã/Thị trấn", row.commune,
                                Problem.UNKNOWN_COMMUNE, value=row.commune,
                                hint=" Tài khoản vẫn được đối chiếu, không tính vào xã nào.")
            commune_id = communes[row.commune]
        accounts.append({"id_key": people.match_key("id", row.citizen_id, hash_key),
                         "phone_key": people.match_key("phone", row.phone, hash_key),
                         "created_on": created, "commune_id": commune_id})
    return accounts


def _plan_counts(rows: list[CountRow], matcher: "_UnitMatcher", directory: UnitDirectory,
                 report: ImportReport, as_of: date | None, file_date: date) -> list[dict]:
    by_unit: dict[tuple, dict] = {}
    for row in rows:
        if row.agency or (row.cluster is None and matcher.agency_default is not None):
            unit = matcher.agency(row, row.agency)
            key = ("agency", unit)
            limit = directory.agencies[unit].staff if unit else None
        else:
            unit = matcher.cluster(row, row.cluster, row.commune)
            key = ("cluster", unit)
            cluster = directory.clusters.get(unit) if unit else None
            limit = cluster and (cluster.target_population or cluster.population)
        if unit is None:
            continue
        report_date = as_of or row.report_date or file_date
        registered = row.registered if row.registered is not None else row.installed
        installed = row.installed if row.installed is not None else registered
        if limit and max(registered or 0, installed or 0) > limit:
            cells, figures = row.written or {}, {"registered": registered or 0, "installed": installed or 0}
            fld = max((f for f in figures if f in cells), key=figures.get, default=None)
            column = report.header(row.sheet, fld) if fld else None
            written = cells[fld] if fld else str(max(figures.values()))
            report.warn(row.sheet, row.row, column, written, Problem.OVER_DIRECTORY_TARGET,
                        column=column or "Số liệu", value=written, limit=limit)
        if (key, report_date) in by_unit:  # two names of one unit: the importer kept both
            unit_field = "agency" if key[0] == "agency" else "cluster"
            name = row.agency if key[0] == "agency" else row.cluster
            report.warn(row.sheet, row.row, report.header(row.sheet, unit_field), name,
                        Problem.DUPLICATE_MATCH, earlier=by_unit[(key, report_date)]['_row'])
        by_unit[(key, report_date)] = {
            "_row": row.row, "cluster_id": unit if key[0] == "cluster" else None,
            "agency_id": unit if key[0] == "agency" else None, "report_date": report_date,
            "installed": installed or 0, "registered": registered or 0}
    return [{k: v for k, v in item.items() if k != "_row"} for item in by_unit.values()]


class _UnitMatcher:
    """Matches a row's unit name (or the sheet's hints, or the user's choice) to a directory id."""

    def __init__(self, directory: UnitDirectory, report: ImportReport, commune_id, agency_id):
        self.directory, self.report = directory, report
        self.commune_default, self.agency_default = commune_id, agency_id
        self._hint_cache: dict[tuple, int | None] = {}
        self._name_cache: dict = {}

    def cluster(self, row, name: str | None, commune_name: str | None) -> int | None:
        commune_id = self.commune_default
        if commune_name:
            commune_id = self.directory.commune_id(commune_name)
            if commune_id is None:
                self._unknown(row, self.report.header(row.sheet, "commune", "Xã/Thị trấn"),
                              commune_name, Problem.UNKNOWN_COMMUNE,
                              self.directory.suggest_communes(commune_name))
                return None
        if name:
            cache_key = (name, commune_id)
            if cache_key not in self._name_cache:
                self._name_cache[cache_key] = self.directory.cluster_id(name, commune_id)
            found = self._name_cache[cache_key]
            if found is None:
                self._unknown(row, self.report.header(row.sheet, "cluster", "Thôn/Cụm dân cư"),
                              name, Problem.UNKNOWN_UNIT,
                              self.directory.suggest_clusters(name, commune_id))
            return found
        found = self._from_hints(row.unit_hints, "cluster",
                                 lambda hint: self.directory.cluster_id(hint, commune_id))
        if found is None:
            self.report.error(row.sheet, row.row, "Thôn/Cụm dân cư", None,
                              Problem.UNDETERMINED_CLUSTER)
        return found

    def agency(self, row, name: str | None) -> int | None:
        if name:
            if name not in self._name_cache:
                self._name_cache[name] = self.directory.agency_id(name)
            found = self._name_cache[name]
            if found is None:
                self._unknown(row, self.report.header(row.sheet, "agency", "Cơ quan, đơn vị"),
                              name, Problem.UNKNOWN_UNIT,
                              self.directory.suggest_agencies(name))
            return found
        found = self._from_hints(row.unit_hints, "agency", self.directory.agency_id)
        found = found if found is not None else self.agency_default
        if found is None:
            self.report.error(row.sheet, row.row, "Cơ quan, đơn vị", None,
                              Problem.UNDETERMINED_AGENCY)
        return found

    def _from_hints(self, hints: tuple[str, ...], unit_type: str, lookup) -> int | None:
        cache_key = (id(hints), unit_type)
        if cache_key not in self._hint_cache:
            self._hint_cache[cache_key] = next(
                (found for hint in hints if (found := lookup(hint)) is not None), None)
        return self._hint_cache[cache_key]

    def _unknown(self, row, column: str, value: str, problem: Problem,
                 suggestions: list[str]) -> None:
        hint = f" Có phải: {', '.join(suggestions)}?" if suggestions else ""
        self.report.error(row.sheet, row.row, column, value, problem, value=value, hint=hint)


def _commune_of_file(rows: Iterable, directory: UnitDirectory) -> int | None:
    """The commune named by the file's commune column or its titles, when the user chose none."""
    rows = list(rows)
    for row in rows:
        if row.commune and (found := directory.commune_id(row.commune)) is not None:
            return found
    return directory.commune_from_hints(rows[0].unit_hints) if rows else None


def _unit_option(text: str | None, find, suggest, label: str) -> int | None:
    """The id of the commune or agency the caller named (`--commune`, `--agency`, the upload
    page's choice), found by `find`; an unknown name is refused with close names to try."""
    if not text:
        return None
    found = find(text)
    if found is None:
        suggestions = suggest(text)
        raise ImportContextError(f"Không tìm thấy {label} “{text}”." +
                                 (f" Có phải: {', '.join(suggestions)}?" if suggestions else ""))
    return found


def _single(values: set):
    return next(iter(values)) if len(values) == 1 else None


def _previous_upload(session: Session, sha256: str, plan: "ImportPlan") -> Upload | None:
    """The live upload of the same content for the plan's unit (commune, agency: within the
    actor's scope, checked before): the unique index `ux_upload_live_content` allows one."""
    return session.exec(select(Upload).where(
        Upload.sha256 == sha256, Upload.undone_at.is_(None),
        func.coalesce(Upload.commune_id, 0) == (plan.commune_id or 0),
        func.coalesce(Upload.agency_id, 0) == (plan.agency_id or 0))).first()


def _checked_message(outcome: ImportOutcome, previous: Upload | None) -> str:
    text = (f"Kiểm tra xong: {outcome.rows_accepted} dòng hợp lệ, {outcome.rows_rejected} dòng "
            f"bị từ chối; chưa ghi gì.")
    if previous is not None:
        text += f" Tệp này đã được nhập trước đây (lần nhập số {previous.id})."
    return text


# ---------------------------------------------------------------- writing


def write_plan(session: Session, plan: ImportPlan, file_name: str, sha256: str,
               username: str | None, *, follow: bool = True) -> Upload:
    """Write one checked plan in the caller's transaction: all of it or, on any error, none.
    `follow=False`: the caller brings the aggregates up to date once after a batch of plans."""
    report = plan.report
    upload = Upload(created_at=utcnow(), username=username, file_name=file_name,
                    sha256=sha256, kind=plan.kind, as_of=plan.as_of, commune_id=plan.commune_id,
                    agency_id=plan.agency_id, rows_read=report.rows_read,
                    rows_accepted=plan.rows_accepted, rows_rejected=len(report.rejected_rows),
                    report={"errors": [_kept(p) for p in report.errors],
                            "warnings": [_kept(p) for p in report.warnings],
                            "skipped_sheets": report.skipped_sheets, "notes": report.notes})
    session.add(upload)
    session.flush()
    if plan.entries:
        _bulk_insert(session, RosterEntry, plan.entries, upload.id)
    if plan.counts:
        _bulk_insert(session, CountReport, plan.counts, upload.id)
    if plan.units:
        apply_unit_rows(session, plan.units, upload.id)
    if plan.accounts:
        _bulk_insert(session, AccountEntry, plan.accounts, upload.id)
    if follow:
        aggregates.catch_up(session)
    session.add(AuditEvent(at=utcnow(), username=username, action="import",
                           detail=f"Lần nhập {upload.id}: {file_name} ({plan.kind}, "
                                  f"{plan.rows_accepted} dòng)"))
    return upload


def _kept(problem: RowProblem) -> dict:
    """A problem as the history keeps it: one that quotes a citizen ID (`Problem.masked`) has it
    masked, never stored in clear."""
    item = problem.as_dict()
    if problem.problem.masked:
        for key in ("value", "message"):
            item[key] = item[key] and _LONG_NUMBER.sub(lambda m: "•" * (len(m[0]) - 3) + m[0][-3:],
                                                       item[key])
    return item


_LONG_NUMBER = re.compile(r"\d[\d.,E+ ]{4,}\d")


def _column_values(rows: list[dict], column: str, upload_id: int) -> list:
    """One column of the rows to insert, made at C speed (a row without the key: None)."""
    if column == "upload_id":
        return [upload_id] * len(rows)
    try:
        return list(map(itemgetter(column), rows))
    except KeyError:
        return [row.get(column) for row in rows]


def _bulk_insert(session: Session, model, rows: list[dict], upload_id: int) -> None:
    """Insert many rows fast: COPY on PostgreSQL, one executemany on SQLite (no per-row ORM)."""
    table = model.__table__
    columns = [c.name for c in table.columns if c.name != "id"]
    values = list(zip(*(_column_values(rows, c, upload_id) for c in columns)))
    connection = session.connection()
    names = ", ".join(f'"{c}"' for c in columns)
    if connection.dialect.name == "postgresql":
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for value in values:
                    copy.write_row(value)
    elif connection.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)
    else:
        session.execute(insert(table), [dict(zip(columns, value)) for value in values])
