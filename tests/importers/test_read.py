"""Bytes in, sheets out (spec: import-formats.md, "File formats").

Every file here is written by the test itself (openpyxl, xlwt, a hand-made ods/zip/OLE2) or is one
of the shared samples; expected values are the ones written, never ones read back by the importer.
Files that make calamine abort or exhaust memory go through `parse_file`, which reads them in a
capped child process (more of them in test_hostile.py).
"""
from __future__ import annotations

import codecs
import datetime as dt
import io
import os
import struct
import subprocess
import sys
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from importers.parse import parse_file
from importers.read import MAX_UPLOAD_BYTES, RawSheet, read_sheets
from importers.report import FileRefused
from tests.importers.hostile import patch_declared_size

MAIN = Path(__file__).resolve().parents[2]
SAMPLES = MAIN / "tests" / "samples"


def refused(data: bytes, filename: str, **kwargs) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        read_sheets(data, filename, **kwargs)
    return caught.value


def by_name(sheets: list[RawSheet]) -> dict[str, RawSheet]:
    return {s.name: s for s in sheets}


# ---------------------------------------------------------------------------------------------
# Builders

def xlsx(build) -> bytes:
    book = Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
          drop: tuple[str, ...] = ()) -> bytes:
    """A copy of a zip with some members replaced, added or dropped."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def one_sheet_xlsx(sheet_xml: str) -> bytes:
    """A valid xlsx whose single sheet ("Dữ liệu") has exactly this XML."""
    base = xlsx(lambda b: setattr(b.active, "title", "Dữ liệu"))
    return rezip(base, replace={"xl/worksheets/sheet1.xml": sheet_xml.encode()})


SHEET_NS = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def ods(tables: list[tuple[str, str]], hidden: tuple[str, ...] = ()) -> bytes:
    """A minimal but valid OpenDocument spreadsheet: (table name, rows XML) pairs."""
    hide = ' table:style-name="hid"'
    body = "".join(f'<table:table table:name="{name}"{hide if name in hidden else ""}>{rows}</table:table>'
                   for name, rows in tables)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:automatic-styles><style:style style:name="hid" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
        f'<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>'), compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def s_cell(text: str, extra: str = "") -> str:
    return f'<table:table-cell office:value-type="string"{extra}><text:p>{text}</text:p></table:table-cell>'


def n_cell(value, extra: str = "") -> str:
    return f'<table:table-cell office:value-type="float" office:value="{value}"{extra}><text:p>{value}</text:p></table:table-cell>'


def row(*cells: str, extra: str = "") -> str:
    return f"<table:table-row{extra}>{''.join(cells)}</table:table-row>"


EMPTY_CELL = "<table:table-cell/>"


def xls(build) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (v3, 512-byte sectors, streams padded to >= 4096 bytes so
    that none lives in the mini stream), as Excel writes encrypted workbooks and .xls files."""
    end, free, fat_sector, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    fat, body, starts, sector = [fat_sector, end], b"", [], 2
    for name in names:
        data = streams[name].ljust(4096, b"\0")
        count = -(-len(data) // 512)
        starts.append((sector, len(data)))
        fat += [sector + i + 1 for i in range(count - 1)] + [end]
        body += data.ljust(count * 512, b"\0")
        sector += count
    fat += [free] * (128 - len(fat))

    def entry(name, typ, child, right, start, size):
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBB3I", len(raw), typ, 1 if name else 0, nostream, right, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, 1, nostream, end, 0)]
    for i, name in enumerate(names):
        entries.append(entry(name, 2, nostream, i + 2 if i + 1 < len(names) else nostream, *starts[i]))
    while len(entries) < 4:
        entries.append(entry("", 0, nostream, nostream, 0, 0))
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    return header + struct.pack("<128I", *fat) + b"".join(entries) + body


BIFF_BOF = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
BIFF_EOF = struct.pack("<HH", 0x000A, 0)


def cp1258_bytes(text: str) -> bytes:
    """Vietnamese text as Excel on Windows saves it in Windows-1258: base letters with their
    modifiers precomposed (ê, ơ, ư, ă, â, ô, đ), tone marks as separate combining characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in tones)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + tone)
    return "".join(out).encode("cp1258")


def refused_isolated(data: bytes, filename: str) -> FileRefused:
    """The isolated read's refusal (the test process survives whatever the reader does)."""
    with pytest.raises(FileRefused) as caught:
        parse_file(data, filename)
    return caught.value


# ---------------------------------------------------------------------------------------------
# .xlsx / .xlsm: read, macros never run

def _roster_book(book):
    ws = book.active
    ws.title = "Thôn 1"
    ws["A1"] = "DANH SÁCH NGƯỜI DÂN"
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Đã cài đặt"])
    ws.append([1, "Nguyễn Thị Hằng", dt.date(1990, 5, 17), True])
    ws.append([2, "Trần Văn Đức", dt.datetime(1985, 1, 2, 0, 0), "x"])
    ws.append([3.5, "  Lê  Ánh  ", None, False])
    hidden = book.create_sheet("Ẩn")
    hidden["A1"] = "không đọc"
    hidden.sheet_state = "hidden"
    very = book.create_sheet("Rất ẩn")
    very["A1"] = "không đọc"
    very.sheet_state = "veryHidden"
    book.create_sheet("Trống")
    chart = book.create_chartsheet("Biểu đồ")
    bar = BarChart()
    bar.add_data(Reference(ws, min_col=1, min_row=4, max_row=6))
    chart.add_chart(bar)


def test_xlsx_reads_visible_worksheets_with_exact_values():
    sheets = read_sheets(xlsx(_roster_book), "danh-sach.xlsx")

    assert [s.name for s in sheets] == ["Thôn 1", "Trống"]
    roster = sheets[0]
    assert (roster.first_row, roster.first_col) == (1, 0)
    assert roster.rows == [
        ["DANH SÁCH NGƯỜI DÂN", "", "", ""],
        ["", "", "", ""],
        ["STT", "Họ và tên", "Ngày sinh", "Đã cài đặt"],
        [1.0, "Nguyễn Thị Hằng", dt.date(1990, 5, 17), True],  # calamine gives xlsx numbers as float
        [2.0, "Trần Văn Đức", dt.date(1985, 1, 2), "x"],
        [3.5, "  Lê  Ánh  ", "", False],
    ]
    assert roster.merged == [(0, 0, 0, 3)]
    assert sheets[1].rows == []


def test_hidden_very_hidden_and_chart_sheets_are_not_returned():
    names = [s.name for s in read_sheets(xlsx(_roster_book), "danh-sach.xlsx")]
    assert "Ẩn" not in names and "Rất ẩn" not in names and "Biểu đồ" not in names


def test_sheet_starting_at_c5_keeps_excel_row_and_column_numbers():
    def build(book):
        ws = book.active
        ws["C5"] = "Họ và tên"
        ws["D5"] = "Thôn"
        ws["C6"] = "Phạm Minh"
        ws["D6"] = "Thôn 3"
        ws.merge_cells("C7:D7")
        ws["C7"] = "Tổng"

    sheet = read_sheets(xlsx(build), "c5.xlsx")[0]
    # rows[i] is Excel row first_row + i, cells[j] is column first_col + j (0 = A)
    r, c = 5 - sheet.first_row, 2 - sheet.first_col
    assert sheet.rows[r][c:c + 2] == ["Họ và tên", "Thôn"]
    assert sheet.rows[r + 1][c:c + 2] == ["Phạm Minh", "Thôn 3"]
    assert all(cell == "" for line in sheet.rows[:r] for cell in line)
    assert sheet.merged == [(6, 2, 6, 3)]  # 0-based absolute: C7:D7


def test_xlsm_with_a_macro_project_is_read_and_nothing_runs():
    base = xlsx(_roster_book)
    types = zipfile.ZipFile(io.BytesIO(base)).read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    data = rezip(base, replace={"[Content_Types].xml": types},
                 add={"xl/vbaProject.bin": cfb({"VBA": b"Attribute VB_Name = \"Module1\"\r\nSub Auto_Open()\r\nShell \"calc\"\r\nEnd Sub"})})

    sheets = read_sheets(data, "bao-cao.xlsm")

    assert sheets[0].rows[3][:2] == [1.0, "Nguyễn Thị Hằng"]


def test_shared_samples_are_all_read():
    for path in sorted(SAMPLES.iterdir()):
        sheets = read_sheets(path.read_bytes(), path.name)
        assert sheets and all(s.rows for s in sheets), path.name


# ---------------------------------------------------------------------------------------------
# .xls (Excel 97-2003)

def test_xls_written_by_xlwt_reads_exact_values_merges_and_skips_hidden_sheets():
    def build(book):
        ws = book.add_sheet("Cụm 5")
        ws.write_merge(0, 0, 0, 2, "DANH SÁCH CÁN BỘ")
        ws.write(2, 0, "STT")
        ws.write(2, 1, "Họ tên")
        ws.write(2, 2, "Ngày sinh")
        ws.write(3, 0, 1)
        ws.write(3, 1, "Vũ Thị Thu")
        ws.write(3, 2, dt.date(1979, 12, 31), xlwt.easyxf(num_format_str="dd/mm/yyyy"))
        ws.write(4, 0, 2.5)
        ws.write(4, 1, "Hoàng Đức")
        ws.write(4, 2, True)
        hidden = book.add_sheet("Ẩn")
        hidden.write(0, 0, "không đọc")
        hidden.visibility = 1
        lower = book.add_sheet("Từ C5")
        lower.write(4, 2, "Thôn")

    sheets = by_name(read_sheets(xls(build), "can-bo.xls"))

    assert set(sheets) == {"Cụm 5", "Từ C5"}
    assert sheets["Cụm 5"].rows == [
        ["DANH SÁCH CÁN BỘ", "", ""],
        ["", "", ""],
        ["STT", "Họ tên", "Ngày sinh"],
        [1, "Vũ Thị Thu", dt.date(1979, 12, 31)],
        [2.5, "Hoàng Đức", True],
    ]
    assert sheets["Cụm 5"].merged == [(0, 0, 0, 2)]
    lower = sheets["Từ C5"]
    assert lower.rows[5 - lower.first_row][2 - lower.first_col] == "Thôn"


# ---------------------------------------------------------------------------------------------
# .ods (LibreOffice): written by hand as a zip (LibreOffice itself is not installed)

def test_ods_reads_values_repeats_merges_and_skips_hidden_tables():
    data = ods([
        ("Thôn 2", row(s_cell("Họ và tên", ' table:number-columns-spanned="2" table:number-rows-spanned="1"'),
                       '<table:covered-table-cell/>', s_cell("Số hộ"))
                   + row(s_cell("Đinh Thị Mai"), EMPTY_CELL, n_cell(12))
                   + row(s_cell("x", ' table:number-columns-repeated="2"'), n_cell(3.5))
                   + row('<table:table-cell table:number-columns-repeated="1021"/>',
                         extra=' table:number-rows-repeated="1048572"')),
        ("Ẩn", row(s_cell("không đọc"))),
        ("Từ C5", row(EMPTY_CELL, extra=' table:number-rows-repeated="4"')
                  + row('<table:table-cell table:number-columns-repeated="2"/>', s_cell("Cụm 1"))),
    ], hidden=("Ẩn",))

    sheets = by_name(read_sheets(data, "thon-2.ods"))

    assert set(sheets) == {"Thôn 2", "Từ C5"}
    assert sheets["Thôn 2"].rows == [
        ["Họ và tên", "", "Số hộ"],
        ["Đinh Thị Mai", "", 12.0],
        ["x", "x", 3.5],
    ]
    assert sheets["Thôn 2"].merged == [(0, 0, 0, 1)]
    lower = sheets["Từ C5"]
    assert lower.rows[5 - lower.first_row][2 - lower.first_col] == "Cụm 1"


# ---------------------------------------------------------------------------------------------
# .csv: UTF-8, UTF-8 with BOM, comma / semicolon / tab

CSV_ROWS = [["STT", "Họ và tên", "Thôn", "Ghi chú"],
            ["1", "Nguyễn Văn Ấn", "Thôn 1", "đã cài, chưa tạo"],
            ["2", "Bùi Thị Ửng", "Thôn 12", 'nói "có"\nrồi']]


def csv_text(delimiter: str) -> str:
    def cell(value):
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in (delimiter, '"', "\n", ",")) else value
    return "\r\n".join(delimiter.join(cell(v) for v in line) for line in CSV_ROWS) + "\r\n"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_in_utf8_with_or_without_bom_reads_exact_cells(encoding, delimiter):
    sheet, = read_sheets(csv_text(delimiter).encode(encoding), "danh-sach.csv")
    assert sheet.name == "danh-sach"
    assert sheet.rows == CSV_ROWS
    assert (sheet.first_row, sheet.first_col, sheet.merged) == (1, 0, [])


