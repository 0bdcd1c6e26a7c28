"""The Redis channel layer, with connections that suit a long-lived WebSocket server.

channels-redis waits on Redis with a 5 s blocking pop, and redis-py 8 gives every connection
a 5 s socket timeout: while a meeting is quiet the pop's socket timed out and one WebSocket
per worker closed (1006) every ~5 s. And redis-py's default pool raises MaxConnectionsError
when full instead of waiting, so ~2,000 sockets closing at once failed `group_discard` and
left group memberships behind. Here the socket timeout is well above the pop, and a full pool
makes a caller wait for a free connection.
"""

from __future__ import annotations

from typing import Any

from channels_redis.core import RedisChannelLayer
from redis import asyncio as aioredis

# Comfortably above channels-redis' 5 s blocking pop (RedisChannelLayer.brpop_timeout), so an
# idle pop never times out, yet a Redis that stopped answering is still noticed.
SOCKET_TIMEOUT_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 5.0
# Per worker process and event loop; a burst of sends or discards queues for a free one.
MAX_CONNECTIONS = 64
# How long a burst may wait for a free connection before the call fails.
POOL_WAIT_SECONDS = 20.0


def redis_host(url: str, *, max_connections: int = MAX_CONNECTIONS) -> dict[str, Any]:
    """One entry of the layer's "hosts": the URL and the connection settings above."""
    return {
        "address": url,
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "socket_keepalive": True,
        "health_check_interval": 15,
        "retry_on_timeout": True,
        "max_connections": max_connections,
        "timeout": POOL_WAIT_SECONDS,
    }


class BlockingPoolRedisChannelLayer(RedisChannelLayer):
    """RedisChannelLayer whose pools wait for a free connection instead of raising."""

    def create_pool(self, index: int) -> aioredis.ConnectionPool:
        host = dict(self.hosts[index])
        address = host.pop("address")
        return aioredis.BlockingConnectionPool.from_url(address, **host)
