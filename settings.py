"""Configuration from the environment. Secrets never live in the repository."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tracker.db'}"


def id_hash_key() -> bytes:
    """Key for hashing citizen IDs: `TRACKER_ID_KEY` (hex), else a key made once in `data/`."""
    if value := os.environ.get("TRACKER_ID_KEY"):
        return bytes.fromhex(value) if _is_hex(value) else value.encode()
    path = DATA_DIR / ".secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return bytes.fromhex(path.read_text().strip())


def _is_hex(value: str) -> bool:
    try:
        bytes.fromhex(value)
        return len(value) >= 32
    except ValueError:
        return False
