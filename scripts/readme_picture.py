"""Draws the README's Zalo picture (docs/screenshots/zalo-2024-08-12.png) from a fresh demo
district in a temporary database: `.venv/bin/python scripts/readme_picture.py`."""
from __future__ import annotations

import os
import secrets
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_ID_KEY", secrets.token_hex(32))  # the throwaway database's only

from db import get_engine, migrate  # noqa: E402
from services import dashboard, picture  # noqa: E402
from services.demo import create_demo  # noqa: E402

AS_OF = date(2024, 8, 12)  # mid-campaign: every status and a silent commune
TARGET = ROOT / "docs" / "screenshots" / f"zalo-{AS_OF:%Y-%m-%d}.png"

with tempfile.TemporaryDirectory() as folder:
    engine = get_engine(f"sqlite:///{Path(folder) / 'demo.db'}")
    migrate(engine)
    create_demo(engine=engine)
    TARGET.write_bytes(picture.overview_png(dashboard.overview(AS_OF, engine=engine)))
    engine.dispose()
print(TARGET.relative_to(ROOT))
