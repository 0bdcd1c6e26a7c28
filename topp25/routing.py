"""The WebSocket routes, collected from the apps that own them (INSTALLED_APPS order): each
app with a `routing` module lists its own `websocket_urlpatterns`. This module names none."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import URLPattern, URLResolver


def _collect() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.routing"
        if find_spec(name) is not None:
            patterns += getattr(import_module(name), "websocket_urlpatterns", [])
    return patterns


websocket_urlpatterns = _collect()
