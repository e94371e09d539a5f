"""Header rows: which row holds the column names, and which field each column is.

Pure functions over lists of cell values (see `importers.read.RawSheet`). The field table below is
the one of `spec/import-formats.md` ("Field names"), folded once at import time with `text.fold`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from text import fold

HEADER_SCAN_ROWS = 30

# Field keys. `row_number`, `percentage` and `ignored` are recognised but never read.
IGNORED_FIELDS = frozenset({"row_number", "percentage", "ignored"})

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "row_number": ("STT", "Số TT", "TT"),
    # not in the spec's table: a city deployment's district (quận, huyện, thị xã)
    "district_code": ("Mã huyện", "Mã quận/huyện", "Mã quận, huyện"),
    "district": ("Quận/Huyện", "Quận, huyện", "Huyện", "Quận", "Quận/Huyện/Thị xã", "Tên huyện"),
    "commune_code": ("Mã xã", "Mã xã/thị trấn"),
    "cluster_code": ("Mã thôn", "Mã cụm", "Mã thôn/tổ dân phố", "Mã địa bàn"),
    "agency_code": ("Mã cơ quan", "Mã đơn vị"),
    "person_ref": ("Mã tham chiếu",),  # a follow-up list's person reference (services/people.py)
    "full_name": ("Họ và tên", "Họ tên", "Họ và tên người dân", "Tên"),
    "birth_date": ("Ngày sinh", "Ngày tháng năm sinh", "Năm sinh"),
    "citizen_id": ("Số CCCD", "CCCD", "Số định danh", "Số định danh cá nhân", "CMND/CCCD",
                   "Số CMND/CCCD",
                   # not in the spec's table, same meaning
                   "CCCD/CMND", "Số CCCD/CMND", "CMND", "Số CMND"),
    "phone": ("Số điện thoại", "SĐT", "Điện thoại", "Số ĐT"),
    "commune": ("Xã", "Thị trấn", "Xã/Thị trấn", "Xã, thị trấn", "Đơn vị hành chính",
                # not in the spec's table: keep `Tên xã` from being read as `Tên` (full name)
                "Tên xã", "Tên thị trấn", "Tên xã/thị trấn"),
    "cluster": ("Thôn", "Cụm dân cư", "Tổ dân phố", "Thôn/Tổ dân phố", "Thôn/Cụm dân cư",
                "Thôn/Cụm dân cư/Tổ dân phố", "Cụm", "Địa bàn", "Tên thôn", "Tên cụm dân cư",
                "Tên thôn, tổ dân phố",
                # not in the spec's table: keep these from being read as `Tên` (full name)
                "Tên tổ dân phố", "Tên cụm", "Tên địa bàn"),
    "agency": ("Cơ quan", "Đơn vị", "Cơ quan, đơn vị", "Tên cơ quan, đơn vị", "Đơn vị công tác",
               "Phòng ban", "Tên đơn vị", "Tên cơ quan"),
    "position": ("Chức vụ", "Chức danh"),
    "agency_kind": ("Loại", "Loại đơn vị", "Khối"),
    "installed": ("Đã cài đặt", "Cài đặt", "Cài đặt iHaNoi", "Số đã cài đặt", "Số người đã cài đặt"),
    "registered": ("Đã tạo tài khoản", "Tạo tài khoản", "Có tài khoản", "Đã đăng ký",
                   "Đăng ký tài khoản", "Số đã tạo tài khoản", "Số người đã tạo tài khoản"),
    "registered_on": ("Ngày tạo tài khoản", "Ngày đăng ký", "Ngày cài đặt"),
    "households": ("Số hộ", "Tổng số hộ"),
    "population": ("Số nhân khẩu", "Tổng số nhân khẩu", "Nhân khẩu", "Dân số"),
    "target_population": ("Số người trong diện", "Số người trong diện cài đặt", "Chỉ tiêu",
                          "Số người từ 15 tuổi trở lên", "Số người từ 15 tuổi"),
    "staff": ("Tổng số CBCCVC", "Tổng số CBCCVC, NLĐ", "Tổng số CB, CC, VC, NLĐ", "Số cán bộ",
              "Biên chế", "Tổng số cán bộ"),
    "report_date": ("Ngày báo cáo", "Tính đến ngày"),
    "percentage": ("Tỷ lệ", "Tỷ lệ (%)", "%"),
    # not in the spec's table: `Đơn vị tính` would otherwise be read as `Đơn vị` (agency)
    "ignored": ("Đơn vị tính", "ĐVT"),
}

# (folded name, field), longest name first: the first that matches is the longest.
_TABLE: tuple[tuple[str, str], ...] = tuple(sorted(
    ((fold(name), key) for key, names in FIELD_NAMES.items() for name in names if fold(name)),
    key=lambda item: -len(item[0])))
_BY_NAME = {}
for _name, _key in _TABLE:
    if _BY_NAME.setdefault(_name, _key) != _key:  # pragma: no cover - a table mistake
        raise AssertionError(f"header name {_name!r} belongs to two fields")

# Children of a two-row header that name no field on their own: they take their parent's field.
CHILD_WORDS = frozenset(fold(w) for w in (
    "Số lượng", "SL", "Số người", "Số", "Tổng", "Tổng số", "Số người dân", "Người"))


def match_field(text) -> str | None:
    """The field a header cell names, or None. Longest name wins; `x more words` matches `x`."""
    if not isinstance(text, str):
        return None
    key = fold(text)
    if not key:
        return "percentage" if "%" in text else None
    return _match_folded(key)


_MATCH_CACHE: dict[str, str | None] = {}


def _match_folded(key: str) -> str | None:
    try:
        return _MATCH_CACHE[key]
    except KeyError:
        pass
    found = None
    for name, fld in _TABLE:
        if key == name or key.startswith(name + " "):
            found = fld
            break
    if len(_MATCH_CACHE) < 100_000:
        _MATCH_CACHE[key] = found
    return found


def header_text(value) -> str:
    """A header cell as written, with line breaks and runs of spaces made one space."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def is_empty(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