def test_csv_short_rows_are_padded_and_excel_sep_line_is_honoured():
    data = "sep=;\r\nTiêu đề\r\nSTT;Thôn;Số hộ\r\n1;Thôn 1,5;120\r\n".encode()
    sheet, = read_sheets(data, "bao-cao.csv")
    assert sheet.rows == [["Tiêu đề", "", ""], ["STT", "Thôn", "Số hộ"], ["1", "Thôn 1,5", "120"]]


def test_csv_in_nfd_is_normalised_to_nfc():
    sheet, = read_sheets(unicodedata.normalize("NFD", "Họ và tên,Thôn\nĐỗ Thị Hường,Thôn 1\n").encode(), "a.csv")
    assert sheet.rows[1][0] == "Đỗ Thị Hường" and unicodedata.is_normalized("NFC", sheet.rows[1][0])


def test_csv_saved_with_an_xls_name_is_read_as_the_plain_table_it_is():
    sheet, = read_sheets((SAMPLES / "bao-cao-sai-dinh-dang.xls").read_bytes(), "bao-cao-sai-dinh-dang.xls")
    assert sheet.rows == [["STT", "Thôn", "Số đã cài đặt"], ["1", "Thôn 1", "120"]]


# ---------------------------------------------------------------------------------------------
# .csv in another encoding: read correctly, or refused with "CSV UTF-8"; never garbled

