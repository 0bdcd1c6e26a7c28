import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "topp25.settings")
# Django must be set up before the consumers (and their models) are imported.
django.setup(set_prefix=False)

from topp25.handler import SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from topp25.limits import RequestBodyLimit  # noqa: E402
from topp25.origin import SameOriginValidator  # noqa: E402
from topp25.routing import websocket_urlpatterns  # noqa: E402
from topp25.warmup import warm_up  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimit(django_asgi_app),
        "websocket": SameOriginValidator(
            AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)

# Last: everything the application imports is loaded, and what the first requests would
# compile is compiled, before the heap is frozen (topp25/warmup.py).
warm_up()
