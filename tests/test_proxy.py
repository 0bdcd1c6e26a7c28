"""The production shape behind the real proxy: Debian's nginx running deploy/nginx/topp25.conf
(TLS on, a certificate made here) in front of `make serve-prod` (two uvicorn workers,
PostgreSQL, Redis). A phone joins and adds a factor, and the room screen's WebSocket gets it,
all through nginx; the join limit counts the client's address, not the proxy's; a client
cannot pose as another address or as HTTPS; the metrics add up both workers.

It needs PostgreSQL + Redis (serve-prod does) and nginx: the PostgreSQL run of `.ci/run`
installs nginx and sets TOPP25_REQUIRE_PROXY=1, so there it fails instead of skipping.
"""

from __future__ import annotations

import asyncio
import datetime
import fcntl
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import websockets
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings as django_settings
from django.urls import reverse

from meetings.models import Group, Meeting

from .conftest import ROOT, _free_port, child_env

pytestmark = pytest.mark.django_db(transaction=True)

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
METRICS_TOKEN = "proxy-test-scraper"
# Three clients on three loopback addresses; the proxy reaches the app from 127.0.0.1.
GUESSER, NEIGHBOUR, FORGER = "127.0.0.2", "127.0.0.3", "127.0.0.4"


@pytest.fixture(scope="module", autouse=True)
def _needs_the_production_shape() -> None:
    missing = []
    if not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        missing.append("PostgreSQL (DATABASE_URL)")
    if not os.environ.get("REDIS_URL"):
        missing.append("Redis (REDIS_URL)")
    if NGINX is None:
        missing.append("nginx (apt-get install nginx-light)")
    if missing:
        reason = "the proxy test needs " + ", ".join(missing)
        if os.environ.get("TOPP25_REQUIRE_PROXY") == "1":
            pytest.fail(reason + " (TOPP25_REQUIRE_PROXY=1)")
        pytest.skip(reason)


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _site_config(https_port: int, app_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx/topp25.conf with this machine's ports and certificate: nothing else changed."""
    site = (ROOT / "deploy/nginx/topp25.conf").read_text()
    replacements = [
        ("listen 80;", f"listen 127.0.0.1:{_free_port()};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("/etc/ssl/certs/topp25.example.se.pem", str(cert)),
        ("/etc/ssl/private/topp25.example.se.key", str(key)),
    ]
    for old, new in replacements:
        assert old in site, f"deploy/nginx/topp25.conf no longer has {old!r}"
        site = site.replace(old, new)
    return site


@dataclass
class Stack:
    base: str
    https_port: int
    app_port: int
    context: ssl.SSLContext
    metrics_dir: Path
    cert: Path


def _wait_for(check: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():  # type: ignore[operator]
                return
        except (OSError, httpx.HTTPError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def stack(
    _needs_the_production_shape: None,
    django_db_setup: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    """Started once for the module (a start takes ~20 s: migrate, collectstatic, warm-up)."""
    tmp_path = tmp_path_factory.mktemp("proxy")
    app_port, https_port = _free_port(), _free_port()
    cert, key = _certificate(tmp_path)
    for folder in ("logs", "temp", "metrics"):
        (tmp_path / folder).mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(tmp_path / "temp", 0o777)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""{user}worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {tmp_path}/temp/body;
    proxy_temp_path {tmp_path}/temp/proxy;
    fastcgi_temp_path {tmp_path}/temp/fastcgi;
    uwsgi_temp_path {tmp_path}/temp/uwsgi;
    scgi_temp_path {tmp_path}/temp/scgi;
{_site_config(https_port, app_port, cert, key)}
}}
"""
    )
    env = {
        **child_env(),  # the test database
        "DEBUG": "0",
        "SECRET_KEY": "proxy-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "1",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "JOIN_FAILURES_PER_CLIENT": "3/10m",
        "METRICS_TOKEN": METRICS_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "PORT": str(app_port),
        "WORKERS": "2",
        "LOG_LEVEL": "WARNING",
        # Its own Redis keys: the join counters of an earlier run are not this run's.
        "CHANNEL_PREFIX": f"{os.environ.get('CHANNEL_PREFIX', 'topp25')}-proxy-{uuid.uuid4().hex}",
    }
    env.pop("TRUST_X_FORWARDED_PROTO", None)  # HTTPS is known from the trusted proxy only
    # serve-prod collects static files into the checkout: one test process at a time starts
    # it (pytest-xdist may run this module in two), until it answers.
    starting = open(Path(tempfile.gettempdir()) / "topp25-serve-prod-start.lock", "w")
    fcntl.flock(starting, fcntl.LOCK_EX)
    app = subprocess.Popen(
        ["make", "--no-print-directory", "serve-prod"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    proxy = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        start_new_session=True,
    )
    context = ssl.create_default_context(cafile=str(cert))
    base = f"https://127.0.0.1:{https_port}"
    try:
        _wait_for(
            lambda: httpx.get(f"{base}/health/ready/", verify=context).status_code == 200,
            "nginx + make serve-prod",
            timeout=120,
        )
        fcntl.flock(starting, fcntl.LOCK_UN)
        yield Stack(base, https_port, app_port, context, tmp_path / "metrics", cert)
    finally:
        starting.close()  # releases the lock if the start failed
        for process in (proxy, app):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in (proxy, app):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


def _client(stack: Stack, address: str) -> httpx.Client:
    return httpx.Client(
        base_url=stack.base,
        verify=stack.context,
        transport=httpx.HTTPTransport(local_address=address, verify=stack.context),
        headers={"Origin": stack.base},
        timeout=20,
    )


def _join(phone: httpx.Client, meeting: Meeting, group: Group) -> httpx.Response:
    join = reverse("meetings:join", args=[meeting.join_code])
    page = phone.get(join)
    if page.status_code != 200:
        return page
    return phone.post(
        join,
        data={"home_group": str(group.pk)},
        headers={"X-CSRFToken": phone.cookies["csrftoken"]},
    )


async def _room_gets(stack: Stack, meeting: Meeting, text: str, add: object) -> str:
    """Opens the room screen's socket through nginx, runs `add`, returns the frame with `text`."""
    async with websockets.connect(
        f"wss://127.0.0.1:{stack.https_port}/ws/room/{meeting.room_token}/",
        ssl=stack.context,
        origin=websockets.Origin(stack.base),
        local_addr=(NEIGHBOUR, 0),
        open_timeout=20,
    ) as room:
        first = str(await asyncio.wait_for(room.recv(), 20))
        assert meeting.title in first or "gallery" in first or first
        await asyncio.to_thread(add)  # type: ignore[arg-type]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            frame = str(await asyncio.wait_for(room.recv(), deadline - time.monotonic()))
            if text in frame:
                return frame
        raise AssertionError("the room screen never got the factor")


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match[3] or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            total += float(match[4])
    return total


def test_a_phone_and_the_room_screen_through_nginx(
    meeting: Meeting, teachers: Group, stack: Stack
) -> None:
    phone = _client(stack, NEIGHBOUR)
    joined = _join(phone, meeting, teachers)
    assert joined.status_code == 302, joined.text[:500]
    # The session cookie is Secure: the app saw HTTPS, from the proxy's X-Forwarded-Proto.
    assert "secure" in joined.headers["set-cookie"].lower()
    add_url = reverse("groups:add", args=[meeting.join_code, teachers.pk])

    def add() -> None:
        response = phone.post(
            add_url,
            data={"text": "Faktor genom nginx"},
            headers={"X-CSRFToken": phone.cookies["csrftoken"], "HX-Request": "true"},
        )
        assert response.status_code == 200, response.text[:500]

    frame = asyncio.run(_room_gets(stack, meeting, "Faktor genom nginx", add))
    assert "Faktor genom nginx" in frame
    assert list(teachers.factors.values_list("text", flat=True)) == ["Faktor genom nginx"]


def test_the_join_limit_sees_the_client_not_the_proxy(
    meeting: Meeting, teachers: Group, stack: Stack
) -> None:
    guesser = _client(stack, GUESSER)
    for index in range(3):  # JOIN_FAILURES_PER_CLIENT=3/10m
        assert guesser.get("/", params={"code": f"ZZZZZ{index + 2}"}).status_code == 404
    assert guesser.get("/", params={"code": "ZZZZZ9"}).status_code == 429
    assert _join(guesser, meeting, teachers).status_code == 429
    # Another phone in the hall, through the same proxy: not blocked. Had the app counted the
    # proxy's address (127.0.0.1), every phone would now be refused.
    assert _join(_client(stack, NEIGHBOUR), meeting, teachers).status_code == 302
    # A client claiming the blocked address in X-Forwarded-For: nginx replaces the header.
    forger = _client(stack, FORGER)
    forger.headers["X-Forwarded-For"] = NEIGHBOUR
    assert _join(forger, meeting, teachers).status_code == 302
    # One claiming to be the guesser is not blocked either: its own address is counted.
    forger.headers["X-Forwarded-For"] = GUESSER
    assert _join(forger, meeting, teachers).status_code == 302


def test_the_app_believes_forwarded_headers_from_the_proxy_only(stack: Stack) -> None:
    # Straight to uvicorn from another address, posing as the proxy's HTTPS client: uvicorn
    # trusts X-Forwarded-* from FORWARDED_ALLOW_IPS (127.0.0.1) only, so this is plain HTTP
    # and SECURE_SSL_REDIRECT sends it to HTTPS.
    direct = httpx.Client(
        transport=httpx.HTTPTransport(local_address=GUESSER),
        base_url=f"http://127.0.0.1:{stack.app_port}",
        timeout=10,
    )
    response = direct.get(
        "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}
    )
    assert response.status_code == 301
    assert response.headers["location"].startswith("https://")


def test_metrics_through_the_proxy_add_up_both_workers(stack: Stack) -> None:
    scraper = _client(stack, NEIGHBOUR)
    assert scraper.get("/metrics").status_code == 404  # a browser user
    auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    before = _metric(scraper.get("/metrics", headers=auth).text, "topp25_http_requests_total")
    for _ in range(20):  # new connections straight to uvicorn: the workers take turns
        with httpx.Client(base_url=f"http://127.0.0.1:{stack.app_port}") as one:
            assert one.get("/health/live/").status_code == 200
    writers = {path.name.rsplit("_", 1)[-1] for path in stack.metrics_dir.glob("counter_*.db")}
    assert len(writers) == 2, f"both workers counted requests: {sorted(writers)}"
    text = scraper.get("/metrics", headers=auth).text
    lives = _metric(text, "topp25_http_requests_total", view="health_live", status="200")
    assert lives == 20, "every worker's requests are counted, whichever worker answers"
    assert _metric(text, "topp25_http_requests_total") >= before + 20
    ready = json.loads(scraper.get("/health/ready/").text)
    assert ready == {"status": "ok", "checks": {"database": "ok", "channel_layer": "ok"}}


def test_the_proxy_speaks_http2_and_still_upgrades_websockets(stack: Stack) -> None:
    """Browsers that offer h2 get it (ALPN); the WebSocket test above still passes over the
    same port, since a browser opens its WebSockets as HTTP/1.1 upgrades."""
    context = ssl.create_default_context(cafile=str(stack.cert))
    context.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.selected_alpn_protocol() == "h2"
    context.set_alpn_protocols(["http/1.1"])
    with socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.selected_alpn_protocol() == "http/1.1"
