"""The deployment files (Dockerfile, compose.yaml).

compose.yaml is resolved by the real Docker Compose (`docker compose config`, or Debian's
`docker-compose`), which needs no Docker engine. Without it the compose tests are skipped on a
developer's machine but fail in CI (`.ci/run` installs it).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {
    "POSTGRES_PASSWORD": "pw-from-the-environment",
    "TRACKER_ID_KEY": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
}


def _compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=60)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.fixture(scope="module")
def compose_command() -> list[str]:
    command = _compose_command()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("Docker Compose is required in CI and neither `docker compose` "
                        "nor `docker-compose` is installed")
        pytest.skip("Docker Compose is not installed")
    return command


def compose_config(command: list[str], tmp_path: Path,
                   **secrets: str) -> subprocess.CompletedProcess[str]:
    """`<compose> -f compose.yaml config` with only the given secrets in its environment.

    The test process's own TRACKER_ID_KEY (tests/conftest.py), any COMPOSE_* setting and a
    developer's .env beside compose.yaml are kept out, so only `secrets` can fill the variables.
    """
    env = {name: value for name, value in os.environ.items()
           if name not in SECRETS and not name.startswith("COMPOSE_")}
    env.update(secrets)
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    return subprocess.run(
        [*command, "--env-file", str(empty_env_file), "-f", "compose.yaml", "config"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def published_ports(service: dict) -> set[tuple[str, str]]:
    ports = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):  # the long form both Compose versions print
            ports.add((str(port["published"]), str(port["target"])))
        else:
            published, target = str(port).split(":")
            ports.add((published, target))
    return ports


def test_compose_resolves_postgres_then_the_migration_then_the_app_with_secrets_from_the_environment(
        compose_command, tmp_path):
    result = compose_config(compose_command, tmp_path, **SECRETS)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == {"db", "migrate", "app"}

    db, migrate, app = services["db"], services["migrate"], services["app"]
    assert db["environment"]["POSTGRES_PASSWORD"] == "pw-from-the-environment"
    assert migrate["command"] == ["python", "-m", "alembic", "upgrade", "head"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert published_ports(app) == {("8501", "8501")}
    for service in (migrate, app):
        assert service["environment"]["DATABASE_URL"] == (
            "postgresql+psycopg://tracker:pw-from-the-environment@db:5432/tracker")
        assert service["environment"]["TRACKER_ID_KEY"] == SECRETS["TRACKER_ID_KEY"]
        assert Path(service["build"]["context"]).resolve() == ROOT


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_resolve_without_each_secret_and_names_it(
        compose_command, tmp_path, missing):
    given = {name: value for name, value in SECRETS.items() if name != missing}
    result = compose_config(compose_command, tmp_path, **given)
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr  # the `${VAR:?set VAR}` message from compose.yaml
    assert result.stdout.strip() == ""


def test_secret_files_stay_out_of_the_image_and_the_repository():
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
