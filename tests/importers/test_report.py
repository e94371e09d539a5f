"""The parse's answer as it is handed over: data rows packed by column (`PackedRows`)."""
from __future__ import annotations

import pickle
from datetime import date, datetime, time

import pytest

from importers.report import PackedRows


def test_packed_rows_give_each_row_back_equal_and_of_the_same_types():
    rows = [["An", 1.0, date(1990, 2, 1), "", None],
            ["Bình", 2.5, "01/02/1990", "x", True],
            ["", -0.0, datetime(2024, 8, 1, 9, 30), "có", time(8, 0)],
            ["Nguyễn Văn\nCường", 3.0, 45500, "✓", 7]]
    packed = pickle.loads(pickle.dumps(PackedRows(rows)))
    assert len(packed) == 4
    for i, row in enumerate(rows):
        back = packed.row(i)
        assert back == row and [type(v) for v in back] == [type(v) for v in row]


def test_packed_rows_keep_ragged_rows_as_they_were():
    rows = [["An", "x"], ["Bình"], [], ["Cường", "", "ghi chú"]]
    packed = PackedRows(rows)
    assert [packed.row(i) for i in range(4)] == rows


def test_packed_rows_of_nothing_and_out_of_range():
    assert len(PackedRows([])) == 0
    with pytest.raises(IndexError):
        PackedRows([["An"]]).row(1)
