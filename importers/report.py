"""What an import found: typed rows and typed problems (after frictionless-py's error model).

Importers return these; services add unit-matching problems and write. Nothing here touches a
database or Streamlit.
"""
from __future__ import annotations

from array import array
from dataclasses import asdict, dataclass, field, fields
from itertools import accumulate, compress, repeat
from operator import attrgetter, itemgetter, not_
from datetime import date
from typing import Literal

from errors import UserError
from importers.problems import Problem

Kind = Literal["units", "residents", "staff", "counts", "accounts"]
KIND_LABELS = {
    "units": "danh mục đơn vị",
    "residents": "danh sách người dân",
    "staff": "danh sách cán bộ, công chức, viên chức, người lao động",
    "counts": "biểu tổng hợp",
    "accounts": "danh sách tài khoản từ hệ thống",
}


class FileRefused(UserError):
    """The whole file is refused, by a stable `code`; its message is for the user, in Vietnamese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RowProblem:
    """One problem at one cell. `row` is the sheet's own row number, as Excel shows it; `column`
    the sheet's own header as written (`Ngày đăng ký`, `Đã tạo tài khoản › Số lượng`), never a
    field's name; `value` the cell as the user sees it (masked for a citizen ID in the phone column)."""

    sheet: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    message: str

    @property
    def problem(self) -> Problem:
        return Problem(self.code)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class PersonRow:
    """One person of a resident or staff roster."""

    sheet: str
    row: int
    full_name: str
    birth_date: date | None = None
    birth_year: int | None = None
    citizen_id: str | None = None
    phone: str | None = None
    commune: str | None = None
    cluster: str | None = None
    agency: str | None = None
    position: str | None = None
    installed: bool = False
    registered: bool = False
    registered_on: date | None = None
    report_date: date | None = None
    # Where the row names no unit: the sheet name, then title rows above the header, in order.
    unit_hints: tuple[str, ...] = ()
    reference: str | None = None  # the person reference a follow-up list printed, as written
    registered_on_text: str | None = None  # the registration date's cell as written, for problems


@dataclass
class CountRow:
    """One cluster or agency of a count report."""

    sheet: str
    row: int
    commune: str | None = None
    cluster: str | None = None
    agency: str | None = None
    installed: int | None = None
    registered: int | None = None
    households: int | None = None
    population: int | None = None
    target_population: int | None = None
    staff: int | None = None
    report_date: date | None = None
    unit_hints: tuple[str, ...] = ()
    written: dict[str, str] | None = None  # field -> its count cell as written, for problems


@dataclass
class UnitRow:
    """One cluster (with its commune) or one agency of a unit directory."""

    sheet: str
    row: int
    district_code: str | None = None  # a city deployment's district (quận, huyện); optional
    district: str | None = None
    commune_code: str | None = None
    commune: str | None = None
    commune_kind: str | None = None  # `Xã` or `Thị trấn`
    cluster_code: str | None = None
    cluster: str | None = None
    agency_code: str | None = None
    agency: str | None = None
    agency_kind: str | None = None
    households: int | None = None
    population: int | None = None
    target_population: int | None = None
    staff: int | None = None
    unit_hints: tuple[str, ...] = ()


@dataclass
class AccountRow:
    """One account the platform created: a citizen ID and/or a phone, and the day it was made.
    A name or a commune may come along; only the commune is kept (to count unmatched accounts)."""

    sheet: str
    row: int
    citizen_id: str | None = None
    phone: str | None = None
    created_on: date | None = None
    commune: str | None = None
    report_date: date | None = None


@dataclass
class ImportReport:
    file: str
    kind: Kind | None = None
    as_of: date | None = None
    rows_read: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # sheet -> field -> the sheet's own header for it, for the problems found after parsing
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    _said: set = field(default_factory=set, repr=False, compare=False)

    def error(self, sheet, row, column, cell, problem: Problem, /, **values) -> None:
        """A row error about `cell` (as written): `problem`'s template filled with `values`. One
        problem is reported once: the same code at the same cell is not repeated."""
        if ("error", sheet, row, column, problem) not in self._said:
            self._said.add(("error", sheet, row, column, problem))
            self.errors.append(RowProblem(sheet, row, column, _text(cell), problem.code,
                                          problem.text(**values)))

    def warn(self, sheet, row, column, cell, problem: Problem, /, **values) -> None:
        """One row never gets the same warning twice (whichever column it names), nor one its
        `unless` warning was said of already."""
        said = {("warning", sheet, row, code) for code in (problem.code, problem.unless)}
        if not said & self._said:
            self._said.add(("warning", sheet, row, problem.code))
            self.warnings.append(RowProblem(sheet, row, column, _text(cell), problem.code,
                                            problem.text(**values)))

    def header(self, sheet: str, fld: str, default: str | None = None) -> str | None:
        """The sheet's own header for a field (`Ngày đăng ký`), else `default`."""
        return self.columns.get(sheet, {}).get(fld, default)

    @property
    def rejected_rows(self) -> set[tuple[str, int | None]]:
        return {(p.sheet, p.row) for p in self.errors}


