"""Tải lên, as a commune clerk of the demo: the report before anything is written, confirm, cancel,
the same file again, rejected rows to download, and every bad file answered with the importer's
own message and nothing written."""
from __future__ import annotations

import io
import os
import re
import tomllib
import zipfile
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db import get_engine
from importers.parse import parse_file
from importers.read import MAX_UPLOAD_BYTES
from importers.report import FileRefused
from services.progress import progress
from tests.accounts_helpers import demo_actor, demo_copy, table_counts  # noqa: F401 (fixture)
from tests.conftest import sample
from tests.importers.test_read import SHEET_NS, cfb, one_sheet_xlsx
from tests.workbooks import roster

ROOT = Path(__file__).resolve().parents[2]


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def upload_page(url, use_database, username) -> AppTest:
    use_database(url)
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=120)
    at.session_state["actor"] = demo_actor(url, username)
    return at.run()


def acknowledge(at: AppTest) -> AppTest:
    """Tick "checked" where the preview asks for it (a unit over its target, an undated file)."""
    for tick in at.checkbox:
        tick.check()
    return at.run()


def registered(url, code, day):
    return next(c for c in progress(day, engine=get_engine(url)).clusters if c.code == code).registered


def test_commune_clerk_reads_the_changes_before_anything_is_written_then_confirms(demo_copy, use_database):
    at = upload_page(demo_copy, use_database, "xa.thoan")
    assert "**Đơn vị:** Xã Thọ An" in [unescaped(m.value) for m in at.markdown]  # the account's
    day = date(2024, 8, 18)
    before = {code: registered(demo_copy, code, day) for code in ("THOAN-05", "THOAN-06")}
    counts = table_counts(get_engine(demo_copy))

    at.date_input[0].set_value(day)
    at.file_uploader[0].upload("tho-an-cum-5-6.xlsx", sample("tho-an-cum-5-6.xlsx")).run()
    assert not at.exception
    assert unescaped(at.info[0].value).startswith("Kiểm tra xong: 120 dòng hợp lệ, 0 dòng bị từ chối")
    assert [m.value for m in at.metric][:3] == ["120", "120", "0"]
    changes = at.dataframe[0].value
    assert list(changes["Đơn vị"]) == ["Cụm 5 (Thọ An)", "Cụm 6 (Thọ An)"]
    assert table_counts(get_engine(demo_copy)) == counts  # nothing written yet

    acknowledge(at)  # the sample takes Cụm 5 to 656 of 630
    at.button(key="upload-confirm").click().run()
    assert unescaped(at.success[0].value).startswith("Đã nhập 120 dòng")
    after = {code: registered(demo_copy, code, day) for code in before}
    assert after != before
    assert list(changes["Đã tạo tài khoản"]) == [f"{before[c]} → {after[c]}" for c in before]
    assert len(at.file_uploader) == 1 and not at.dataframe  # ready for the next file


def test_the_same_file_again_says_it_was_already_imported(demo_copy, use_database):
    at = upload_page(demo_copy, use_database, "xa.thoan")
    at.file_uploader[0].upload("a.xlsx", sample("tho-an-cum-5-6.xlsx")).run()
    acknowledge(at).button(key="upload-confirm").click().run()
    at.file_uploader[0].upload("ban-sao.xlsx", sample("tho-an-cum-5-6.xlsx")).run()
    assert "Tệp này đã được nhập (lần nhập số" in unescaped(at.warning[0].value)
    assert not [b for b in at.button if b.key == "upload-confirm"]


def test_cancel_writes_nothing(demo_copy, use_database):
    counts = table_counts(get_engine(demo_copy))
    at = upload_page(demo_copy, use_database, "xa.thoan")
    at.file_uploader[0].upload("a.xlsx", sample("tho-an-cum-5-6.xlsx")).run()
    at.button(key="upload-cancel").click().run()
    assert table_counts(get_engine(demo_copy)) == counts and not at.dataframe


