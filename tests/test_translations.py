"""The English translation is complete and in step: no untranslated or fuzzy msgid in the .po,
the .po holds exactly the msgids the sources have (as `make messages` would extract them), and
the compiled .mo says what the .po says. Needs GNU gettext (msgfmt, xgettext), as
`make messages` does."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What `make messages` reads (it ignores .venv, node_modules, bench and tests).
SOURCES = ["topp25", "meetings", "groups", "summary", "screens", "templates", "static", "manage.py"]

needs_gettext = pytest.mark.skipif(
    not (shutil.which("msgfmt") and shutil.which("xgettext")), reason="GNU gettext not installed"
)

_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _entries(path: Path) -> list[dict[str, object]]:
    """The .po's live entries (obsolete `#~` ones left out): keys msgctxt, msgid,
    msgid_plural, msgstr (a list: one per plural form), fuzzy."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    field = ""

    def flush() -> None:
        if "msgid" in current:
            entries.append(dict(current))
        current.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            field = ""
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flush()
            current["fuzzy"] = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        text = "".join(_STRING.findall(rest))
        if keyword == "msgctxt" or (keyword == "msgid" and "msgid" in current):
            if keyword == "msgctxt" or "msgstr" in current:
                flush()
        if keyword.startswith("msgstr"):
            field = "msgstr"
            current.setdefault("msgstr", [])
            current["msgstr"].append(text)  # type: ignore[union-attr]
        elif keyword:
            field = keyword
            current[field] = text
        elif field == "msgstr":
            current["msgstr"][-1] += text  # type: ignore[index]
        else:
            current[field] = str(current[field]) + text
    flush()
    return entries


def _keys(path: Path) -> set[tuple[str, str, str]]:
    return {
        (str(e.get("msgctxt", "")), str(e["msgid"]), str(e.get("msgid_plural", "")))
        for e in _entries(path)
        if e["msgid"]
    }


def test_every_msgid_has_english_and_none_is_fuzzy() -> None:
    entries = [e for e in _entries(PO) if e["msgid"]]
    assert len(entries) > 100  # the parser found the catalogue
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]  # type: ignore[attr-defined]
    fuzzy = [e["msgid"] for e in entries if e.get("fuzzy")]
    assert untranslated == [], f"untranslated msgids: {untranslated}"
    assert fuzzy == [], f"fuzzy msgids: {fuzzy}"


@needs_gettext
def test_po_is_in_step_with_the_sources(tmp_path: Path) -> None:
    """`make messages` run on a copy of the sources would add or drop no msgid."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, tmp_path / name)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"]
        + ["-e", "html,txt,py,md", "--verbosity", "0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = _keys(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    committed = _keys(PO)
    assert sorted(extracted - committed) == [], "in the sources but not the .po: make messages"
    assert sorted(committed - extracted) == [], "in the .po but no longer in the sources"


@needs_gettext
def test_mo_is_compiled_from_the_po(tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], check=True)
    with fresh.open("rb") as expected, MO.open("rb") as committed:
        want = gettext.GNUTranslations(expected)._catalog  # type: ignore[attr-defined]
        have = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
    assert have == want, "the .mo is out of step with the .po: run make messages"
