"""Liveness and readiness for the monitoring and the load balancer: no login, no data.

- `/health/live/`: the process answers HTTP (restart it when this fails). Touches nothing.
- `/health/ready/`: it can serve a meeting: the database answers a query and the channel layer
  carries a message to this process and back (send it traffic only when this is 200).

The answer names only which check failed ("ok"/"error"), never an address, a version or an
error text. It imports no app.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from topp25 import metrics

logger = logging.getLogger(__name__)

LAYER_TIMEOUT_SECONDS = 2.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("readiness: database check failed", exc_info=True)
        return False


async def _layer_round_trip() -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    channel = await layer.new_channel("health.")
    await layer.send(channel, {"type": "health.check"})
    message = await layer.receive(channel)
    return bool(message.get("type") == "health.check")


async def _layer_ok_async() -> bool:
    try:
        return await asyncio.wait_for(_layer_round_trip(), LAYER_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("readiness: channel layer check failed", exc_info=True)
        metrics.channel_layer_error("health")
        return False


def _layer_ok() -> bool:
    return bool(async_to_sync(_layer_ok_async)())


@require_GET
@never_cache
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": "ok" if _database_ok() else "error",
        "channel_layer": "ok" if _layer_ok() else "error",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
