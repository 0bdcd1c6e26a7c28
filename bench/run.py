#!/usr/bin/env python
"""The real path under load: phones and room screens against a running server.

    .venv/bin/python bench/run.py            # every scenario (make bench)
    .venv/bin/python bench/run.py --quick    # the one-meeting scenarios only (make bench QUICK=1)
    .venv/bin/python bench/run.py --only production-1m --layer pubsub --deflate true

It starts the servers itself, on 127.0.0.1 and free ports: embedded = SQLite (a temp file) +
in-memory layer in one uvicorn process; production = `make serve-prod` (PostgreSQL database
`topp25_bench`, dropped and created fresh, Redis with the channel prefix `topp25bench`) with
N workers. Both serve bench.baseline_asgi, which is topp25's application plus a bare Channels
broadcast used as the baseline in the same processes and on the same layer.

Each phone joins as a browser does (GET /m/CODE/ for the CSRF cookie and join_token, POST
the join form with home_group), holds its group's WebSocket with its session cookie, and
each meeting has room screens on /ws/room/TOKEN/. Writes are launched on a fixed schedule
(open loop): an add while the group has fewer factors than the meeting allows, else an edit
(the POST with the version the phone's list shows, as the page does), as htmx sends them (HX-Request,
X-CSRFToken). Every submitted text carries a unique marker; a submit has arrived on a
screen when a received frame contains its marker, whatever the fragment looks like.

Figures per scenario: HTTP submit time (the POST), submit → arrival on every screen that
should show it (room screens of the meeting and the submitter's group's other phones),
writes/s, errors (non-2xx, transport errors, version conflicts), lost updates (expected
arrivals not seen 10 s after the last write), unexpected socket closes, and the server's
RSS (all worker processes summed, the peak of 1 s samples). Writes results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from topp25.limits import uvicorn_options  # noqa: E402  (the server's own limits, no Django)

PY = str(ROOT / ".venv" / "bin" / "python")
ASGI_APP = "bench.baseline_asgi:application"
# Settable so that two runs on one machine (e.g. another branch's) do not drop each other's
# database or delete each other's Redis keys; names only of [a-z0-9_]. Keys are deleted by
# prefix*, so a prefix must not begin with another run's ("perf9bench", not "topp25bench9").
BENCH_DB = re.sub(r"[^a-z0-9_]", "", os.environ.get("BENCH_DB", "topp25_bench"))
BENCH_PREFIX = re.sub(r"[^a-z0-9_]", "", os.environ.get("BENCH_PREFIX", "topp25bench"))
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DRAIN_SECONDS = 10.0
MARKER = re.compile(r"BX(\d{7})X")
# A factor's id and version in a phone's list (its remove form's hidden field): what the
# page's script fills the edit form from, with no request (static/js/topp25.js).
FACTOR_VERSION = re.compile(
    r'<li id="factor-(\d+)"[^>]*>(?:(?!</li>).)*?name="version" value="(\d+)"', re.S
)
# A frame's kind: the id of its first element, without a trailing number ("room-group-12").
FRAME_KIND = re.compile(r'\bid="([a-z][a-z-]*?)(?:-\d+)?"')


def learn_versions(text: str, versions: dict[int, int]) -> None:
    for match in FACTOR_VERSION.finditer(text):
        fid, version = int(match.group(1)), int(match.group(2))
        versions[fid] = max(version, versions.get(fid, -1))


TEXTS = [
    "Tid för kollegialt lärande varje vecka",
    "Tydliga mål som eleverna förstår",
    "Tidiga insatser när en elev halkar efter",
    "Ett nära pedagogiskt ledarskap",
    "Höga förväntningar på varje elev",
    "Studiero och gemensamma regler",
]


@dataclass
class Scenario:
    name: str
    shape: str  # "embedded" | "production"
    meetings: int
    phones_per_meeting: int
    screens_per_meeting: int
    rate: float  # writes per second, all meetings together
    seconds: float
    workers: int = 2
    quick: bool = False
    baseline: bool = True


def scenarios(quick: bool) -> list[Scenario]:
    one = dict(meetings=1, phones_per_meeting=100, screens_per_meeting=1)
    if quick:
        # The one-meeting load (500 writes in 60 s) for 15 s each, to stay < 2 min.
        return [
            Scenario("embedded-1m", "embedded", **one, rate=500 / 60, seconds=12, quick=True),
            Scenario("production-1m", "production", **one, rate=500 / 60, seconds=12, quick=True),
        ]
    return [
        Scenario("embedded-1m", "embedded", **one, rate=500 / 60, seconds=60),
        Scenario("production-1m", "production", **one, rate=500 / 60, seconds=60),
        Scenario("embedded-1m-20ps", "embedded", **one, rate=20, seconds=20, baseline=False),
        Scenario("production-1m-20ps", "production", **one, rate=20, seconds=20, baseline=False),
        Scenario(
            "production-conference",
            "production",
            meetings=20,
            phones_per_meeting=100,
            screens_per_meeting=1,
            rate=40,
            seconds=60,
        ),
    ]


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(shape: str, workdir: Path, layer: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "CHANNEL_PREFIX", "DB_POOL_MAX_SIZE"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="topp25.settings",
        DEBUG="0",
        SECRET_KEY="bench-" + uuid.uuid4().hex,
        SECURE_COOKIES="0",  # plain http on 127.0.0.1: the client must get its cookies back
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if shape == "production":
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + BENCH_DB
        env["REDIS_URL"] = REDIS_URL
        env["CHANNEL_PREFIX"] = BENCH_PREFIX
        if layer == "pubsub":
            env["BENCH_CHANNEL_LAYER"] = "pubsub"
    else:
        env["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    return env


def reset_backends(shape: str, env: dict[str, str]) -> None:
    if shape != "production":
        return
    import psycopg
    import redis

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{BENCH_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)


def seed(env: dict[str, str], meetings: int) -> list[dict[str, Any]]:
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    out = subprocess.run(
        [PY, str(ROOT / "bench" / "seed.py"), str(meetings)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def pids(self) -> list[int]:
        """The uvicorn processes (master and workers) in the server's process group."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getpgid(int(entry.name)) != self.proc.pid:
                    continue
                cmdline = (entry / "cmdline").read_bytes()
            except (OSError, ProcessLookupError):
                continue
            if b"uvicorn" in cmdline or b"multiprocessing" in cmdline:
                found.append(int(entry.name))
        return found

    def worker_pids(self) -> list[int]:
        """The processes that serve (uvicorn's supervisor, make and multiprocessing's resource
        tracker not counted); the one process when embedded."""
        pids = self.pids()
        workers = [p for p in pids if b"spawn_main" in _cmdline(p)]
        return workers or [p for p in pids if b"uvicorn" in _cmdline(p)]

    def rss_mb(self) -> float:
        """The workers' resident memory summed."""
        total = 0
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def cpu_seconds(self) -> float:
        """User + system CPU the workers have used so far."""
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime (after pid, comm)
            except (OSError, IndexError, ValueError):
                pass
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()


