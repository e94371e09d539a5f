"""Leaders on the dashboards at the same time: `streamlit run app.py` on the demo database, driven
by N concurrent browser sessions (headless Chromium), each signing in, reading the overview, one
commune and the overview again.

    .venv/bin/python bench/load_bench.py [--sessions 1,5,20] [--rounds 1] [--db PATH] [--quick]

For each N, all sessions wait on the sign-in page and then go together through the phases:
- sign-in: the button, until the overview's figures are visible (an argon2 check, a login audit);
- commune: the sidebar's "Xã, thị trấn" until its figures are visible;
- overview: the sidebar's "Tổng quan" until its figures are visible (the warm-cache view);
  `--rounds` repeats commune + overview.
"Figures visible": the page's title, its metric cards, its charts and tables are in the page and the
script run is over (Streamlit's status widget is gone); plotly draws the charts after that.
Printed per phase: median and p95 time to figures, and the CPU seconds per view of the server
(/proc/<pid>/stat utime+stime, children included) and of the clients (Chromium, the Playwright
driver and this process), read before and after the phase. Then the ratios N / 1. The sessions of
one N share ONE Chromium process (a browser context each: their own cookies and websocket), which
keeps the clients' share of the 2 cores small enough to read the server's.

The database: built once (`cli.py demo` on a temporary SQLite file; its printed passwords are not
used) or reused with --db; the bench makes its own leader accounts (`tai-01`, ...) and resets their
passwords when they exist. Loopback only; every wait is bounded; the server is stopped at the end.
A warm-up session (not counted) runs first, so N=1 does not measure the server's start-up.
`--quick` (CI): one session, one round.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db import get_engine  # noqa: E402
from services.accounts import reset_password  # noqa: E402
from services.auth import AccountError, Actor, create_user  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
TICK = os.sysconf("SC_CLK_TCK")
WAIT_MS = 240_000  # the longest any one step may take (the machine may be busy)
START_S = 90  # the server's start-up
IDLE_S = 3.0  # the server's CPU while N sessions sit on a page

# "figures visible" for each page: title, metric cards, charts, and the run is over
FIGURES_JS = """([title, metrics, charts, code]) => {
  const h1 = document.querySelector('h1');
  return !!h1 && h1.innerText.trim() === title
    && document.querySelectorAll('[data-testid=stMetricValue]').length === metrics
    && document.querySelectorAll('[data-testid=stPlotlyChart]').length === charts
    && document.querySelectorAll('[data-testid=stCode]').length >= code
    && !document.querySelector('[data-testid=stStatusWidget]')
    && !document.querySelector('[data-testid=stException]');
}"""
OVERVIEW = ("Tổng quan", 2, 5, 1)  # two curves, two daily charts, the ranking
COMMUNE = ("Xã, thị trấn", 1, 2, 0)


# ---------------------------------------------------------------- CPU from /proc

def _stat(pid: int) -> tuple[int, float]:
    """(parent pid, CPU seconds of the process and its waited-for children)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), sum(int(v) for v in fields[11:15]) / TICK


def server_cpu(pid: int) -> float:
    return _stat(pid)[1]


