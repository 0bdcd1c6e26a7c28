"""Join-code guessing: failed joins are counted per client and per code, on Django's cache.

A failure is a code that does not lead to an open meeting (unknown, or closed for new
participants): both get the same answer, so the count and the answer tell a guesser nothing.
Once a client or a code is over its limit, every join lookup from it answers 429, whether
the code is right or not — otherwise the limit itself would tell a right code from a wrong one.
The counters live in the cache (local memory embedded, Redis when REDIS_URL is set), keyed by
a hash: no IP address is stored in the database.
"""

from __future__ import annotations

import ipaddress
import uuid

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_fast_ratelimit import Action, get_ratelimit, parse_rate

from topp25 import metrics

from .errors import TooManyRequests

GROUP_CLIENT = "join-failures-client"
GROUP_CODE = "join-failures-code"

Limits = list[tuple[str, bytes, str]]


def _client(request: HttpRequest) -> bytes:
    # uvicorn sets the peer from X-Forwarded-For only for proxies it trusts
    # (--forwarded-allow-ips), so this is the real client behind our own proxy. One IPv6
    # client holds a whole /64: count the network, not the address.
    address = str(request.META.get("REMOTE_ADDR", ""))
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address.encode()
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False)).encode()
    return address.encode()


def _limits(request: HttpRequest, code: str) -> Limits:
    return [
        (GROUP_CLIENT, _client(request), settings.JOIN_FAILURES_PER_CLIENT),
        (GROUP_CODE, code.encode(), settings.JOIN_FAILURES_PER_CODE),
    ]


def blocked_for(limits: Limits) -> int | None:
    """Seconds to wait when any counter is at its limit, else None."""
    for group, key, rate in limits:
        limit = get_ratelimit(group=group, key=lambda *args, key=key: key, rate=rate)
        count, period = parse_rate(rate)
        if limit.count >= count:
            return int(period)  # a fixed window: at most one period to wait
    return None


def count_failure(limits: Limits) -> None:
    for group, key, rate in limits:
        get_ratelimit(
            group=group, key=lambda *args, key=key: key, rate=rate, action=Action.INCREASE
        )


def ensure_not_blocked(request: HttpRequest, code: str) -> None:
    wait = blocked_for(_limits(request, code))
    if wait is not None:
        metrics.join_throttled()
        raise JoinThrottled(retry_after=wait)


def record_failure(request: HttpRequest, code: str) -> None:
    metrics.join_failed()
    count_failure(_limits(request, code))


DEVICE_KEY = "topp25_device"


def _device(request: HttpRequest) -> bytes:
    """A random id this phone's session keeps (it survives the key change on joining); a
    client without cookies is a new device each time and meets the address limit instead."""
    device = request.session.get(DEVICE_KEY)
    if not isinstance(device, str):
        device = request.session[DEVICE_KEY] = uuid.uuid4().hex
    return device.encode()


def _join_limits(request: HttpRequest) -> Limits:
    return [
        ("joins-client", _client(request), settings.JOINS_PER_CLIENT),
        ("joins-device", _device(request), settings.JOINS_PER_DEVICE),
    ]


def ensure_may_join(request: HttpRequest) -> None:
    """Successful joins (and group changes) are limited too, per address and per device."""
    wait = blocked_for(_join_limits(request))
    if wait is not None:
        raise JoinRateLimited(retry_after=wait)


def record_join(request: HttpRequest) -> None:
    count_failure(_join_limits(request))


def login_limits(request: HttpRequest, username: str) -> Limits:
    """Failed logins per client and per user name (letter case does not matter)."""
    return [
        ("login-failures-client", _client(request), settings.LOGIN_FAILURES_PER_CLIENT),
        ("login-failures-user", username.casefold().encode(), settings.LOGIN_FAILURES_PER_USER),
    ]


class RetryLater(TooManyRequests):
    """429: a limit was reached; `retry_after` seconds is at most one window."""

    def __init__(self, code: str, message: str, *, retry_after: int) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after


class JoinThrottled(RetryLater):
    def __init__(self, *, retry_after: int) -> None:
        message = _(
            "För många försök med fel kod. Vänta några minuter och försök igen, "
            "eller fråga samtalsledaren."
        )
        super().__init__("join_throttled", message, retry_after=retry_after)


class JoinRateLimited(RetryLater):
    def __init__(self, *, retry_after: int) -> None:
        message = _(
            "Väldigt många har gått med härifrån på kort tid. Vänta några minuter och "
            "försök igen, eller fråga samtalsledaren."
        )
        super().__init__("join_rate", message, retry_after=retry_after)
