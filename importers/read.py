"""Bytes in, sheets of cell values out (python-calamine for workbooks, csv for text).

The format is told from the content, never from the file name: a CSV named `.xls` is read as CSV,
an HTML page or a PDF named `.xls`/`.xlsx` is refused and the message says what the file really is.
Everything that is not a readable table ends in `FileRefused(code, message)` with a Vietnamese
message; nothing else escapes `read_sheets` (not even a Rust panic from calamine).

Codes: file-too-large, empty-file, empty-workbook, zip-bomb, too-many-rows, sheet-too-large,
password-protected, html-not-spreadsheet, pdf-not-spreadsheet, not-a-spreadsheet,
unsupported-format, csv-encoding, unreadable-file.

Two parts:

* `check(data, filename)`: cheap and bounded, nothing unpacked: the upload limit
  (`TRACKER_MAX_UPLOAD_MB`, default 50 MB), an empty file, what the file really is (PDF, HTML,
  Word, xlsb, ...), a password, and for zip containers the central directory: at most
  `MAX_ZIP_MEMBERS` members, at most `MAX_UNPACKED_BYTES` (1 GiB) unpacked in all, no member of
  `RATIO_MIN_BYTES` (1 MiB) or more that is over `MAX_RATIO` (200) times its packed size.
* `read_sheets(data, filename)`: `check`, then calamine or the csv reader. calamine allocates a
  sheet as a dense rectangle and aborts the process when that fails, so uploads are read by
  `importers.isolated` in a child process with a memory and a time limit, never in the server's
  own process. Sheets whose rectangle is over `MAX_CELLS` cells, or a visible sheet over
  `max_rows` rows, are refused with their size once calamine has measured them.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import struct
import unicodedata
import zipfile
from zlib import error as zlib_error
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from itertools import islice

from python_calamine import (CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum,
                             SheetVisibleEnum)

from importers.report import FileRefused
from settings import current

log = logging.getLogger(__name__)

MB = 1024 * 1024


MAX_UPLOAD_BYTES = current().upload_limit
MAX_ROWS = 1_000_000
MAX_UNPACKED_BYTES = 1 << 30          # a zip container may unpack to 1 GiB in all
MAX_RATIO = 200                       # ... and no member may be more than 200x its packed size
RATIO_MIN_BYTES = 1 * MB              # ... unless it unpacks to less than 1 MiB (tiny parts compress well)
MAX_ZIP_MEMBERS = 10_000              # a real workbook has tens of parts; more is a zip of many bombs
MAX_CELLS = 10_000_000                # cells all sheets read may span: ~320 MB in calamine, as much again
                                      # in Python objects; what the 1 GiB reader holds, with room

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
                max_rows: int = MAX_ROWS, on_sheet=None) -> list[RawSheet]:
    """Every visible worksheet of `data` (hidden and chart sheets left out), or `FileRefused`.

    `on_sheet(name)` is called before calamine builds each sheet (the isolated reader reports it).
    Run it on untrusted bytes only in a child process (`importers.isolated`)."""
    if not isinstance(data, bytes):
        data = bytes(data)
    kind = check(data, filename, max_bytes=max_bytes)
    try:
        if kind == "csv":
            return [_read_csv(data, filename, max_rows)]
        return _load_workbook(data, max_rows, kind, on_sheet)
    except FileRefused:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # noqa: BLE001 - calamine panics are BaseException (pyo3 PanicException)
        log.warning("unreadable upload %r", filename, exc_info=True)
        raise FileRefused(
            "unreadable-file",
            "Không đọc được tệp: tệp có thể bị hỏng hoặc được lưu theo định dạng không chuẩn. Hãy mở "
            "tệp bằng Excel hoặc LibreOffice, chọn Lưu thành (Save As) › Excel Workbook (.xlsx) rồi "
            "tải lên lại.") from None


def check(data: bytes, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The cheap checks (nothing unpacked, time linear in the size): 'xlsx', 'ods', 'xls' or 'csv',
    else `FileRefused`."""
    if len(data) > max_bytes:
        raise FileRefused(
            "file-too-large",
            f"Tệp nặng {_mb(len(data))}, vượt giới hạn {_mb(max_bytes)} cho mỗi lần tải lên. Hãy xoá các "
            "trang, hình ảnh không cần thiết hoặc chia danh sách thành nhiều tệp nhỏ hơn rồi tải lên lại.")
    if not data:
        raise _empty_file()
    try:
        return _sniff(data, filename)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - a header that lies in a way not foreseen
        log.warning("unreadable upload %r", filename, exc_info=True)
        raise _unreadable("tệp bị hỏng hoặc được lưu theo định dạng không chuẩn") from None


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


def _sniff(data: bytes, filename: str) -> str:
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _check_zip(data, filename)
    if data.startswith(_OLE_MAGIC):
        return _check_ole(data, filename)
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
    return "csv"
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
# Zip containers: xlsx, xlsm, ods (and refusals for docx, xlsb, ...); the central directory only

