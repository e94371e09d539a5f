"""Hostile files, each a few KB, written from scratch: shapes that aborted, exhausted or stalled the
reader before it ran isolated (issue 9), and others of the same class. Shared by
tests/importers/test_hostile.py, bench/import_bench.py and bench/fuzz_import.py (seeds)."""
from __future__ import annotations

import io
import os
import re
import struct
import zipfile

import xlwt
from openpyxl import Workbook

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = ["STT", "Họ và tên", "Thôn", "Đã cài đặt"]


def _base(rows=(HEADER, [1, "Nguyễn Văn An", "Thôn 1", "x"])) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Thôn 1"
    for line in rows:
        sheet.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, rename: dict[str, str] | None = None,
          add: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr((rename or {}).get(info.filename, info.filename), content)
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def sheet_xml(cells: str, extra: str = "") -> bytes:
    return f"<worksheet {NS}><sheetData>{cells}</sheetData>{extra}</worksheet>".encode()


def header_row() -> str:
    return '<row r="1">' + "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{v}</t></is></c>'
                                   for i, v in enumerate(HEADER)) + "</row>"


def shared_strings_count() -> bytes:
    """xl/sharedStrings.xml declares count/uniqueCount 2147483647 (calamine pre-allocated 51 GB)."""
    base = _base()
    strings = "".join(f"<si><t>{v}</t></si>" for v in HEADER)
    sst = (f'<sst {NS} count="2147483647" uniqueCount="2147483647">{strings}</sst>').encode()
    cells = '<row r="1">' + "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADER))) + "</row>"
    rels = zipfile.ZipFile(io.BytesIO(base)).read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
        b' Target="sharedStrings.xml" Id="rId9"/></Relationships>')
    return rezip(base, replace={"xl/worksheets/sheet1.xml": sheet_xml(cells), "xl/_rels/workbook.xml.rels": rels},
                 add={"xl/sharedStrings.xml": sst})


def _far_cell(ref: str) -> bytes:
    row = re.sub(r"[A-Z]+", "", ref)
    return sheet_xml(header_row() + f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>')


def sheet_under_media() -> bytes:
    """The worksheet part stored under xl/media/ (the rels point there), one cell at XFD999999."""
    base = _base()
    rels = zipfile.ZipFile(io.BytesIO(base)).read("xl/_rels/workbook.xml.rels")
    rels = rels.replace(b"worksheets/sheet1.xml", b"media/sheet1.xml")
    return rezip(base, replace={"xl/_rels/workbook.xml.rels": rels,
                                "xl/worksheets/sheet1.xml": _far_cell("XFD999999")},
                 rename={"xl/worksheets/sheet1.xml": "xl/media/sheet1.xml"})


def far_cell_xlsx(ref: str = "T999999") -> bytes:
    return rezip(_base(), replace={"xl/worksheets/sheet1.xml": _far_cell(ref)})


def far_cell_xls() -> bytes:
    """A ~10 KB .xls with one cell at IV65536 (1.2 GB resident in calamine)."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Thôn 1")
    for c, v in enumerate(HEADER):
        sheet.write(0, c, v)
    sheet.write(65535, 255, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def many_merges(count: int = 38_000) -> bytes:
    """38,000 overlapping merged ranges over the header and title rows of a 100-column sheet."""
    cells = header_row() + "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr">'
                                   f'<is><t>Người {r}</t></is></c></row>' for r in range(2, 41))
    cells += '<row r="41"><c r="CV41"><v>1</v></c></row>'
    merges = "".join(f'<mergeCell ref="A{1 + i % 30}:CV{31 + i % 10}"/>' for i in range(count))
    return rezip(_base(), replace={"xl/worksheets/sheet1.xml": sheet_xml(
        cells, f'<mergeCells count="{count}">{merges}</mergeCells>')})


def ods(content_body: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{content_body}</office:spreadsheet></office:body>"
        "</office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"))
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_repeated_row(times: int = 1_000_000) -> bytes:
    """One row of 100 text cells, repeated a million times."""
    cell = ('<table:table-cell office:value-type="string" table:number-columns-repeated="100">'
            "<text:p>Họ và tên</text:p></table:table-cell>")
    return ods(f'<table:table table:name="Lặp"><table:table-row table:number-rows-repeated="{times}">'
               f"{cell}</table:table-row></table:table>")


def deeply_nested() -> bytes:
    """100,000 nested elements inside a cell of the worksheet."""
    depth = 100_000
    cells = header_row() + '<row r="2"><c r="A2" t="inlineStr"><is>' + "<r>" * depth + "</r>" * depth + "</is></c></row>"
    return rezip(_base(), replace={"xl/worksheets/sheet1.xml": sheet_xml(cells)})


def deeply_nested_ods() -> bytes:
    depth = 40_000
    return ods('<table:table table:name="Sâu"><table:table-row><table:table-cell office:value-type="string">'
               + "<text:span>" * depth + "x" + "</text:span>" * depth
               + "</table:table-cell></table:table-row></table:table>")


def zip_bomb() -> bytes:
    """50 MB of zeros as the worksheet, about 50 KB packed (ratio 1000)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return out.getvalue()


def lying_zip_bomb() -> bytes:
    """The worksheet's headers declare 1,000 bytes; it unpacks to 40 MB."""
    padding = b"<!--" + b" " * (40 * 1024 * 1024) + b"-->"
    xml = sheet_xml(header_row()).replace(b"<sheetData>", padding + b"<sheetData>")
    return patch_declared_size(rezip(_base(), replace={"xl/worksheets/sheet1.xml": xml}),
                               "xl/worksheets/sheet1.xml", 1000)


def patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    out = bytearray(data)
    raw = name.encode()
    pos = 0
    while (pos := out.find(b"PK\x01\x02", pos)) >= 0:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46:pos + 46 + name_len]) == raw:
            local = struct.unpack_from("<I", out, pos + 42)[0]
            struct.pack_into("<I", out, pos + 24, size)
            struct.pack_into("<I", out, local + 22, size)
        pos += 4
    return bytes(out)


def truncated_zip() -> bytes:
    data = _base()
    return data[:len(data) // 2]


def pk_random(size: int = 4000) -> bytes:
    return b"PK\x03\x04" + os.urandom(size)


SHAPES = {
    "shared-strings-count": (shared_strings_count, "a.xlsx"),
    "sheet-under-media": (sheet_under_media, "a.xlsx"),
    "xls-cell-at-IV65536": (far_cell_xls, "a.xls"),
    "xlsx-cell-at-T999999": (far_cell_xlsx, "a.xlsx"),
    "xlsx-cell-at-XFD1048576": (lambda: far_cell_xlsx("XFD1048576"), "a.xlsx"),
    "38000-merged-ranges": (many_merges, "a.xlsx"),
    "ods-row-repeated-1000000": (ods_repeated_row, "a.ods"),
    "deeply-nested-xlsx": (deeply_nested, "a.xlsx"),
    "deeply-nested-ods": (deeply_nested_ods, "a.ods"),
    "zip-bomb": (zip_bomb, "a.xlsx"),
    "lying-zip-bomb": (lying_zip_bomb, "a.xlsx"),
    "truncated-zip": (truncated_zip, "a.xlsx"),
    "pk-random-bytes": (pk_random, "a.xlsx"),
}
