"""Benchmark: the server under load, as the officers of a city use it (issue "capacity").

Prepares a data directory with the demo city (`dieuhanh migrate`, `dieuhanh demo`, with
DIEUHANH_DEMO=1 as `./scripts/run` does: personas sign in with a password alone), gives each
persona an API token (`dieuhanh token create`), and starts `dieuhanh serve` on 127.0.0.1 with its
default worker model (the web server and its background worker). Then N simulated officers sign
in through the login form (CSRF token and session cookie, as a browser) as one of the personas,
and each replays the mix below with a think time between requests: a warm-up not counted (every
server process boots, reads its templates, fills its caches), then a fixed time counted:

    IOC /ioc/ · the task list /nhiem-vu/ · the petition list /don/ · GET /api/v1/tasks (token)
    · Open311 GET services.json and requests.json

It prints, per page: requests, requests/s, p50, p95, p99 and errors; the totals; the server's CPU
per request (utime+stime of the serve process tree from /proc, before and after); and the load
generator's own CPU, so that a generator that would itself be the bottleneck shows.

The generator is asyncio over raw HTTP/1.1 connections, one kept-alive connection per officer,
no dependency: it costs a fraction of a millisecond of CPU per request.

    .venv/bin/python bench/bench_load.py                     # 200 officers, 5 min
    .venv/bin/python bench/bench_load.py --small             # 20 officers, 10 s (CI)
    .venv/bin/python bench/bench_load.py --officers 100 --duration 60 --data-dir /tmp/d
    .venv/bin/python bench/bench_load.py --postgres          # the demo on a throwaway PostgreSQL
    .venv/bin/python bench/bench_load.py --postgres postgres://…   # an empty database of yours
    # configurations compared back to back in the same run, alternating, 3 rounds; each is
    # the arguments given to `dieuhanh serve` (after `--`, gunicorn's own):
    .venv/bin/python bench/bench_load.py --officers 100 --duration 60 --rounds 3 \\
        --compare "" "--workers 2 --threads 8" "--workers 5 --threads 1 -- --worker-class sync"

On PostgreSQL the database server's CPU is printed apart (the processes of the throwaway
server's postmaster, from /proc); with a database of yours it is not known.

Loopback only. Exit 1 when a request failed (an error status, a timeout, a broken connection)
or a persona could not sign in.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import _django

BENCH = Path(__file__).resolve().parent
SRC = BENCH.parent / "src"
HOST = "127.0.0.1"
PASSWORD = "dieuhanh-demo"  # the demo city's published password (demo/loader.py)
TIMEOUT = 60.0  # seconds for one request before it counts as an error

# The mix: page name → (path, weight). "api" pages carry the persona's token, "open311" none, the
# others the session cookie.
PAGES: dict[str, tuple[str, int]] = {
    "ioc": ("/ioc/", 20),
    "tasks": ("/nhiem-vu/", 25),
    "petitions": ("/don/", 20),
    "api_tasks": ("/api/v1/tasks", 20),
    "open311_services": ("/open311/v2/services.json", 5),
    "open311_requests": ("/open311/v2/requests.json", 10),
}
# Who the officers are, in turn: ward officers most, then the office, reception, one-stop and the
# leader. A persona's pages: the mix less the pages its role does not open (the one-stop desk
# does not see petitions: its weight goes to the task list).
PERSONAS = ["phuong_saodo", "phuong_phalai", "vanphong", "phuong_saodo", "phuong_phalai", "tiepdan", "motcua", "bithu"]
NOT_FOR = {"motcua": {"petitions": "tasks"}}


def mix_for(persona: str) -> tuple[list[str], list[int]]:
    weights: dict[str, int] = {}
    for page, (_, weight) in PAGES.items():
        page = NOT_FOR.get(persona, {}).get(page, page)
        weights[page] = weights.get(page, 0) + weight
    return list(weights), list(weights.values())


# --- a minimal HTTP/1.1 client on asyncio streams -------------------------------------------

class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


class Connection:
    """One kept-alive connection to the server, opened again when the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Response:
        reused = self.writer is not None
        try:
            return await self._request(method, path, headers, body)
        except (ConnectionError, asyncio.IncompleteReadError, HttpError):
            await self.close()
            if not reused:
                raise
        # The server closed an idle kept-alive connection (its keep-alive timeout, a worker
        # restarted): a browser sends the request again on a new one, so does this client.
        return await self._request(method, path, headers, body)

    async def _request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Accept-Encoding: gzip",
                 *(f"{k}: {v}" for k, v in headers.items())]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        if not head.strip():
            raise HttpError("empty answer")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        version, status = status_line.split(" ", 2)[:2]
        pairs = [(k.strip().lower(), v.strip()) for k, _, v in (h.partition(":") for h in header_lines if h)]
        response = Response(int(status), pairs, b"")
        if (response.header("transfer-encoding") or "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            response.body = b"".join(c[:-2] for c in chunks)
        elif response.header("content-length") is not None:
            response.body = await self.reader.readexactly(int(response.header("content-length") or 0))
        elif method != "HEAD" and response.status not in (204, 304):
            response.body = await self.reader.read()
            await self.close()
        if (response.header("connection") or "").lower() == "close" or version == "HTTP/1.0":
            await self.close()
        return response


# --- the officers -----------------------------------------------------------------------------

@dataclass
class Stats:
    timings: dict[str, list[float]] = field(default_factory=dict)  # page → ms of each success
    errors: dict[str, dict[str, int]] = field(default_factory=dict)  # page → kind → count

    def ok(self, page: str, ms: float) -> None:
        self.timings.setdefault(page, []).append(ms)

    def error(self, page: str, kind: str) -> None:
        kinds = self.errors.setdefault(page, {})
        kinds[kind] = kinds.get(kind, 0) + 1

    def error_count(self, page: str | None = None) -> int:
        pages = [page] if page else list(self.errors)
        return sum(sum(self.errors.get(p, {}).values()) for p in pages)


class Officer:
    def __init__(self, persona: str, token: str, port: int, rng: random.Random) -> None:
        self.persona, self.token, self.rng = persona, token, rng
        self.cookies: dict[str, str] = {}
        self.connection = Connection(port)
        self.pages, self.weights = mix_for(persona)

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep_cookies(self, response: Response) -> None:
        for name, value in response.headers:
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]

    async def timed(self, stats: Stats, page: str, method: str, path: str, headers: dict[str, str],
                    body: bytes = b"", expect: int = 200) -> Response | None:
        start = time.perf_counter()
        try:
            response = await asyncio.wait_for(self.connection.request(method, path, headers, body), TIMEOUT)
        except TimeoutError:
            await self.connection.close()
            stats.error(page, "timeout")
            return None
        except (OSError, asyncio.IncompleteReadError, HttpError) as exc:
            stats.error(page, type(exc).__name__)
            return None
        ms = (time.perf_counter() - start) * 1000
        self._keep_cookies(response)
        if response.status != expect:
            stats.error(page, f"HTTP {response.status}")
            return None
        stats.ok(page, ms)
        return response

    async def login(self, stats: Stats) -> bool:
        form = await self.timed(stats, "login_form", "GET", "/dang-nhap/", {})
        found = form and re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
        if not found:
            return False
        body = (f"csrfmiddlewaretoken={found.group(1).decode()}&username={self.persona}&password={PASSWORD}").encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **self._cookie_header()}
        return await self.timed(stats, "login", "POST", "/dang-nhap/", headers, body, expect=302) is not None

    async def work(self, stats: Stats, counted_from: float, until: float, think: tuple[float, float]) -> None:
        await asyncio.sleep(self.rng.uniform(0, think[1]))  # officers do not all start at once
        warmup = Stats()  # the requests before `counted_from` are not counted
        while time.monotonic() < until:
            page = self.rng.choices(self.pages, self.weights)[0]
            path = PAGES[page][0]
            if page == "api_tasks":
                headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
            elif page.startswith("open311"):
                headers = {}
            else:
                headers = self._cookie_header()
            await self.timed(stats if time.monotonic() >= counted_from else warmup, page, "GET", path, headers)
            await asyncio.sleep(self.rng.uniform(*think))
        await self.connection.close()


