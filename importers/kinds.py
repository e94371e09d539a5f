"""Kinds of table (units / residents / staff / counts / accounts) and the rows each kind builds.

Pure: header fields in, kind out; sheet rows in, `PersonRow` / `CountRow` / `UnitRow` /
`AccountRow` out, with the
problems found written to an `ImportReport`. Unit names are not matched here (a service does that).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields as dc_fields
from datetime import date
from itertools import repeat
from operator import itemgetter
from typing import Callable

from importers.headers import Header, is_empty
from importers.normalise import (Invalid, as_text, citizen_id, clean_text, count, parse_birth,
                                 parse_date, phone, yes_no)
from importers.problems import Problem
from importers.report import (KIND_LABELS, AccountRow, CountRow, ImportReport, Kind, PersonRow,
                              UnitRow)
from text import casefold_keep_marks, fold, unit_key, vietnam_today

# ---------------------------------------------------------------- kinds

_YES_NO = frozenset({"installed", "registered"})
_FIGURES = frozenset({"households", "population", "target_population", "staff"})
_IDENTIFIERS = frozenset({"citizen_id", "phone"})


def detect_kind(fields) -> Kind | None:
    """The kind a set of header fields makes, in the spec's order; None when none fits."""
    fields = set(fields)
    has_yes_no = bool(fields & _YES_NO)
    if "full_name" in fields and has_yes_no:
        return "staff" if ("agency" in fields or "position" in fields) else "residents"
    if has_yes_no:
        return "counts"
    if fields & _IDENTIFIERS and "registered_on" in fields:
        return "accounts"
    if ("cluster" in fields or "agency" in fields) and fields & _FIGURES:
        return "units"
    return None


def fits(kind: Kind, fields) -> bool:
    """Whether a sheet with these fields can be read as `kind` when the user says so."""
    fields = set(fields)
    if kind in ("residents", "staff"):
        return "full_name" in fields
    if kind == "counts":
        return bool(fields & _YES_NO)
    if kind == "units":
        return bool(fields & {"cluster", "agency"})
    if kind == "accounts":
        return bool(fields & _IDENTIFIERS)
    raise ValueError(kind)


EXPECTED_COLUMNS = {
    "residents": "“Họ và tên” và ít nhất một cột có/không “Đã cài đặt” hoặc “Đã tạo tài khoản”",
    "staff": "“Họ và tên”, “Cơ quan, đơn vị” hoặc “Chức vụ”, và ít nhất một cột có/không "
             "“Đã cài đặt” hoặc “Đã tạo tài khoản”",
    "counts": "tên đơn vị (“Thôn/Tổ dân phố”, “Cụm dân cư” hoặc “Cơ quan, đơn vị”) và cột "
              "“Số người đã cài đặt” hoặc “Số người đã tạo tài khoản”",
    "units": "“Thôn/Tổ dân phố” kèm “Số hộ”, “Số nhân khẩu” hoặc “Chỉ tiêu”; hoặc "
             "“Tên cơ quan, đơn vị” kèm “Tổng số CBCCVC”",
    "accounts": "“Số CCCD” hoặc “Số điện thoại” kèm “Ngày tạo tài khoản”, không có cột có/không",
}


def unknown_table_message(kind: Kind | None = None) -> str:
    where = "Dòng tiêu đề cột phải nằm trong 30 dòng đầu của trang tính."
    if kind is not None:
        return (f"Không tìm thấy bảng {KIND_LABELS[kind]} trong tệp. Cần có các cột: "
                f"{EXPECTED_COLUMNS[kind]}. {where}")
    order = ("residents", "staff", "counts", "units", "accounts")
    listed = "; ".join(f"{KIND_LABELS[k]}: {EXPECTED_COLUMNS[k]}" for k in order)
    return f"Không nhận ra bảng số liệu trong tệp. Cần một trong các dạng sau — {listed}. {where}"


# ---------------------------------------------------------------- rows that are not data

DATA, BLANK, HEADER, NUMBERS, TOTAL, SECTION, FOOTER = (
    "data", "blank", "header", "column-numbers", "total", "section", "footer")

