"""Bytes in, sheets of cell values out (python-calamine for workbooks, csv for text).

The format is told from the content, never from the file name: a CSV named `.xls` is read as CSV,
an HTML page or a PDF named `.xls`/`.xlsx` is refused and the message says what the file really is.
Everything that is not a readable table ends in `FileRefused(code, message)` with a Vietnamese
message; nothing else escapes `read_sheets` (not even a Rust panic from calamine).

Codes: file-too-large, empty-file, empty-workbook, zip-bomb, too-many-rows, sheet-too-large,
password-protected, html-not-spreadsheet, pdf-not-spreadsheet, not-a-spreadsheet,
unsupported-format, csv-encoding, unreadable-file.

Resource guards, all checked before calamine unpacks anything:

* the upload limit (`TRACKER_MAX_UPLOAD_MB`, default 50 MB) before anything else;
* zip containers: at most `MAX_ZIP_MEMBERS` members; from the central directory (nothing
  decompressed) at most `MAX_UNPACKED_BYTES` (1 GiB) in all and no member of `RATIO_MIN_BYTES`
  (1 MiB) or more unpacked that is over `MAX_RATIO` (200) times its packed size — smaller members
  are exempt so ordinary well-compressed workbooks pass; then every member calamine may read is
  inflated in bounded chunks (never held whole) and refused the moment it yields more than its
  header declared (a lying header);
* calamine builds each sheet as a dense rectangle from A1 to its farthest cell (32 bytes a cell)
  and aborts the whole process, uncatchably, when that allocation fails: a 1 KB xlsx with cells at
  A1 and XFD999999, an xls with a cell at column 65535, or an ods row repeated 100,000 times over
  300 columns is enough. So the extent of every sheet is bounded from the raw XML/BIFF first and
  the file refused when a sheet would span more than `MAX_CELLS` cells (`sheet-too-large`) or a
  visible sheet more than `max_rows` rows (`too-many-rows`): for xlsx with byte counts and literal
  searches at C speed while the part is inflated (no per-row Python work; the exact token scan
  runs only when that bound is too loose), for ods with a token scan of content.xml, for xls with
  a walk over the BIFF records. The rows of every sheet read are counted against `MAX_CELLS` too.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import posixpath
import re
import struct
import sys
import unicodedata
import zipfile
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from itertools import islice

from python_calamine import (CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum,
                             SheetVisibleEnum)

from importers.report import FileRefused

log = logging.getLogger(__name__)

MB = 1024 * 1024


def _upload_limit_from_env() -> int:
    raw = os.environ.get("TRACKER_MAX_UPLOAD_MB", "").strip().replace(",", ".")
    try:
        mb = float(raw) if raw else 50.0
    except ValueError:
        mb = 50.0
    return int((mb if mb > 0 else 50.0) * MB)


MAX_UPLOAD_BYTES = _upload_limit_from_env()
MAX_ROWS = 1_000_000
MAX_UNPACKED_BYTES = 1 << 30          # a zip container may unpack to 1 GiB in all
MAX_RATIO = 200                       # ... and no member may be more than 200x its packed size
RATIO_MIN_BYTES = 1 * MB              # ... unless it unpacks to less than 1 MiB (tiny parts compress well)
MAX_ZIP_MEMBERS = 10_000              # a real workbook has tens of parts; more is a zip of many bombs
MAX_CELLS = 20_000_000                # cells a sheet, and all sheets read, may span (~640 MB in calamine)
_IN_CHUNK = 256 * 1024                # bytes of packed data fed to zlib at a time
_OUT_CHUNK = 1 * MB                   # bytes of unpacked data held at a time

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS_XLSX = "Hãy mở tệp bằng Excel rồi chọn Tệp › Lưu thành (Save As) › Excel Workbook (.xlsx) và tải lên tệp mới."


@dataclass
class RawSheet:
    """One visible sheet. `rows[i]` is Excel row `first_row + i` (1-based)."""

    name: str
    rows: list[list]
    first_row: int = 1
    first_col: int = 0
    # merged ranges as (first_row, first_col, last_row, last_col), 0-based like calamine, absolute
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def read_sheets(data: bytes, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES,
                max_rows: int = MAX_ROWS) -> list[RawSheet]:
    """Every visible worksheet of `data` (hidden and chart sheets left out), or `FileRefused`."""
    if not isinstance(data, bytes):
        data = bytes(data)
    if len(data) > max_bytes:
        raise FileRefused(
            "file-too-large",
            f"Tệp nặng {_mb(len(data))}, vượt giới hạn {_mb(max_bytes)} cho mỗi lần tải lên. Hãy xoá các "
            "trang, hình ảnh không cần thiết hoặc chia danh sách thành nhiều tệp nhỏ hơn rồi tải lên lại.")
    if not data:
        raise _empty_file()
    try:
        return _read(data, filename, max_rows)
    except FileRefused:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - calamine panics are BaseException (pyo3 PanicException)
        log.warning("unreadable upload %r", filename, exc_info=True)
        raise FileRefused(
            "unreadable-file",
            "Không đọc được tệp: tệp có thể bị hỏng hoặc được lưu theo định dạng không chuẩn. Hãy mở "
            "tệp bằng Excel hoặc LibreOffice, chọn Lưu thành (Save As) › Excel Workbook (.xlsx) rồi "
            "tải lên lại.") from None


# ---------------------------------------------------------------------------------------------
# Sniffing

_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF87a", "ảnh GIF"),
    (b"GIF89a", "ảnh GIF"),
    (b"Rar!\x1a\x07", "tệp nén RAR"),
    (b"7z\xbc\xaf\x27\x1c", "tệp nén 7-Zip"),
    (b"\x1f\x8b", "tệp nén GZIP"),
    (b"{\\rtf", "văn bản RTF (Word)"),
    (b"MZ", "tệp chương trình Windows (.exe)"),
)


def _read(data: bytes, filename: str, max_rows: int) -> list[RawSheet]:
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _read_zip(data, filename, max_rows)
    if data.startswith(_OLE_MAGIC):
        return _read_ole(data, filename, max_rows)
    if b"%PDF-" in data[:1024]:
        raise FileRefused(
            "pdf-not-spreadsheet",
            f"Tệp này thực chất là tài liệu PDF, không phải bảng tính{_ext_note(filename)}. Không thể "
            "lấy số liệu từ PDF. Hãy tải lên tệp Excel gốc (.xlsx) đã dùng để tạo ra bản PDF này.")
    for magic, what in _BINARY_SIGNATURES:
        if data.startswith(magic):
            raise _not_a_spreadsheet(what, filename)
    head = _head_text(data)
    if _looks_like_html(head):
        raise FileRefused(
            "html-not-spreadsheet",
            f"Tệp này thực chất là trang web (HTML), không phải bảng tính Excel{_ext_note(filename)}. "
            "Nhiều phần mềm xuất “Excel” theo cách này. " + _SAVE_AS_XLSX)
    if head.lstrip().startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in head:
            raise FileRefused(
                "unsupported-format",
                f"Tệp này là bảng tính dạng “XML Spreadsheet 2003”, định dạng cũ không được hỗ trợ"
                f"{_ext_note(filename)}. " + _SAVE_AS_XLSX)
        if head.lstrip().startswith("<?xml"):
            raise _not_a_spreadsheet("một tệp XML", filename)
    return [_read_csv(data, filename, max_rows)]


def _head_text(data: bytes) -> str:
    head = data[:4096]
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(enc, "replace")
    if len(head) >= 4 and head[1] == 0 and head[3] == 0:
        return head.decode("utf-16-le", "replace")
    return head.decode("latin-1")


_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta|style|title)\b",
                         re.IGNORECASE | re.DOTALL)


def _looks_like_html(head: str) -> bool:
    if _HTML_START.match(head):
        return True
    low = head.lower()
    if low.lstrip().startswith("<?xml") and "<html" in low:
        return True
    # Excel "Single File Web Page" (.mht) saved with an .xls name
    return low.startswith("mime-version:") and "multipart/related" in low


# ---------------------------------------------------------------------------------------------
# Zip containers: xlsx, xlsm, ods (and refusals for docx, xlsb, ...)

def _read_zip(data: bytes, filename: str, max_rows: int) -> list[RawSheet]:
    members = _zip_member_count(data)
    if members is not None and members > MAX_ZIP_MEMBERS:
        raise _zip_bomb(f"chứa {members:,} phần nén".replace(",", "."))
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, struct.error):
        raise _unreadable("tệp nén (zip) bị hỏng hoặc không đầy đủ, có thể do tải về chưa xong") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _zip_bomb(f"chứa {len(infos):,} phần nén".replace(",", "."))
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise _zip_bomb(f"khi giải nén sẽ lớn tới {_mb(total)}")
    for info in infos:
        if info.file_size >= RATIO_MIN_BYTES and info.file_size > MAX_RATIO * info.compress_size:
            raise _zip_bomb(f"có phần “{info.filename}” bị nén hơn {MAX_RATIO} lần")

    by_name = {i.filename.replace("\\", "/").lower(): i for i in infos}
    if "xl/workbook.xml" in by_name:
        kind = "xlsx"
    elif "xl/workbook.bin" in by_name:
        raise FileRefused(
            "unsupported-format",
            "Tệp này là sổ làm việc nhị phân Excel (.xlsb), định dạng chưa được hỗ trợ. " + _SAVE_AS_XLSX)
    elif "mimetype" in by_name or "content.xml" in by_name:
        mimetype = ""
        if "mimetype" in by_name:
            mimetype = _inflate_small(data, by_name["mimetype"], 256).decode("ascii", "replace").strip()
        if mimetype and mimetype != "application/vnd.oasis.opendocument.spreadsheet":
            what = {"text": "văn bản OpenDocument (.odt)",
                    "presentation": "bài trình chiếu OpenDocument (.odp)"}.get(
                mimetype.rsplit(".", 1)[-1].split("-")[0], "tài liệu OpenDocument không phải bảng tính")
            raise _not_a_spreadsheet(what, filename)
        kind = "ods"
    elif "word/document.xml" in by_name:
        raise _not_a_spreadsheet("tài liệu Word (.docx)", filename)
    elif "ppt/presentation.xml" in by_name:
        raise _not_a_spreadsheet("bài trình chiếu PowerPoint (.pptx)", filename)
    else:
        raise _not_a_spreadsheet("một tệp nén ZIP", filename)

    if any(i.flag_bits & 0x1 for i in infos):
        raise _password_protected()
    if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
        raise _unreadable("tệp dùng kiểu nén không chuẩn")

    guard = _XlsxGuard(data, by_name, max_rows) if kind == "xlsx" else _OdsGuard(max_rows)
    for info in infos:
        if info.is_dir() or _skip_member(info.filename):
            continue
        _inflate(data, info, guard.consumer(info))
    guard.check()
    return _load_workbook(data, max_rows, "xlsx" if kind == "xlsx" else "ods", guard)


_SKIPPED_PREFIXES = ("xl/media/", "xl/embeddings/", "xl/printersettings/", "docprops/thumbnail",
                     "pictures/", "thumbnails/", "media/")


def _skip_member(name: str) -> bool:
    """Parts calamine never opens (pictures, embedded objects) are not inflated."""
    return name.replace("\\", "/").lower().startswith(_SKIPPED_PREFIXES)


def _zip_member_count(data: bytes) -> int | None:
    """Members announced by the end-of-central-directory record, read before zipfile parses them."""
    tail_start = max(0, len(data) - 65_557)
    pos = data.rfind(b"PK\x05\x06", tail_start)
    if pos < 0 or pos + 22 > len(data):
        return None
    count = struct.unpack_from("<H", data, pos + 10)[0]
    if count == 0xFFFF and pos >= 20 and data[pos - 20:pos - 16] == b"PK\x06\x07":
        z64 = struct.unpack_from("<Q", data, pos - 12)[0]
        if z64 + 40 <= len(data) and data[z64:z64 + 4] == b"PK\x06\x06":
            count = struct.unpack_from("<Q", data, z64 + 32)[0]
    return count


def _member_data(data: bytes, info: zipfile.ZipInfo) -> memoryview:
    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04":
        raise _unreadable("tệp nén (zip) bị hỏng")
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + name_len + extra_len
    if start + info.compress_size > len(data):
        raise _unreadable("tệp nén (zip) không đầy đủ, có thể do tải về chưa xong")
    return memoryview(data)[start:start + info.compress_size]


def _inflate(data: bytes, info: zipfile.ZipInfo, consumer) -> None:
    """Unpack one member in bounded chunks, handing each to `consumer`.

    Refused as a zip bomb the moment the member yields more than its header declared.
    """
    packed = _member_data(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.file_size != len(packed):
            raise _unreadable("tệp nén (zip) bị hỏng")
        for pos in range(0, len(packed), _OUT_CHUNK):
            if consumer:
                consumer(bytes(packed[pos:pos + _OUT_CHUNK]))
        if consumer:
            consumer(None)
        return
    inflater = zlib.decompressobj(-15)
    produced, pos = 0, 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            chunk = inflater.unconsumed_tail
        elif pos < len(packed):
            chunk, pos = packed[pos:pos + _IN_CHUNK], pos + _IN_CHUNK
        else:
            break
        out = inflater.decompress(chunk, _OUT_CHUNK)
        produced += len(out)
        if produced > info.file_size:
            raise _zip_bomb(f"có phần “{info.filename}” giải nén ra nhiều hơn kích thước khai báo")
        if out and consumer:
            consumer(out)
    if produced != info.file_size:
        raise _unreadable("tệp nén (zip) bị hỏng hoặc không đầy đủ")
    if consumer:
        consumer(None)


def _inflate_small(data: bytes, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A small member whole (workbook.xml, its rels, mimetype); b'' when larger than `limit`."""
    if info.file_size > limit:
        return b""
    parts: list[bytes] = []
    _inflate(data, info, lambda chunk: chunk is not None and parts.append(chunk))
    return b"".join(parts)


