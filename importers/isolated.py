"""Run the reading of an upload in a child process with a memory cap and a time limit.

calamine aborts the whole process when a hostile file makes it allocate too much (a sheet is made
dense, rows x columns); no `except` can catch that. So everything that touches an upload's bytes
beyond `importers.read.check` runs in a child: forked from a `forkserver` that has the importer
modules loaded (one fork a file, not a fresh interpreter), with `RLIMIT_AS` (where the OS does not
enforce it, macOS, a watchdog thread on the resident size) and a wall-clock limit. An abort, a
kill, a memory error, a time-out or a broken pipe becomes `FileRefused` with a stable code
(`reader-out-of-memory`, `reader-timeout`, `reader-crashed`) and a Vietnamese message, logged
with the file's sha256. The server process carries on.

Limits: `TRACKER_READER_MEMORY_MB` (default 1024, the child's whole address space) and
`TRACKER_READER_SECONDS` (default 60).
"""
from __future__ import annotations

import gc
import hashlib
import io
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import tempfile
import threading
import time
from multiprocessing import context, forkserver, popen_forkserver, reduction, spawn, util

from importers.read import _SAVE_AS_XLSX
from importers.report import FileRefused

log = logging.getLogger(__name__)

PRELOAD = ["importers.parse", "importers.isolated", "importers.warm"]
_OOM_EXIT = 86  # the watchdog's exit status
_context = None
_context_lock = threading.Lock()
# RLIMIT_AS is not enforced on macOS: watch the resident size there instead
WATCHDOG = sys.platform == "darwin"


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip().replace(",", ".")
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


def memory_limit() -> int:
    """Bytes of address space the child may use."""
    return int(_env_number("TRACKER_READER_MEMORY_MB", 1024) * 1024 * 1024)


def time_limit() -> float:
    return _env_number("TRACKER_READER_SECONDS", 60)


def _ctx():
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


def warm_up() -> None:
    """Start the fork server now (it starts on first use otherwise)."""
    _ctx()
    forkserver.ensure_running()


class _Popen(popen_forkserver.Popen):
    """The stdlib's launch, without the parent's `__main__` in what the child prepares: each
    child would import it again, and under Streamlit `__main__` is the page script (app.py), run
    top to bottom in every child. The child needs only `fn`, imported by name."""

    def _launch(self, process_obj):
        prep_data = {k: v for k, v in spawn.get_preparation_data(process_obj._name).items()
                     if not k.startswith("init_main_from")}
        buf = io.BytesIO()
        context.set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


# ---------------------------------------------------------------------------------------------
# The child

def _limit(memory: int, seconds: float, watchdog: bool) -> None:
    cpu = int(seconds) + 5  # a backstop should the parent be gone
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    if not watchdog:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        return
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux

    def watch():
        while True:
            if resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale > memory:
                os._exit(_OOM_EXIT)
            time.sleep(0.02)

    threading.Thread(target=watch, daemon=True).start()


def _child(conn, stderr_path: str, fn, args: tuple, memory: int, seconds: float, watchdog: bool) -> None:
    with open(stderr_path, "wb", buffering=0) as err:  # what calamine prints before it aborts
        os.dup2(err.fileno(), 2)
    os.environ["RUST_BACKTRACE"] = "0"  # its first line says why; a backtrace only fills the log
    _limit(memory, seconds, watchdog)

    def progress(name: str) -> None:
        conn.send_bytes(pickle.dumps(("at", name)))

    try:
        result = ("ok", fn(*args, progress=progress))
    except FileRefused as exc:
        result = ("refused", exc.code, exc.message)
    except MemoryError:
        result = ("memory",)
    except Exception as exc:  # noqa: BLE001 - a bug: the parent logs it and refuses the file
        import traceback
        result = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-4000:]}")
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        result, payload = None, pickle.dumps(("memory",))
    del result
    conn.send_bytes(payload)
    conn.close()


# ---------------------------------------------------------------------------------------------
# The parent

