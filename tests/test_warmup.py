"""A server process compiles the screens' templates and loads the URL patterns and catalogs
before its first request, then freezes that heap for the garbage collector
(topp25/warmup.py; measured in bench/README.md)."""

from __future__ import annotations

import gc
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

import topp25.asgi  # noqa: F401  (importing the application warms the process up)
from topp25.warmup import warm_up


def test_the_application_warms_up_every_template_and_freezes_the_heap() -> None:
    templates = Path(settings.TEMPLATES[0]["DIRS"][0])
    pages = sorted(path.relative_to(templates).as_posix() for path in templates.rglob("*.html"))
    assert "groups/group.html" in pages and "meetings/room.html" in pages
    assert gc.get_freeze_count() > 0  # done when topp25.asgi was imported
    assert warm_up() == len(pages)
    loaders = engines["django"].engine.template_loaders  # type: ignore[attr-defined]
    cached = next(loader for loader in loaders if isinstance(loader, CachedLoader))
    compiled = {
        template.origin.template_name
        for template in cached.get_template_cache.values()
        if hasattr(template, "origin")
    }
    assert set(pages) <= compiled
