"""The screens' WebSocket addresses (topp25/routing.py collects them)."""

from django.urls import path

import meetings.converters  # noqa: F401  (registers <joincode:…>, <roomtoken:…>)

from .consumers import ConsoleConsumer, GroupConsumer, RoomScreenConsumer

websocket_urlpatterns = [
    path("ws/room/<roomtoken:token>/", RoomScreenConsumer.as_asgi()),
    path("ws/m/<joincode:code>/groups/<int:group_id>/", GroupConsumer.as_asgi()),
    path("ws/console/<int:pk>/", ConsoleConsumer.as_asgi()),
]