def test_excel_unicode_text_utf16_tab_separated_is_read_correctly():
    text = "\r\n".join("\t".join(line).replace("\n", " ") for line in CSV_ROWS) + "\r\n"
    sheet, = read_sheets(text.encode("utf-16"), "unicode-text.csv")  # BOM + UTF-16LE, as Excel writes it
    assert sheet.rows[1] == ["1", "Nguyễn Văn Ấn", "Thôn 1", "đã cài, chưa tạo"]
    assert sheet.rows[2][1] == "Bùi Thị Ửng"


def test_utf16_without_bom_is_read_correctly():
    sheet, = read_sheets("Họ và tên\tThôn\r\nLý Thị Ngọc\tThôn 4\r\n".encode("utf-16-le"), "x.txt")
    assert sheet.rows == [["Họ và tên", "Thôn"], ["Lý Thị Ngọc", "Thôn 4"]]


def test_windows_1258_csv_is_read_correctly_and_composed_to_nfc():
    text = "STT,Họ và tên,Thôn,Đã cài đặt\r\n1,Nguyễn Thị Phượng,Thôn Đồng Tháp,Có\r\n2,Trương Ưởng,Thượng Hội,chưa\r\n"
    data = cp1258_bytes(text)
    assert data != text.encode("utf-8")
    sheet, = read_sheets(data, "danh-sach.csv")
    assert sheet.rows == [line.split(",") for line in text.strip().split("\r\n")]
    assert all(unicodedata.is_normalized("NFC", cell) for line in sheet.rows for cell in line)