# --- the server -------------------------------------------------------------------------------

DATABASE_URL = ""  # --postgres: the server's database; empty: the data directory's SQLite file


def product_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ, DIEUHANH_DATA_DIR=str(data_dir), DIEUHANH_DEMO="1", PYTHONUNBUFFERED="1")
    env.pop("DATABASE_URL", None)  # the data directory's SQLite file, as ./scripts/run
    if DATABASE_URL:
        env["DATABASE_URL"] = DATABASE_URL
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def dieuhanh(data_dir: Path, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "dieuhanh.cli", *args], env=product_env(data_dir),
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"dieuhanh {' '.join(args)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out.stdout


def prepare(data_dir: Path) -> dict[str, str]:
    """The demo city in `data_dir` and a token per persona (kept in tokens.txt: a directory
    prepared once serves several runs)."""
    tokens_file = data_dir / "bench-tokens.txt"
    if tokens_file.exists():
        return dict(line.split() for line in tokens_file.read_text().splitlines() if line.strip())
    t0 = time.perf_counter()
    dieuhanh(data_dir, "migrate")
    dieuhanh(data_dir, "demo")
    tokens = {p: dieuhanh(data_dir, "token", "create", p, "--name", "bench_load").strip().splitlines()[-1]
              for p in sorted(set(PERSONAS))}
    tokens_file.write_text("".join(f"{p} {t}\n" for p, t in tokens.items()))
    print(f"setup: demo city and {len(tokens)} API tokens in {time.perf_counter() - t0:.0f} s", flush=True)
    return tokens


