"""Dependencies point one way: screens -> summary -> groups -> meetings -> the shared layer.

A lower layer never names a higher one: not by an import (a function-level one included), not
by a template's name in a string, not by a URL's name, and not from a template. The screens
app is the top: it owns every screen's views, templates, consumers and the phase registry;
the apps below change data and announce typed changes (meetings.changes).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. `swedish` (lemmas, folding, stop words, compounds) sits below everything;
# `topp25` is the shared layer (live transport, middleware, links, limits, metrics, health,
# logs); its wiring modules (below) are the only files that name every app.
LAYERS = ["swedish", "topp25", "meetings", "groups", "summary", "screens"]
RANK = {name: rank for rank, name in enumerate(LAYERS)}
WIRING = {"topp25/settings.py", "topp25/urls.py", "topp25/asgi.py"}

# Known and owned elsewhere: summary's pages link back to the meeting's console (a screen).
# Summary's own issue (#18) decides where its editor pages live.
ALLOWED = {
    ("templates/summary/themes.html", "url meetings:detail"),
    ("templates/summary/workspace.html", "url meetings:detail"),
}

TEMPLATE_NAME = re.compile(r"^([a-z_]+)/[\w/.-]+\.(?:html|md|txt)(?:#\w+)?$")
URL_NAME = re.compile(r"^([a-z_]+):[a-z_]+$")
TEMPLATE_REFERENCE = re.compile(r"""\{%\s*(include|extends)\s+["']([^"']+)["']""")
TEMPLATE_URL = re.compile(r"""\{%\s*url\s+["']([a-z_]+):([a-z_]+)["']""")


def _modules(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    return [
        path
        for path in files
        if "migrations" not in path.parts and str(path.relative_to(ROOT)) not in WIRING
    ]


def _url_owners() -> dict[str, str]:
    """Each URL namespace -> the package whose URL conf declares it."""
    owners = {}
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        module = resolver.urlconf_name
        name = module if isinstance(module, str) else getattr(module, "__name__", "")
        owners[namespace] = name.split(".")[0] or "django"  # the admin's is a list
    return owners


def _template_owner(name: str) -> str | None:
    """A template's app: its folder under templates/ (top-level templates are the project's
    shell, like base.html: anyone may use them)."""
    match = TEMPLATE_NAME.match(name)
    if match is None or match.group(1) not in RANK:
        return None
    return match.group(1)


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _strings(tree: ast.AST) -> set[str]:
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _higher(package: str, other: str | None) -> bool:
    return other is not None and other in RANK and RANK[other] > RANK[package]


@pytest.mark.parametrize("package", LAYERS[:-1])
def test_no_python_module_names_a_higher_layer(package: str) -> None:
    owners = _url_owners()
    files = _modules(package)
    assert files, f"{package} has no modules"
    wrong: dict[str, list[str]] = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = [f"import {name}" for name in _imports(tree) if _higher(package, name)]
        for text in _strings(tree):
            if _higher(package, _template_owner(text)):
                found.append(f"template {text}")
            url = URL_NAME.match(text)
            if url and _higher(package, owners.get(url.group(1))):
                found.append(f"url {text}")
        if found:
            wrong[str(path.relative_to(ROOT))] = sorted(found)
    assert wrong == {}


def test_no_template_names_a_higher_layer() -> None:
    owners = _url_owners()
    wrong: dict[str, list[str]] = {}
    for folder in sorted((ROOT / "templates").iterdir()):
        if not folder.is_dir() or folder.name not in RANK:
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            relative = str(path.relative_to(ROOT))
            text = path.read_text(encoding="utf-8")
            found = [
                f"{kind} {name}"
                for kind, name in TEMPLATE_REFERENCE.findall(text)
                if _higher(folder.name, _template_owner(name))
            ]
            found += [
                f"url {namespace}:{name}"
                for namespace, name in TEMPLATE_URL.findall(text)
                if _higher(folder.name, owners.get(namespace))
            ]
            found = sorted({item for item in found if (relative, item) not in ALLOWED})
            if found:
                wrong[relative] = found
    assert wrong == {}


def test_screens_own_every_screen() -> None:
    """The apps below have no views, URL confs, consumers or templates of their own: every
    page and socket is a screen's."""
    for package in ("meetings", "groups"):
        for name in ("views.py", "urls.py", "consumers.py", "routing.py", "broadcast.py"):
            assert not (ROOT / package / name).exists(), f"{package}/{name}"
        assert not (ROOT / "templates" / package).exists()
    assert set(_url_owners().values()) - {"django"} <= {"screens", "summary"}


def test_the_shared_layer_imports_no_app_and_wiring_collects_routes() -> None:
    from screens.routing import websocket_urlpatterns as screens_routes
    from topp25.routing import websocket_urlpatterns

    assert websocket_urlpatterns == screens_routes
    routing = ast.parse((ROOT / "topp25" / "routing.py").read_text(encoding="utf-8"))
    assert not _imports(routing) & set(LAYERS[2:])


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The scan is not vacuous: a lower module naming a screen is caught."""
    tree = ast.parse(
        'from screens import broadcast\nTEMPLATE = "screens/group.html#x"\nURL = "groups:add"'
    )
    assert "screens" in _imports(tree)
    assert _higher("groups", _template_owner("screens/group.html#x"))
    assert _higher("groups", _url_owners()["groups"])


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