def run_isolated(fn, *args, data: bytes = b"", filename: str = "", memory: int | None = None,
                 seconds: float | None = None):
    """`fn(*args, progress=callback)` in a child process; its result, or `FileRefused`.

    `fn` must be importable by name (a module-level function); it may call `progress(sheet name)`
    so that a refusal names the sheet being read. `data`/`filename` are for the log only."""
    memory = memory or memory_limit()
    seconds = seconds or time_limit()
    ctx = _ctx()
    receiver, sender = ctx.Pipe(duplex=False)
    fd, stderr_path = tempfile.mkstemp(prefix="tracker-reader-", suffix=".log")
    os.close(fd)
    proc = _Process(target=_child, args=(sender, stderr_path, fn, args, memory, seconds, WATCHDOG),
                    daemon=True)
    at = None
    timed_out = False
    message = None
    try:
        proc.start()
        sender.close()
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not receiver.poll(left):
                timed_out = True
                break
            try:
                message = _loads(receiver.recv_bytes())
            except (EOFError, OSError):
                message = None
                break
            if message[0] != "at":
                break
            at = message[1]
        if timed_out:
            proc.kill()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
        stderr = _head(stderr_path)
    finally:
        receiver.close()
        try:
            os.unlink(stderr_path)
        except OSError:
            pass

    if message is not None and not timed_out:
        if message[0] == "ok":
            return message[1]
        if message[0] == "refused":
            raise FileRefused(message[1], message[2])
    if timed_out:
        code = "reader-timeout"
    elif (message is not None and message[0] == "memory") or proc.exitcode == _OOM_EXIT \
            or proc.exitcode == -signal.SIGKILL or "memory allocation" in stderr \
            or "MemoryError" in stderr:
        code = "reader-out-of-memory"
    elif proc.exitcode == -signal.SIGXCPU:
        code, timed_out = "reader-timeout", True
    else:
        code = "reader-crashed"
    detail = message[1] if message is not None and message[0] == "error" else stderr
    log.warning("upload refused (%s): %r sha256=%s exit=%s sheet=%r\n%s", code, filename,
                hashlib.sha256(data).hexdigest(), proc.exitcode, at, detail[:1500])
    raise FileRefused(code, _message(code, at, memory, seconds))


def _loads(payload: bytes):
    """Unpickled with the cyclic garbage collector paused: the answer is hundreds of thousands of
    new objects with no cycles, and collecting while they are made only walks them again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)
    finally:
        if collecting:
            gc.enable()


def _head(path: str, size: int = 8192) -> str:
    """The start of what the child wrote to stderr (a Rust abort says why in its first line)."""
    try:
        with open(path, "rb") as f:
            return f.read(size).decode("utf-8", "replace")
    except OSError:
        return ""


def _message(code: str, sheet: str | None, memory: int, seconds: float) -> str:
    where = f" (khi đọc trang “{sheet}”)" if sheet else ""
    if code == "reader-out-of-memory":
        return (f"Tệp bị từ chối để bảo vệ hệ thống: đọc tệp này cần nhiều hơn {memory // (1024 * 1024)} MB "
                f"bộ nhớ{where}. Thường là do trang tính có ô lẻ ở rất xa vùng danh sách (hàng hoặc cột "
                "rất xa), khai báo kích thước bất thường hoặc danh sách quá dài. Hãy xoá các hàng, cột "
                "thừa hoặc chia danh sách thành nhiều tệp. " + _SAVE_AS_XLSX)
    if code == "reader-timeout":
        return (f"Tệp bị từ chối: đọc tệp này mất hơn {seconds:g} giây{where} nên đã dừng để không làm "
                "chậm hệ thống. Tệp có thể quá lớn hoặc được tạo bất thường; hãy chia danh sách thành "
                "nhiều tệp nhỏ hơn. " + _SAVE_AS_XLSX)
    return (f"Không đọc được tệp: chương trình đọc bảng tính dừng đột ngột khi mở tệp này{where}; tệp "
            "có thể bị hỏng hoặc được tạo bất thường. " + _SAVE_AS_XLSX)
