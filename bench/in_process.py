"""Django set up inside a benchmark's own process, as a server would run it: `DEBUG=0`, a
fresh SQLite file in a temporary folder and the in-memory layer (DATABASE_URL and REDIS_URL
are ignored), so a measurement never touches a real database. Import it before any Django
module: `from in_process import setup; setup("write-cost")`."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(name: str) -> Path:
    """Configure and start Django; the temporary folder holding the database is returned."""
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix=f"topp25-{name}-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="topp25.settings",
        DEBUG="0",
        SECRET_KEY=f"{name}-{uuid.uuid4().hex}",
        ALLOWED_HOSTS="testserver",
        SQLITE_PATH=str(workdir / f"{name}.sqlite3"),
    )
    for variable in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(variable, None)
    # No collected static files in a benchmark's process; WhiteNoise says so once.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    return workdir
