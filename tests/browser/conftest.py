"""Real-browser fixtures: a live ASGI server (HTTP + WebSockets) and Debian Chromium.

How the pieces fit, and why:

* `asgi_server` (one per test process, shared by its tests) runs uvicorn with `topp25.asgi.application` in a background thread with its
  own event loop. It uses pytest-django's `transactional_db`, so what the test commits is seen
  by the server's threads and vice versa (SQLite: the shared in-memory test database of this
  process; with DATABASE_URL: the PostgreSQL test database). The flush at the end of each
  test re-runs post_migrate, so the staff roles exist again for the next test.
* Static files: pytest-django runs tests with DEBUG=False, so WhiteNoise does not use the
  finders and there is no collectstatic output — every CSS/JS request would be a 404. The app
  is therefore wrapped in Django's `ASGIStaticFilesHandler` (what pytest-django's live_server
  and Channels' ChannelsLiveServerTestCase do); it serves /static/ from the app folders and
  passes everything else, WebSockets included, to the real application unchanged.
* Playwright's sync API drives its own asyncio loop in a greenlet of the *test* thread, and
  while it is active `asyncio.get_running_loop()` answers in that thread. Django then (rightly)
  refuses ORM calls there with SynchronousOnlyOperation. So: request data fixtures (meeting,
  teachers, …) *before* `browser` in a test's signature — same-scope fixtures are set up in
  argument order and torn down in reverse, so the database work of set-up and of the
  transactional flush happens while Playwright is not running — and, during the test, make
  database calls through `asgi_server.call(...)`, which runs them on a worker thread of the
  server's event loop (as a request of the server would; broadcasts on commit then reach the
  in-memory channel layer from its own loop). DJANGO_ALLOW_ASYNC_UNSAFE is deliberately not
  set: it would switch the same check off for the server, hiding real bugs.
* The browser is /usr/bin/chromium only (never a downloaded one). Missing → the tests skip
  with a loud reason, or fail when TOPP25_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from topp25.limits import WS_MAX_SIZE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REQUIRE_BROWSER = os.environ.get("TOPP25_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

ROOM_VIEWPORT = {"width": 1920, "height": 1080}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def _unavailable(reason: str) -> None:
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if REQUIRE_BROWSER:
        pytest.fail(f"{message} (TOPP25_REQUIRE_BROWSER=1 requires them)", pytrace=False)
    pytest.skip(f"{message} — set TOPP25_REQUIRE_BROWSER=1 to make this a failure")


# --- Live ASGI server --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Server(uvicorn.Server):
    """uvicorn's server, remembering its event loop so the test thread can hand it work."""

    loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        try:
            await super().serve(sockets)
        finally:
            self.loop = None


class LiveASGIServer:
    """uvicorn in a thread. `stop()` + `start()` restart it on the same port."""

    host = "127.0.0.1"

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = _free_port()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15) -> None:
        config = uvicorn.Config(
            app=self.app,
            host=self.host,
            port=self.port,
            lifespan="off",
            log_level="warning",
            ws_max_size=WS_MAX_SIZE,  # as `make serve` (topp25/limits.py)
            timeout_graceful_shutdown=5,
        )
        self._server = _Server(config)
        self._error = None
        self._thread = threading.Thread(target=self._run, name=f"uvicorn-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"uvicorn did not start on {self.url}") from self._error
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"uvicorn did not start on {self.url} within {timeout}s")
            time.sleep(0.02)

    def _run(self) -> None:
        # Server.run() makes the same loop as the `uvicorn` command (uvloop when installed)
        # and, outside the main thread, installs no signal handlers.
        try:
            self._server.run()
        except BaseException as error:  # reported by start()/stop() in the test thread
            self._error = error

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._server.loop if self._server is not None else None

    def stop(self, timeout: float = 15) -> None:
        if self._thread is None or self._server is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout)
        alive = self._thread.is_alive()
        self._thread = None
        if alive:
            raise RuntimeError(f"uvicorn on {self.url} did not shut down within {timeout}s")
        if self._error is not None:
            raise RuntimeError(f"uvicorn on {self.url} failed") from self._error

    def drop_websockets(self) -> int:
        """Cut every open WebSocket at the TCP level, as a lost network would (no close frame:
        the browser sees 1006, abnormal closure). Returns how many were cut."""

        server = self._server
        assert server is not None

        def abort() -> int:
            cut = 0
            for connection in list(server.server_state.connections):
                if "websockets" in type(connection).__module__ and connection.transport:
                    connection.transport.abort()
                    cut += 1
            return cut

        async def in_loop() -> int:
            return abort()

        if self.loop is None:
            raise RuntimeError("the live server is not running")
        return asyncio.run_coroutine_threadsafe(in_loop(), self.loop).result(timeout=10)

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run synchronous (ORM) code on a worker thread of the server's loop; return its result."""
        from asgiref.sync import sync_to_async
        from django.db import connections

        def run() -> Any:
            try:
                return function(*args, **kwargs)
            finally:
                connections.close_all()

        if self.loop is None:
            raise RuntimeError("the live server is not running")
        future = asyncio.run_coroutine_threadsafe(
            sync_to_async(run, thread_sensitive=False)(), self.loop
        )
        return future.result(timeout=30)


