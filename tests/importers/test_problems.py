"""The catalogue of row problems: each code once, raised by its one layer, masked by field."""
from __future__ import annotations

import re
from pathlib import Path

from importers.problems import IMPORTERS, SERVICES, Problem

ROOT = Path(__file__).resolve().parents[2]


def _raised_in(layer: str) -> set[str]:
    names: set[str] = set()
    for path in (ROOT / layer).glob("*.py"):
        names |= set(re.findall(r"\bProblem\.([A-Z_]+)\b", path.read_text(encoding="utf-8")))
    return names


def test_each_code_is_a_slug_with_its_template():
    assert len({p.code for p in Problem}) == len(Problem)
    for problem in Problem:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", problem.code), problem
        assert problem.template.endswith((".", "?", "}")), problem


def test_each_problem_is_raised_by_its_one_layer_and_none_by_two():
    importers, services = _raised_in(IMPORTERS), _raised_in(SERVICES)
    assert importers & services == set()
    for problem in Problem:
        raised = {IMPORTERS} if problem.name in importers else set()
        raised |= {SERVICES} if problem.name in services else set()
        assert raised == {problem.layer}, problem


def test_masking_is_decided_by_the_field_a_problem_quotes():
    assert {p.code for p in Problem if p.masked} == {
        "citizen-id-digits-lost", "invalid-citizen-id", "citizen-id-in-phone"}
    assert not Problem.INVALID_PHONE.masked


def test_a_template_is_filled_with_the_named_values():
    assert Problem.INVALID_COUNT.text(value="-3", reason="là số âm") == "Số liệu “-3” là số âm."
    assert Problem.MISSING_NAME.text() == "Thiếu họ và tên."