def tree(root: int) -> list[int]:
    """`root` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(root: int, database: int | None = None) -> dict[str, float]:
    """CPU seconds (user+system, with reaped children: a worker restarted by gunicorn keeps
    counting) of the process tree under `root`: "web" the gunicorn processes, "all" everything;
    "database" the tree under the PostgreSQL postmaster `database` when given."""
    tick = os.sysconf("SC_CLK_TCK")
    web = total = db = 0.0
    if database:
        for pid in tree(database):
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                db += sum(int(f) for f in fields[11:15]) / tick
    for pid in tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        seconds = sum(int(f) for f in fields[11:15]) / tick
        total += seconds
        if b"gunicorn" in cmdline:
            web += seconds
    return {"web": web, "all": total, "database": db}


class Server:
    def __init__(self, data_dir: Path, port: int, args: list[str]) -> None:
        self.port = port
        self.log = open(data_dir / f"serve-{port}.log", "ab")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "dieuhanh.cli", "serve", "--host", HOST, "--port", str(port), *args]
        self.proc = subprocess.Popen(command, env=product_env(data_dir), stdout=self.log,
                                     stderr=subprocess.STDOUT, process_group=0)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"dieuhanh serve stopped (code {self.proc.returncode}); see {self.log.name}")
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}/dang-nhap/", timeout=5).read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit("dieuhanh serve did not answer within 120 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# --- a run ------------------------------------------------------------------------------------

def percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, max(0, round(q * len(sorted_ms)) - 1))]


@dataclass
class Result:
    label: str
    stats: Stats
    seconds: float
    server_cpu: dict[str, float]
    own_cpu: float

    @property
    def requests(self) -> int:
        return sum(len(self.stats.timings.get(p, [])) for p in PAGES) + sum(self.stats.error_count(p) for p in PAGES)

    def all_ms(self) -> list[float]:
        return sorted(ms for p in PAGES for ms in self.stats.timings.get(p, []))

    def worst_p95(self) -> float:
        return max(percentile(sorted(self.stats.timings.get(p, [])), 0.95) for p in PAGES if self.stats.timings.get(p))


def report(result: Result) -> None:
    s, secs = result.stats, result.seconds
    print(f"\n{result.label}: {secs:.0f} s")
    print(f"  {'page':<18}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for page in [*PAGES, "login_form", "login"]:
        ms = sorted(s.timings.get(page, []))
        n = len(ms) + s.error_count(page)
        if not n:
            continue
        rate = f"{n / secs:8.1f}" if page in PAGES else f"{'':8}"
        print(f"  {page:<18}{n:9d}{rate}{percentile(ms, .5):9.0f}{percentile(ms, .95):9.0f}{percentile(ms, .99):9.0f}"
              f"{s.error_count(page):8d}")
    every = result.all_ms()
    errors = sum(s.error_count(p) for p in PAGES)
    print(f"  {'mix':<18}{result.requests:9d}{result.requests / secs:8.1f}{percentile(every, .5):9.0f}"
          f"{percentile(every, .95):9.0f}{percentile(every, .99):9.0f}{errors:8d}")
    for page, kinds in s.errors.items():
        print(f"  errors on {page}: " + ", ".join(f"{k} ×{v}" for k, v in kinds.items()))
    n = max(result.requests, 1)
    print(f"  server CPU: {result.server_cpu['web'] / n * 1000:.1f} ms per request in the web server "
          f"({result.server_cpu['web'] / secs:.2f} cores), {result.server_cpu['all'] / n * 1000:.1f} ms with the "
          f"background worker")
    if result.server_cpu.get("database"):
        print(f"  database server CPU: {result.server_cpu['database'] / n * 1000:.1f} ms per request "
              f"({result.server_cpu['database'] / secs:.2f} cores)")
    print(f"  load generator CPU: {result.own_cpu / n * 1000:.2f} ms per request ({result.own_cpu / secs:.2f} cores)",
          flush=True)


async def run_mix(officers: list[Officer], server: Server, warmup: float, duration: float,
                  think: tuple[float, float], label: str, database: int | None = None) -> Result:
    """The mix for `warmup` seconds, not counted (every server process has booted, read its
    templates and filled its caches), then for `duration` seconds, counted."""
    stats = Stats()
    for o in officers:
        o.connection = Connection(server.port)
    start = time.monotonic()
    work = asyncio.gather(*(o.work(stats, start + warmup, start + warmup + duration, think) for o in officers))
    await asyncio.sleep(warmup)
    cpu0, own0, t0 = cpu_seconds(server.proc.pid, database), resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    await work
    secs = time.monotonic() - t0
    cpu1, own1 = cpu_seconds(server.proc.pid, database), resource.getrusage(resource.RUSAGE_SELF)
    own = (own1.ru_utime + own1.ru_stime) - (own0.ru_utime + own0.ru_stime)
    return Result(label, stats, secs, {k: cpu1[k] - cpu0[k] for k in cpu0}, own)


async def sign_in(officers: list[Officer], port: int) -> Stats:
    """Every officer signs in, a few at a time (password hashing is meant to be slow; a city's
    officers do not all sign in within the same second)."""
    stats, gate = Stats(), asyncio.Semaphore(4)

    async def one(o: Officer) -> None:
        async with gate:
            o.connection = Connection(port)
            if not await o.login(stats):
                stats.error("login", "refused")
            await o.connection.close()

    await asyncio.gather(*(one(o) for o in officers))
    return stats


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--duration", type=float, default=300, help="seconds of the mix (per configuration and round)")
    parser.add_argument("--warmup", type=float, default=15, help="seconds of the mix before the counted ones")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"))
    parser.add_argument("--port", type=int, default=8161)
    parser.add_argument("--data-dir", type=Path, help="prepared once, reused (default: a temporary directory)")
    parser.add_argument("--serve-args", default="", help="arguments to `dieuhanh serve`, e.g. \"--workers 2\"")
    parser.add_argument("--compare", nargs="+", metavar="SERVE_ARGS",
                        help="several `dieuhanh serve` argument strings, run in turn with the same officers")
    parser.add_argument("--rounds", type=int, default=1, help="with --compare: how many times to alternate")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--small", action="store_true", help="small size for CI")
    parser.add_argument("--postgres", nargs="?", const="throwaway", default="", metavar="URL",
                        help="on PostgreSQL: a throwaway server (scripts/postgres), or an empty database's URL")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupted)  # as Ctrl+C: the server is stopped on the way out
    if args.small:
        args.officers, args.duration, args.warmup = 20, 10, 3

    global DATABASE_URL
    pg: Path | None = None
    postmaster: int | None = None
    if args.postgres:
        # the demo city is loaded into the database: a data directory prepared on SQLite is no use
        if args.data_dir:
            sys.exit("--postgres prepares a data directory of its own: leave out --data-dir")
        DATABASE_URL = args.postgres
        if args.postgres == "throwaway":
            DATABASE_URL, pg = _django.throwaway_postgres(Path(tempfile.mkdtemp(prefix="dieuhanh-bench-pg-")))
            with contextlib.suppress(OSError, ValueError):
                postmaster = int((pg / "data" / "postmaster.pid").read_text().split()[0])
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="dieuhanh-bench-load-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        run_all(args, data_dir, postmaster)
    finally:
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
        if pg is not None:
            _django.drop_postgres(pg)


def run_all(args: argparse.Namespace, data_dir: Path, postmaster: int | None) -> None:
    configs = args.compare or [args.serve_args]
    tokens = prepare(data_dir)
    print(f"database: {'PostgreSQL' if DATABASE_URL else 'SQLite'}", flush=True)
    rng = random.Random(args.seed)
    officers = [Officer(p, tokens[p], args.port, random.Random(rng.random()))
                for p in (PERSONAS[i % len(PERSONAS)] for i in range(args.officers))]
    print(f"{args.officers} officers, think time {args.think[0]}–{args.think[1]} s, {args.duration:.0f} s counted per run after {args.warmup:.0f} s "
          f"of warm-up, "
          f"on {os.cpu_count()} CPUs", flush=True)

    results: list[Result] = []
    signed_in = False
    if True:
        for round_no in range(args.rounds):
            for config in configs:
                server = Server(data_dir, args.port, shlex.split(config))
                try:
                    if not signed_in:  # sessions live in the database: they outlast a restart
                        login = asyncio.run(sign_in(officers, args.port))
                        ms = sorted(login.timings.get("login", []))
                        print(f"sign-in: {len(ms)} officers, p50 {percentile(ms, .5):.0f} ms, "
                              f"{login.error_count()} refused", flush=True)
                        if login.error_count():
                            sys.exit(1)
                        signed_in = True
                    label = f"`dieuhanh serve {config}`".replace(" `", "`") + (
                        f" (round {round_no + 1})" if args.rounds > 1 else "")
                    result = asyncio.run(run_mix(officers, server, args.warmup, args.duration, tuple(args.think), label,
                                                 postmaster))
                finally:
                    server.stop()
                report(result)
                results.append(result)

    if len(configs) > 1:
        print(f"\nCompared ({args.rounds} round(s), medians over rounds; ratios to the first):")
        print(f"  {'serve arguments':<48}{'req/s':>8}{'p50':>7}{'p95':>7}{'worst p95':>10}{'CPU ms/req':>11}"
              f"{'errors':>7}{'×req/s':>7}{'×CPU':>6}")
        base: tuple[float, float] | None = None
        for config in configs:
            mine = [r for r in results if r.label.startswith(f"`dieuhanh serve {config}`".replace(" `", "`"))]
            rate = statistics.median(r.requests / r.seconds for r in mine)
            cpu = statistics.median(r.server_cpu["web"] / max(r.requests, 1) * 1000 for r in mine)
            p50 = statistics.median(percentile(r.all_ms(), .5) for r in mine)
            p95 = statistics.median(percentile(r.all_ms(), .95) for r in mine)
            worst = statistics.median(r.worst_p95() for r in mine)
            errs = sum(sum(r.stats.error_count(p) for p in PAGES) for r in mine)
            base = base or (rate, cpu)
            print(f"  {config or '(default)':<48}{rate:8.1f}{p50:7.0f}{p95:7.0f}{worst:10.0f}{cpu:11.1f}{errs:7d}"
                  f"{rate / base[0]:7.2f}{cpu / base[1]:6.2f}")
    failed = sum(sum(r.stats.error_count(p) for p in PAGES) for r in results)
    if failed:
        print(f"\n{failed} request(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