@pytest.fixture(scope="session")
def shared_asgi_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[LiveASGIServer]:
    """One server for every browser test of this process (a start and stop per test cost
    0.22-0.58 s, measured on this machine); stopped before the test database goes."""
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from topp25.asgi import application

    server = LiveASGIServer(ASGIStaticFilesHandler(application))
    with django_db_blocker.unblock():
        server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def asgi_server(transactional_db: None, shared_asgi_server: LiveASGIServer) -> LiveASGIServer:
    """The process's live server, for a test whose data is its own: `transactional_db` commits
    what the test writes (the server's threads see it) and empties the tables afterwards."""
    return shared_asgi_server


# --- Browser -----------------------------------------------------------------------------


class PageErrors:
    """Console errors, uncaught exceptions and CSP violations of every page of a test."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def watch(self, page: Any, name: str) -> None:
        page.on("console", lambda message: self._console(name, message))
        page.on("pageerror", lambda error: self._add(f"{name}: uncaught {error}"))

    def _console(self, name: str, message: Any) -> None:
        if message.type != "error":
            return
        location = message.location or {}
        where = f" ({location.get('url', '')}:{location.get('lineNumber', '')})" if location else ""
        self._add(f"{name}: console error: {message.text}{where}")

    def _add(self, text: str) -> None:
        if any(pattern.search(text) for pattern in self._allowed):
            return
        self.errors.append(text)

    @contextmanager
    def allowed(self, pattern: str) -> Iterator[None]:
        """Errors matching `pattern` are expected while the block runs (e.g. while offline)."""
        compiled = re.compile(pattern)
        self._allowed.append(compiled)
        try:
            yield
        finally:
            self._allowed.remove(compiled)

    def assert_none(self) -> None:
        assert not self.errors, "errors in the browser:\n" + "\n".join(self.errors)


# Runs before any page script, in every page: records what the CSP blocked (the console error
# says so too, this makes it explicit) and the htmx WebSocket lifecycle, for waiting on it.
INIT_SCRIPT = """
(() => {
  window.__csp = [];
  window.__ws = {opened: 0, closed: 0, messages: 0, phases: 0, experts: 0};
  window.__htmx = {settled: 0, loaded: 0};
  document.addEventListener("htmx:afterSettle", () => { window.__htmx.settled += 1; });
  document.addEventListener("htmx:load", () => { window.__htmx.loaded += 1; });
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
  });
  document.addEventListener("htmx:wsOpen", () => { window.__ws.opened += 1; });
  document.addEventListener("htmx:wsClose", () => { window.__ws.closed += 1; });
  document.addEventListener("htmx:wsAfterMessage", (e) => {
    window.__ws.messages += 1;
    // A broadcast carrying the console's phase panel (a phase started, paused, timed…).
    const message = (e.detail && e.detail.message) || "";
    if (message.indexOf('id="console-phase"') !== -1) { window.__ws.phases += 1; }
    if (message.indexOf('id="console-experts"') !== -1) { window.__ws.experts += 1; }
  });
})();
"""


class Browser:
    """One Chromium for a test; contexts/pages opened through it are watched for errors."""

    def __init__(self, playwright: Any, base_url: str) -> None:
        self.base_url = base_url
        self.errors = PageErrors()
        self.browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        self.pages: list[Any] = []

    def new_page(self, name: str, **context_options: Any) -> Any:
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            **context_options,
        )
        context.set_default_timeout(
            20_000
        )  # a wait ends when its condition holds: headroom for a loaded CI machine
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        self.errors.watch(page, name)
        self.pages.append(page)
        return page

    def assert_no_errors(self) -> None:
        for page in self.pages:
            if not page.is_closed():
                violations = _evaluate_settled(page, "window.__csp || []")
                assert not violations, f"CSP violations on {page.url}: {violations}"
        self.errors.assert_none()

    def close(self) -> None:
        self.browser.close()


def _evaluate_settled(page: Any, script: str) -> Any:
    """page.evaluate, once more after the page has loaded if it was navigating just then
    (a phone following a link the live update gave it)."""
    try:
        return page.evaluate(script)
    except Exception as error:
        if "Execution context was destroyed" not in str(error):
            raise
        page.wait_for_load_state("load")
        return page.evaluate(script)


@pytest.fixture(autouse=True)
def _require_browser() -> None:
    """Runs first for every test here, before the server starts or any data is made."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        _unavailable(f"the playwright package is not importable ({error})")


@pytest.fixture
def browser(asgi_server: LiveASGIServer) -> Iterator[Browser]:
    """Chromium against `asgi_server`. Request data fixtures before this one (see top)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = Browser(playwright, asgi_server.url)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """When a browser test fails, say what each page had from its WebSocket and where it was:
    a live update that never arrived and a socket that closed look alike in a timeout."""
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")
    if call.when != "call" or not report.failed or not isinstance(browser, Browser):
        return report
    lines = []
    for page in browser.pages:
        try:
            state = page.evaluate(
                "() => JSON.stringify({ws: window.__ws, htmx: window.__htmx,"
                " live: (document.getElementById('live-state') || {}).outerHTML || null})"
            )
        except Exception as error:  # a closed or navigating page: say so, do not hide the failure
            state = f"unreadable ({type(error).__name__})"
        lines.append(f"{page.url}: {state}")
    report.sections.append(("browser pages", "\n".join(lines)))
    return report
