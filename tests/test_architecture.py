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


def _summary_imports() -> dict[str, set[str]]:
    """Each summary module's imports of other summary modules, function-level ones too."""
    root = ROOT / "summary"
    modules: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        package = parts[:-1]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                    deps.add(module)
                    deps.update(f"{module}.{alias.name}" for alias in node.names)
                elif node.module and node.module.split(".")[0] == "summary":
                    deps.add(node.module)
                    deps.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.split(".")[0] == "summary")
        modules[".".join(parts)] = deps
    return {name: {d for d in deps if d in modules and d != name} for name, deps in modules.items()}


def test_no_import_cycle_in_summary() -> None:
    graph = _summary_imports()
    cycles: list[list[str]] = []

    def visit(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt == start:
                cycles.append(path)
            elif nxt not in path and nxt > start:
                visit(start, nxt, [*path, nxt])

    for module in sorted(graph):
        visit(module, module, [module])
    assert cycles == []
