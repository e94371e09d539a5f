"""Imported by the reader's fork server only (`importers.isolated.PRELOAD`): reads a tiny xlsx
and csv once so that each forked child starts with the regexes, caches and calamine warm."""
from __future__ import annotations

import io
import zipfile

from importers.parse import parse_in_process

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xlsx() -> bytes:
    cells = [["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Thôn", "Đã cài đặt", "Đã tạo tài khoản"],
             ["1", "Nguyễn Văn An", "01/02/1990", "001090000001", "Thôn 1", "x", "x"]]
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                                   for c, v in enumerate(line)) + "</row>"
        for r, line in enumerate(cells, start=1))
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"),
        "_rels/.rels": (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                        "</Relationships>"),
        "xl/workbook.xml": f'<workbook {_NS} {_R}><sheets><sheet name="Thôn 1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": f"<worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def warm() -> None:
    for data, name in ((_xlsx(), "warm.xlsx"),
                       ("STT,Họ và tên,Thôn,Đã cài đặt\r\n1,Trần Thị Bình,Thôn 2,x\r\n".encode(), "warm.csv")):
        try:
            parse_in_process(data, name)
        except Exception:  # noqa: BLE001 - pragma: no cover - a failed warm-up must never stop the fork server
            pass


warm()