@pytest.mark.parametrize("data", [
    b"H\xe4 v\xb5 t\xaan;Th\xabn\r\nNguy\xd6n V\xa8n A;Th\xabn 1\r\n",  # TCVN3 (ABC) "Họ và tên;Thôn"
    b"Ho\xef va\xf8 te\xe2n;Tho\xe2n\r\nNguye\xe3n Va\xf9n A;Tho\xe2n 1\r\n",  # VNI-Windows
    "氏名,住所\r\n山田,東京\r\n".encode("shift_jis"),
])
def test_csv_in_an_unknown_8bit_encoding_is_refused_with_save_as_csv_utf8(data):
    exc = refused(data, "danh-sach.csv")
    assert exc.code == "csv-encoding"
    assert "CSV UTF-8" in exc.message and ".xlsx" in exc.message


# ---------------------------------------------------------------------------------------------
# Not what the name says: refused with what it really is and how to fix it

def test_html_saved_as_xls_is_refused_as_a_web_page():
    page = ('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
            '<head><meta charset="utf-8"></head><body><table><tr><td>STT</td><td>Họ và tên</td></tr>'
            '<tr><td>1</td><td>Lê Văn Bình</td></tr></table></body></html>')
    for data in (page.encode(), codecs.BOM_UTF8 + b"\r\n  <!DOCTYPE html>" + page.encode(), page.encode("utf-16")):
        exc = refused(data, "bao-cao.xls")
        assert exc.code == "html-not-spreadsheet"
        assert "trang web (HTML)" in exc.message and "Lưu thành" in exc.message and ".xlsx" in exc.message