def start_server(
    shape: str, env: dict[str, str], workers: int, deflate: str, workdir: Path
) -> Server:
    port = free_port()
    log = workdir / f"server-{port}.log"
    if shape == "production":
        command = [
            "make",
            "--no-print-directory",
            "-s",
            "serve-prod",
            f"PORT={port}",
            f"WORKERS={workers}",
            f"ASGI_APP={ASGI_APP}",
            f"WS_DEFLATE={deflate}",
        ]
    else:
        # `make serve`'s process with serve-prod's limits: one worker, SQLite, in-memory layer.
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        command = [
            PY,
            "-m",
            "uvicorn",
            ASGI_APP,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--no-access-log",
            *uvicorn_options(),
            "--ws-per-message-deflate",
            deflate,
        ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(proc, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                pass
            if shape == "production" and len(server.pids()) < workers + 1:
                time.sleep(0.3)
                continue
            time.sleep(1.0 if shape == "production" else 0.2)
            return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError("server did not start")


# --------------------------------------------------------------------------- clients


class FormReader(HTMLParser):
    """Hidden inputs and the stylesheet/script URLs of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name"):
            self.inputs.setdefault(a["name"], a.get("value", ""))
        elif tag == "link" and "stylesheet" in a.get("rel", "") and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


@dataclass
class Phone:
    meeting: int
    code: str
    group_id: int
    client: httpx.AsyncClient
    rid: int = -1  # receiver id of its socket
    csrf: str = ""


@dataclass
class Stats:
    http_ms: list[float] = field(default_factory=list)
    full_ms: list[float] = field(default_factory=list)  # until every expected screen had it
    room_ms: list[float] = field(default_factory=list)
    phone_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lost_room: int = 0
    lost_phone: int = 0
    expected_room: int = 0
    expected_phone: int = 0
    closes: int = 0
    submissions: int = 0
    frames: int = 0
    frame_bytes: int = 0
    room_frames: int = 0
    room_bytes: int = 0
    # Frames and bytes by kind (the first element's id: "group-state", "room-group", …).
    kind_frames: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kind_bytes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rss_peak: float = 0.0


@dataclass
class Submit:
    t0: float
    expected: set[int]  # receiver ids
    rooms: set[int]
    arrived: dict[int, float] = field(default_factory=dict)
    ok: bool = False


class Receivers:
    """Every open socket's frames, matched against pending submits by marker."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats
        self.submits: dict[int, Submit] = {}
        self.closing = False
        self.rooms: set[int] = set()
        # Factor id -> the newest version a phone's list showed.
        self.versions: dict[int, int] = {}

    def frame(self, receiver: int, text: str) -> None:
        now = time.perf_counter()
        self.stats.frames += 1
        size = len(text.encode())
        self.stats.frame_bytes += size
        kind = FRAME_KIND.search(text)
        name = ("room " if receiver in self.rooms else "phone ") + (kind.group(1) if kind else "?")
        self.stats.kind_frames[name] += 1
        self.stats.kind_bytes[name] += size
        if receiver not in self.rooms:
            learn_versions(text, self.versions)
        if receiver in self.rooms:
            self.stats.room_frames += 1
            self.stats.room_bytes += size
        for match in MARKER.finditer(text):
            submit = self.submits.get(int(match.group(1)))
            if submit is not None and receiver in submit.expected:
                submit.arrived.setdefault(receiver, now)

    async def hold(self, receiver: int, url: str, headers: dict[str, str], ready: Any) -> None:
        first = True
        while not self.closing:
            try:
                async with websockets.connect(
                    url,
                    origin=ORIGIN[0],  # type: ignore[arg-type]
                    additional_headers=headers,
                    max_size=2**20,
                    open_timeout=60,
                    ping_interval=None,
                ) as ws:
                    if first:
                        ready.set_result(None) if not ready.done() else None
                        first = False
                    async for message in ws:
                        self.frame(receiver, message if isinstance(message, str) else "")
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001  (counted, then reconnect like a browser)
                if first and not ready.done():
                    ready.set_exception(error)
                    return
            if self.closing:
                return
            self.stats.closes += 1
            await asyncio.sleep(0.5 + random.random())


ORIGIN = [""]
PROFILE_DIR = [""]


async def join(phone: Phone, group_id: int) -> None:
    r = await phone.client.get(f"/m/{phone.code}/")
    r.raise_for_status()
    form = read_form(r.text)
    r = await phone.client.post(
        f"/m/{phone.code}/",
        data={
            "csrfmiddlewaretoken": form.inputs["csrfmiddlewaretoken"],
            "join_token": form.inputs["join_token"],
            "home_group": str(group_id),
        },
        headers={"Referer": ORIGIN[0] + f"/m/{phone.code}/"},
    )
    if r.status_code != 302:
        raise RuntimeError(f"join answered {r.status_code}: {r.text[:300]}")
    phone.csrf = phone.client.cookies["csrftoken"]


async def server_counts(base: str) -> dict[str, int] | None:
    """Queries and template renders so far (BENCH_COUNT=1, one worker only)."""
    if not os.environ.get("BENCH_COUNT"):
        return None
    async with httpx.AsyncClient(base_url=base) as client:
        return dict((await client.get("/bench/stats/")).json())


def per_write(
    before: dict[str, int] | None, after: dict[str, int] | None, key: str, stats: Stats
) -> float | None:
    if before is None or after is None or not stats.submissions:
        return None
    return round((after[key] - before[key]) / stats.submissions, 1)


def cookie_header(client: httpx.AsyncClient) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def run_scenario(
    sc: Scenario, port: int, plan: list[dict[str, Any]], server: Server, bare: bool
) -> dict[str, Any]:
    base = f"http://127.0.0.1:{port}"
    ORIGIN[0] = base
    stats = Stats()
    receivers = Receivers(stats)
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=2)
    timeout = httpx.Timeout(60.0)
    phones: list[Phone] = []
    phone_ids: dict[int, list[int]] = defaultdict(list)  # group id → receiver ids
    rooms: dict[int, list[int]] = defaultdict(list)  # meeting index → receiver ids
    tasks: list[asyncio.Task[None]] = []

    # Join: phones spread evenly over the meeting's home groups.
    for m, meeting in enumerate(plan):
        groups = meeting["groups"]
        for i in range(sc.phones_per_meeting):
            group = groups[i % len(groups)]
            client = httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout)
            phones.append(Phone(m, meeting["code"], group["id"], client))
    semaphore = asyncio.Semaphore(16)

    async def join_one(phone: Phone) -> None:
        async with semaphore:
            if bare:
                # The baseline needs no session; still one HTTP client per phone.
                return
            await join(phone, phone.group_id)

    t = time.perf_counter()
    await asyncio.gather(*(join_one(p) for p in phones))
    join_s = time.perf_counter() - t

    # Sockets: every phone its group's, every room screen its meeting's.
    loop = asyncio.get_running_loop()
    readies = []
    for rid, phone in enumerate(phones):
        if bare:
            url = f"ws://127.0.0.1:{port}/bench/ws/g{phone.group_id}/"
            headers: dict[str, str] = {}
        else:
            url = f"ws://127.0.0.1:{port}/ws/m/{phone.code}/groups/{phone.group_id}/"
            headers = {"Cookie": cookie_header(phone.client)}
        phone_ids[phone.group_id].append(rid)
        phone.rid = rid
        ready = loop.create_future()
        readies.append(ready)
        tasks.append(asyncio.create_task(receivers.hold(rid, url, headers, ready)))
    next_id = len(phones)
    for m, meeting in enumerate(plan):
        for _ in range(sc.screens_per_meeting):
            if bare:
                url = f"ws://127.0.0.1:{port}/bench/ws/m{m}/"
            else:
                url = f"ws://127.0.0.1:{port}/ws/room/{meeting['room_token']}/"
            rooms[m].append(next_id)
            receivers.rooms.add(next_id)
            ready = loop.create_future()
            readies.append(ready)
            tasks.append(asyncio.create_task(receivers.hold(next_id, url, {}, ready)))
            next_id += 1
    t = time.perf_counter()
    await asyncio.gather(*readies)
    connect_s = time.perf_counter() - t
    await asyncio.sleep(1.0)  # the snapshots arrive; they carry no marker

    # Factor state per group (ids and how many the group may have), from the seed.
    factors = {g["id"]: list(g["factors"]) for meeting in plan for g in meeting["groups"]}
    limit = plan[0]["factor_count"]
    next_edit: dict[int, int] = defaultdict(int)
    by_group: dict[int, list[Phone]] = defaultdict(list)
    for phone in phones:
        by_group[phone.group_id].append(phone)
    all_groups = [(m, g["id"]) for m, meeting in enumerate(plan) for g in meeting["groups"]]
    # Interleave meetings so every meeting gets its share of the rate.
    schedule_groups = sorted(all_groups, key=lambda mg: (all_groups.index(mg) % 7, mg[0]))
    # The baseline is steady within seconds: in QUICK mode it runs 10 s to keep under 2 min.
    seconds = min(sc.seconds, 10.0) if bare and sc.quick else sc.seconds
    writes = int(sc.rate * seconds)
    pending: list[asyncio.Task[None]] = []
    rss_stop = asyncio.Event()

    async def sample_rss() -> None:
        while not rss_stop.is_set():
            stats.rss_peak = max(stats.rss_peak, await asyncio.to_thread(server.rss_mb))
            await asyncio.sleep(1.0)

    rss_task = asyncio.create_task(sample_rss())
    spies = []
    if PROFILE_DIR[0] and not bare:
        # py-spy samples every worker while the writes run (raw = collapsed stacks).
        workers = [p for p in server.pids() if b"spawn_main" in _cmdline(p)] or server.pids()
        for pid in workers:
            out = Path(PROFILE_DIR[0]) / f"{sc.name}-{pid}.txt"
            spies.append(
                subprocess.Popen(
                    [
                        str(ROOT / ".venv/bin/py-spy"),
                        "record",
                        "--gil",
                        "--pid",
                        str(pid),
                        "--rate",
                        "200",
                        "--format",
                        "raw",
                        "--output",
                        str(out),
                        "--duration",
                        str(int(sc.seconds)),
                        "--nonblocking",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    async def write(n: int, m: int, group_id: int) -> None:
        phone = random.choice(by_group[group_id])
        expected = {r for r in phone_ids[group_id] if r != phone.rid} | set(rooms[m])
        marker = f"BX{n:07d}X"
        text = f"{TEXTS[n % len(TEXTS)]} {marker}"
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": f"{base}/m/{phone.code}/group/",
            "X-CSRFToken": phone.csrf,
        }
        submit = Submit(0.0, expected, set(rooms[m]))
        receivers.submits[n] = submit
        try:
            if bare:
                data = {
                    "streams": ",".join([f"g{group_id}", f"m{m}"]),
                    "text": marker,
                }
                url = "/bench/bare/"
            elif len(factors[group_id]) < limit:
                factors[group_id].append(None)  # reserved: the next add's place
                data = {"text": text, "client_token": str(uuid.uuid4())}
                url = f"/m/{phone.code}/group/{group_id}/factors/"
            else:
                known = [f for f in factors[group_id] if f is not None]
                fid = known[next_edit[group_id] % len(known)]
                next_edit[group_id] += 1
                url = f"/m/{phone.code}/group/{group_id}/factors/{fid}/edit/"
                if fid in receivers.versions:
                    # As the page does: the version from the list it shows, no request.
                    version = str(receivers.versions[fid])
                else:
                    r = await phone.client.get(url, headers=headers)
                    r.raise_for_status()
                    version = read_form(r.text).inputs.get("version", "")
                data = {"text": text, "version": version, "client_token": str(uuid.uuid4())}
            submit.t0 = time.perf_counter()
            r = await phone.client.post(url, data=data, headers=headers)
            stats.http_ms.append((time.perf_counter() - submit.t0) * 1000)
            if r.status_code >= 300:
                stats.errors += 1
                stats.error_kinds[f"http {r.status_code}"] += 1
                receivers.submits.pop(n, None)
                return
            if not bare:
                learn_versions(r.text, receivers.versions)
            if not bare and "/factors/" in url and url.endswith("/factors/"):
                # Learn the new factor's id for later edits (URLs in the returned list).
                ids = [int(i) for i in re.findall(r"/factors/(\d+)/edit/", r.text)]
                known_ids = {f for f in factors[group_id] if f is not None}
                new = [i for i in dict.fromkeys(ids) if i not in known_ids]
                if None in factors[group_id]:
                    factors[group_id].remove(None)
                factors[group_id].extend(new[:1])
            submit.ok = True
            stats.submissions += 1
        except httpx.HTTPError as error:
            stats.errors += 1
            stats.error_kinds[type(error).__name__] += 1
            receivers.submits.pop(n, None)

    counts_before = await server_counts(base)
    cpu_before = await asyncio.to_thread(server.cpu_seconds)
    start = time.perf_counter()
    for n in range(writes):
        delay = start + n / sc.rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        m, group_id = schedule_groups[n % len(schedule_groups)]
        pending.append(asyncio.create_task(write(n, m, group_id)))
    await asyncio.gather(*pending)
    elapsed = time.perf_counter() - start
    for spy in spies:
        await asyncio.to_thread(spy.wait)
    # Drain: wait until everything arrived or DRAIN_SECONDS passed.
    drain_until = time.perf_counter() + DRAIN_SECONDS
    while time.perf_counter() < drain_until:
        if all(len(s.arrived) >= len(s.expected) for s in receivers.submits.values() if s.ok):
            break
        await asyncio.sleep(0.1)
    cpu_used = await asyncio.to_thread(server.cpu_seconds) - cpu_before
    rss_stop.set()
    await rss_task
    counts_after = await server_counts(base)
    receivers.closing = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*(p.client.aclose() for p in phones))

    for s in receivers.submits.values():
        if not s.ok:
            continue
        for r in s.expected:
            is_room = r in s.rooms
            if is_room:
                stats.expected_room += 1
            else:
                stats.expected_phone += 1
            if r in s.arrived:
                ms = (s.arrived[r] - s.t0) * 1000
                (stats.room_ms if is_room else stats.phone_ms).append(ms)
            elif is_room:
                stats.lost_room += 1
            else:
                stats.lost_phone += 1
        if s.arrived and len(s.arrived) >= len(s.expected):
            stats.full_ms.append((max(s.arrived.values()) - s.t0) * 1000)

    def r1(v: float | None) -> float | None:
        return None if v is None else round(v, 1)

    return {
        "name": sc.name + ("-bare" if bare else ""),
        "shape": sc.shape,
        "participants": sc.meetings * sc.phones_per_meeting,
        "meetings": sc.meetings,
        "screens": sc.meetings * sc.screens_per_meeting,
        "submissions": stats.submissions,
        "http_p50_ms": r1(pct(stats.http_ms, 50)),
        "p50_ms": r1(pct(stats.full_ms, 50)),
        "p95_ms": r1(pct(stats.full_ms, 95)),
        "p99_ms": r1(pct(stats.full_ms, 99)),
        "submissions_per_s": round(stats.submissions / elapsed, 2),
        "errors": stats.errors,
        "lost": stats.lost_room + stats.lost_phone,
        "socket_closes": stats.closes,
        "rss_mb": round(stats.rss_peak, 1),
        # Printed, not written to results.json (whose keys the issue fixes).
        "_detail": {
            "http_p95_ms": r1(pct(stats.http_ms, 95)),
            "http_p99_ms": r1(pct(stats.http_ms, 99)),
            "room_p50_ms": r1(pct(stats.room_ms, 50)),
            "room_p95_ms": r1(pct(stats.room_ms, 95)),
            "room_p99_ms": r1(pct(stats.room_ms, 99)),
            "phone_p50_ms": r1(pct(stats.phone_ms, 50)),
            "phone_p99_ms": r1(pct(stats.phone_ms, 99)),
            "lost_room": f"{stats.lost_room} of {stats.expected_room}",
            "lost_phone": f"{stats.lost_phone} of {stats.expected_phone}",
            "error_kinds": dict(stats.error_kinds),
            "frames": stats.frames,
            "bytes_per_frame": round(stats.frame_bytes / max(1, stats.frames)),
            "room_bytes_per_frame": round(stats.room_bytes / max(1, stats.room_frames)),
            "bytes_per_frame_by_kind": {
                name: round(stats.kind_bytes[name] / count)
                for name, count in sorted(stats.kind_frames.items())
            },
            "frames_by_kind": dict(sorted(stats.kind_frames.items())),
            # Server CPU (all workers, user + system) from the first write until all arrived,
            # per write: the view, the broadcast, the fan-out to every socket, the answer.
            "server_cpu_ms_per_write": r1(cpu_used * 1000 / max(1, stats.submissions)),
            "queries_per_write": per_write(counts_before, counts_after, "queries", stats),
            "renders_per_write": per_write(counts_before, counts_after, "renders", stats),
            "join_s": round(join_s, 1),
            "connect_s": round(connect_s, 1),
            "planned_per_s": round(sc.rate, 2),
        },
    }


async def page_weight(port: int, plan: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Transferred bytes on a first load (empty cache): the HTML and its CSS and JS, each
    as the server sends it to a browser that accepts gzip and br."""
    base = f"http://127.0.0.1:{port}"
    headers = {"Accept-Encoding": "gzip, deflate, br"}
    meeting = plan[0]
    result: dict[str, dict[str, int]] = {}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        phone = Phone(0, meeting["code"], meeting["groups"][0]["id"], client)

        async def weigh(name: str, path: str) -> None:
            r = await client.get(path)
            r.raise_for_status()
            html_sent = r.num_bytes_downloaded
            html_gzip = len(gzip.compress(r.content, 6))
            assets = 0
            for href in read_form(r.text).assets:
                a = await client.get(href)
                a.raise_for_status()
                assets += a.num_bytes_downloaded
            result[name] = {
                "html_bytes_sent": html_sent,
                "html_bytes_if_gzipped": html_gzip,
                "css_js_bytes_sent": assets,
                "total_sent": html_sent + assets,
                "total_if_html_gzipped": html_gzip + assets,
            }

        await weigh("join", f"/m/{meeting['code']}/")
        await join(phone, phone.group_id)
        client.cookies.pop("_none", None)
        await weigh("group", f"/m/{meeting['code']}/group/")
        await weigh("room", f"/room/{meeting['room_token']}/")
    return result


# --------------------------------------------------------------------------- main


def fmt(v: Any) -> str:
    return "–" if v is None else str(v)


def print_row(row: dict[str, Any]) -> None:
    d = row["_detail"]
    print(
        f"{row['name']:<30} {row['participants']:>5} {row['submissions']:>5} "
        f"{row['submissions_per_s']:>6} {fmt(row['http_p50_ms']):>8} {fmt(d['http_p99_ms']):>8} "
        f"{fmt(row['p50_ms']):>8} {fmt(row['p95_ms']):>8} {fmt(row['p99_ms']):>8} "
        f"{fmt(d['room_p50_ms']):>8} {fmt(d['room_p99_ms']):>8} {row['errors']:>4} "
        f"{row['lost']:>5} {row['socket_closes']:>5} {row['rss_mb']:>7} "
        f"{d['bytes_per_frame']:>6}",
        flush=True,
    )


HEADER = (
    f"{'scenario':<30} {'phones':>5} {'subm':>5} {'/s':>6} {'http50':>8} {'http99':>8} "
    f"{'p50':>8} {'p95':>8} {'p99':>8} {'room50':>8} {'room99':>8} {'err':>4} "
    f"{'lost':>5} {'close':>5} {'rss MB':>7} {'B/frm':>6}"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--layer", choices=["core", "pubsub"], default="core")
    parser.add_argument("--deflate", choices=["true", "false"], default=None)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--bare-only", action="store_true", help="only the baseline (layer tests)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--profile", default="", help="directory for py-spy's stacks")
    args = parser.parse_args()
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        PROFILE_DIR[0] = str(Path(args.profile).resolve())
    deflate = args.deflate or make_variable("WS_DEFLATE")

    chosen = scenarios(args.quick)
    if args.only:
        names = args.only.split(",")
        chosen = [s for s in scenarios(False) + scenarios(True) if s.name in names]
        chosen = list({s.name: s for s in chosen}.values())
    for sc in chosen:
        if args.seconds:
            sc.seconds = args.seconds
        if args.rate:
            sc.rate = args.rate
        if args.workers:
            sc.workers = args.workers
        if args.no_baseline:
            sc.baseline = False

    print(
        f"topp25 bench: layer={args.layer} deflate={deflate} cores={os.cpu_count()} "
        f"load={os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(HEADER, flush=True)
    rows: list[dict[str, Any]] = []
    weights: dict[str, Any] = {}
    workdir = Path(tempfile.mkdtemp(prefix="topp25-bench-"))
    try:
        for sc in chosen:
            env = server_env(sc.shape, workdir, args.layer)
            reset_backends(sc.shape, env)
            if sc.shape == "embedded":
                Path(env["SQLITE_PATH"]).unlink(missing_ok=True)
            plan = seed(env, sc.meetings)
            server = start_server(sc.shape, env, sc.workers, deflate, workdir)
            try:
                if not weights:
                    weights = asyncio.run(page_weight(server.port, plan))
                if not args.bare_only:
                    row = asyncio.run(run_scenario(sc, server.port, plan, server, bare=False))
                    rows.append(row)
                    print_row(row)
                if sc.baseline:
                    bare = asyncio.run(run_scenario(sc, server.port, plan, server, bare=True))
                    rows.append(bare)
                    print_row(bare)
                if any(r["errors"] for r in rows[-2:]):
                    print_server_errors(server.log)
            finally:
                server.stop()
                if sc.shape == "production":
                    reset_backends("production", env)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    for row in rows:
        print(f"  {row['name']}: {json.dumps(row['_detail'], ensure_ascii=False)}")
    print("page weight (bytes, first load):")
    for name, w in weights.items():
        print(f"  {name:<6} {json.dumps(w)}")

    real = [r for r in rows if not r["name"].endswith("-bare")]
    bare_rows = {r["name"][: -len("-bare")]: r for r in rows if r["name"].endswith("-bare")}
    # The baseline of record: the one-meeting production scenario's (else the first one's).
    ref = next((r for r in real if r["name"] == "production-1m" and r["name"] in bare_rows), None)
    ref = ref or next((r for r in real if r["name"] in bare_rows), None)
    baseline = bare_rows[ref["name"]]["p50_ms"] if ref else None
    ratio = round(ref["p50_ms"] / baseline, 2) if ref and baseline and ref["p50_ms"] else None
    for r in real:
        if r["name"] in bare_rows and bare_rows[r["name"]]["p50_ms"] and r["p50_ms"]:
            print(
                f"  overhead {r['name']}: p50 {r['p50_ms']} / bare {bare_rows[r['name']]['p50_ms']}"
                f" = {r['p50_ms'] / bare_rows[r['name']]['p50_ms']:.2f}×"
            )
    results = {
        "scenarios": [{k: v for k, v in r.items() if not k.startswith("_")} for r in real],
        "baseline_p50_ms": baseline,
        "overhead_ratio_p50": ratio,
    }
    previous = json.loads(Path(args.out).read_text()) if Path(args.out).exists() else {}
    if "storm" in previous:  # bench/storm.py's figures, kept until it runs again
        results["storm"] = previous["storm"]
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    Path(args.out).with_name("page_weight.json").write_text(json.dumps(weights, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


def print_server_errors(log: Path) -> None:
    """The kinds of exception the server logged, counted (its log is temporary)."""
    kinds: dict[str, int] = defaultdict(int)
    for line in log.read_text(errors="replace").splitlines():
        if re.match(r"^[\w.]+(Error|Exception|Timeout)\b", line):
            kinds[line[:160]] += 1
    for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  server log {count}×: {kind}")


def make_variable(name: str) -> str:
    out = subprocess.run(
        ["make", "--no-print-directory", "-s", "-p", "-n", "-f", "Makefile", "setup"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith(f"{name} ?= ") or line.startswith(f"{name} = "):
            return line.split("=", 1)[1].strip()
    return "false"


if __name__ == "__main__":
    sys.exit(main())
