"""Settings: the citizen-ID key (64 hex characters, or a key file made once, 0600) and the SQLite
database's files (0600 in a 0700 folder)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

import settings
from db import get_engine, migrate
from settings import ROOT, SettingsError, id_hash_key

GOOD_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    """The usual umask, under which files are made world-readable unless asked otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def key_file(tmp_path, monkeypatch, umask_022):
    """No TRACKER_ID_KEY; the key file in a folder that does not exist yet."""
    monkeypatch.delenv("TRACKER_ID_KEY", raising=False)
    path = tmp_path / "data" / ".secret_key"
    monkeypatch.setattr(settings, "KEY_FILE", path)
    return path


def test_a_key_of_64_hex_characters_is_the_key(monkeypatch):
    monkeypatch.setenv("TRACKER_ID_KEY", GOOD_KEY)
    assert id_hash_key() == bytes.fromhex(GOOD_KEY)
    assert settings.startup_problem() is None


@pytest.mark.parametrize("value, said", [
    ("", "đang có 0 ký tự"),
    ("abc123", "đang có 6 ký tự"),
    (GOOD_KEY[:-1], "đang có 63 ký tự"),
    (GOOD_KEY + "0", "đang có 65 ký tự"),
    ("mat-khau-bi-mat-cua-huyen-dan-phuong-khong-phai-hex-0123456789ab", "có ký tự khác hex"),
    (f" {GOOD_KEY[1:]}", "có ký tự khác hex"),
])
def test_any_other_key_is_refused_saying_why(monkeypatch, value, said):
    monkeypatch.setenv("TRACKER_ID_KEY", value)
    with pytest.raises(SettingsError, match="cần đúng 64 ký tự hex") as refused:
        id_hash_key()
    assert said in str(refused.value) and "openssl rand -hex 32" in str(refused.value)
    assert settings.startup_problem().startswith(
        "Không khởi động được. Biến môi trường TRACKER_ID_KEY")
    with pytest.raises(SystemExit) as stopped:
        settings.check()
    assert said in str(stopped.value.code)


def test_the_command_line_refuses_to_start_with_a_bad_key(tmp_path):
    env = {**os.environ, "TRACKER_ID_KEY": "ngan-qua",
           "DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}"}
    result = subprocess.run([sys.executable, "cli.py", "progress", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "TRACKER_ID_KEY không hợp lệ: cần đúng 64 ký tự hex" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "t.db").exists()  # refused before anything was made


def test_without_a_key_one_is_made_once_0600_in_a_0700_folder(key_file):
    key = id_hash_key()
    assert len(key) == 32 and id_hash_key() == key
    assert len(key_file.read_text()) == 64
    assert (mode(key_file), mode(key_file.parent)) == (0o600, 0o700)
    assert [p.name for p in key_file.parent.iterdir()] == [".secret_key"]  # no draft left behind


def test_a_key_file_others_can_read_is_made_0600(key_file):
    key_file.parent.mkdir()
    key_file.write_text(GOOD_KEY + "\n")
    key_file.chmod(0o644)
    assert id_hash_key() == bytes.fromhex(GOOD_KEY)
    assert mode(key_file) == 0o600


def test_a_damaged_key_file_is_refused(key_file):
    key_file.parent.mkdir()
    key_file.write_text("hong")
    with pytest.raises(SettingsError, match="hỏng"):
        id_hash_key()


def test_a_new_sqlite_database_and_its_wal_files_are_0600_in_a_0700_folder(tmp_path, umask_022):
    path = tmp_path / "moi" / "tracker.db"
    engine = get_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:  # the -wal and -shm files exist while it is open
        connection.exec_driver_sql("SELECT 1 FROM user").all()
        files = {p.name: mode(p) for p in path.parent.iterdir()}
    assert files == {"tracker.db": 0o600, "tracker.db-wal": 0o600, "tracker.db-shm": 0o600}
    assert mode(path.parent) == 0o700
    engine.dispose()


def test_an_existing_database_others_can_read_is_made_0600(tmp_path, umask_022):
    path = tmp_path / "cu.db"
    path.touch(mode=0o644)
    tmp_path.chmod(0o755)
    get_engine(f"sqlite:///{path}")
    assert mode(path) == 0o600
    assert mode(tmp_path) == 0o755  # an existing folder is left as it is (it may be shared)


def test_the_settings_default_to_the_district_deployment():
    defaults = settings.Settings.from_environment({})
    assert (defaults.deployment, defaults.place, defaults.slug) == (
        "Đan Phượng", "huyện Đan Phượng", "dan-phuong")
    assert (defaults.upload_limit, defaults.session_minutes) == (50 * 1024 * 1024, 30)
    assert defaults.database_url == f"sqlite:///{ROOT / 'data' / 'tracker.db'}"


def test_the_settings_are_read_from_the_environment_and_bad_numbers_fall_back():
    read = settings.Settings.from_environment({
        "DATABASE_URL": "sqlite://", "TRACKER_MAX_UPLOAD_MB": "1,5", "TRACKER_SESSION_MINUTES": "x",
        "TRACKER_DEPLOYMENT": "Hà Nội", "TRACKER_DEPLOYMENT_KIND": "thành phố"})
    assert (read.database_url, read.upload_limit, read.session_minutes) == (
        "sqlite://", int(1.5 * 1024 * 1024), 30)
    assert (read.place, read.slug) == ("thành phố Hà Nội", "ha-noi")
