"""Functions that misbehave on purpose, run by name in the reader's child process
(tests/importers/test_hostile.py). Kept free of heavy imports: the child imports this module."""
from __future__ import annotations

import os
import time


def hog(megabytes: int, progress=None):
    """Holds `megabytes` of touched memory, 16 MB at a time."""
    held = []
    for _ in range(megabytes // 16):
        held.append(b"x" * (16 << 20))
    return len(held)


def sleeper(seconds: float, progress=None):
    progress("Trang chậm")
    time.sleep(seconds)


def aborter(progress=None):
    progress("Thôn 9")
    os.abort()


def buggy(progress=None):
    raise KeyError("a bug, not a bad file")
