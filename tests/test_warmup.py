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


def compiled_templates() -> set[str]:
    loaders = engines["django"].engine.template_loaders  # type: ignore[attr-defined]
    cached = next(loader for loader in loaders if isinstance(loader, CachedLoader))
    return {
        template.origin.template_name
        for template in cached.get_template_cache.values()
        if hasattr(template, "origin")
    }


def test_importing_the_application_compiled_every_template_and_froze_the_heap() -> None:
    folder = Path(settings.TEMPLATES[0]["DIRS"][0])
    pages = {path.relative_to(folder).as_posix() for path in folder.rglob("*.html")}
    assert {"groups/group.html", "meetings/room.html", "meetings/console_meeting.html"} <= pages
    assert pages <= compiled_templates()  # before any request of this test asked for one
    assert gc.get_freeze_count() > 0
    frozen = gc.get_freeze_count()
    assert warm_up(freeze=False) == len(pages)
    assert gc.get_freeze_count() == frozen