def _check_zip(data: bytes, filename: str) -> str:
    members = _zip_member_count(data)
    if members is not None and members > MAX_ZIP_MEMBERS:
        raise _zip_bomb(f"chứa {members:,} phần nén".replace(",", "."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
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
        info = by_name.get("mimetype")
        if info is not None and info.file_size <= 256 and not info.flag_bits & 0x1:
            try:
                mimetype = archive.read(info).decode("ascii", "replace").strip()
            except (zipfile.BadZipFile, ValueError, EOFError, OSError, zlib_error):
                raise _unreadable("tệp nén (zip) bị hỏng") from None
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
    return kind


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


# ---------------------------------------------------------------------------------------------
# OLE2 compound files: xls, and encrypted OOXML. Stream names are UTF-16 in the directory: a
# literal search tells them apart without walking sector chains.

def _ole_has(data: bytes, name: str) -> bool:
    return name.encode("utf-16-le") in data


_BIFF8_GLOBALS = re.compile(rb"\x09\x08(..)\x00\x06\x05\x00", re.DOTALL)


def _check_ole(data: bytes, filename: str) -> str:
    if _ole_has(data, "EncryptionInfo") or _ole_has(data, "EncryptedPackage"):
        raise _password_protected()
    if not (_ole_has(data, "Workbook") or _ole_has(data, "Book")):
        if _ole_has(data, "WordDocument"):
            raise _not_a_spreadsheet("tài liệu Word (.doc)", filename)
        if _ole_has(data, "PowerPoint Document"):
            raise _not_a_spreadsheet("bài trình chiếu PowerPoint (.ppt)", filename)
        if _ole_has(data, "Root Entry"):  # the directory is there and names no workbook
            raise _not_a_spreadsheet("một tệp Office không phải bảng tính", filename)
        raise _unreadable("tệp Excel 97-2003 (.xls) bị hỏng hoặc không đầy đủ")
    # an encrypted xls: a FILEPASS record just after the globals' BOF (after WRITEPROT at most)
    m = _BIFF8_GLOBALS.search(data, 512)
    if m:
        pos = m.start() + 4 + struct.unpack("<H", m.group(1))[0]
        for _ in range(2):
            if pos + 4 > len(data):
                break
            typ, length = struct.unpack_from("<HH", data, pos)
            if typ == 0x002F:
                raise _password_protected()
            pos += 4 + length
    return "xls"


# ---------------------------------------------------------------------------------------------
# calamine (in the isolated child: see the module docstring)

def _load_workbook(data: bytes, max_rows: int, kind: str, on_sheet=None) -> list[RawSheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise _password_protected() from None
    except CalamineError:
        raise _unreadable(_KIND_LABELS[kind] + " bị hỏng hoặc được lưu theo định dạng không chuẩn") from None
    sheets: list[RawSheet] = []
    ods_merged = _ods_merges(data) if kind == "ods" else {}
    cells = 0
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
                continue
            if on_sheet is not None:
                on_sheet(meta.name)
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
            if kind == "ods":
                merged = ods_merged.get(meta.name, [])
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

_ODS_TOKEN = re.compile(rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ODS_NUM = {name: re.compile(rb"(?:[\w.-]+:)?" + name + rb"\s*=\s*[\"']\s*([0-9]+)")
            for name in (b"number-rows-repeated", b"number-columns-repeated",
                         b"number-rows-spanned", b"number-columns-spanned")}
_ODS_NAME = re.compile(rb"(?:[\w.-]+:)?name\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_MAX_MERGES = 100_000


def _ods_num(attrs: bytes, name: bytes) -> int:
    m = _ODS_NUM[name].search(attrs) if name in attrs else None
    return max(1, int(m.group(1))) if m else 1


def _ods_merges(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged cells of every table of an ods (calamine gives none): one pass over content.xml,
    only when it has spanned cells."""
    try:
        content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    except (KeyError, zipfile.BadZipFile, ValueError, EOFError, OSError, zlib_error):
        return {}
    if b"-spanned" not in content:
        return {}
    out: dict[str, list] = {}
    merged: list | None = None
    r = c = rep = 0
    for m in _ODS_TOKEN.finditer(content):
        closing, tag, attrs = m.groups()
        if tag == b"table":
            if not closing:
                nm = _ODS_NAME.search(attrs)
                name = (nm.group(1) if nm.group(1) is not None else nm.group(2)) if nm else b""
                merged = out.setdefault(unescape(name.decode("utf-8", "replace")), [])
                r = 0
            continue
        if merged is None:
            continue
        if tag == b"table-row":
            if closing:
                r += rep
            else:
                rep, c = _ods_num(attrs, b"number-rows-repeated"), 0
                if attrs.rstrip().endswith(b"/"):
                    r += rep
        elif not closing:
            if tag == b"table-cell" and b"spanned" in attrs and len(merged) < _MAX_MERGES:
                rs, cs = _ods_num(attrs, b"number-rows-spanned"), _ods_num(attrs, b"number-columns-spanned")
                if rs > 1 or cs > 1:
                    merged.append((r, c, r + rs - 1, c + cs - 1))
            c += _ods_num(attrs, b"number-columns-repeated")
    return out


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
