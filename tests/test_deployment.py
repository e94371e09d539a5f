"""The deployment files (Dockerfile, compose.yaml): checked without a Docker engine."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_postgres_then_the_migration_then_the_app():
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "app"}
    assert services["migrate"]["command"] == ["python", "-m", "alembic", "upgrade", "head"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["app"]["ports"] == ["8501:8501"]


def test_secrets_come_from_the_environment_never_from_the_files():
    services = compose()["services"]
    env = services["app"]["environment"]
    assert env["TRACKER_ID_KEY"].startswith("${TRACKER_ID_KEY:?")
    assert "${POSTGRES_PASSWORD}" in env["DATABASE_URL"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"data/.secret_key", ".git", ".venv"} <= set(ignored)
    assert "data/.secret_key" in (ROOT / ".gitignore").read_text().split()


def test_image_installs_the_pinned_requirements_and_serves_the_app():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11", dockerfile, re.M)
    assert "pip install -r requirements.txt" in dockerfile
    assert '"streamlit", "run", "app.py"' in dockerfile
    assert re.search(r"^USER \w+", dockerfile, re.M)  # not root
    pinned = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line and not line.startswith("#")]
    assert all("==" in line for line in pinned)
