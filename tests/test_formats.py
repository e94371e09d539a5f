"""Vietnamese formats: every number a page shows goes through formats.py."""
from __future__ import annotations

import formats as fmt


def test_numbers_use_a_dot_for_thousands_and_a_comma_for_decimals():
    assert fmt.number(8720) == "8.720"
    assert fmt.number(1234.56, 1) == "1.234,6"
    assert fmt.number(None) == "—"
    assert fmt.percent(0.456) == "45,6%"


def test_pace_always_has_one_decimal_so_a_column_reads_alike():
    assert [fmt.pace(v) for v in (2, 2.1, 0.04, 264, 2731.4)] == \
        ["2,0", "2,1", "0,0", "264,0", "2.731,4"]
    assert fmt.pace(None) == "—"


def test_file_sizes_in_vietnamese():
    assert fmt.file_size(32_358) == "31,6 KB"
    assert fmt.file_size(512) == "512 byte"
    assert fmt.file_size(50 * 1024 * 1024) == "50,0 MB"


def test_a_move_in_the_ranking_is_an_arrow_and_the_places():
    assert [fmt.place_move(m) for m in (2, -1, 0, None)] == ["▲2", "▼1", "=", "—"]