@dataclass
class SheetCells:
    """One parsed sheet's cells as written, so that the rejected rows can be given back without
    reading the file again (`services.rows_to_fix`): the rows down to the header (titles and
    header) and the data rows below it, packed by column (`PackedRows`: cheap to hand over from
    the reader's child, one row unpacked on demand)."""

    name: str
    first_row: int  # Excel row number of head[0]
    head: list[list]
    header_first: int  # index in `head` of the first header row
    data: "PackedRows"

    def data_rows(self) -> list[list]:
        """Excel row `first_row + len(head) + i` is `data_rows()[i]`."""
        return [self.data.row(i) for i in range(len(self.data))]


class PackedRows:
    """Rows of cell values packed by column: each column's texts joined into one string with
    their offsets, numbers in an array, dates as day numbers, any other value by its index.
    A few large objects instead of an object per cell: pickled and handed over in a fraction of
    the time the rows themselves take. `row(i)` gives `rows[i]` back, equal and of the same types."""

    def __init__(self, rows: list[list]):
        self.count = len(rows)
        width = max(map(len, rows), default=0)
        self.lengths = None
        if rows and min(map(len, rows)) < width:  # ragged: padded here, cut back in `row`
            self.lengths = array("l", map(len, rows))
            rows = [r if len(r) == width else list(r) + [""] * (width - len(r)) for r in rows]
        self.columns = [_pack_column(list(map(itemgetter(j), rows))) for j in range(width)]

    def __len__(self) -> int:
        return self.count

    def row(self, i: int) -> list:
        if not 0 <= i < self.count:
            raise IndexError(i)
        out = [_unpack_cell(column, i) for column in self.columns]
        return out if self.lengths is None else out[:self.lengths[i]]


def _pack_column(values: list) -> tuple:
    try:  # all texts (the usual column): one join, no look at each value
        return ("texts", "".join(values), _offsets(values), {}, {})
    except TypeError:
        pass
    if set(map(type, values)) == {float}:
        return ("numbers", array("d", values))
    odd = list(compress(range(len(values)), map(not_, map(isinstance, values, repeat(str)))))
    texts = values.copy()
    days, others = {}, {}
    for i in odd:
        v = texts[i]
        texts[i] = ""
        if v.__class__ is date:
            days[i] = v.toordinal()
        else:
            others[i] = v
    return ("texts", "".join(texts), _offsets(texts), days, others)


def _offsets(texts: list) -> array:
    return array("q", accumulate(map(len, texts), initial=0))


def _unpack_cell(column: tuple, i: int):
    if column[0] == "numbers":
        return column[1][i]
    _, text, offsets, days, others = column
    if i in days:
        return date.fromordinal(days[i])
    if i in others:
        return others[i]
    return text[offsets[i]:offsets[i + 1]]


@dataclass
class ParsedFile:
    """An importer's whole answer: the kind, the date it found, the rows that passed, the report.

    Rows with errors are left out of `rows` and listed in `report.errors`.
    """

    kind: Kind
    rows: list
    report: ImportReport
    as_of: date | None = None  # from a report-date cell or a title row; None when the file has none
    only_installed: bool = False  # a roster or count report with no registered column
    sheets: list[SheetCells] = field(default_factory=list)  # the sheets read, as written

    # Pickled (the isolated reader hands a ParsedFile from its child to the server) with the rows
    # as one list per field: a few long lists instead of a dict and an object per row.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        rows = state.pop("rows")
        cls = type(rows[0]) if rows else None
        if cls is not None and all(type(r) is cls for r in rows):
            names = [f.name for f in fields(cls)]
            state["_rows"] = (cls, [list(map(attrgetter(n), rows)) for n in names])
        else:
            state["_rows"] = (None, rows)
        return state

    def __setstate__(self, state: dict) -> None:
        cls, columns = state.pop("_rows")
        self.__dict__.update(state)
        self.rows = list(map(cls, *columns)) if cls is not None else columns


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
