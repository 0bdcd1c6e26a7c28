"""Static files as production and `make run` send them (topp25/storage.py): collectstatic
writes our own CSS and JS minified, hashed from the minified text, and precompressed as brotli
and gzip; what it writes still parses, and keeps what the pages rely on."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings

from topp25.storage import minified

ROOT = Path(__file__).resolve().parent.parent
STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "topp25.storage.MinifiedStaticFilesStorage"},
}
OWN = ["js/topp25.js", "js/room.js", "js/console.js", "css/topp25.css", "css/room.css"]


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=STORAGE):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def test_own_files_are_minified_hashed_and_compressed(collected: Path) -> None:
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for name in OWN:
        source = (ROOT / "static" / name).read_text()
        sent = (collected / name).read_text()
        assert len(sent) < 0.85 * len(source), f"{name} is not minified"
        assert "/* ---" not in sent and "// ---" not in sent, f"{name} keeps its comments"
        # The hashed copy (what {% static %} names) is the minified one, compressed beside it.
        hashed = collected / manifest[name]
        assert hashed.read_text() == sent
        for suffix in (".br", ".gz"):
            assert (collected / (manifest[name] + suffix)).stat().st_size < len(sent)
    # Library files stay as their authors ship them.
    htmx = "django_htmx/htmx-2.min.js"
    source = finders.find(htmx)
    assert isinstance(source, str)
    assert (collected / htmx).read_bytes() == Path(source).read_bytes()


def test_minified_scripts_parse_and_keep_their_strings(collected: Path) -> None:
    node = shutil.which("node")  # installed with npm, which CI has (the axe checks need it)
    for name in OWN:
        if name.endswith(".js") and node:
            subprocess.run([node, "--check", str(collected / name)], check=True)
    script = (collected / "js/topp25.js").read_text()
    for needed in ("topp25:outbox", "htmx:sendError", "tap-status", '"revisions"'):
        assert needed in script


def test_minify_leaves_other_files_alone() -> None:
    text = "/* a comment */\nbody { color: red; }\n"
    assert minified("admin/css/base.css", text) == text
    assert minified("css/topp25.css", text) == "body{color:red}"
    assert minified("js/x.js", "// why\nvar a = 1;\n") == "var a=1;"


def test_served_as_collected_hashed_compressed_and_cached_for_good(collected: Path) -> None:
    """The settings `make run` and production use (STATIC_COLLECTED): a page names the hashed
    file, and WhiteNoise sends its brotli copy, cacheable for good; the source name is not
    served from the app folders."""
    from django.templatetags.static import static
    from django.test import Client

    with override_settings(
        STATIC_ROOT=collected,
        STORAGES=STORAGE,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        url = static("js/topp25.js")
        assert url != "/static/js/topp25.js" and url.endswith(".js")
        client = Client()  # a new handler: WhiteNoise reads STATIC_ROOT as a server starts
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "br"
        assert "immutable" in response["Cache-Control"]
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        hashed = url.removeprefix("/static/")
        assert body == (collected / (hashed + ".br")).read_bytes()
