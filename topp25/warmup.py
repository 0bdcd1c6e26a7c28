"""Ready a server process before its first request, then keep the garbage collector off it.

Measured (bench/README.md, "A write's slow first seconds"): the first writes after a start took
100–265 ms instead of ~20, because the templates compiled and the URL patterns loaded then,
and because Python's full garbage collection walked every object of the process (Django,
the compiled templates, the catalogs) in 34–82 ms pauses while the first writes ran. So a
process loads what every screen needs once, here, and then freezes that heap
(`gc.freeze()`): those objects live as long as the process and are never garbage, and the
collector no longer walks them."""

from __future__ import annotations

import gc
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import translation


def warm_up(*, freeze: bool = True) -> int:
    """Compile the project's templates, load the URL patterns and every language's catalog,
    then (unless told not to) freeze the heap. Returns how many templates were compiled. A
    template that does not compile stops the start here, not on a user's first request."""
    get_resolver().reverse_dict  # noqa: B018  (reading it imports and indexes every URLconf)
    compiled = 0
    engine = engines["django"]
    for folder in engine.dirs:
        root = Path(folder)
        for path in sorted(root.rglob("*.html")):
            engine.get_template(path.relative_to(root).as_posix())
            compiled += 1
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Framgångsfaktorer")
    # What an app loads on first use (a dictionary, ...): its AppConfig's `warm_up`.
    for config in apps.get_app_configs():
        app_warm_up = getattr(config, "warm_up", None)
        if callable(app_warm_up):
            app_warm_up()
    if freeze:
        gc.collect()
        gc.freeze()
    return compiled
