"""Hostile files end in rows or a Vietnamese refusal; the process that asked carries on.

Each file is written by the test (tests/importers/hostile.py, a few KB each) and read through
`parse_file`, the isolated reader the pages and the command line use. The child's limits are
tested with functions that misbehave on purpose. Timings: bench/import_bench.py.
"""
from __future__ import annotations

import sys
import types

import pytest
from sqlalchemy import text

from importers import isolated
from importers.isolated import run_isolated
from importers.parse import parse_file
from importers.report import FileRefused, ParsedFile
from services.imports import import_file
from db import session_scope
from tests.importers.hostile import SHAPES
from tests.importers.misbehave import aborter, buggy, hog, sleeper

# Words every refusal of the isolated reader carries: what happened, and the Save As advice.
SAVE_AS = "Lưu thành (Save As)"


def outcome(name: str):
    build, filename = SHAPES[name]
    try:
        return parse_file(build(), filename)
    except FileRefused as exc:
        return exc


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_hostile_file_ends_in_rows_or_a_vietnamese_refusal(name):
    result = outcome(name)
    assert isinstance(result, (ParsedFile, FileRefused))
    if isinstance(result, FileRefused):
        assert result.code and result.message
        assert any(ch in result.message for ch in "ăâđêôơưệạ"), result.message  # Vietnamese
        assert result.code != "reader-timeout"  # an answer well within the time limit


@pytest.mark.parametrize("name", ["shared-strings-count", "sheet-under-media", "xls-cell-at-IV65536",
                                  "xlsx-cell-at-XFD1048576", "ods-row-repeated-1000000"])
def test_files_that_abort_calamine_are_refused_as_out_of_memory(name):
    result = outcome(name)
    assert isinstance(result, FileRefused)
    assert result.code == "reader-out-of-memory"
    assert "bảo vệ hệ thống" in result.message and "1024 MB" in result.message and SAVE_AS in result.message


def test_a_far_cell_within_the_memory_cap_is_refused_with_the_sheet_size():
    result = outcome("xlsx-cell-at-T999999")
    assert isinstance(result, FileRefused) and result.code == "sheet-too-large"
    assert "“Thôn 1”" in result.message and "999.999 hàng × 20 cột" in result.message


def test_38000_merged_ranges_piled_on_the_header_still_read_the_rows():
    result = outcome("38000-merged-ranges")
    assert isinstance(result, ParsedFile)
    assert [r.full_name for r in result.rows][-2:] == ["Người 39", "Người 40"]


@pytest.mark.parametrize("name, code", [("zip-bomb", "zip-bomb"), ("lying-zip-bomb", "unreadable-file"),
                                        ("truncated-zip", "unreadable-file"),
                                        ("pk-random-bytes", "unreadable-file")])
def test_broken_and_bombed_zips_are_refused_for_what_they_are(name, code):
    result = outcome(name)
    assert isinstance(result, FileRefused) and result.code == code


def test_a_hostile_upload_writes_nothing_and_the_service_answers(district):
    build, filename = SHAPES["shared-strings-count"]
    result = import_file(build(), filename, commune="THOAN", engine=district)
    assert result.status == "refused" and "bảo vệ hệ thống" in result.message
    with session_scope(district) as session:
        assert session.execute(text("SELECT count(*) FROM upload")).scalar_one() == 0
    # and the next, ordinary, file is read as usual
    ok = import_file(b"STT,H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan,Th\xc3\xb4n,\xc4\x90\xc3\xa3 c\xc3\xa0i \xc4\x91\xe1\xba\xb7t\n"
                     b"1,Nguy\xe1\xbb\x85n V\xc4\x83n An,C\xe1\xbb\xa5m 1,x\n", "ds.csv", commune="THOAN",
                     dry_run=True, engine=district)
    assert ok.status != "refused" and ok.rows_accepted == 1


# ---------------------------------------------------------------------------------------------
# The child's limits (functions run in the child by name: tests/importers/misbehave.py)

def test_the_memory_cap_is_real_a_child_allocating_2_gib_is_refused_and_the_parent_lives():
    with pytest.raises(FileRefused) as caught:
        run_isolated(hog, 2048, memory=512 << 20)
    assert caught.value.code == "reader-out-of-memory" and "512 MB" in caught.value.message
    assert run_isolated(hog, 32) == 2  # the parent, and the next child, carry on


def test_the_resident_size_watchdog_stops_a_child_where_the_address_space_is_not_capped(monkeypatch):
    monkeypatch.setattr(isolated, "WATCHDOG", True)  # as on macOS
    with pytest.raises(FileRefused) as caught:
        run_isolated(hog, 2048, memory=256 << 20)
    assert caught.value.code == "reader-out-of-memory"


def test_a_child_over_its_time_is_killed_and_the_refusal_names_the_sheet():
    with pytest.raises(FileRefused) as caught:
        run_isolated(sleeper, 30, seconds=3)
    assert caught.value.code == "reader-timeout"
    assert "3 giây" in caught.value.message and "“Trang chậm”" in caught.value.message


def test_an_abort_becomes_a_crash_refusal_with_the_save_as_advice():
    with pytest.raises(FileRefused) as caught:
        run_isolated(aborter)
    assert caught.value.code == "reader-crashed"
    assert "dừng đột ngột" in caught.value.message and "“Thôn 9”" in caught.value.message
    assert SAVE_AS in caught.value.message


def test_a_bug_in_the_child_is_logged_with_the_file_hash_and_refused(caplog):
    with pytest.raises(FileRefused) as caught:
        run_isolated(buggy, data=b"abc", filename="x.xlsx")
    assert caught.value.code == "reader-crashed"
    assert "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" in caplog.text
    assert "KeyError" in caplog.text


def test_the_child_never_runs_the_parents_main_script(monkeypatch, tmp_path):
    # Under Streamlit, __main__ is the page script: a child that imported it would run the app.
    marker = tmp_path / "ran"
    script = tmp_path / "app.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    assert run_isolated(hog, 16) == 1
    assert not marker.exists()


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRACKER_READER_MEMORY_MB", "300")
    monkeypatch.setenv("TRACKER_READER_SECONDS", "7,5")
    assert (isolated.memory_limit(), isolated.time_limit()) == (300 << 20, 7.5)
    monkeypatch.setenv("TRACKER_READER_MEMORY_MB", "nhiều")
    assert isolated.memory_limit() == 1024 << 20