class _TagChunks:
    """Re-cuts a stream of XML chunks at tag ends so that no tag is split between two pieces."""

    def __init__(self, handle):
        self.handle = handle
        self.carry = b""

    def __call__(self, chunk: bytes | None) -> None:
        if chunk is None:
            if self.carry:
                self.handle(self.carry)
            self.carry = b""
            self.handle(None)
            return
        buf = self.carry + chunk if self.carry else chunk
        cut = buf.rfind(b">") + 1
        if cut == 0 and len(buf) < 4 * _OUT_CHUNK:
            self.carry = buf
            return
        cut = cut or len(buf)
        self.carry = buf[cut:]
        self.handle(buf[:cut])


# --- xlsx extent guard -----------------------------------------------------------------------

_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_ROOT_PREFIX = re.compile(rb"<([\w.-]+:)?worksheet[\s>]")
_REF = re.compile(r"^\$?([A-Za-z]+)?\$?0*(\d+)$")  # calamine takes any number of letters
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^>]*?)/?>")
_REL_TAG = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^>]*?)/?>")
_ATTR = re.compile(rb"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _at_least(value: str, alphabet: str, longer: str) -> str:
    """A regex matching strings over `alphabet` that compare >= `value` (same-length strings
    compare by position; `longer` matches every longer string)."""
    alts = [longer]
    for i, ch in enumerate(value):
        higher = alphabet[alphabet.index(ch) + 1:]
        if higher:
            rest = len(value) - i - 1
            cls = f"[{higher[0]}-{higher[-1]}]" if len(higher) > 1 else re.escape(higher)
            alts.append(re.escape(value[:i]) + cls + (f"[{alphabet[0]}-{alphabet[-1]}]{{{rest}}}" if rest else ""))
    alts.append(re.escape(value))
    return "(?:" + "|".join(alts) + ")"


def _flag_pattern(row_from: int, col_from: int) -> re.Pattern:
    """Matches `r="…"` references whose row is >= row_from or whose column is >= col_from, in
    every form calamine accepts (lower case, single quotes, spaces around `=`, leading zeros)."""
    rows = _at_least(str(row_from), "0123456789", rf"[1-9][0-9]{{{len(str(row_from))},}}")
    letters = _col_letters(col_from)
    cols = _at_least(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", rf"[A-Z]{{{len(letters) + 1},}}")
    pattern = rf"r\s*=\s*[\"'](?:({cols})0*([0-9]+)|([A-Z]{{0,3}})0*({rows}))[\"']"
    return re.compile(pattern.encode(), re.IGNORECASE)


def _ref_table(col_from: int) -> bytes:
    """Byte map for the cheap pre-test: column letters >= col_from become B, other letters A,
    digits 0, ' becomes ", so that every reference reads `"A0…`, `"B0…` or `"AA…0…`."""
    table = bytearray(range(256))
    for i in range(26):
        table[65 + i] = table[97 + i] = ord("B") if i + 1 >= col_from else ord("A")
    for d in b"0123456789":
        table[d] = ord("0")
    table[ord("'")] = ord('"')
    return bytes(table)


class _SheetScan:
    """Bounds one worksheet's extent from its XML without parsing it.

    calamine fills the rectangle from A1 to the farthest cell, so what matters is the largest row
    and column any cell names. Per chunk, C-speed byte counts give the number of `<row`/`<c` tags
    (with and without an `r="` first attribute), and a translated copy is searched for literal
    shapes that any reference at column >= `col_from` or row >= `row_from` must have (two letters
    before a digit, `"B0`, T+1 digits after a quote); only chunks that show one are searched with
    the exact regex. The bound is then (largest row) x (largest column), widened by tags without
    `r`; `_ExactExtent` tokenises the sheet when that bound is too loose.
    """

    def __init__(self, info: zipfile.ZipInfo, name: str, max_rows: int, budget: int):
        self.info, self.name, self.max_rows, self.budget = info, name, max_rows, budget
        self.started = False
        self.tags_row = self.tags_row_r = self.tags_c = self.tags_c_r = 0
        self.max_row = self.max_col = 0
        self.prefix = b""
        self.in_data = False

    def _start(self, buf: bytes) -> None:
        self.started = True
        m = _ROOT_PREFIX.search(buf, 0, 4096)
        self.prefix = (m.group(1) or b"") if m else b""
        dim_row = dim_col = None
        m = _DIMENSION.search(buf)
        if m and b":" in m.group(1):  # a lone "A1" is what some writers put in every sheet
            ref = _REF.match(m.group(1).decode("latin-1").split(":")[-1].strip())
            if ref:
                dim_row, dim_col = int(ref.group(2)), _col_number(ref.group(1) or "A")
        if dim_row is not None and dim_row > self.max_rows:
            raise _too_many_rows(self.name, dim_row, self.max_rows)
        self.col_from = min(dim_col, 16_384) + 1 if dim_col else 21
        # rows below 10**T are never looked at; T as large as the row limit and budget allow
        digits = 0
        while 10 ** (digits + 1) - 1 <= self.max_rows and (10 ** (digits + 1) - 1) * (self.col_from - 1) <= self.budget:
            digits += 1
        self.row_from = 10 ** digits
        self.flag = _flag_pattern(self.row_from, self.col_from)
        self.table = _ref_table(self.col_from)
        zeros = b"0" * (digits + 1)
        self.shapes = [b'"A' + zeros, b'"' + zeros, b"AA0"]  # long rows; two or more letters
        if self.col_from <= 26:  # one letter at or past col_from reads "B0
            self.shapes += [b'"B0', b"AB0", b"BA0", b"BB0"]

    def __call__(self, buf: bytes | None) -> None:
        if buf is None:
            return
        if not self.started:
            self._start(buf)
        self._count_in_sheet_data(buf)
        if self.tags_row > self.max_rows:
            raise _too_many_rows(self.name, self.tags_row, self.max_rows)
        shaped = buf.translate(self.table)
        if not any(shape in shaped for shape in self.shapes):
            return
        for m in self.flag.finditer(buf):
            if m.start() == 0 or buf[m.start() - 1] not in b" \t\r\n":
                continue  # an attribute that merely ends in "r", e.g. paper="9"
            letters, digits = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            row, col = int(digits), _col_number(letters.decode("ascii")) if letters else 0
            if row > self.max_rows:
                raise _too_many_rows(self.name, row, self.max_rows)
            self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)

    def _count_in_sheet_data(self, buf: bytes) -> None:
        """Counts `<row` and `<c` tags inside <sheetData> only: that is where calamine reads cells,
        and outside it `<cols>`, `<col …>`, `<cfRule>` … would look like cells without `r`."""
        p = self.prefix
        opening, closing = b"<" + p + b"sheetData", b"</" + p + b"sheetData"
        pos, size = 0, len(buf)
        while pos < size:
            if not self.in_data:
                start = buf.find(opening, pos)
                if start < 0:
                    return
                pos = buf.find(b">", start) + 1 or size
                self.in_data = buf[pos - 2:pos - 1] != b"/"
                continue
            end = buf.find(closing, pos)
            stop = size if end < 0 else end
            self.tags_row += buf.count(b"<" + p + b"row", pos, stop)
            self.tags_row_r += buf.count(b"<" + p + b'row r="', pos, stop)
            self.tags_c += buf.count(b"<" + p + b"c", pos, stop)
            self.tags_c_r += buf.count(b"<" + p + b'c r="', pos, stop)
            if end < 0:
                return
            self.in_data, pos = False, end + len(closing)

    def bound(self) -> int:
        if not self.started:
            return 0
        rows = max(self.row_from - 1, self.max_row) + max(0, self.tags_row - self.tags_row_r)
        cols = max(self.col_from - 1, self.max_col) + max(0, self.tags_c - self.tags_c_r)
        return rows * cols


_XLSX_TOKEN = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([^\"']*)[\"']")


class _ExactExtent:
    """Positions every row and cell like calamine (a missing `r` follows the previous one)."""

    def __init__(self, name: str, max_rows: int):
        self.name, self.max_rows = name, max_rows
        self.row = self.col = -1
        self.max_row = self.max_col = -1

    def __call__(self, buf: bytes | None) -> None:
        if buf is None:
            return
        for m in _XLSX_TOKEN.finditer(buf):
            tag, attrs = m.group(1), m.group(2)
            r = _R_ATTR.search(attrs)
            ref = _REF.match(r.group(1).decode("latin-1").strip()) if r else None
            if tag == b"row":
                self.row = int(ref.group(2)) - 1 if ref else self.row + 1
                self.col = -1
                if self.row + 1 > self.max_rows:
                    raise _too_many_rows(self.name, self.row + 1, self.max_rows)
                continue
            if ref and ref.group(1):
                row, self.col = int(ref.group(2)) - 1, _col_number(ref.group(1)) - 1
            else:
                row, self.col = self.row, self.col + 1
            if row + 1 > self.max_rows:
                raise _too_many_rows(self.name, row + 1, self.max_rows)
            if not attrs.rstrip().endswith(b"/"):
                self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, self.col)

    def cells(self) -> int:
        return (self.max_row + 1) * (self.max_col + 1)


class _XlsxGuard:
    def __init__(self, data: bytes, by_name: dict[str, zipfile.ZipInfo], max_rows: int):
        self.data, self.max_rows = data, max_rows
        self.scans: list[_SheetScan] = []
        self.parts = self._visible_parts(by_name)  # part name (lower case) -> sheet name; None: all

    def _visible_parts(self, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, str] | None:
        try:
            workbook = _inflate_small(self.data, by_name["xl/workbook.xml"], 16 * MB)
            rels_info = by_name.get("xl/_rels/workbook.xml.rels")
            rels = _inflate_small(self.data, rels_info, 16 * MB) if rels_info else b""
        except FileRefused:
            raise
        except Exception:  # noqa: BLE001 - fall back to guarding every worksheet part
            return None
        targets = {}
        for m in _REL_TAG.finditer(rels):
            attrs = _attrs(m.group(1))
            if "Id" in attrs and "Target" in attrs:
                target = attrs["Target"].replace("\\", "/")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                targets[attrs["Id"]] = (path.lower(), attrs.get("Type", "").endswith("/worksheet"))
        parts = {}
        for m in _SHEET_TAG.finditer(workbook):
            attrs = _attrs(m.group(1))
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            if rid not in targets or targets[rid][0] not in by_name:
                return None  # calamine may still find it: guard every worksheet part instead
            path, is_worksheet = targets[rid]
            if is_worksheet and attrs.get("state", "visible") == "visible":
                parts[path] = attrs.get("name", path)
        return parts or None

    def consumer(self, info: zipfile.ZipInfo):
        name = info.filename.replace("\\", "/").lower()
        if self.parts is not None:
            if name not in self.parts:
                return None
        elif not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            return None
        scan = _SheetScan(info, self.parts[name] if self.parts else posixpath.basename(name), self.max_rows,
                          MAX_CELLS)
        self.scans.append(scan)
        return _TagChunks(scan)

    def check(self) -> None:
        """Each sheet on its own: calamine loads xlsx sheets one at a time, and `_load_workbook`
        stops before the next one once the sheets already read hold `MAX_CELLS` cells."""
        for scan in self.scans:
            if scan.bound() > MAX_CELLS:
                exact = _ExactExtent(scan.name, self.max_rows)
                _inflate(self.data, scan.info, _TagChunks(exact))
                if exact.cells() > MAX_CELLS:
                    raise _sheet_too_large(scan.name, exact.max_row + 1, exact.max_col + 1)


def _attrs(raw: bytes) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        out[m.group(1).decode("utf-8", "replace")] = unescape(value.decode("utf-8", "replace"))
    return out


# --- ods extent guard ------------------------------------------------------------------------

_ODS_TOKEN = re.compile(rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ODS_NUM = {name: re.compile(rb"(?:[\w.-]+:)?" + name + rb"\s*=\s*[\"']\s*([0-9]+)")
            for name in (b"number-rows-repeated", b"number-columns-repeated",
                         b"number-rows-spanned", b"number-columns-spanned")}
_ODS_NAME = re.compile(rb"(?:[\w.-]+:)?name\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _ods_num(attrs: bytes, name: bytes) -> int:
    if name not in attrs:
        return 1
    m = _ODS_NUM[name].search(attrs)
    return max(1, int(m.group(1))) if m else 1


class _OdsGuard:
    """Walks content.xml once: extent of every table (with repeats) and its merged cells.

    calamine parses all tables of an ods when it opens it, hidden ones too, so all count.
    """

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.tables: list[dict] = []
        self.total = 0
        self.t: dict | None = None
        self.row = self.col = self.row_rep = 0

    def consumer(self, info: zipfile.ZipInfo):
        if info.filename.replace("\\", "/").lower() != "content.xml":
            return None
        return _TagChunks(self._feed)

    def _feed(self, buf: bytes | None) -> None:
        if buf is None:
            return
        for m in _ODS_TOKEN.finditer(buf):
            closing, tag, attrs = m.groups()
            if tag == b"table":
                if closing:
                    self._end_table()
                else:
                    nm = _ODS_NAME.search(attrs)
                    name = (nm.group(1) if nm and nm.group(1) is not None else nm.group(2) if nm else b"")
                    self.t = {"name": unescape(name.decode("utf-8", "replace")), "rows": 0, "cols": 0,
                              "merged": []}
                    self.row = 0
            elif self.t is None:
                continue
            elif tag == b"table-row":
                if closing:
                    self.row += self.row_rep
                    continue
                self.row_rep, self.col = _ods_num(attrs, b"number-rows-repeated"), 0
                if attrs.rstrip().endswith(b"/"):
                    self.row += self.row_rep
            elif not closing:
                rep = _ods_num(attrs, b"number-columns-repeated")
                if not attrs.rstrip().endswith(b"/") or b"value-type" in attrs:
                    self.t["rows"] = max(self.t["rows"], self.row + self.row_rep)
                    self.t["cols"] = max(self.t["cols"], self.col + rep)
                    self._check(self.t)
                if tag == b"table-cell" and b"spanned" in attrs and len(self.t["merged"]) < 100_000:
                    rs, cs = _ods_num(attrs, b"number-rows-spanned"), _ods_num(attrs, b"number-columns-spanned")
                    if rs > 1 or cs > 1:
                        self.t["merged"].append((self.row, self.col, self.row + rs - 1, self.col + cs - 1))
                self.col += rep

    def _check(self, t: dict) -> None:
        if self.total + min(t["rows"], 1_048_576) * t["cols"] > MAX_CELLS:
            raise _sheet_too_large(t["name"], t["rows"], t["cols"])

    def _end_table(self) -> None:
        if self.t is not None:
            self._check(self.t)
            self.total += min(self.t["rows"], 1_048_576) * self.t["cols"]
            self.tables.append(self.t)
        self.t = None

    def check(self) -> None:
        self._end_table()

    def merged(self, index: int, name: str) -> list[tuple[int, int, int, int]]:
        if index < len(self.tables) and self.tables[index]["name"] == name:
            return self.tables[index]["merged"]
        return []


# ---------------------------------------------------------------------------------------------
# OLE2 compound files: xls, and encrypted OOXML

class _Cfb:
    """Just enough of [MS-CFB] to list streams and read one."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise ValueError("short compound file")
        self.data = data
        major, _, shift, mini_shift = struct.unpack_from("<HHHH", data, 0x1A)
        if shift not in (9, 12):
            raise ValueError("bad sector size")
        self.ssz = 1 << shift
        self.mini_ssz = 1 << mini_shift
        (n_fat, dir_start, _, self.cutoff, minifat_start, n_minifat, difat_start,
         n_difat) = struct.unpack_from("<IIIIIIII", data, 0x2C)
        fat_sids = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < 0xFFFFFFFA]
        sid, per = difat_start, self.ssz // 4
        for _ in range(min(n_difat, len(data) // self.ssz + 1)):
            if sid >= 0xFFFFFFFA:
                break
            ids = struct.unpack_from(f"<{per}I", self._sector(sid))
            fat_sids += [s for s in ids[:-1] if s < 0xFFFFFFFA]
            sid = ids[-1]
        self.fat = self._table(b"".join(self._sector(s) for s in fat_sids[:max(n_fat, 1)]))
        raw_dir = self._chain_bytes(self.fat, dir_start, self._sector)
        self.entries = []
        for off in range(0, len(raw_dir) - 127, 128):
            e = raw_dir[off:off + 128]
            name_len, typ = struct.unpack_from("<HB", e, 64)
            start, size = struct.unpack_from("<IQ", e, 116)
            if major == 3:
                size &= 0xFFFFFFFF
            name = e[:max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
            self.entries.append((name, typ, start, size))
        self.minifat = self._table(b"")
        if n_minifat and minifat_start < 0xFFFFFFFA:
            self.minifat = self._table(self._chain_bytes(self.fat, minifat_start, self._sector))
        root = next((e for e in self.entries if e[1] == 5), None)
        self.ministream = (self._chain_bytes(self.fat, root[2], self._sector)[:root[3]]
                           if root and root[2] < 0xFFFFFFFA else b"")

    @staticmethod
    def _table(raw: bytes) -> array:
        table = array("I")
        if table.itemsize == 4 and sys.byteorder == "little":
            table.frombytes(raw[:len(raw) // 4 * 4])
            return table
        return array("L", struct.unpack(f"<{len(raw) // 4}I", raw[:len(raw) // 4 * 4]))

    def _sector(self, sid: int) -> bytes:
        off = (sid + 1) * self.ssz
        if off >= len(self.data):
            raise ValueError("sector out of range")
        return self.data[off:off + self.ssz].ljust(self.ssz, b"\0")

    def _mini_sector(self, sid: int) -> bytes:
        off = sid * self.mini_ssz
        if off >= len(self.ministream):
            raise ValueError("mini sector out of range")
        return self.ministream[off:off + self.mini_ssz]

    @staticmethod
    def _chain_bytes(table: array, start: int, read) -> bytes:
        parts, sid, steps = [], start, 0
        while sid < 0xFFFFFFFA:
            if sid >= len(table) or steps > len(table):
                raise ValueError("broken sector chain")
            parts.append(read(sid))
            sid, steps = table[sid], steps + 1
        return b"".join(parts)

    def streams(self) -> dict[str, tuple[int, int]]:
        return {name.lower(): (start, size) for name, typ, start, size in self.entries if typ == 2}

    def read(self, start: int, size: int) -> bytes:
        if size < self.cutoff:
            return self._chain_bytes(self.minifat, start, self._mini_sector)[:size]
        return self._chain_bytes(self.fat, start, self._sector)[:size]


_BIFF_CELLS = frozenset((0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6))


def _scan_biff(stream: bytes) -> tuple[bool, list[tuple[str, int, int]]]:
    """(encrypted, [(sheet name, rows, columns)]) from a Workbook stream's records."""
    names: dict[int, str] = {}
    boxes: list[list] = []
    unpack, pos, end = struct.unpack_from, 0, len(stream)
    current = None
    while pos + 4 <= end:
        typ, length = unpack("<HH", stream, pos)
        body = pos + 4
        if typ == 0x0809:
            current = [pos, 0, 0]
            boxes.append(current)
        elif typ in _BIFF_CELLS:
            if length >= 4 and current is not None:
                row, col = unpack("<HH", stream, body)
                if row >= current[1]:
                    current[1] = row + 1
                if col >= current[2]:
                    current[2] = col + 1
        elif typ == 0x00BD:  # MULRK: row, first column, ..., last column
            if length >= 6 and current is not None:
                row = unpack("<H", stream, body)[0]
                last = unpack("<H", stream, body + length - 2)[0]
                current[1], current[2] = max(current[1], row + 1), max(current[2], last + 1)
        elif typ == 0x002F and len(boxes) <= 1:
            return True, []
        elif typ == 0x0085 and length >= 8:  # BOUNDSHEET: stream offset, state, type, name
            offset = unpack("<I", stream, body)[0]
            cch, high = stream[body + 6], stream[body + 7] if length > 7 else 0
            raw = stream[body + 8:body + 8 + cch * (2 if high & 1 else 1)]
            names[offset] = raw.decode("utf-16-le" if high & 1 else "latin-1", "replace")
        pos = body + length
    return False, [(names.get(b[0], "?"), b[1], b[2]) for b in boxes]


def _read_ole(data: bytes, filename: str, max_rows: int) -> list[RawSheet]:
    try:
        cfb = _Cfb(data)
        streams = cfb.streams()
    except (ValueError, struct.error, IndexError, OverflowError):
        raise _unreadable("tệp Excel 97-2003 (.xls) bị hỏng") from None
    if "encryptioninfo" in streams or "encryptedpackage" in streams:
        raise _password_protected()
    book = streams.get("workbook") or streams.get("book")
    if book is None:
        if "worddocument" in streams:
            raise _not_a_spreadsheet("tài liệu Word (.doc)", filename)
        if "powerpoint document" in streams:
            raise _not_a_spreadsheet("bài trình chiếu PowerPoint (.ppt)", filename)
        raise _not_a_spreadsheet("một tệp Office không phải bảng tính", filename)
    try:
        encrypted, boxes = _scan_biff(cfb.read(*book))
    except (ValueError, struct.error, IndexError):
        raise _unreadable("tệp Excel 97-2003 (.xls) bị hỏng") from None
    if encrypted:
        raise _password_protected()
    total = 0
    for name, rows, cols in boxes:  # calamine parses every sheet of an xls when it opens it
        total += rows * cols
        if total > MAX_CELLS:
            raise _sheet_too_large(name, rows, cols)
    return _load_workbook(data, max_rows, "xls", None)


# ---------------------------------------------------------------------------------------------
# calamine

def _load_workbook(data: bytes, max_rows: int, kind: str, guard) -> list[RawSheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise _password_protected() from None
    except CalamineError:
        raise _unreadable(_KIND_LABELS[kind] + " bị hỏng hoặc được lưu theo định dạng không chuẩn") from None
    sheets: list[RawSheet] = []
    cells = 0
    with workbook:
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
            except PasswordError:
                raise _password_protected() from None
            except CalamineError:
                raise _unreadable(f"trang “{meta.name}” bị hỏng hoặc được lưu theo định dạng không chuẩn") from None
            end = sheet.end
            rows: list[list] = []
            if end is not None:
                height, width = end[0] + 1, end[1] + 1
                if height > max_rows:
                    raise _too_many_rows(meta.name, height, max_rows)
                cells += height * width
                if cells > MAX_CELLS:
                    raise _sheet_too_large(meta.name, height, width)
                rows = sheet.to_python(skip_empty_area=False)
            if isinstance(guard, _OdsGuard):
                merged = list(guard.merged(index, meta.name))
            else:
                merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            sheets.append(RawSheet(meta.name, rows, 1, 0, merged))
    if not any(s.rows for s in sheets):
        raise FileRefused(
            "empty-workbook",
            "Tệp không có trang tính nào đang hiện và có dữ liệu (các trang đều trống, bị ẩn hoặc chỉ là "
            "biểu đồ). Hãy kiểm tra lại tệp: bỏ ẩn trang chứa danh sách (chuột phải vào tên trang › Bỏ ẩn) "
            "rồi lưu và tải lên lại.")
    return sheets


_KIND_LABELS = {"xlsx": "Tệp Excel (.xlsx)", "xls": "Tệp Excel 97-2003 (.xls)", "ods": "Tệp LibreOffice (.ods)"}


# ---------------------------------------------------------------------------------------------
# CSV and other text

def _vietnamese_letters() -> frozenset[str]:
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    bases = ("a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u", "u\u031b", "y")
    letters = {"đ", "Đ"}
    for base in bases:
        for tone in tones:
            ch = unicodedata.normalize("NFC", base + tone)
            if len(ch) == 1:
                letters.update((ch, ch.upper()))
    return frozenset(letters)


_VIETNAMESE = _vietnamese_letters()
_TEXT_EXTRA = frozenset("\u00a0“”‘’–—…•°€±×÷·§")


def _plausible_vietnamese(text: str) -> bool:
    """Every character is ASCII text, a Vietnamese letter or common punctuation."""
    for ch in set(text):
        if ch < "\x80":
            if ch < " " and ch not in "\t\r\n\x0c\x1a":
                return False
        elif ch not in _VIETNAMESE and ch not in _TEXT_EXTRA:
            return False
    return True


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\0" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13, 26))
    return controls > len(sample) // 100


def _decode_text(data: bytes, filename: str) -> str:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) and len(data) % 4 == 0:
        encodings = ["utf-32"]
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        sample = data[:4096]
        odd, even = sample[1::2], sample[0::2]
        if len(sample) >= 4 and len(data) % 2 == 0 and odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
            encodings = ["utf-16-le"]
        elif len(sample) >= 4 and len(data) % 2 == 0 and even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
            encodings = ["utf-16-be"]
        else:
            encodings = ["utf-8"]
    if encodings != ["utf-8"]:
        try:
            return data.decode(encodings[0])
        except UnicodeDecodeError:
            raise _csv_encoding() from None
    if _looks_binary(data):
        raise _not_a_spreadsheet("dữ liệu nhị phân không rõ loại", filename)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        raise _csv_encoding() from None
    if not _plausible_vietnamese(text):
        raise _csv_encoding()
    return text


def _guess_delimiter(text: str) -> str:
    sample = text[:65536]
    if len(text) > len(sample):
        sample = sample[:sample.rfind("\n") + 1] or sample
    best, best_score = ",", None
    for delimiter in (",", ";", "\t", "|"):
        try:
            widths = [len(row) for row in islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 200) if row]
        except csv.Error:
            continue
        multi = [w for w in widths if w > 1]
        if not multi:
            continue
        width, freq = Counter(multi).most_common(1)[0]
        score = (freq / len(widths), width)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, filename: str, max_rows: int) -> RawSheet:
    text = _decode_text(data, filename)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.lstrip("\ufeff")
    if "\0" in text:
        raise _not_a_spreadsheet("dữ liệu nhị phân không rõ loại", filename)
    if not text.strip():
        raise _empty_file()
    delimiter = None
    first_line = text[:text.find("\n")] if "\n" in text[:64] else text[:64]
    hint = re.fullmatch(r"\s*sep=(.)\s*", first_line)  # Excel's "sep=;" first line
    if hint:
        delimiter = hint.group(1)
        text = text[len(first_line):].lstrip("\r\n")
    delimiter = delimiter or _guess_delimiter(text)
    name = re.split(r"[\\/]", filename)[-1]
    name = name.rsplit(".", 1)[0] if "." in name else name
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        if text.count("\n") + text.count("\r") + 1 > max_rows:  # cheap bound first, then count
            if sum(1 for _ in islice(reader, max_rows + 1)) > max_rows:
                raise _too_many_rows(name, None, max_rows)
            reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = list(reader)
    except csv.Error:
        raise _unreadable(f"tệp CSV có lỗi cấu trúc ở dòng {reader.line_num} (ví dụ dấu ngoặc kép "
                          "không đóng hoặc một ô quá dài)") from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise _empty_file()
    width = max(len(row) for row in rows)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return RawSheet(name, rows, 1, 0, [])


# ---------------------------------------------------------------------------------------------
# Refusals

def _mb(size: int) -> str:
    value = size / MB
    return (f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")) + " MB"


def _ext_note(filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f", dù tên tệp có đuôi .{ext}" if ext in ("xls", "xlsx", "xlsm", "ods", "csv") else ""


def _empty_file() -> FileRefused:
    return FileRefused(
        "empty-file",
        "Tệp rỗng, không có dữ liệu. Có thể tệp chưa được lưu xong hoặc bị lỗi khi sao chép; hãy mở "
        "lại tệp gốc, lưu lại rồi tải lên.")


def _not_a_spreadsheet(what: str, filename: str) -> FileRefused:
    return FileRefused(
        "not-a-spreadsheet",
        f"Tệp này thực chất là {what}, không phải bảng tính{_ext_note(filename)}. Hãy tải lên danh sách "
        "dạng Excel (.xlsx, .xls), LibreOffice (.ods) hoặc CSV.")


def _password_protected() -> FileRefused:
    return FileRefused(
        "password-protected",
        "Tệp được đặt mật khẩu (mã hoá) nên không đọc được. Hãy mở tệp bằng Excel, nhập mật khẩu, gỡ "
        "mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hoá bằng mật khẩu, xoá mật khẩu rồi bấm "
        "OK), lưu lại và tải lên.")


def _zip_bomb(detail: str) -> FileRefused:
    return FileRefused(
        "zip-bomb",
        f"Tệp bị từ chối để bảo vệ hệ thống: tệp {detail} (giới hạn: giải nén tối đa 1 GB, mỗi phần "
        f"không nén quá {MAX_RATIO} lần). Bảng tính thật không có cấu trúc như vậy; nếu đây là tệp "
        "của bạn, hãy mở bằng Excel, lưu thành tệp .xlsx mới rồi tải lên.")


def _too_many_rows(sheet: str, rows: int | None, max_rows: int) -> FileRefused:
    count = f"{rows:,}".replace(",", ".") + " hàng" if rows is not None else "nhiều hàng hơn mức cho phép"
    limit = f"{max_rows:,}".replace(",", ".")
    return FileRefused(
        "too-many-rows",
        f"Trang “{sheet}” có {count}, vượt giới hạn {limit} hàng. Hãy xoá các hàng thừa (kể cả hàng "
        "trống đã định dạng ở cuối trang) hoặc chia danh sách thành nhiều tệp rồi tải lên lại.")


def _sheet_too_large(sheet: str, rows: int, cols: int) -> FileRefused:
    return FileRefused(
        "sheet-too-large",
        f"Trang “{sheet}” trải trên vùng quá lớn ({rows:,} hàng × {cols:,} cột)".replace(",", ".")
        + ", vượt sức xử lý của hệ thống. Hãy xoá các ô thừa ở xa vùng danh sách (thường là ô lẻ ở "
        "cuối trang hoặc cột rất xa bên phải), lưu lại rồi tải lên.")


def _unreadable(detail: str) -> FileRefused:
    return FileRefused(
        "unreadable-file",
        f"Không đọc được tệp: {detail}. Hãy mở tệp bằng Excel hoặc LibreOffice, chọn Lưu thành "
        "(Save As) › Excel Workbook (.xlsx) rồi tải lên lại.")


def _csv_encoding() -> FileRefused:
    return FileRefused(
        "csv-encoding",
        "Tệp văn bản (CSV) này không dùng bảng mã Unicode nên chữ tiếng Việt không đọc chắc chắn được "
        "(có thể là bảng mã TCVN3/ABC, VNI hoặc một bảng mã khác). Hãy mở tệp bằng Excel, chọn Lưu "
        "thành (Save As) › “CSV UTF-8 (Comma delimited) (*.csv)” hoặc Excel Workbook (.xlsx), rồi tải "
        "lên lại.")
