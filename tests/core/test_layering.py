"""Core never imports an optional app: they hook in through signals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "errorkit"
OPTIONAL = ("keys", "billing", "idempotency", "incidents", "dashboard")
CORE_MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in OPTIONAL
)


def runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (never run: they only
    tell a type checker what the lazy exports are)."""
    nodes, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        nodes.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports at run time, absolute, relative ones resolved."""
    package = ["errorkit", *path.relative_to(PACKAGE).parent.parts]
    found = []
    for node in runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return found


def test_core_is_more_than_one_module():
    assert len(CORE_MODULES) > 20


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.name))
def test_core_module_imports_no_optional_app(path):
    optional = [f"errorkit.{app}" for app in OPTIONAL]
    offending = [
        module
        for module in imported_modules(path)
        if any(module == o or module.startswith(o + ".") for o in optional)
    ]
    assert offending == []


def test_every_export_is_listed_and_loads():
    from django.apps import apps

    import errorkit

    assert sorted(errorkit.__all__) == sorted(errorkit._LAZY)
    for name, module in errorkit._LAZY.items():
        app = ".".join(module.split(".")[:2])
        if app.split(".")[1] in OPTIONAL and not apps.is_installed(app):
            continue  # core alone: that app's exports say to install it
        assert getattr(errorkit, name) is not None, name


# An optional app's modules and templates, by app.
APP_FILES = {
    app: sorted(
        p
        for p in (PACKAGE / app).rglob("*")
        if p.suffix in (".py", ".html", ".txt") and "migrations" not in p.parts
    )
    for app in OPTIONAL
}


def other_apps(app: str) -> list[str]:
    return [other for other in OPTIONAL if other != app]


@pytest.mark.parametrize(
    "app,path",
    [(app, p) for app, paths in APP_FILES.items() for p in paths if p.suffix == ".py"],
    ids=lambda v: str(v.relative_to(PACKAGE)) if isinstance(v, Path) else v,
)
def test_an_optional_app_imports_no_other_optional_app(app, path):
    # They meet through core's documented hooks (errorkit.customers, signals).
    others = [f"errorkit.{other}" for other in other_apps(app)]
    offending = [
        module
        for module in imported_modules(path)
        if any(module == o or module.startswith(o + ".") for o in others)
    ]
    assert offending == []


@pytest.mark.parametrize(
    "app,path",
    [(app, p) for app, paths in APP_FILES.items() for p in paths],
    ids=lambda v: str(v.relative_to(PACKAGE)) if isinstance(v, Path) else v,
)
def test_an_optional_app_names_no_other_apps_models_or_urls(app, path):
    """No other app's label (``errorkit_keys``, as in ``get_model`` or an
    admin URL name ``admin:errorkit_keys_apikey_changelist``), model path or
    template directory in any string of its code or templates."""
    text = path.read_text()
    named = [
        other
        for other in other_apps(app)
        if f"errorkit_{other}" in text or f"errorkit.{other}." in text
    ]
    assert named == []


def test_the_layering_tests_see_each_optional_app():
    # A renamed folder must not leave a test with nothing to look at.
    assert all(len(paths) >= 5 for paths in APP_FILES.values())