def test_rejected_rows_are_listed_at_their_excel_row_and_downloadable(demo_copy, use_database):
    at = upload_page(demo_copy, use_database, "xa.thoan")
    data = roster([["Nguyễn Văn An", "001000000001", "Cụm 1", "x", "x", ""],
                   ["Trần Thị Bình", "001000000002", "Cụm 99", "x", "x", ""]])
    at.file_uploader[0].upload("ds.xlsx", data).run()
    problems = at.dataframe[1].value
    assert list(problems["Dòng"]) == [5]
    assert problems["Lý do"][0].startswith("Không tìm thấy “Cụm 99” trong danh mục đơn vị. Có phải: Cụm 9")
    assert at.get("download_button")[0].proto.label == "Tải các dòng cần sửa (Excel, có cột Lý do)"
    assert at.button(key="upload-confirm").label == "Xác nhận nhập 1 dòng"


def test_a_leader_gets_no_upload(demo_copy, use_database):
    at = upload_page(demo_copy, use_database, "lanhdao")
    assert not at.file_uploader and "lãnh đạo" in at.info[0].value


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(75):  # 300 MB of zeros, about 300 KB packed
                member.write(b"\0" * (4 * 1024 * 1024))
    return out.getvalue()


def word_renamed() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


BAD_FILES = {  # the spec's bad files (import-formats.md, "File formats"): name -> (file name, bytes)
    "pdf renamed xlsx": ("bao-cao.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "html saved as xls": ("bao-cao.xls", lambda: (
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>STT</td><td>Họ và tên</td>"
        "</tr></table></body></html>").encode()),
    "word document renamed xlsx": ("danh-sach.xlsx", word_renamed),
    "picture renamed xlsx": ("anh.xlsx", lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(200)),
    "random bytes": ("danh-sach.xlsx", lambda: os.urandom(5000)),
    "empty file": ("trong.xlsx", lambda: b""),
    "password-protected xlsx": ("mat-khau.xlsx", lambda: cfb(
        {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": os.urandom(600)})),
    "zip bomb": ("bom.xlsx", zip_bomb),
    "more than 1,000,000 rows": ("dai.xlsx", lambda: one_sheet_xlsx(
        SHEET_NS + '<dimension ref="A1:H1048576"/><sheetData></sheetData></worksheet>')),
    "over the upload limit": ("lon.csv", lambda: b"STT,Ho va ten\n" + b"1,A\n" * (MAX_UPLOAD_BYTES // 4)),
    "csv in an unknown encoding": ("ds.csv", lambda: "Họ và tên;Đã cài đặt\nNguyễn Văn An;x\n".encode("utf-16-le")[1:]),
    "no table of any kind": ("ghi-chu.csv", lambda: "Ghi chú,Nội dung\n1,Họp tổ\n".encode()),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_every_bad_file_is_answered_with_the_importers_message_and_nothing_written(
        demo_copy, use_database, case):
    name, build = BAD_FILES[case]
    data = build()
    with pytest.raises(FileRefused) as refusal:  # what the importer itself says about the file
        parse_file(data, name)
    counts = table_counts(get_engine(demo_copy))
    at = upload_page(demo_copy, use_database, "xa.thoan")
    at.file_uploader[0].upload(name, data).run()
    assert not at.exception
    assert unescaped(at.error[0].value) == refusal.value.message
    assert not [b for b in at.button if b.key == "upload-confirm"]
    assert table_counts(get_engine(demo_copy)) == counts


def test_the_upload_limit_is_set_for_streamlit_and_checked_by_the_importer():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES
    with pytest.raises(FileRefused) as refusal:
        parse_file(b"x" * (MAX_UPLOAD_BYTES + 1), "lon.xlsx")
    assert refusal.value.code == "file-too-large"


def test_a_file_is_read_once_for_its_preview_its_rows_to_fix_and_its_confirm(
        demo_copy, use_database, monkeypatch):
    import services.imports
    reads = []
    real = services.imports.parse_file

    def counted(data, filename, **options):
        reads.append(filename)
        return real(data, filename, **options)
    monkeypatch.setattr(services.imports, "parse_file", counted)
    at = upload_page(demo_copy, use_database, "xa.thoan")
    data = roster([["Nguyễn Văn An", "001000000001", "Cụm 1", "x", "x", ""],
                   ["Trần Thị Bình", "001000000002", "Cụm 99", "x", "x", ""]])
    at.file_uploader[0].upload("ds.xlsx", data).run()
    assert at.get("download_button")[0].proto.label == "Tải các dòng cần sửa (Excel, có cột Lý do)"
    acknowledge(at)  # any rerun (a widget touched) keeps the prepared import
    at.button(key="upload-confirm").click().run()
    assert unescaped(at.success[0].value).startswith("Đã nhập 1 dòng")
    assert reads == ["ds.xlsx"]
    assert "upload-preview" not in at.session_state  # dropped after the confirm


def test_choosing_another_file_drops_the_prepared_import_of_the_first(demo_copy, use_database):
    at = upload_page(demo_copy, use_database, "xa.thoan")
    at.file_uploader[0].upload("a.xlsx", roster([["An", "001000000001", "Cụm 1", "x", "x", ""]])).run()
    first = at.session_state["upload-preview"][1]
    at.file_uploader[0].upload("b.xlsx", roster([["Bình", "001000000002", "Cụm 2", "x", "x", ""],
                                                 ["Chi", "001000000003", "Cụm 2", "x", "x", ""]])).run()
    second = at.session_state["upload-preview"][1]
    assert (first.file, second.file) == ("a.xlsx", "b.xlsx")
    assert at.button(key="upload-confirm").label == "Xác nhận nhập 2 dòng"
    at.button(key="upload-cancel").click().run()
    assert "upload-preview" not in at.session_state


def test_a_file_pushing_a_unit_over_its_target_asks_to_be_acknowledged_first(demo_copy, use_database):
    """Issue 12 item 3: the preview says why, and the confirm waits for the tick."""
    from tests.workbooks import count_report
    at = upload_page(demo_copy, use_database, "xa.thoan")
    counts = table_counts(get_engine(demo_copy))
    at.date_input[0].set_value(date(2024, 8, 18))
    at.file_uploader[0].upload("bc.xlsx", count_report([["Cụm 5", 663, 663]], unit_header="Cụm dân cư",
                                                       title="UBND XÃ THỌ AN")).run()
    assert not at.exception
    [caution] = [w.value for w in at.warning if "Cần kiểm tra trước khi nhập" in w.value]
    assert "Cụm 5 (Thọ An): sau khi nhập có 663 người đã tạo tài khoản, vượt chỉ tiêu 630" in \
        unescaped(caution)
    assert at.button(key="upload-confirm").disabled  # a browser user cannot press it
    assert table_counts(get_engine(demo_copy)) == counts
    [tick] = at.checkbox
    assert tick.label == "Tôi đã kiểm tra các điểm trên và vẫn muốn nhập tệp này"
    tick.check().run()
    assert not at.button(key="upload-confirm").disabled
    at.button(key="upload-confirm").click().run()
    assert unescaped(at.success[0].value).startswith("Đã nhập 1 dòng")
    assert registered(demo_copy, "THOAN-05", date(2024, 8, 18)) == 663


def test_an_undated_file_long_after_the_campaign_asks_to_be_acknowledged(demo_copy, use_database):
    at = upload_page(demo_copy, use_database, "xa.thoan")
    at.file_uploader[0].upload("ds.xlsx", roster([["An", "001000000001", "Cụm 1", "x", "x", ""]])).run()
    [caution] = [w.value for w in at.warning if "Cần kiểm tra trước khi nhập" in w.value]
    assert "Tệp không ghi ngày báo cáo nên được tính là ngày hôm nay" in unescaped(caution)
    assert at.button(key="upload-confirm").disabled