def test_pdf_renamed_xlsx_is_refused_with_what_it_is():
    exc = refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "bao-cao.xlsx")
    assert exc.code == "pdf-not-spreadsheet"
    assert "PDF" in exc.message and ".xlsx" in exc.message


def test_random_bytes_are_refused_as_not_a_spreadsheet():
    exc = refused(os.urandom(5000), "danh-sach.xlsx")
    assert exc.code == "not-a-spreadsheet"
    assert "không phải bảng tính" in exc.message


def test_word_document_renamed_xlsx_is_refused_as_a_word_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    exc = refused(out.getvalue(), "danh-sach.xlsx")
    assert exc.code == "not-a-spreadsheet" and "Word" in exc.message


def test_zip_of_other_files_and_old_word_doc_are_refused_as_what_they_are():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("danh-sach.csv", "STT,Thôn\n")
    assert "tệp nén ZIP" in refused(out.getvalue(), "danh-sach.xlsx").message
    exc = refused(cfb({"WordDocument": b"\xec\xa5" + b"\0" * 100}), "danh-sach.xls")
    assert exc.code == "not-a-spreadsheet" and "Word (.doc)" in exc.message
    exc = refused(b"\x89PNG\r\n\x1a\n" + os.urandom(100), "anh.xlsx")
    assert exc.code == "not-a-spreadsheet" and "ảnh PNG" in exc.message


def test_xml_spreadsheet_2003_and_xlsb_are_refused_with_save_as_xlsx():
    xml2003 = ('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
               '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="A"/></Workbook>')
    exc = refused(xml2003.encode(), "bao-cao.xls")
    assert exc.code == "unsupported-format" and "XML Spreadsheet 2003" in exc.message and ".xlsx" in exc.message
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    exc = refused(out.getvalue(), "bao-cao.xlsb")
    assert exc.code == "unsupported-format" and ".xlsb" in exc.message


# ---------------------------------------------------------------------------------------------
# Password-protected workbook

