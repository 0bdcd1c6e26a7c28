#!/usr/bin/env python
"""A storm of phones, a phase change to all of them, and a killed worker (issue 9).

    .venv/bin/python bench/storm.py                  # 3,000 phones (make bench, make bench-storm)
    .venv/bin/python bench/storm.py --phones 1000 --spread 10 --no-write

The production shape (`make serve-prod`, 2 workers, PostgreSQL + Redis) started by run.py's
helpers; one meeting with a home group per 100 phones and a two-phase agenda (the first phase
runs while the phones join). Then:

1. Storm: phones join over `--spread` seconds (open loop, phone i starts at i·spread/N): GET
   /m/CODE/, POST the join form (run.join: CSRF + session), then open the group WebSocket
   the group page opens (`/ws/m/CODE/groups/GID/`: the group's list and the meeting's phase
   stream) and receive its snapshot. Measured: join time, handshake → snapshot, how many
   were connected when (the target: all within 30 s), failures.
2. Phase change: the facilitator, logged in through /accounts/login/, POSTs the console's
   "start next phase" (htmx, X-CSRFToken). Measured: POST start → the `#phone-phase`
   fragment of the new revision on each phone's socket; p50/p95/p99/max; missing after 10 s.
3. Killed worker: SIGKILL to one of the two uvicorn workers (uvicorn's supervisor starts a
   new one). Each phone whose socket dropped reconnects as static/js/topp25.js tells htmx
   (500·2^(retry−1) ms capped at 4 s, + 0–1 s jitter; retry 0 on the first try) and is back
   when the snapshot of its new socket (with the current phase) has arrived. Measured:
   sockets lost, kill → back p50/p95/p99/max, % back within 10 s, when the supervisor's new
   worker answered.

Server RSS (all workers) is sampled every second; the load client's own CPU is reported, to
tell a slow server from a saturated client. Adds "storm" to bench/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: servers, seed, join)
from run import PY, ROOT, Phone, Server, _cmdline, pct  # noqa: E402

PHASE = re.compile(r'id="phone-phase"[^>]*?data-revision="(\d+)"')
PASSWORD = "storm-" + os.urandom(6).hex()
WAIT_SECONDS = 10.0
PROFILE_DIR = [""]
# One TLS context for every client: httpx.AsyncClient() builds and loads a new one each time
# (~20 ms of CPU idle, 180 ms measured at load 16), which made the client, not the server,
# the bottleneck of 3,000 joins. Plain http is used; the context is never used for a handshake.
TLS = ssl.create_default_context()

# Run inside the server's environment: the facilitator's password, a home group per 100
# phones, and an agenda of two phases, the first one started. Prints the meeting's ids.
SETUP = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from meetings import services
from meetings.models import Meeting, PhaseKind
code, groups, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
user = get_user_model().objects.get(username="bench")
user.set_password(password)
user.save()
meeting = Meeting.objects.get(join_code=code)
have = meeting.home_groups().count()
for n in range(have, groups):
    services.add_home_group(meeting=meeting, name=f"Grupp {n + 1}", announce=False)
services.add_phase(meeting=meeting, kind=PhaseKind.INTRODUCTION, title="Inledning",
                   planned_minutes=10, announce=False)
services.add_phase(meeting=meeting, kind=PhaseKind.BUZZ, title="Bikupor",
                   planned_minutes=15, announce=False)
services.start_phase(meeting=meeting)
print(json.dumps({"meeting_id": meeting.pk,
                  "groups": list(meeting.home_groups().values_list("pk", flat=True))}))
"""


@dataclass
class Client:
    """One phone: its join and its socket's history (perf_counter times)."""

    n: int
    group_id: int
    cookie: str = ""
    join_s: float | None = None
    join_error: str = ""
    opens: list[float] = field(default_factory=list)  # when the handshake began
    snapshots: list[float] = field(default_factory=list)  # the first frame after each open
    snapshot_revs: list[int] = field(default_factory=list)
    closes: list[float] = field(default_factory=list)
    handshake_errors: list[str] = field(default_factory=list)
    phase_rev: int = -1
    phase_at: dict[int, float] = field(default_factory=dict)  # revision → first seen