_TOTAL_WORDS = ("tổng", "cộng")
_EXACT_TOTALS = frozenset({"tổng", "cộng", "tổng cộng", "tổng số", "cộng tổng"})
_FOOTER_PREFIXES = tuple(fold(w) + " " for w in (
    "Người lập", "Người lập biểu", "Người tổng hợp", "Người báo cáo", "Thủ trưởng", "Ghi chú",
    "Lưu ý", "Xác nhận", "TM", "T/M", "KT", "Chủ tịch", "Phó chủ tịch", "Ký tên", "Ký ghi rõ",
    "Nơi nhận"))
_FOOTER_DATE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")
_SECTION = re.compile(r"^(?:[IVXLC]+|[A-Za-z])[.)]?$")
# A group heading's text: a Roman numeral, a capital letter or a number, `.` or `)`, then a word
# (`I. KHỐI CƠ QUAN HUYỆN`, `A. Trường học`, `1) Xóm Đông`). `P.` is `Phòng`: a unit, not a heading.
_HEADING = re.compile(r"^(?:[IVXLCDM]+|(?!P\.)[A-ZĐ]|\d{1,3})\s*[.)]\s*[^\W\d_]")
_FIGURE_TEXT = re.compile(r"^[\d\s.,%()\-]+$")
# A roster's row holding one value that names a kind of unit (`Cụm 1`, `Thôn Thượng Hội`) heads
# the people below it: no one is called that.
_UNIT_WORDS = ("thôn", "xóm", "cụm", "tổ dân phố", "tổ", "tdp", "khu dân cư", "kdc", "khu", "khối",
               "đội", "phòng", "trường", "ubnd")
_NUMBERED = re.compile(r"^[(\[]?\s*(\d{1,3})\s*[)\]]?$")

# Cheap test on a roster's name cell: rows whose name begins like this go the slow way.
_SUSPECT_FIRST = frozenset("(0123456789[ \t\n\r\u00a0-–—*+=.,:;")
_SUSPECT_WORDS = ("Tổng", "Cộng", "Người lập", "Người tổng hợp", "Người báo cáo", "Thủ trưởng",
                  "Ghi chú", "Lưu ý", "Xác nhận", "TM", "T/M", "KT", "Chủ tịch", "Phó chủ tịch",
                  "Nơi nhận", "Ký", "Thôn", "Xóm", "Cụm", "Tổ", "TDP", "Khu", "KDC", "Khối", "Đội",
                  "Phòng", "Trường", "UBND")


def _variants(words) -> tuple[str, ...]:
    out = set()
    for w in words:
        for v in (w, w.upper(), w.lower(), w[:1].upper() + w[1:].lower()):
            out.add(unicodedata.normalize("NFC", v))
            out.add(unicodedata.normalize("NFD", v))
    return tuple(sorted(out))


SUSPECT_PREFIXES = _variants(_SUSPECT_WORDS)
# Their first two characters: a name cell is only tested against the prefixes when its own first
# two characters are among these.
SUSPECT_HEADS = frozenset(p[:2] for p in SUSPECT_PREFIXES)


