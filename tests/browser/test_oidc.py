"""Sign-in with the organisation's OpenID Connect provider, in Chromium, against a REAL provider
(npm's oidc-provider, tests/oidc/provider.mjs) and topp25 started the way production starts
it: a uvicorn process configured only by environment variables (README.md's table).

A facilitator signs in through the provider, lands in the console with exactly the role the
provider's claim gives, and signs out of topp25 and of the provider. Someone whose claims give
no role is refused with a Swedish page, and no account is made for them.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.contrib.auth.models import User

from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE

from ..conftest import ROOT, _free_port, child_env, uvicorn_command
from .conftest import CHROMIUM, CHROMIUM_ARGS, REQUIRE_BROWSER, Browser

pytestmark = pytest.mark.browser

NODE = shutil.which("node")
PROVIDER_SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"


def off_the_browser_thread[T](function: Callable[[], T]) -> T:
    """ORM calls while Playwright's loop runs in this thread go through another thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function).result()


@dataclass
class Stack:
    app: str
    provider: str


def _wait_until_answers(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped (exit {process.returncode})")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer at {url}")


@pytest.fixture
def stack(request: pytest.FixtureRequest, transactional_db: None) -> Iterator[Stack]:
    """The app configured with every endpoint one by one, or (param "issuer") with the issuer
    alone, as deploy/topp25.env.example suggests: its discovery document gives the rest."""
    if NODE is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        reason = "node and npm's oidc-provider (make setup installs it) are needed"
        if REQUIRE_BROWSER:
            pytest.fail(reason)
        pytest.skip(reason)
    app_port, provider_port = _free_port(), _free_port()
    app = f"http://127.0.0.1:{app_port}"
    provider_url = f"http://localhost:{provider_port}"
    provider = subprocess.Popen(
        [NODE, str(PROVIDER_SCRIPT), str(provider_port), app],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=None,  # its warnings and errors, in the test's output
    )
    if getattr(request, "param", "endpoints") == "issuer":
        endpoints = {"OIDC_OP_ISSUER": provider_url}
    else:
        endpoints = {
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{provider_url}/auth",
            "OIDC_OP_TOKEN_ENDPOINT": f"{provider_url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{provider_url}/me",
            "OIDC_OP_JWKS_ENDPOINT": f"{provider_url}/jwks",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{provider_url}/session/end",
        }
    env = child_env(
        DEBUG="1",
        LOG_LEVEL="WARNING",
        OIDC_RP_CLIENT_ID="topp25",
        OIDC_RP_CLIENT_SECRET="topp25-test-secret",
        **endpoints,
        OIDC_RP_SCOPES="openid email profile roles",
        OIDC_ROLE_CLAIM="roles",
        OIDC_FACILITATOR_VALUES="topp25-samtalsledare",
        OIDC_EDITOR_VALUES="topp25-redaktor",
        OIDC_LOGIN_LABEL="Logga in med kommunens konto",
    )
    server = subprocess.Popen(uvicorn_command(app_port), cwd=ROOT, env=env)
    try:
        _wait_until_answers(f"{provider_url}/.well-known/openid-configuration", provider, "node")
        _wait_until_answers(f"{app}/health/live/", server, "topp25")
        yield Stack(app, provider_url)
    finally:
        for process in (server, provider):
            process.terminate()
        for process in (server, provider):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


@pytest.fixture
def chromium(stack: Stack) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = Browser(playwright, stack.app)
        try:
            yield browser
        finally:
            browser.close()
    assert CHROMIUM_ARGS  # the same Chromium as every browser test


# The provider's development pages name a web font on a third-party host; it is refused.
PROVIDER_FONT = r"fonts\.googleapis\.com"


def only_this_machine(page: Any) -> None:
    """Nothing leaves the machine (the provider's development pages name a web font)."""

    def route(route: Any) -> None:
        host = route.request.url.split("/")[2].split(":")[0]
        if host in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            route.abort()

    page.context.route("**/*", route)


def sign_in_at_the_provider(page: Any, login: str) -> None:
    page.goto("/accounts/login/")
    assert page.locator("#id_username").is_visible()  # the local form is still there
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    page.wait_for_url("**/interaction/**")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "valfritt")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # consent, first time


@pytest.mark.parametrize("stack", ["issuer"], indirect=True)
def test_a_facilitator_signs_in_with_the_provider_and_out_again(chromium: Browser) -> None:
    """Configured with the issuer alone: sign-in, the keys and the logout all come from its
    discovery document."""
    page = chromium.new_page("facilitator")
    only_this_machine(page)
    with chromium.errors.allowed(PROVIDER_FONT):
        sign_in_at_the_provider(page, "leda")
    page.wait_for_url(f"{chromium.base_url}/console/")
    assert page.locator("h1").first.is_visible()
    assert "Lena Ledare" in page.locator("header").inner_text()

    user = off_the_browser_thread(lambda: User.objects.get(username="oidc-leda"))
    groups = off_the_browser_thread(lambda: set(user.groups.values_list("name", flat=True)))
    assert groups == {FACILITATOR_ROLE}  # the claim's value, and only that role
    assert EDITOR_ROLE not in groups
    assert not user.has_usable_password() and user.email == "lena.ledare@example.se"
    # A facilitator may create meetings: the console offers it.
    assert page.get_by_role("link", name="Nytt dialogmöte").count() == 1

    # Sign out: topp25's session ends, then the provider's (RP-initiated logout).
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/session/end**")
    with chromium.errors.allowed(PROVIDER_FONT):
        page.get_by_role("button", name="Yes, sign me out").click()
        page.wait_for_url(f"{chromium.base_url}/")
    page.goto("/console/")
    assert "/accounts/login/" in page.url  # no topp25 session
    # No provider session either: signing in asks for the login again.
    with chromium.errors.allowed(PROVIDER_FONT):
        page.get_by_role("link", name="Logga in med kommunens konto").click()
        page.wait_for_url("**/interaction/**")
        assert page.locator("input[name=login]").is_visible()
    chromium.assert_no_errors()


def test_someone_whose_claims_give_no_role_is_refused_in_swedish(chromium: Browser) -> None:
    page = chromium.new_page("no role")
    only_this_machine(page)
    # The refusal is a 403 page, which the browser's console notes.
    with chromium.errors.allowed(PROVIDER_FONT), chromium.errors.allowed(r"403 \(Forbidden\)"):
        sign_in_at_the_provider(page, "utan")
        page.wait_for_url("**/accounts/oidc/refused/")
    assert page.locator("h1").inner_text() == "Inloggningen nekades"
    assert "ditt konto har ingen roll i topp25" in page.locator("#oidc-refused").inner_text()
    page.goto("/console/")
    assert "/accounts/login/" in page.url  # not signed in
    assert not off_the_browser_thread(
        lambda: User.objects.filter(username__startswith="oidc-").exists()
    )
    chromium.assert_no_errors()
