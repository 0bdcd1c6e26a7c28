"""Django's ASGI handler with the middleware chain in sync mode, in one thread hop per request.

Django's own ASGIHandler runs the chain in async mode, and every middleware that is not
natively async (ours, WhiteNoise) switches modes around it: a MiddlewareMixin in async mode
runs each of its hooks through `sync_to_async` and a sync-only one through `async_to_sync`,
so a phone's write crossed between the event loop and a thread about nine times. The views are
sync, so here the whole chain runs in sync mode inside one `sync_to_async` call: the same
middleware in the same order on the same (per-request) thread, one crossing there and back.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # thread_sensitive: the thread the view ran on before (ThreadSensitiveContext per
        # request), where its database connection lives.
        response: HttpResponseBase = await sync_to_async(self.get_response, thread_sensitive=True)(
            request
        )
        return response