def test_encrypted_xlsx_is_refused_as_password_protected():
    # Excel saves a password-protected xlsx as an OLE2 container with EncryptionInfo/EncryptedPackage
    data = cfb({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": os.urandom(600)})
    exc = refused(data, "danh-sach.xlsx")
    assert exc.code == "password-protected"
    assert "mật khẩu" in exc.message


def test_encrypted_xls_is_refused_as_password_protected():
    filepass = struct.pack("<HH", 0x002F, 6) + struct.pack("<HHH", 1, 1, 1)  # RC4, after BOF
    exc = refused(cfb({"Workbook": BIFF_BOF + filepass + BIFF_EOF}), "danh-sach.xls")
    assert exc.code == "password-protected" and "mật khẩu" in exc.message


# ---------------------------------------------------------------------------------------------
# Zip bombs: refused quickly, before unpacking, with memory bounded

def test_zip_bomb_is_refused_without_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            zeros = b"\0" * (4 * 1024 * 1024)
            for _ in range(75):  # 300 MB of zeros, about 300 KB packed
                member.write(zeros)
    data = out.getvalue()
    assert len(data) < 2 * 1024 * 1024

    tracemalloc.start()
    exc = refused(data, "bom.xlsx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert exc.code == "zip-bomb"
    assert "200 lần" in exc.message
    assert peak < 20 * 1024 * 1024


def test_zip_unpacking_to_more_than_1_gib_in_all_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(6):
            z.writestr(f"xl/media/image{i}.png", os.urandom(1024 * 1024))
    data = out.getvalue()
    for i in range(6):  # each claims 190 MB: under 200 times its size, over 1 GiB together
        data = patch_declared_size(data, f"xl/media/image{i}.png", 190 * 1024 * 1024)

    exc = refused(data, "danh-sach.xlsx")

    assert exc.code == "zip-bomb" and "giải nén sẽ lớn tới" in exc.message


def test_zip_member_that_unpacks_to_more_than_its_header_says_is_refused_as_corrupt():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 200_001))
    data = one_sheet_xlsx(SHEET_NS + "<sheetData>" + rows + "</sheetData></worksheet>")
    data = patch_declared_size(data, "xl/worksheets/sheet1.xml", 1000)  # a lying header

    exc = refused_isolated(data, "danh-sach.xlsx")

    assert exc.code == "unreadable-file" and "Dữ liệu" in exc.message and "Lưu thành" in exc.message


def test_zip_with_too_many_members_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(10_001):
            z.writestr(f"x/{i}", b"")
    assert refused(out.getvalue(), "danh-sach.xlsx").code == "zip-bomb"


# ---------------------------------------------------------------------------------------------
# More than max_rows rows: refused quickly (tests pass a small max_rows)

def _rows_xml(n: int, with_dimension: bool) -> str:
    dim = f'<dimension ref="A1:B{n}"/>' if with_dimension else ""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for r in range(1, n + 1))
    return SHEET_NS + dim + "<sheetData>" + rows + "</sheetData></worksheet>"


@pytest.mark.parametrize("with_dimension", [True, False])
def test_xlsx_with_more_rows_than_the_limit_is_refused(with_dimension):
    data = one_sheet_xlsx(_rows_xml(1001, with_dimension))
    exc = refused(data, "danh-sach.xlsx", max_rows=1000)
    assert exc.code == "too-many-rows"
    assert "Dữ liệu" in exc.message and "1.000 hàng" in exc.message
    assert len(read_sheets(data, "danh-sach.xlsx", max_rows=1001)[0].rows) == 1001


def test_xlsx_whose_dimension_claims_a_million_rows_but_holds_no_cell_is_refused_as_empty():
    data = one_sheet_xlsx(SHEET_NS + '<dimension ref="A1:H1048576"/><sheetData></sheetData></worksheet>')
    assert refused_isolated(data, "a.xlsx").code == "empty-workbook"


def test_xlsx_with_one_far_away_row_past_the_limit_is_refused():
    xml = (SHEET_NS + '<dimension ref="A1:A2"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
           '<row r="2"><c r="A1048576"><v>2</v></c></row></sheetData></worksheet>')
    exc = refused(one_sheet_xlsx(xml), "a.xlsx")
    assert exc.code == "too-many-rows" and "1.048.576" in exc.message


def test_csv_with_more_rows_than_the_limit_is_refused():
    data = ("STT,Họ và tên\n" + "".join(f"{i},Người {i}\n" for i in range(1000))).encode()
    exc = refused(data, "a.csv", max_rows=1000)
    assert exc.code == "too-many-rows"
    assert len(read_sheets(data, "a.csv", max_rows=1001)[0].rows) == 1001
    quoted = ("STT,Ghi chú\n" + "".join(f'{i},"dòng 1\ndòng 2"\n' for i in range(600))).encode()
    assert len(read_sheets(quoted, "a.csv", max_rows=601)[0].rows) == 601  # line breaks inside cells


