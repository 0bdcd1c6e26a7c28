"""requirements.lock (what `make setup` installs) pins every dependency pyproject.toml names,
runtime and dev, at a version pyproject.toml allows: run `make lock` after changing either."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line)
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def test_lock_pins_what_pyproject_asks_for() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    pins = _pins()
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} is outside {requirement.specifier}: make lock"
        )
    # Extras are resolved into their own pins (--strip-extras): psycopg[binary,pool].
    assert {"psycopg-binary", "psycopg-pool"} <= set(pins)
    # The project itself is installed with --no-deps, not pinned; hand-installed tools stay out.
    assert "topp25" not in pins and "polib" not in pins