def raise_fd_limit(need: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard == resource.RLIM_INFINITY else min(hard, max(soft, need))
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def reconnect_delay(retry: int) -> float:
    """static/js/topp25.js's htmx.config.wsReconnectDelay, in seconds."""
    return (min(4000, 500 * 2 ** max(0, retry - 1)) + random.random() * 1000) / 1000


class Phones:
    def __init__(self, base: str, code: str) -> None:
        self.base = base
        self.ws_base = base.replace("http://", "ws://")
        self.code = code
        self.closing = False
        self.frames = 0

    def frame(self, client: Client, text: str, first: bool) -> None:
        now = time.perf_counter()
        self.frames += 1
        revision = -1
        for match in PHASE.finditer(text):
            revision = max(revision, int(match.group(1)))
        if first:
            client.snapshots.append(now)
            client.snapshot_revs.append(revision)
        if revision > client.phase_rev:
            client.phase_rev = revision
            client.phase_at.setdefault(revision, now)

    async def hold(self, client: Client) -> None:
        """The group page's socket, reconnecting as htmx does with topp25.js's delay."""
        url = f"{self.ws_base}/ws/m/{self.code}/groups/{client.group_id}/"
        retry = 0
        while not self.closing:
            began = time.perf_counter()
            try:
                async with websockets.connect(
                    url,
                    origin=self.base,  # type: ignore[arg-type]
                    additional_headers={"Cookie": client.cookie},
                    max_size=2**20,
                    # A browser waits for the handshake's answer as long as the TCP connection
                    # lives; a client timeout here would abandon handshakes the server then
                    # still works through, and the retries would queue behind them.
                    open_timeout=None,
                    ping_interval=None,
                    close_timeout=1,
                ) as ws:
                    client.opens.append(began)
                    retry = 0
                    first = True
                    async for message in ws:
                        self.frame(client, message if isinstance(message, str) else "", first)
                        first = False
                if self.closing:
                    return
                client.closes.append(time.perf_counter())
            except asyncio.CancelledError:
                raise
            except websockets.ConnectionClosed:
                client.closes.append(time.perf_counter())
            except Exception as error:  # noqa: BLE001  (a failed handshake: htmx retries)
                client.handshake_errors.append(type(error).__name__)
            if self.closing:
                return
            await asyncio.sleep(reconnect_delay(retry))
            retry += 1


def setup_meeting(env: dict[str, str], code: str, groups: int) -> dict[str, Any]:
    out = subprocess.run(
        [PY, "-c", SETUP, code, str(groups), PASSWORD],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


async def facilitator(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=60, verify=TLS)
    r = await client.get("/accounts/login/")
    r.raise_for_status()
    token = run.read_form(r.text).inputs["csrfmiddlewaretoken"]
    r = await client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": "bench", "password": PASSWORD},
        headers={"Referer": base + "/accounts/login/"},
    )
    if r.status_code != 302:
        raise RuntimeError(f"login answered {r.status_code}")
    return client


def profile(pids: list[int], seconds: float, name: str) -> list[subprocess.Popen[bytes]]:
    """py-spy (--gil, 100 Hz, collapsed stacks) on each worker for `seconds`."""
    if not PROFILE_DIR[0]:
        return []
    spies = []
    for pid in pids:
        out = Path(PROFILE_DIR[0]) / f"storm-{name}-{pid}.txt"
        command = [str(ROOT / ".venv/bin/py-spy"), "record", "--gil", "--pid", str(pid)]
        command += ["--rate", "100", "--format", "raw", "--output", str(out)]
        command += ["--duration", str(int(seconds)), "--nonblocking"]
        spies.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    return spies


def workers_of(server: Server) -> list[int]:
    return sorted(p for p in server.pids() if b"spawn_main" in _cmdline(p))


def rss_by_worker(server: Server) -> dict[int, float]:
    out = {}
    for pid in workers_of(server):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[pid] = int(line.split()[1]) / 1024
        except OSError:
            pass
    return out


def ms(v: float | None) -> float | None:
    return None if v is None else round(v * 1000, 1)


def spread_of(values: list[float]) -> dict[str, float | None]:
    return {
        "p50_ms": ms(pct(values, 50)),
        "p95_ms": ms(pct(values, 95)),
        "p99_ms": ms(pct(values, 99)),
        "max_ms": ms(max(values) if values else None),
    }


async def storm(
    args: argparse.Namespace, server: Server, code: str, setup: dict[str, Any]
) -> dict[str, Any]:
    base = f"http://127.0.0.1:{server.port}"
    run.ORIGIN[0] = base
    phones = Phones(base, code)
    groups = setup["groups"]
    clients = [Client(n, groups[n % len(groups)]) for n in range(args.phones)]
    tasks: list[asyncio.Task[None]] = []
    rss_peak = [0.0]
    rss_stop = asyncio.Event()
    cpu0 = time.process_time()

    async def sample_rss() -> None:
        while not rss_stop.is_set():
            rss_peak[0] = max(rss_peak[0], await asyncio.to_thread(server.rss_mb))
            await asyncio.sleep(1.0)

    rss_task = asyncio.create_task(sample_rss())
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    in_flight = asyncio.Semaphore(args.max_joins)

    async def arrive(client: Client, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        t = time.perf_counter()
        async with in_flight:
            http = httpx.AsyncClient(base_url=base, limits=limits, timeout=60, verify=TLS)
            try:
                await run.join(Phone(0, code, client.group_id, http), client.group_id)
                client.cookie = run.cookie_header(http)
                client.join_s = time.perf_counter() - t
            except Exception as error:  # noqa: BLE001  (counted)
                client.join_error = f"{type(error).__name__}: {str(error)[:80]}"
                return
            finally:
                await http.aclose()
        tasks.append(asyncio.create_task(phones.hold(client)))

    console = await facilitator(base)

    # 1. The storm.
    profile(workers_of(server), args.spread + 10, "storm")
    start = time.perf_counter()
    arrivals = [
        asyncio.create_task(arrive(c, start + c.n * args.spread / args.phones)) for c in clients
    ]
    deadline = start + args.spread + args.connect_wait
    shown = time.perf_counter()
    while time.perf_counter() < deadline:
        if all(a.done() for a in arrivals) and all(c.snapshots or c.join_error for c in clients):
            break
        if time.perf_counter() - shown >= 10:
            shown = time.perf_counter()
            print(
                f"  {shown - start:5.0f} s: joined {sum(1 for c in clients if c.cookie)}, "
                f"connected {sum(1 for c in clients if c.snapshots)}, "
                f"failed {sum(1 for c in clients if c.join_error)}, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        await asyncio.sleep(0.2)
    for arrival in arrivals:  # joins still waiting for their answer: given up
        arrival.cancel()
    await asyncio.gather(*arrivals, return_exceptions=True)
    joined = [c for c in clients if c.cookie]
    connected = [c for c in joined if c.snapshots]
    first_snapshot = sorted(c.snapshots[0] - start for c in connected)
    storm_cpu = time.process_time() - cpu0
    storm_wall = time.perf_counter() - start
    in_30 = sum(1 for t in first_snapshot if t <= 30.0)
    join_times = [c.join_s for c in joined if c.join_s is not None]
    socket_times = [c.snapshots[0] - c.opens[0] for c in connected]
    errors: dict[str, int] = {}
    for c in clients:
        if c.join_error:
            errors[c.join_error] = errors.get(c.join_error, 0) + 1
        for e in c.handshake_errors:
            errors["ws " + e] = errors.get("ws " + e, 0) + 1
    result: dict[str, Any] = {
        "phones": args.phones,
        "spread_s": args.spread,
        "joined": len(joined),
        "join_failed": sum(1 for c in clients if c.join_error),
        "join_unanswered": sum(1 for c in clients if not c.cookie and not c.join_error),
        "connected": len(connected),
        "connected_within_30s": in_30,
        "last_connected_s": round(first_snapshot[-1], 2) if first_snapshot else None,
        "join": spread_of(join_times),
        "handshake_to_snapshot": spread_of(socket_times),
        "errors": errors,
        "closes_during_storm": sum(len(c.closes) for c in clients),
        "client_cpu_s": round(storm_cpu, 1),
        "client_cpu_share": round(storm_cpu / storm_wall, 2),
    }
    print(f"storm: {json.dumps(result)}", flush=True)
    await asyncio.sleep(2.0)

    # 2. The phase change (the facilitator logged in before the storm).
    before = max((c.phase_rev for c in connected), default=-1)
    profile(workers_of(server), 14, "phase")
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    r = await console.post(
        f"/console/meetings/{setup['meeting_id']}/run/start/",
        data={},
        headers={
            "HX-Request": "true",
            "X-CSRFToken": console.cookies["csrftoken"],
            "Referer": f"{base}/console/meetings/{setup['meeting_id']}/",
        },
    )
    http_s = time.perf_counter() - t0
    if r.status_code != 200:
        print(f"  next phase answered {r.status_code}", flush=True)
    while time.perf_counter() < t0 + http_s + WAIT_SECONDS:
        if all(c.phase_rev > before for c in connected):
            break
        await asyncio.sleep(0.05)
    cpu = time.process_time() - cpu0
    got = [
        min(t for rev, t in c.phase_at.items() if rev > before) - t0
        for c in connected
        if c.phase_rev > before
    ]
    new_revision = max((c.phase_rev for c in connected), default=-1)
    phase = {
        "http_ms": ms(http_s),
        "http_status": r.status_code,
        "phones": len(connected),
        "received": len(got),
        "within_10s": sum(1 for t in got if t <= WAIT_SECONDS),
        "missing_10s_after_answer": len(connected) - len(got),
        **spread_of(got),
        "client_cpu_s": round(cpu, 2),
    }
    print(f"phase change: {json.dumps(phase)}", flush=True)
    await console.aclose()
    await asyncio.sleep(2.0)

    # 3. Kill a worker.
    rss_before = rss_by_worker(server)
    before_workers = workers_of(server)
    victim = before_workers[0]
    closes_before = {c.n: len(c.closes) for c in connected}
    cpu0 = time.process_time()
    t_kill = time.perf_counter()
    os.kill(victim, signal.SIGKILL)
    profile([p for p in before_workers if p != victim], args.kill_wait, "kill")
    restarted_at: float | None = None
    end = t_kill + args.kill_wait
    spied = False
    while time.perf_counter() < end:
        if restarted_at is None:
            new = {p for p in workers_of(server) if p not in before_workers}
            if new and not spied:
                spied = bool(profile(sorted(new), args.kill_wait - 1, "new"))
            if new and await worker_answers(base, new):
                restarted_at = time.perf_counter() - t_kill
        await asyncio.sleep(0.25)
    lost = [c for c in connected if len(c.closes) > closes_before[c.n]]
    back: list[float] = []
    resynced = 0
    for c in lost:
        after = [
            (t, rev) for t, rev in zip(c.snapshots, c.snapshot_revs, strict=True) if t > t_kill
        ]
        if after:
            back.append(after[0][0] - t_kill)
            resynced += after[0][1] >= new_revision
    within = sum(1 for t in back if t <= WAIT_SECONDS)
    kill = {
        "worker_pids": before_workers,
        "killed": victim,
        "rss_mb_before": {str(k): round(v, 1) for k, v in rss_before.items()},
        "rss_mb_after": {str(k): round(v, 1) for k, v in rss_by_worker(server).items()},
        "sockets_lost": len(lost),
        "back": len(back),
        "back_with_current_phase": resynced,
        "back_within_10s": within,
        "back_within_10s_pct": round(100 * within / len(lost), 2) if lost else None,
        **spread_of(back),
        "new_worker_ready_s": None if restarted_at is None else round(restarted_at, 1),
        "others_closed": sum(
            1 for c in connected if c not in lost and len(c.closes) > closes_before[c.n]
        ),
        "client_cpu_s": round(time.process_time() - cpu0, 1),
    }
    print(f"killed worker: {json.dumps(kill)}", flush=True)

    phones.closing = True
    rss_stop.set()
    await rss_task
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "storm": result,
        "phase_change": phase,
        "killed_worker": kill,
        "rss_mb_peak": round(rss_peak[0], 1),
        "client_frames": phones.frames,
    }


async def worker_answers(base: str, pids: set[int]) -> bool:
    """Whether one of these worker processes answers HTTP (the kernel picks which worker
    accepts a connection: a few tries, each on a new connection)."""
    for _ in range(4):
        try:
            async with httpx.AsyncClient(base_url=base, timeout=2, verify=TLS) as client:
                if (await client.get("/bench/stats/")).json().get("pid") in pids:
                    return True
        except (httpx.HTTPError, ValueError):
            pass
    return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=3000)
    parser.add_argument("--spread", type=float, default=30.0, help="joins spread over s")
    parser.add_argument("--per-group", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-joins", type=int, default=256, help="joins in flight at most")
    parser.add_argument("--connect-wait", type=float, default=60.0, help="after the spread")
    parser.add_argument("--kill-wait", type=float, default=20.0)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--profile", default="", help="directory for py-spy's stacks")
    parser.add_argument(
        "--skip-idle-console",
        action="store_true",
        help="the server builds no console update per join (bench/baseline_asgi.py)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch results.json")
    args = parser.parse_args()
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        PROFILE_DIR[0] = str(Path(args.profile).resolve())
    limit = raise_fd_limit(args.phones * 2 + 512)
    load = os.getloadavg()
    print(
        f"topp25 storm: {args.phones} phones over {args.spread} s, {args.workers} workers, "
        f"fd limit {limit}, cores {os.cpu_count()}, load {load[0]:.1f} {load[1]:.1f}",
        flush=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix="topp25-storm-"))
    env = run.server_env("production", workdir, "core")
    if args.skip_idle_console:
        env["BENCH_SKIP_IDLE_CONSOLE"] = "1"
    run.reset_backends("production", env)
    try:
        plan = run.seed(env, 1)
        code = plan[0]["code"]
        groups = max(7, -(-args.phones // args.per_group))
        setup = setup_meeting(env, code, groups)
        server = run.start_server("production", env, args.workers, "false", workdir)
        try:
            out = asyncio.run(storm(args, server, code, setup))
        finally:
            server.stop()
            log = server.log.read_text(errors="replace")
            died = log.count(" died")
            run.print_server_errors(server.log)
    finally:
        run.reset_backends("production", env)
        shutil.rmtree(workdir, ignore_errors=True)
    out["load_at_start"] = round(load[0], 1)
    out["load_at_end"] = round(os.getloadavg()[0], 1)
    out["workers"] = args.workers
    out["skip_idle_console"] = args.skip_idle_console
    out["groups"] = len(setup["groups"])
    out["supervisor_restarts_logged"] = died
    print(json.dumps(out, indent=2))
    if not args.no_write:
        path = Path(args.out)
        results = json.loads(path.read_text()) if path.exists() else {}
        results["storm"] = out
        path.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