def test_xls_and_ods_with_more_rows_than_the_limit_are_refused():
    def build(book):
        ws = book.add_sheet("Dài")
        for r in range(30):
            ws.write(r, 0, r)
    assert refused(xls(build), "a.xls", max_rows=29).code == "too-many-rows"
    data = ods([("Dài", row(n_cell(1), extra=' table:number-rows-repeated="30"'))])
    assert refused(data, "a.ods", max_rows=29).code == "too-many-rows"


# ---------------------------------------------------------------------------------------------
# Sheets whose cells lie far apart: calamine allocates the whole rectangle at once and aborts the
# process on these (~1 KB files); read isolated, they end in a refusal and the test process lives.

FAR_APART = {"sheet-too-large", "too-many-rows", "reader-out-of-memory"}

SPARSE_XLSX = {
    "corner": '<row r="1"><c r="A1"><v>1</v></c></row><row r="999999"><c r="XFD999999"><v>2</v></c></row>',
    "lying-dimension": '<row r="1"><c r="A1"><v>1</v></c></row><row r="900000"><c r="ZZ900000"><v>2</v></c></row>',
    "lowercase-quotes-spaces": "<row r='1'><c r = 'a1'><v>1</v></c></row><row r='900000'><c r = 'zz0900000'><v>2</v></c></row>",
    "cell-row-differs-from-row-tag": '<row r="1"><c r="A1"><v>1</v></c><c r="AAAA900000"><v>2</v></c></row>',
    "cells-without-r": ('<row r="1">' + "<c><v>1</v></c>" * 3000 + '</row><row r="900000"><c r="A900000"><v>2</v></c></row>'),
}


@pytest.mark.parametrize("case", sorted(SPARSE_XLSX))
def test_xlsx_with_cells_spread_over_a_huge_rectangle_is_refused_without_crashing(case):
    xml = SHEET_NS + '<dimension ref="A1:B2"/><sheetData>' + SPARSE_XLSX[case] + "</sheetData></worksheet>"
    exc = refused_isolated(one_sheet_xlsx(xml), "a.xlsx")
    assert exc.code in FAR_APART and "Hãy" in exc.message


def test_xls_with_a_cell_at_column_65535_is_refused_without_crashing():
    def build(book):
        ws = book.add_sheet("Thưa")
        ws.write(0, 0, 1.5)
        ws.write(100, 100, 2.5)
    data = bytearray(xls(build))
    at = data.find(struct.pack("<HHHH", 0x027E, 10, 100, 100))  # the RK record of (100, 100)
    struct.pack_into("<HH", data, at + 4, 65535, 65535)
    assert refused_isolated(bytes(data), "a.xls").code in FAR_APART


def test_ods_with_a_row_repeated_over_a_huge_rectangle_is_refused_without_crashing():
    data = ods([("Lặp", row(s_cell("a", ' table:number-columns-repeated="300"'),
                            extra=' table:number-rows-repeated="100000"'))])
    assert refused_isolated(data, "a.ods").code in FAR_APART


# ---------------------------------------------------------------------------------------------
# Over the upload limit

def test_file_over_the_upload_limit_is_refused_before_anything_else():
    exc = refused(b"PK\x03\x04" + os.urandom(3000), "a.xlsx", max_bytes=2000)
    assert exc.code == "file-too-large" and "giới hạn" in exc.message
    assert MAX_UPLOAD_BYTES == int(float(os.environ.get("TRACKER_MAX_UPLOAD_MB", "50")) * 1024 * 1024)