@dataclass
class Column:
    index: int
    field: str | None
    header: str  # as written (`parent › child` for a two-row header)


@dataclass
class Header:
    """Where the table starts and what its columns are. Indices are into the sheet's `rows`."""

    first: int  # first header row (the parent row of a two-row header)
    last: int  # last header row; data starts at `last + 1`
    columns: list[Column]
    fields: dict[str, int] = field(default_factory=dict)  # field -> first column holding it
    folded_texts: frozenset = frozenset()  # every header text, folded (to spot repeated headers)

    @property
    def data_columns(self) -> tuple[int, ...]:
        """Columns holding a field that is read (not a row number, percentage or unit of measure)."""
        cached = self.__dict__.get("_data_columns")
        if cached is None:
            cached = self.__dict__["_data_columns"] = tuple(
                c.index for c in self.columns if c.field is not None and c.field not in IGNORED_FIELDS)
        return cached

    @property
    def width(self) -> int:
        return len(self.columns)


def relative_merges(merged: Iterable[tuple[int, int, int, int]], first_row: int = 1,
                    first_col: int = 0) -> list[tuple[int, int, int, int]]:
    """Absolute 0-based merged ranges made relative to `rows[0][0]` (clipped at 0)."""
    dr, dc = first_row - 1, first_col
    out = []
    for r1, c1, r2, c2 in merged:
        r1, r2, c1, c2 = r1 - dr, r2 - dr, c1 - dc, c2 - dc
        if r2 < 0 or c2 < 0:
            continue
        out.append((max(r1, 0), max(c1, 0), r2, c2))
    return out


def fill_merged(rows: list[list], merges: Iterable[tuple[int, int, int, int]],
                start: int = 0, stop: int | None = None) -> list[list]:
    """A copy of `rows` where every cell of a merged range holds the range's value.

    Only rows in [start, stop) are touched; rows that change are copied, others are shared.
    The work is bounded by the cells of those rows: merged ranges never overlap in a real
    workbook, so their areas add up to at most that many cells; a range that would go past that
    budget (ranges piled on each other, from a hostile file) is left unfilled.
    """
    stop = len(rows) if stop is None else min(stop, len(rows))
    out = list(rows)
    copied: set[int] = set()
    width = max((len(rows[r]) for r in range(start, stop)), default=0)
    budget = (stop - start) * width
    for r1, c1, r2, c2 in merges:
        if r1 >= len(rows) or (r2 < start or r1 >= stop):
            continue
        anchor_row = rows[r1]
        value = anchor_row[c1] if c1 < len(anchor_row) else ""
        if is_empty(value):
            continue
        lo, hi = max(r1, start), min(r2 + 1, stop)
        area = (hi - lo) * max(0, min(c2, width - 1) - c1 + 1)
        if area > budget:
            continue
        budget -= area
        for r in range(lo, hi):
            row = out[r]
            last = min(c2, len(row) - 1)  # a range reaching past the sheet's cells is clipped
            if last < c1:
                continue
            if r not in copied:
                row = out[r] = list(row)
                copied.add(r)
            for c in range(c1, last + 1):
                if (r, c) != (r1, c1) and is_empty(row[c]):
                    row[c] = value
    return out


def _row_fields(row: list) -> set[str]:
    return {f for f in (match_field(v) for v in row) if f is not None}


def _nonempty(row: list) -> int:
    return sum(1 for v in row if not is_empty(v))


