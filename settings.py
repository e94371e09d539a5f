"""Configuration from the environment, read once (`current()`). Secrets never live in the
repository."""
from __future__ import annotations

import logging
import os
import re
import secrets
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from errors import UserError
from text import fold

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
KEY_FILE = DATA_DIR / ".secret_key"
_KEY, _HEX = re.compile(r"[0-9a-fA-F]{64}"), re.compile(r"[0-9a-fA-F]*")

log = logging.getLogger(__name__)


class SettingsError(UserError, RuntimeError):
    """A setting the app and the command line cannot start with (a Vietnamese message)."""


@dataclass(frozen=True)
class Settings:
    """Every setting of one deployment. `current()` reads them once from the environment."""

    database_url: str  # DATABASE_URL, else data/tracker.db
    upload_limit: int  # bytes: TRACKER_MAX_UPLOAD_MB (default 50), also .streamlit/config.toml's
    session_minutes: int  # TRACKER_SESSION_MINUTES of inactivity before signing out (default 30)
    deployment: str  # TRACKER_DEPLOYMENT: the place the tracker serves (default Đan Phượng)
    deployment_kind: str  # TRACKER_DEPLOYMENT_KIND: huyện, quận, thị xã, thành phố (default huyện)

    @classmethod
    def from_environment(cls, environ=os.environ) -> "Settings":
        return cls(
            database_url=environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tracker.db'}",
            upload_limit=int(_positive(environ.get("TRACKER_MAX_UPLOAD_MB"), 50.0) * 1024 * 1024),
            session_minutes=int(_positive(environ.get("TRACKER_SESSION_MINUTES"), 30)),
            deployment=(environ.get("TRACKER_DEPLOYMENT") or "").strip() or "Đan Phượng",
            deployment_kind=(environ.get("TRACKER_DEPLOYMENT_KIND") or "").strip() or "huyện")

    @property
    def place(self) -> str:
        """`huyện Đan Phượng`."""
        return f"{self.deployment_kind} {self.deployment}"

    @property
    def slug(self) -> str:
        """For file names: `dan-phuong`."""
        return fold(self.deployment).replace(" ", "-")

    @cached_property
    def id_key(self) -> bytes:
        """The key for hashing citizen IDs (`id_hash_key`), read once."""
        return id_hash_key()


_current: Settings | None = None


def current() -> Settings:
    global _current
    if _current is None:
        _current = Settings.from_environment()
    return _current


def _positive(raw: str | None, default: float) -> float:
    """A number > 0 (a decimal comma allowed), else the default."""
    try:
        value = float((raw or "").strip().replace(",", ".") or default)
    except ValueError:
        return default
    return value if value > 0 else default


def startup_problem() -> str | None:
    """Why the app and the command line cannot start (Vietnamese), or None: a `TRACKER_ID_KEY`
    that is not 64 hex characters, or a key file that cannot be made or read."""
    try:
        id_hash_key()
    except SettingsError as error:
        return f"Không khởi động được. {error}"
    except OSError as error:
        return (f"Không khởi động được: không tạo hoặc không đọc được tệp khóa {KEY_FILE} "
                f"({error.strerror}). Kiểm tra quyền của thư mục, hoặc đặt TRACKER_ID_KEY.")
    return None


def check() -> None:
    """For the command line: exit (status 1) saying why, when it cannot start."""
    if problem := startup_problem():
        raise SystemExit(problem)


def id_hash_key() -> bytes:
    """Key for hashing citizen IDs: `TRACKER_ID_KEY` (64 hex characters), else a key made once in
    `data/.secret_key` (0600, in a 0700 folder when the folder is made here)."""
    value = os.environ.get("TRACKER_ID_KEY")
    if value is not None:
        if not _KEY.fullmatch(value):
            raise SettingsError(
                f"Biến môi trường TRACKER_ID_KEY không hợp lệ: cần đúng 64 ký tự hex (0-9, a-f), "
                f"đang có {len(value)} ký tự"
                f"{'' if _HEX.fullmatch(value) else ', có ký tự khác hex'}. "
                "Tạo khóa mới bằng lệnh: openssl rand -hex 32 (đổi khóa thì những người đã nhập "
                "không còn được nhận ra: nếu đã có khóa cũ, hãy dùng lại đúng khóa đó).")
        return bytes.fromhex(value)
    if not KEY_FILE.exists():
        private_folder(KEY_FILE.parent)
        draft = KEY_FILE.with_name(f"{KEY_FILE.name}.{os.getpid()}")
        with open(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, KEY_FILE)  # whole or not at all; another process may have made it first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    private_file(KEY_FILE)
    text = KEY_FILE.read_text().strip()
    if not _KEY.fullmatch(text):
        raise SettingsError(f"Tệp khóa {KEY_FILE} hỏng: cần đúng 64 ký tự hex. Khôi phục tệp từ "
                            "bản sao lưu, hoặc đặt TRACKER_ID_KEY bằng khóa cũ.")
    return bytes.fromhex(text)


def private_folder(path: Path) -> None:
    """Make the folder 0700 if it does not exist (an existing folder is left as it is: it may be
    shared, such as /tmp)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def private_file(path: Path) -> None:
    """An existing file that group or others may read or write becomes 0600 (warned in the log)."""
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        try:
            path.chmod(0o600)
        except OSError as error:  # not ours: say so, and go on
            log.warning("%s can be read by other users (%o) and could not be made 0600: %s",
                        path, mode & 0o777, error)
        else:
            log.warning("%s could be read by other users (%o): made 0600", path, mode & 0o777)


def private_database_file(path: Path) -> None:
    """A SQLite database file is 0600, made empty here when new (in a 0700 folder when the folder
    is new too); so are its `-wal` and `-shm` files (SQLite gives them the database file's mode)."""
    private_folder(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for file in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        if file.exists():
            private_file(file)