def test_upload_limit_default_comes_from_tracker_max_upload_mb():
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from importers.read import MAX_UPLOAD_BYTES, read_sheets\n"
            "from importers.report import FileRefused\n"
            "print(MAX_UPLOAD_BYTES)\n"
            "try:\n    read_sheets(b'STT,Thon\\n' * 150000, 'a.csv')\n"
            "except FileRefused as exc:\n    print(exc.code, exc.message)\n") % str(MAIN)
    env = dict(os.environ, TRACKER_MAX_UPLOAD_MB="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == str(1024 * 1024)
    assert out.splitlines()[1].startswith("file-too-large") and "1 MB" in out


# ---------------------------------------------------------------------------------------------
# Empty file, empty workbook

@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", codecs.BOM_UTF8, "\r\n".encode("utf-16")])
def test_empty_file_is_refused(data):
    exc = refused(data, "a.csv")
    assert exc.code == "empty-file" and "rỗng" in exc.message


def test_workbook_with_no_visible_worksheet_is_refused():
    def only_chart_visible(book):
        ws = book.active
        ws["A1"] = 1
        chart = book.create_chartsheet("Biểu đồ")
        bar = BarChart()
        bar.add_data(Reference(ws, min_col=1, min_row=1, max_row=1))
        chart.add_chart(bar)
        ws.sheet_state = "hidden"
    exc = refused(xlsx(only_chart_visible), "a.xlsx")
    assert exc.code == "empty-workbook" and "ẩn" in exc.message
    assert refused(xlsx(lambda book: book.create_sheet("Hai")), "a.xlsx").code == "empty-workbook"


# ---------------------------------------------------------------------------------------------
# Anything unexpected becomes a Vietnamese refusal, never a stack trace

def test_truncated_and_corrupt_workbooks_are_refused_as_unreadable():
    good = xlsx(_roster_book)
    assert refused(good[:len(good) // 2], "a.xlsx").code == "unreadable-file"
    broken = rezip(good, replace={"xl/workbook.xml": b"<workbook><sheets><sheet name="})
    assert refused(broken, "a.xlsx").code == "unreadable-file"
    cut_sheet = rezip(good, replace={"xl/worksheets/sheet1.xml": b'<worksheet><sheetData><row r="1"><c r="A1">'})
    exc = refused(cut_sheet, "a.xlsx")
    assert exc.code == "unreadable-file" and "Thôn 1" in exc.message
    assert refused(xls(lambda b: b.add_sheet("A").write(0, 0, 1))[:3000], "a.xls").code == "unreadable-file"
    assert refused(good[:3000] + b"\0" * 3000, "a.xlsx").code == "unreadable-file"


def test_a_panic_inside_calamine_becomes_an_unreadable_file_refusal(monkeypatch):
    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass

    class Exploding:
        @classmethod
        def from_filelike(cls, *args, **kwargs):
            raise PanicException("index out of bounds")

    monkeypatch.setattr("importers.read.CalamineWorkbook", Exploding)
    exc = refused(xlsx(_roster_book), "a.xlsx")
    assert exc.code == "unreadable-file"
    assert "Không đọc được tệp" in exc.message and "Lưu thành" in exc.message


# ---------------------------------------------------------------------------------------------
# Ordinary workbooks: every row, whatever surrounds the cells (the speed is in bench/import_bench.py)

def test_ordinary_workbooks_read_every_row_of_every_sheet():
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    def build(book):
        for title in ("Thôn 1", "Thôn 2", "Thôn 3"):
            ws = book.create_sheet(title)
            ws.append(["STT", "Họ và tên", "Số CCCD", "Đã cài đặt"])
            for i in range(1, 3001):
                ws.append([i, f"Người {i}", f"{i:012d}", "x" if i % 3 else ""])
            for col in "ABCD":  # <cols><col …/> before sheetData
                ws.column_dimensions[col].width = 18
            ws.conditional_formatting.add("D2:D3001", CellIsRule(operator="equal", formula=['"x"'],
                                                                 fill=PatternFill("solid", fgColor="FFFF00")))
        book.remove(book.active)

    sheets = read_sheets(xlsx(build), "ba-thon.xlsx")
    assert [len(s.rows) for s in sheets] == [3001, 3001, 3001]
    # no <dimension> (openpyxl write-only, some exporters) and <col>, <cfRule> tags around sheetData
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 2001))
    xml = (SHEET_NS + '<cols><col min="1" max="3" width="20" customWidth="1"/></cols><sheetData>' + rows
           + '</sheetData><conditionalFormatting sqref="A1:A9"><cfRule type="cellIs" priority="1"/>'
           '</conditionalFormatting><colBreaks count="1"><brk id="2"/></colBreaks></worksheet>')
    assert len(read_sheets(one_sheet_xlsx(xml), "khong-dimension.xlsx")[0].rows) == 2000
