"""Imports point one way: summary -> groups -> meetings -> the live transport (topp25.live).

Meeting structure and the live transport know nothing of the features built on them, so a
new activity is added in its own app without editing them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Which top-level packages a package's modules may not import.
FORBIDDEN = {
    "meetings": {"groups", "summary"},
    "groups": {"summary"},
    "topp25/live": {"meetings", "groups", "summary"},
    # Operations (metrics, health, logs): every app may call them, they call no app.
    "topp25/metrics": {"meetings", "groups", "summary", "screens"},
    "topp25/health": {"meetings", "groups", "summary", "screens"},
    "topp25/jsonlog": {"meetings", "groups", "summary", "screens"},
    # Swedish text (lemmas, folding, stop words, compounds) sits below every app.
    "swedish": {"topp25", "meetings", "groups", "summary"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package: str) -> None:
    root = ROOT / package
    files = [root.with_suffix(".py")] if root.with_suffix(".py").exists() else []
    files += [path for path in root.rglob("*.py") if "migrations" not in path.parts]
    assert files, f"{package} has no modules"
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in files
    }
    assert {path: names for path, names in wrong.items() if names} == {}