def clients_cpu(server_pid: int) -> float:
    """This process and every live descendant but the server (Chromium, Playwright's driver)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)], cpu[int(entry)] = _stat(int(entry))
            except (OSError, ValueError):
                continue
    mine, total = {os.getpid()}, 0.0
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if pid not in mine and parent in mine and pid != server_pid:
                mine.add(pid)
                changed = True
    for pid in mine:
        total += cpu.get(pid, 0.0)
    return total


# ---------------------------------------------------------------- database and server

def build_demo(folder: Path) -> str:
    url = f"sqlite:///{folder / 'demo.db'}"
    done = subprocess.run([sys.executable, "cli.py", "demo"], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        sys.exit(f"cli.py demo failed:\n{done.stderr}")
    return url


def leader_accounts(url: str, count: int) -> list[tuple[str, str]]:
    """`tai-01` ... leaders with a fresh password each (made, or reset when they exist)."""
    engine, accounts = get_engine(url), []
    bench = Actor("bench", "admin", None, None)
    for n in range(1, count + 1):
        username, password = f"tai-{n:02d}", secrets.token_urlsafe(12)
        try:
            create_user(username, password, "leader", engine=engine, by="bench")
        except AccountError:
            reset_password(bench, username, password=password, engine=engine)
        accounts.append((username, password))
    return accounts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, log, options: list[str]) -> tuple[subprocess.Popen, str]:
    """The app as `.streamlit/config.toml` configures it, plus `options` (`runner.x=false`)."""
    port = free_port()
    extra = [f"--{key}={value}" for key, _, value in (o.partition("=") for o in options)]
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "streamlit", "run", "app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_S
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                sys.exit("streamlit did not start (see the log above)")
            time.sleep(0.3)


# ---------------------------------------------------------------- the sessions

@dataclass
class Phase:
    name: str
    seconds: list[float] = field(default_factory=list)
    server: float = 0.0  # CPU seconds, all sessions
    clients: float = 0.0
    wall: float = 0.0


async def figures(page, spec) -> None:
    try:
        await page.wait_for_function(FIGURES_JS, arg=list(spec), polling=50, timeout=WAIT_MS)
    except Exception as error:  # say what the page shows instead
        shown = await page.evaluate("""() => {
          const e = document.querySelector('[data-testid=stException],[data-testid=stAlert]');
          const h1 = document.querySelector('h1');
          return (h1 ? h1.innerText : '(no title)') + ' | ' + (e ? e.innerText : '');
        }""")
        raise RuntimeError(f"no figures of {spec[0]!r} in {WAIT_MS} ms; the page: "
                           f"{shown[:600]}") from error


async def one_session(browser, base: str, account: tuple[str, str], rounds: int,
                      gate: asyncio.Barrier, times: dict[str, list[float]]) -> None:
    """Sign in, then the commune page and the overview `rounds` times; at each step three
    meetings with the main task: ready, go (after it read the meters), done."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = await context.new_page()
        await page.goto(base, timeout=WAIT_MS)
        await page.get_by_label("Tên đăng nhập").fill(account[0], timeout=WAIT_MS)
        await page.get_by_label("Mật khẩu").fill(account[1], timeout=WAIT_MS)
        nav = page.locator("[data-testid=stSidebarNav]")
        for name, target, spec in steps(page, nav, rounds):
            await gate.wait()
            await gate.wait()
            started = time.monotonic()
            await target.click(timeout=WAIT_MS)
            await figures(page, spec)
            times.setdefault(name, []).append(time.monotonic() - started)
            await gate.wait()
        await gate.wait()  # the idle reading is over
    except BaseException:
        await gate.abort()
        raise
    finally:
        await context.close()


def steps(page, nav, rounds: int):
    yield "sign-in", page.get_by_role("button", name="Đăng nhập"), OVERVIEW
    for _ in range(rounds):
        yield "commune", nav.get_by_role("link", name="Xã, thị trấn"), COMMUNE
        yield "overview", nav.get_by_role("link", name="Tổng quan"), OVERVIEW


async def drive(base: str, server_pid: int, accounts: list[tuple[str, str]],
                rounds: int) -> tuple[list[Phase], float]:
    """The phases' figures, and the server's CPU seconds per second while the sessions idle."""
    from playwright.async_api import async_playwright
    gate = asyncio.Barrier(len(accounts) + 1)
    times: dict[str, list[float]] = {}
    phases: dict[str, Phase] = {}

    async def meet() -> None:  # longer than a session's step, so that its own error shows
        await asyncio.wait_for(gate.wait(), WAIT_MS / 1000 + 60)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tasks = [asyncio.create_task(one_session(browser, base, account, rounds, gate, times))
                 for account in accounts]
        try:
            for name in ["sign-in"] + ["commune", "overview"] * rounds:
                print(f"  {len(accounts)} x {name}", file=sys.stderr, flush=True)
                await meet()
                await asyncio.sleep(0.5)  # let the last page's charts finish drawing
                before = server_cpu(server_pid), clients_cpu(server_pid), time.monotonic()
                await meet()
                await meet()
                after = server_cpu(server_pid), clients_cpu(server_pid), time.monotonic()
                phase = phases.setdefault(name, Phase(name))
                phase.server += after[0] - before[0]
                phase.clients += after[1] - before[1]
                phase.wall += after[2] - before[2]
            await asyncio.sleep(1.0)
            idle = server_cpu(server_pid)
            await asyncio.sleep(IDLE_S)
            idle = (server_cpu(server_pid) - idle) / IDLE_S
            await meet()
            await asyncio.gather(*tasks)
        except (asyncio.BrokenBarrierError, asyncio.TimeoutError):
            await gate.abort()
            failures = sorted((r for r in await asyncio.gather(*tasks, return_exceptions=True)
                               if isinstance(r, BaseException)),
                              key=lambda r: isinstance(r, asyncio.BrokenBarrierError))
            raise SystemExit(f"a session failed: {failures[0]!r}" if failures else
                             "the sessions did not finish in time")
        finally:
            await browser.close()
    for phase in phases.values():
        phase.seconds = times.get(phase.name, [])
    return list(phases.values()), idle


