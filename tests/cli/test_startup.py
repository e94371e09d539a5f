"""`cli.py import` starts light: no Alembic when the schema is current, no pandas, plotly or
openpyxl (db.migrate, the command handlers' own imports)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from db import get_engine, migrate
from tests.conftest import SAMPLES, load_reference_directory

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "pandas", "plotly", "openpyxl", "streamlit")
LOADED = ("import sys, cli; code = cli.main(sys.argv[1:]); "
          f"print(sorted(m for m in {HEAVY!r} if m in sys.modules)); sys.exit(code)")


def run(url, *args):
    return subprocess.run([sys.executable, "-c", LOADED, *args], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
                          timeout=120)


def test_an_import_on_a_current_schema_loads_no_heavy_module(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate(get_engine(url))
    load_reference_directory(get_engine(url))
    result = run(url, "import", str(SAMPLES / "truong-thcs-tho-an.csv"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_a_database_behind_the_migrations_is_upgraded(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0005")
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() \
            == sorted(p.name[:4] for p in (ROOT / "migrations" / "versions").glob("0*.py"))[-1]


def test_a_new_database_is_created_by_the_first_command(tmp_path):
    result = run(f"sqlite:///{tmp_path / 'new.db'}", "progress", "--json")
    assert result.returncode == 0, result.stderr
    assert "alembic" in result.stdout.splitlines()[-1]  # the upgrade ran