def _number_like(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    if isinstance(value, str):
        m = _NUMBERED.match(value.strip())
        return int(m.group(1)) if m else None
    return None


def _is_column_numbers(values: list, mapped_columns: int) -> bool:
    if len(values) < 2 or (len(values) == 2 and mapped_columns > 3):
        return False
    nums = []
    for v in values:
        n = _number_like(v)
        if n is None:
            return False
        nums.append(n)
    return all(b == a + 1 for a, b in zip(nums, nums[1:]))


def is_total_text(text: str) -> bool:
    """`Tổng…`/`Cộng…` as a word, case folded, diacritics kept (`Tống` is a surname)."""
    t = casefold_keep_marks(text)
    for w in _TOTAL_WORDS:
        if t.startswith(w) and (len(t) == len(w) or not t[len(w)].isalpha()):
            return True
    return False


def _first_text(row: list) -> str | None:
    for v in row:
        if isinstance(v, str):
            s = v.strip()
            if s and _NUMBERED.match(s) is None:
                return s
    return None


def _heading_text(row: list) -> str | None:
    """The one text of a row (in one cell, or in cells merged across the row), figures aside."""
    texts = {v.strip() for v in row if isinstance(v, str) and v.strip()
             and not _FIGURE_TEXT.match(v.strip())}
    return texts.pop() if len(texts) == 1 else None


def _names_a_kind_of_unit(text: str) -> bool:
    t = casefold_keep_marks(text)
    return any(t.startswith(w) and len(t) > len(w) and not t[len(w)].isalpha() for w in _UNIT_WORDS)


def classify_row(row: list, header: Header, stt: int = -1, *, roster: bool = False) -> str:
    """What a row after the header is: DATA, or BLANK/HEADER/NUMBERS/TOTAL/SECTION/FOOTER.

    FOOTER (a signature block) ends the table."""
    filled = [v for v in row if not is_empty(v)]
    if not filled:
        return BLANK
    mapped = header.data_columns
    if _is_column_numbers(filled, len(mapped)):
        return NUMBERS
    if all(isinstance(v, str) and fold(v) in header.folded_texts for v in filled):
        return HEADER
    if all(is_empty(row[c]) for c in mapped if c < len(row)):
        return BLANK  # only a row number, a percentage or notes
    stt_value = row[stt] if 0 <= stt < len(row) else ""
    numbered = _number_like(stt_value) is not None
    text = _first_text(row)
    if text is not None:
        if is_total_text(text):
            t = casefold_keep_marks(text).strip(" :.")
            if not numbered or t in _EXACT_TOTALS:
                return TOTAL
        if not numbered:
            key = fold(text) + " "
            if key.startswith(_FOOTER_PREFIXES) or _FOOTER_DATE.search(key):
                return FOOTER
    if isinstance(stt_value, str) and _SECTION.match(stt_value.strip()):
        return SECTION
    heading = _heading_text(row)
    if heading is not None and (_HEADING.match(heading) or (
            roster and len(filled) == sum(v == heading for v in filled) and _names_a_kind_of_unit(heading))):
        return SECTION
    return DATA


# ---------------------------------------------------------------- building rows

_MISS = object()


@dataclass
class SheetPlan:
    """One sheet ready to read: its rows (merged cells filled), header, kind and titles."""

    name: str
    rows: list[list]
    first_row: int  # Excel row number of rows[0]
    header: Header
    kind: Kind
    hints: tuple[str, ...] = ()
    as_of: date | None = None
    untyped: bool = False  # every cell is text (csv): digits may have lost their zeros
    name_prefix: int = -1  # a `Họ` column left of a `Tên` column
    row_report_date: date | None = None  # for rows without a report-date column


@dataclass
class BuildContext:
    """What the sheets of one file share while their rows are built."""

    report: ImportReport
    rows: list = field(default_factory=list)
    rows_read: int = 0
    seen: dict = field(default_factory=dict)  # identity -> index in rows
    yes_no: dict = field(default_factory=lambda: {"": False})
    dates: dict = field(default_factory=lambda: {"": None})
    births: dict = field(default_factory=lambda: {"": (None, None)})
    texts: dict = field(default_factory=lambda: {"": None})
    notes: set = field(default_factory=set)

    def finish(self) -> list:
        return [r for r in self.rows if r is not None]


def _convert(cache: dict, fn, value):
    try:
        result = fn(value)
    except Invalid as exc:
        result = exc
    if len(cache) < 500_000:
        cache[value] = result
    return result


_PERSON_FIELDS = ("sheet", "row", "full_name", "birth_date", "birth_year", "citizen_id", "phone",
                  "commune", "cluster", "agency", "position", "installed", "registered",
                  "registered_on", "report_date", "unit_hints", "reference", "registered_on_text")
assert tuple(f.name for f in dc_fields(PersonRow)) == _PERSON_FIELDS, "PersonRow changed: update kinds.py"

_SURNAME_HEADERS = frozenset({"ho", "ho dem", "ho va dem", "ho lot", "ho va ten dem", "ho va chu dem"})


def name_prefix_column(header: Header) -> int:
    """A `Họ` (or `Họ đệm`) column just left of a `Tên` column: the two make the full name."""
    i = header.fields.get("full_name")
    if i is None or i == 0 or fold(header.columns[i].header) != "ten":
        return -1
    left = header.columns[i - 1]
    return i - 1 if left.field is None and fold(left.header) in _SURNAME_HEADERS else -1


def person_identity(citizen_id: str | None, phone: str | None,
                    by_name: Callable[[], object]) -> tuple[str, object]:
    """(basis, value) a person is known by (import-formats.md, "People and duplicates"): citizen
    ID where valid (`id`), else phone (`phone`), else name + date of birth + unit (`name`: the value
    `by_name()` gives, as the caller knows the unit). The one home of this rule: the duplicates of
    a file (below) and the person keys (services/people.py) both ask it."""
    if citizen_id:
        return "id", citizen_id
    if phone:
        return "phone", phone
    return "name", by_name()


def _name_key(name, born, commune, cluster, agency, hints):
    units = (fold(commune or ""), unit_key(cluster or ""), unit_key(agency or ""))
    if units == ("", "", ""):
        units = hints
    return (fold(name), born, units)


def _where(sheet: str, row: int, here: str) -> str:
    return f"dòng {row}" if sheet == here else f"dòng {row} (trang “{sheet}”)"


def _column(data: list[list], index: int, cache: dict | None = None, convert=None):
    """One column of `data`: its cells, or (with `cache`) each cell's converted value.

    Each distinct value is converted once; the per-row work is a C-level map. A missing column is
    an endless run of None.
    """
    if index < 0:
        return repeat(None)
    values = list(map(itemgetter(index), data))
    if cache is None:
        return values
    for value in set(values) - cache.keys():
        _convert(cache, convert, value)
    try:
        return list(map(cache.__getitem__, values))
    except KeyError:  # a value not equal to itself (NaN), or a full cache
        return [cache[v] if v in cache else _convert(cache, convert, v) for v in values]


def build_people(plan: SheetPlan, ctx: BuildContext) -> None:
    """Rows of a resident or staff roster, appended to `ctx.rows` (duplicates dropped).

    Built for speed (200,000 rows well under a second): the field of each column is decided once,
    repeated values are converted once per file, and the rows are made in one tight loop.
    """
    header, report = plan.header, ctx.report
    f = header.fields
    width, sheet, hints = header.width, plan.name, plan.hints
    start = header.last + 1
    first_row, untyped = plan.first_row + start, plan.untyped
    data = plan.rows[start:]
    if data and min(map(len, data)) < width:
        data = [r if len(r) >= width else list(r) + [""] * (width - len(r)) for r in data]
    col = {k: header.columns[i].header for k, i in f.items()}
    g = f.get
    prefix_i = plan.name_prefix
    stt_i = g("row_number", -1)
    has_installed, has_registered = "installed" in f, "registered" in f
    today = vietnam_today()

    def birth(value):
        return parse_birth(value, today)

    yn, dates, texts = ctx.yes_no, ctx.dates, ctx.texts
    columns = (
        data,
        _column(data, f["full_name"]),
        _column(data, stt_i),
        _column(data, g("installed", -1), yn, yes_no),
        _column(data, g("registered", -1), yn, yes_no),
        _column(data, g("citizen_id", -1)),
        _column(data, g("phone", -1)),
        _column(data, g("birth_date", -1), ctx.births, birth),
        _column(data, g("commune", -1), texts, clean_text),
        _column(data, g("cluster", -1), texts, clean_text),
        _column(data, g("agency", -1), texts, clean_text),
        _column(data, g("position", -1), texts, clean_text),
        _column(data, g("registered_on", -1), dates, parse_date),
        _column(data, g("report_date", -1), dates, parse_date),
        _column(data, g("person_ref", -1), texts, clean_text),
    )
    default_report_date = plan.row_report_date
    out, seen = ctx.rows, ctx.seen
    suspect = SUSPECT_PREFIXES + tuple({col["full_name"], col["full_name"].upper()})
    heads = SUSPECT_HEADS | {p[:2] for p in suspect}
    suspect_first = _SUSPECT_FIRST
    error, warn = report.error, report.warn
    Person, Bad = PersonRow, Invalid
    read = 0

    for k, (row, name, stt, inst, reg, cid, ph, born, commune, cluster, agency, position, reg_on,
            rep, ref) in enumerate(zip(*columns)):
        if (name.__class__ is not str or not name or name[0] in suspect_first
                or (name[:2] in heads and name.startswith(suspect)) or "," in name
                or "." in name[:6] or ")" in name[:6]
                or (stt.__class__ is str and stt and not stt[0].isdigit())):
            kind = classify_row(row, header, stt_i, roster=True)
            if kind is FOOTER:
                break
            if kind is not DATA:
                continue
            slow = True
        else:
            slow = False
        excel_row = first_row + k
        errors = pending = None

        # full name
        if name.__class__ is str:
            n = name.strip()
            if "  " in n or not n.isprintable():  # line breaks, tabs, no-break spaces
                n = " ".join(n.split())
            if not n.isascii() and not unicodedata.is_normalized("NFC", n):
                n = unicodedata.normalize("NFC", n)
        else:
            n = clean_text(name) or ""
        if prefix_i >= 0:
            surname = clean_text(row[prefix_i])
            if surname:
                n = f"{surname} {n}".strip()

        # yes/no (None: no such column)
        if inst.__class__ is Bad:
            errors = [(col["installed"], row[f["installed"]], inst)]
        if reg.__class__ is Bad:
            (errors or (errors := [])).append((col["registered"], row[f["registered"]], reg))

        # identity
        if cid.__class__ is str and len(cid) == 12 and cid.isdigit() and cid.isascii():
            pass
        elif cid is None or cid == "":
            cid = None
        else:
            try:
                cid = citizen_id(cid, untyped=untyped) or None
            except Bad as exc:
                (pending or (pending := [])).append((col["citizen_id"], cid, exc))
                cid = None
        if ph.__class__ is str and len(ph) == 10 and ph[0] == "0" and ph.isdigit() and ph.isascii():
            pass
        elif ph is None or ph == "":
            ph = None
        else:
            try:
                ph = phone(ph, untyped=untyped) or None
            except Bad as exc:
                if exc.shown is None:
                    (pending or (pending := [])).append((col["phone"], ph, exc))
                else:  # a citizen ID in the phone column: a row error, quoted masked
                    (errors or (errors := [])).append((col["phone"], exc.shown, exc))
                ph = None

        if not n:
            if slow and not errors and not cid and not ph and not inst and not reg and (
                    born is None or born == (None, None)):
                continue  # a numbered template row: nothing but "no"
            (errors or (errors := [])).append((col["full_name"], name, None))

        read += 1
        if errors:
            for column, value, exc in errors:
                if exc is None:
                    error(sheet, excel_row, column, value, Problem.MISSING_NAME)
                else:
                    error(sheet, excel_row, column, value, exc.problem, **exc.values)
            continue
        if pending:
            for column, value, exc in pending:
                warn(sheet, excel_row, column, value, exc.problem, **exc.values)

        if born is None:
            bdate = byear = None
        elif born.__class__ is tuple:
            bdate, byear = born
        else:
            bdate = byear = None
            warn(sheet, excel_row, col["birth_date"], row[f["birth_date"]], born.problem, **born.values)
        reg_on_text = None
        if reg_on is not None:
            v = row[f["registered_on"]]
            reg_on_text = v.strip() if v.__class__ is str else as_text(v)
            if reg_on.__class__ is not date:
                warn(sheet, excel_row, col["registered_on"], reg_on_text, Problem.INVALID_DATE,
                     column=col["registered_on"], value=reg_on_text,
                     then="; người này vẫn được tính theo ngày báo cáo")
                reg_on = reg_on_text = None
        if rep is None:
            rep = default_report_date
        elif rep.__class__ is not date:
            v = as_text(row[f["report_date"]])
            warn(sheet, excel_row, col["report_date"], v, Problem.INVALID_REPORT_DATE,
                 column=col["report_date"], value=v)
            rep = default_report_date
        if not has_installed:
            inst = reg if reg is not None else False
        if not has_registered:
            reg = inst

        person = Person(sheet, excel_row, n, bdate, byear, cid, ph, commune, cluster, agency,
                        position, inst, reg, reg_on, rep, hints, ref, reg_on_text)

        # duplicates within the file: the later row wins
        if ref is not None:
            key = ("ref", ref)
        else:
            key = person_identity(cid, ph, lambda: _name_key(n, bdate or byear, commune, cluster,
                                                             agency, hints))
        index = len(out)
        prev = seen.setdefault(key, index)
        if prev != index:
            seen[key] = index
            earlier = out[prev]
            out[prev] = None
            where = _where(earlier.sheet, earlier.row, sheet)
            if key[0] == "name":
                same = "họ tên, ngày sinh" if (bdate or byear) else "họ tên"
                warn(sheet, excel_row, col["full_name"], n, Problem.POSSIBLE_NAMESAKE, same=same,
                     where=where, row=excel_row)
            else:
                by = {"ref": "mã tham chiếu", "id": "số CCCD"}.get(key[0], "số điện thoại")
                warn(sheet, excel_row, col["full_name"], n, Problem.DUPLICATE_PERSON, by=by,
                     where=where, row=excel_row)
        out.append(person)

    ctx.rows_read += read


_COUNT_FIELDS = ("installed", "registered", "households", "population", "target_population", "staff")


def _text_of(row: list, index: int | None, texts: dict):
    if index is None:
        return None
    v = row[index]
    result = texts.get(v, _MISS)
    if result is _MISS:
        result = _convert(texts, clean_text, v)
    return result


def _figures(plan: SheetPlan, row: list, wanted) -> tuple[dict, list]:
    header = plan.header
    values, errors = {}, []
    for fld in wanted:
        index = header.fields.get(fld)
        if index is None:
            continue
        v = row[index]
        try:
            values[fld] = count(v)
        except Invalid as exc:
            values[fld] = None
            errors.append((header.columns[index].header, v, exc.problem, exc.values))
    return values, errors


def _unit_duplicate(ctx: BuildContext, plan: SheetPlan, key, excel_row: int, column: str | None,
                    value) -> None:
    prev = ctx.seen.get(key)
    if prev is not None:
        earlier = ctx.rows[prev]
        prev_sheet, prev_row = earlier.sheet, earlier.row
        ctx.rows[prev] = None
        ctx.report.warn(plan.name, excel_row, column, value, Problem.DUPLICATE_UNIT, value=value,
                        where=_where(prev_sheet, prev_row, plan.name), row=excel_row)
    ctx.seen[key] = len(ctx.rows)


def _data_rows(plan: SheetPlan, stt_i: int, *, footer_ends: bool = True):
    """(Excel row number, cells padded to the header's width) of each data row below the header;
    a footer row (a signature, a total) ends the table unless `footer_ends` is False."""
    header = plan.header
    for i in range(header.last + 1, len(plan.rows)):
        row = plan.rows[i]
        if len(row) < header.width:
            row = list(row) + [""] * (header.width - len(row))
        kind = classify_row(row, header, stt_i)
        if kind is FOOTER and footer_ends:
            break
        if kind is DATA:
            yield plan.first_row + i, row


def build_counts(plan: SheetPlan, ctx: BuildContext) -> None:
    """Rows of a count report, appended to `ctx.rows`."""
    header, report = plan.header, ctx.report
    f = header.fields
    stt_i = f.get("row_number", -1)
    unit_cols = [f[k] for k in ("cluster", "agency", "commune") if k in f]
    only_installed = "registered" not in f and "installed" in f
    only_registered = "installed" not in f and "registered" in f
    rep_i = f.get("report_date")
    for excel_row, row in _data_rows(plan, stt_i):
        commune = _text_of(row, f.get("commune"), ctx.texts)
        cluster = _text_of(row, f.get("cluster"), ctx.texts)
        agency = _text_of(row, f.get("agency"), ctx.texts)
        values, errors = _figures(plan, row, _COUNT_FIELDS)
        installed, registered = values.get("installed"), values.get("registered")
        unit = cluster or agency or commune
        if unit_cols and not unit and not errors and not any(values.values()):
            continue  # nothing but zeros and no unit: a template row
        ctx.rows_read += 1
        if unit_cols and not unit:
            index = unit_cols[0]
            errors.append((header.columns[index].header, row[index], Problem.MISSING_UNIT, {}))
        if not errors and installed is None and registered is None:
            index = f.get("installed", f.get("registered"))
            errors.append((header.columns[index].header, row[index], Problem.MISSING_COUNT, {}))
        if errors:
            for column, value, problem, values in errors:
                report.error(plan.name, excel_row, column, value, problem, **values)
            continue
        if only_installed:
            registered = installed
        if only_registered:
            installed = registered
        # over 100%: against the row's own target, else staff, else population
        for base in ("target_population", "staff", "population"):
            denominator = values.get(base)
            if denominator is not None:
                break
        if denominator is not None:
            for fld, n in (("installed", installed), ("registered", registered)):
                if n is None or n <= denominator or (fld == "registered" and only_installed) \
                        or (fld == "installed" and only_registered):
                    continue
                column, written = header.columns[f[fld]].header, as_text(row[f[fld]])
                base_column = header.columns[f[base]].header
                report.warn(plan.name, excel_row, column, written, Problem.OVER_TARGET,
                            column=column, value=written, base=base_column,
                            limit=as_text(row[f[base]]))
        rep = plan.row_report_date
        if rep_i is not None:
            try:
                rep = parse_date(row[rep_i]) or rep
            except Invalid:
                report.warn(plan.name, excel_row, header.columns[rep_i].header, row[rep_i],
                            Problem.INVALID_REPORT_DATE, column=header.columns[rep_i].header,
                            value=as_text(row[rep_i]))
        key = ("count", fold(commune) if commune else plan.hints, unit_key(cluster or ""),
               unit_key(agency or ""), rep)
        if unit:
            _unit_duplicate(ctx, plan, key, excel_row,
                            header.columns[unit_cols[0]].header if unit_cols else None, unit)
        ctx.rows.append(CountRow(
            plan.name, excel_row, commune, cluster, agency, installed, registered,
            values.get("households"), values.get("population"), values.get("target_population"),
            values.get("staff"), rep, plan.hints,
            {fld: as_text(row[f[fld]]).strip() for fld in ("installed", "registered") if fld in f}))


def _code_of(row: list, index: int | None) -> str | None:
    if index is None:
        return None
    return clean_text(row[index])


_COMMUNE_KINDS = (("thi tran ", "Thị trấn"), ("tt ", "Thị trấn"), ("xa ", "Xã"))


def _commune_kind(commune: str | None) -> dict:
    """`Thị trấn Phùng` / `TT Phùng` / `Xã Thọ An`: the kind the name says (set only if it says)."""
    if not commune or "commune_kind" not in _UNIT_FIELDS:
        return {}
    key = fold(commune) + " "
    for prefix, kind in _COMMUNE_KINDS:
        if key.startswith(prefix) and len(key) > len(prefix):
            return {"commune_kind": kind}
    return {}


_UNIT_FIELDS = frozenset(f.name for f in dc_fields(UnitRow))


def build_units(plan: SheetPlan, ctx: BuildContext) -> None:
    """Rows of a unit directory, appended to `ctx.rows`."""
    header, report = plan.header, ctx.report
    f = header.fields
    stt_i = f.get("row_number", -1)
    for excel_row, row in _data_rows(plan, stt_i):
        cluster = _text_of(row, f.get("cluster"), ctx.texts)
        agency = _text_of(row, f.get("agency"), ctx.texts)
        commune = _text_of(row, f.get("commune"), ctx.texts)
        values, errors = _figures(plan, row, _FIGURES)
        ctx.rows_read += 1
        if not cluster and not agency:
            index = f.get("cluster", f.get("agency"))
            errors.append((header.columns[index].header, row[index], Problem.MISSING_UNIT, {}))
        if errors:
            for column, value, problem, values in errors:
                report.error(plan.name, excel_row, column, value, problem, **values)
            continue
        unit = UnitRow(
            plan.name, excel_row,
            district_code=_code_of(row, f.get("district_code")),
            district=_text_of(row, f.get("district"), ctx.texts),
            commune_code=_code_of(row, f.get("commune_code")), commune=commune,
            **_commune_kind(commune),
            cluster_code=_code_of(row, f.get("cluster_code")), cluster=cluster,
            agency_code=_code_of(row, f.get("agency_code")), agency=agency,
            agency_kind=_text_of(row, f.get("agency_kind"), ctx.texts),
            households=values.get("households"), population=values.get("population"),
            target_population=values.get("target_population"), staff=values.get("staff"),
            unit_hints=plan.hints)
        scope = unit.commune_code or unit.commune
        key = ("unit", fold(scope) if scope else plan.hints, unit_key(cluster or ""),
               unit_key(agency or ""))
        index = f.get("cluster") if cluster else f.get("agency")
        _unit_duplicate(ctx, plan, key, excel_row, header.columns[index].header, cluster or agency)
        ctx.rows.append(unit)


def build_accounts(plan: SheetPlan, ctx: BuildContext) -> None:
    """Rows of the platform's account list, appended to `ctx.rows`. An account needs a citizen ID
    or a phone; its date may be blank (it counts from the list's date), never unreadable."""
    header, report = plan.header, ctx.report
    f = header.fields
    stt_i = f.get("row_number", -1)
    column = {k: header.columns[i].header for k, i in f.items()}
    for excel_row, row in _data_rows(plan, stt_i, footer_ends=False):
        ctx.rows_read += 1
        errors, doubtful, identity = [], [], {}
        for fld, convert in (("citizen_id", citizen_id), ("phone", phone)):
            if fld not in f or is_empty(value := row[f[fld]]):
                continue
            try:
                identity[fld] = convert(value, untyped=plan.untyped) or None
            except Invalid as exc:
                doubtful.append((column[fld], value if exc.shown is None else exc.shown,
                                 exc.problem, exc.values))
        if not identity.get("citizen_id") and not identity.get("phone"):
            errors, doubtful = doubtful, []  # nothing left to match by
        created = None
        if "registered_on" in f and not is_empty(value := row[f["registered_on"]]):
            try:
                created = parse_date(value)
            except Invalid:
                errors.append((column["registered_on"], value, Problem.INVALID_DATE,
                               {"column": column["registered_on"], "value": as_text(value),
                                "then": ""}))
        if not errors and not identity.get("citizen_id") and not identity.get("phone"):
            fld = "citizen_id" if "citizen_id" in f else "phone"
            errors.append((column[fld], None, Problem.MISSING_IDENTIFIER, {}))
        if errors:
            for col, value, problem, values in errors:
                report.error(plan.name, excel_row, col, value, problem, **values)
            continue
        for col, value, problem, values in doubtful:
            report.warn(plan.name, excel_row, col, value, problem, **values)
        account = AccountRow(plan.name, excel_row, identity.get("citizen_id"),
                             identity.get("phone"), created,
                             _text_of(row, f.get("commune"), ctx.texts), plan.row_report_date)
        key = ("account", account.citizen_id or account.phone)
        prev = ctx.seen.get(key)
        if prev is not None:
            earlier = ctx.rows[prev]
            ctx.rows[prev] = None
            by = "số CCCD" if account.citizen_id else "số điện thoại"
            report.warn(plan.name, excel_row, column.get("citizen_id" if account.citizen_id
                                                         else "phone"), None,
                        Problem.DUPLICATE_ACCOUNT, by=by,
                        where=_where(earlier.sheet, earlier.row, plan.name), row=excel_row)
        ctx.seen[key] = len(ctx.rows)
        ctx.rows.append(account)


BUILDERS = {"residents": build_people, "staff": build_people, "counts": build_counts,
            "units": build_units, "accounts": build_accounts}
