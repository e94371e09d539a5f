"""Coverage-guided fuzzing of the whole read-and-parse path (atheris, libFuzzer).

Every input must end in rows or `FileRefused`: any other exception is a bug. The target runs
`importers.parse.parse_in_process` (what the reader's child runs) under libFuzzer's fork mode, so
an input that makes calamine abort or exhaust memory ends one fuzzing child, not the run. After
the run, every input libFuzzer saved (crash-, oom-, timeout-, leak-) is replayed through the
isolated `parse_file`, the path uploads take: it must answer rows or a refusal (an abort there is
the isolation doing its job), and in process it must never raise anything but `FileRefused`.

Seeds: tests/samples/* and the hostile files of tests/importers/hostile.py. Without atheris, a
plain mutation loop (byte flips, truncations, splices) runs in process instead.

    .venv/bin/python bench/fuzz_import.py --seconds 30 [--jobs 1]
Exit status 1 when a bug was found (its input is kept under bench/out/fuzz/).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "fuzz"
CORPUS = OUT / "corpus"
NAMES = ("a.xlsx", "a.xls", "a.ods", "a.csv")
MEMORY = 1 << 30  # what the reader's child gets


# Hostile files the isolation answers (an abort or a huge sheet in process): tested in
# tests/importers/test_hostile.py, and only a waste of fuzzing time here.
_NOT_SEEDS = {"shared-strings-count", "sheet-under-media", "xls-cell-at-IV65536", "xlsx-cell-at-T999999",
              "xlsx-cell-at-XFD1048576", "ods-row-repeated-1000000"}


def seeds() -> list[bytes]:
    found = [p.read_bytes() for p in sorted((ROOT / "tests" / "samples").iterdir())]
    from tests.importers.hostile import SHAPES
    for name, (build, _) in SHAPES.items():
        data = build()
        if len(data) < 64 * 1024 and name not in _NOT_SEEDS:
            found.append(data)
    return found


def write_corpus() -> None:
    shutil.rmtree(CORPUS, ignore_errors=True)
    CORPUS.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(seeds()):
        (CORPUS / f"seed-{i:03d}").write_bytes(data)


def one_input(data: bytes) -> None:
    """The fuzz target: rows or FileRefused, nothing else."""
    from importers.parse import parse_in_process
    from importers.report import FileRefused
    name = NAMES[data[-1] % len(NAMES)] if data else NAMES[0]  # the name must not matter
    try:
        parse_in_process(data, name)
    except FileRefused:
        pass


def replay(path: Path) -> str | None:
    """A saved input through the isolated reader; a bug's description, or None."""
    from importers.isolated import run_isolated
    from importers.report import FileRefused
    data = path.read_bytes()
    try:
        answer = run_isolated(_in_child, data, data=data, filename=path.name)
    except FileRefused as refusal:  # the child aborted or ran out of memory or time: isolation
        print(f"  {path.name}: {refusal.code} (covered by the isolation)")
        return None
    if answer is not None:
        return f"{path.name}: {answer}"
    print(f"  {path.name}: rows or a refusal")
    return None


def _in_child(data: bytes, progress=None) -> str | None:
    import traceback
    try:
        one_input(data)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - the bug being looked for
        return traceback.format_exc()
    return None


def run_atheris(seconds: int, jobs: int) -> list[Path]:
    """libFuzzer in fork mode in a child process (it exits the process when done)."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*-*"):
        if old.is_file() and old.name.split("-")[0] in ("crash", "oom", "timeout", "leak", "slow"):
            old.unlink()
    # libFuzzer's fork mode starts its jobs by running argv[0]: a small launcher
    launcher = OUT / "fuzz-target"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{Path(__file__).resolve()}" --atheris-child "$@"\n')
    launcher.chmod(0o755)
    args = [str(launcher), str(CORPUS), f"-max_total_time={seconds}",
            f"-fork={jobs}", "-ignore_crashes=1", "-ignore_ooms=1", "-ignore_timeouts=1",
            f"-rss_limit_mb={MEMORY >> 20}", "-timeout=20", "-max_len=65536",
            f"-artifact_prefix={OUT}/", "-print_final_stats=1"]
    subprocess.run(args, cwd=ROOT, timeout=seconds + 120)
    return sorted(p for p in OUT.iterdir() if p.is_file() and p.name.split("-")[0] in
                  ("crash", "oom", "timeout", "leak"))


def atheris_child(argv: list[str]) -> None:
    import atheris
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY * 2, MEMORY * 2))
    with atheris.instrument_imports(include=["importers", "text"]):
        import importers.parse  # noqa: F401
    atheris.Setup([str(OUT / "fuzz-target"), *argv], one_input)
    atheris.Fuzz()


def mutation_loop(seconds: int) -> list[Path]:
    """No atheris: random byte flips, truncations and splices of the seeds, each input run in the
    reader's child (an abort there ends one child, not the loop); inputs that raised are saved."""
    from importers.isolated import run_isolated
    from importers.report import FileRefused
    rng = random.Random(9)
    pool = seeds()
    end, runs, saved = time.monotonic() + seconds, 0, []
    while time.monotonic() < end:
        data = bytearray(rng.choice(pool))
        for _ in range(rng.randint(1, 8)):
            op = rng.random()
            if op < 0.6 and data:
                data[rng.randrange(len(data))] = rng.randrange(256)
            elif op < 0.8:
                data = data[:rng.randint(0, len(data))]
            else:
                other = rng.choice(pool)
                at = rng.randint(0, len(data))
                data[at:at] = other[:rng.randint(0, min(len(other), 4096))]
        data = bytes(data)
        runs += 1
        try:
            bug = run_isolated(_in_child, data, data=data, filename="mutation")
        except FileRefused:
            bug = None
        if bug:
            path = OUT / f"crash-mutation-{runs}"
            path.write_bytes(data)
            saved.append(path)
    print(f"mutation loop: {runs} inputs in {seconds} s")
    return saved


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--atheris-child":
        atheris_child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    write_corpus()
    try:
        import atheris  # noqa: F401
        saved = run_atheris(args.seconds, args.jobs)
    except ImportError:
        print("atheris is not installed: plain mutation loop")
        OUT.mkdir(parents=True, exist_ok=True)
        saved = mutation_loop(args.seconds)
    print(f"{len(saved)} input(s) saved by the fuzzer; replayed through the isolated reader:")
    bugs = [b for b in (replay(p) for p in saved) if b]
    for bug in bugs:
        print("BUG", bug)
    if bugs:
        raise SystemExit(1)
    covered = OUT / "covered"  # answered by the isolation: kept apart from what needs a look
    covered.mkdir(exist_ok=True)
    for p in saved:
        shutil.move(str(p), str(covered / p.name))


if __name__ == "__main__":
    main()