def _parent_rows(raw: list[list], merges) -> set[int]:
    """Rows i holding a merged parent cell over child cells in row i+1 (and not a lone title).

    Linear in the merged ranges and the cells: ranges are grouped by row, and whether a range has
    a child under it is read from a running count of the filled cells of the row below."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for r1, c1, r2, c2 in merges:
        if r1 == r2 and c2 > c1 and r1 + 1 < len(raw):
            spans.setdefault(r1, []).append((c1, c2))
    parents = set()
    for i, row_spans in spans.items():
        row, below = raw[i], raw[i + 1]
        if _nonempty(row) < 2:
            continue
        filled = [0]
        for v in below:
            filled.append(filled[-1] + (not is_empty(v)))
        n = len(below)
        for c1, c2 in row_spans:
            if c1 < len(row) and not is_empty(row[c1]) and filled[min(c2 + 1, n)] > filled[min(c1, n)]:
                parents.add(i)
                break
    return parents


def _looks_like_child_row(raw: list[list], i: int) -> bool:
    """Without merge information (csv): row i+1 is a row of sub-headers under row i."""
    if i + 1 >= len(raw):
        return False
    parent, child = raw[i], raw[i + 1]
    seen_child_word = under_blank = False
    count = 0
    for c, v in enumerate(child):
        if is_empty(v):
            continue
        if not isinstance(v, str):
            return False
        count += 1
        key = fold(v)
        own = match_field(v)
        if key in CHILD_WORDS:
            seen_child_word = True
        elif own is None:
            return False
        above = parent[c] if c < len(parent) else ""
        if is_empty(above):
            under_blank = True
        elif own is not None and own != "percentage":
            parent_field = match_field(above)
            if parent_field is not None and parent_field != own:
                return False  # a header row under a row of other field names, not a child row
    return count > 0 and (seen_child_word or under_blank)


def _columns_single(filled: list) -> list[Column]:
    return [Column(c, match_field(v), header_text(v)) for c, v in enumerate(filled)]


def _columns_two_rows(parent: list, child: list, extend_left: bool) -> list[Column]:
    width = max(len(parent), len(child))
    parent = list(parent) + [""] * (width - len(parent))
    child = list(child) + [""] * (width - len(child))
    if extend_left:  # no merge information: a blank parent over a child belongs to the left parent
        last = ""
        for c in range(width):
            if not is_empty(parent[c]):
                last = parent[c]
            elif not is_empty(child[c]) and last:
                parent[c] = last
    columns = []
    for c in range(width):
        p, ch = header_text(parent[c]), header_text(child[c])
        if ch and p and ch != p:
            own = match_field(ch)
            fld = own if own is not None else match_field(p)
            columns.append(Column(c, fld, f"{p} › {ch}"))
        elif ch and not p:
            columns.append(Column(c, match_field(ch), ch))
        else:
            columns.append(Column(c, match_field(p), p))
    return columns


def _header_from(columns: list[Column], first: int, last: int, texts: Iterable) -> Header:
    fields: dict[str, int] = {}
    for col in columns:
        if col.field is not None and col.field not in fields:
            fields[col.field] = col.index
    folded = frozenset(k for k in (fold(t) for t in texts if isinstance(t, str)) if k)
    return Header(first, last, columns, fields, folded)


def find_header(rows: list[list], merges=(), *,
                accept: Callable[[set[str]], bool] | None = None,
                scan: int = HEADER_SCAN_ROWS) -> Header | None:
    """The header among the first `scan` rows: the row naming the most distinct fields (the
    earliest on a tie) of those `accept` takes (at least two fields are always needed).

    `merges` are relative to `rows` (see `relative_merges`). Two-row headers are read as
    parent + child.
    """
    merges = [m for m in merges if m[0] <= scan + 1]
    top_raw = [list(r) for r in rows[:scan + 1]]
    width = max((len(r) for r in top_raw), default=0)
    for r in top_raw:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    top = fill_merged(top_raw, merges, 0, scan + 1)
    parents = _parent_rows(top_raw, merges)
    best: tuple[int, Header] | None = None
    for i in range(min(scan, len(top))):
        if len(_row_fields(top[i])) < 2:
            continue
        if i in parents:
            first, last = i, i + 1
        elif i - 1 in parents:
            first, last = i - 1, i
        elif not merges and _looks_like_child_row(top_raw, i):
            first, last = i, i + 1
        else:
            first = last = i
        if last > first:
            columns = _columns_two_rows(top[first], top[last], extend_left=not merges)
        else:
            columns = _columns_single(top[i])
        header = _header_from(columns, first, last, list(top[first]) + list(top[last]))
        found = set(header.fields)
        score = len(found)
        if score < 2 or (accept is not None and not accept(found)):
            continue
        if best is None or score > best[0]:
            best = (score, header)
    return None if best is None else best[1]
