"""A server process compiles the screens' templates and loads the URL patterns and catalogs
before its first request, then freezes that heap for the garbage collector
(topp25/warmup.py; measured in bench/README.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

from topp25.warmup import warm_up

PROBE = """
import gc, json
import topp25.asgi
from django.template import engines
from django.template.loaders.cached import Loader
loader = next(l for l in engines["django"].engine.template_loaders if isinstance(l, Loader))
names = [t.origin.template_name for t in loader.get_template_cache.values() if hasattr(t, "origin")]
print(json.dumps({"frozen": gc.get_freeze_count(), "compiled": names}))
"""


def project_pages() -> set[str]:
    folder = Path(settings.TEMPLATES[0]["DIRS"][0])
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*.html")}


def cached_loader() -> CachedLoader:
    loaders = engines["django"].engine.template_loaders  # type: ignore[attr-defined]
    return next(loader for loader in loaders if isinstance(loader, CachedLoader))


def test_a_server_process_is_warm_and_frozen_before_its_first_request() -> None:
    """What a fresh process has after importing the application, before any request."""
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    state = json.loads(probe.stdout.strip().splitlines()[-1])
    assert state["frozen"] > 10_000
    pages = project_pages()
    assert {"screens/group.html", "screens/room.html", "screens/console_meeting.html"} <= pages
    assert pages <= set(state["compiled"])


def test_warm_up_compiles_every_template_again_after_a_reset() -> None:
    loader = cached_loader()
    loader.reset()  # as a settings change in a test does
    assert "screens/group.html" not in {
        getattr(template, "origin", None) and template.origin.template_name
        for template in loader.get_template_cache.values()
    }
    assert warm_up(freeze=False) == len(project_pages())
    compiled = {
        template.origin.template_name
        for template in loader.get_template_cache.values()
        if hasattr(template, "origin")
    }
    assert project_pages() <= compiled