# ---------------------------------------------------------------- report

def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]  # nearest rank


HEADER = (f"{'N':>3} {'phase':<9} {'views':>5} {'median s':>9} {'p95 s':>7} "
          f"{'server CPU s/view':>18} {'clients CPU s/view':>19} {'wall s':>7}")


def report_one(n: int, phases: list[Phase], idle: float) -> None:
    for p in phases:
        views = len(p.seconds)
        print(f"{n:>3} {p.name:<9} {views:>5} {_median(p):>9.2f} "
              f"{p95(p.seconds):>7.2f} {_per_view(p):>18.3f} {p.clients / views:>19.3f} "
              f"{p.wall:>7.1f}")
    print(f"{n:>3} idle: the server took {idle:.3f} CPU s per second, {n} sessions open",
          flush=True)


def report_ratios(results: dict[int, tuple[list[Phase], float]]) -> None:
    """Each N against N=1, measured in the same run: median time to figures, server CPU/view."""
    if 1 not in results or len(results) < 2:
        return
    one = {p.name: p for p in results[1][0]}
    print("\nagainst one session (median time to figures; server CPU per view):")
    for n, (phases, _) in results.items():
        if n != 1:
            print(f"  N={n:<3} " + "; ".join(
                f"{p.name} x{_median(p) / _median(one[p.name]):.2f} time, "
                f"x{_per_view(p) / _per_view(one[p.name]):.2f} CPU"
                for p in phases if p.name in one))


def _median(phase: Phase) -> float:
    return statistics.median(phase.seconds)


def _per_view(phase: Phase) -> float:
    return phase.server / len(phase.seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,5,20", help="comma-separated N (default 1,5,20)")
    parser.add_argument("--rounds", type=int, default=1, help="commune + overview per session")
    parser.add_argument("--db", type=Path, help="reuse (or build here) this SQLite demo database")
    parser.add_argument("--quick", action="store_true", help="one session, one round (CI)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a Streamlit option for the server, e.g. runner.postScriptGC=false")
    args = parser.parse_args()
    counts = [1] if args.quick else [int(n) for n in args.sessions.split(",")]
    rounds = 1 if args.quick else max(1, min(args.rounds, 20))
    if not Path(CHROMIUM).exists():
        sys.exit(f"needs Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory(prefix="load-bench-") as folder:
        if args.db and args.db.exists():
            url = f"sqlite:///{args.db.resolve()}"
        elif args.db:
            args.db.parent.mkdir(parents=True, exist_ok=True)
            url = build_demo(args.db.parent) if args.db.name == "demo.db" else None
            if url is None:
                sys.exit("--db: a new database must be named demo.db")
        else:
            url = build_demo(Path(folder))
        accounts = leader_accounts(url, max(counts))
        log_path = Path(folder) / "streamlit.log"
        results: dict[int, tuple[list[Phase], float]] = {}
        with open(log_path, "w") as log:
            server, base = start_server(url, log, args.option)
            try:
                print("warm-up (one session, not counted) ...", file=sys.stderr, flush=True)
                asyncio.run(drive(base, server.pid, accounts[:1], 1))
                print(HEADER, flush=True)
                for n in counts:
                    print(f"N={n} ...", file=sys.stderr, flush=True)
                    results[n] = asyncio.run(drive(base, server.pid, accounts[:n], rounds))
                    report_one(n, *results[n])
            except SystemExit:
                print(log_path.read_text()[-4000:], file=sys.stderr)
                raise
            finally:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
        report_ratios(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
