"""The house's floors (docs/spec/architecture.md): each module imports only from its floor or below."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GROUND = {"errors", "text", "formats", "settings", "models", "db"}


def floor_of(module: str) -> int | None:
    top = module.split(".")[0]
    if top in GROUND:
        return 1
    return {"importers": 2, "services": 3, "components": 4, "pages": 4, "app": 4, "cli": 4,
            "streamlit": 4}.get(top)


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


MODULES = sorted([*(ROOT / name for name in (f"{g}.py" for g in GROUND)),
                  *ROOT.glob("importers/*.py"), *ROOT.glob("services/*.py")])


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_nothing_from_a_floor_above_its_own(path):
    own = floor_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
    above = {m for m in imports_of(path) if (floor_of(m) or 0) > own}
    assert above == set()
