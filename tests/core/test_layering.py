"""Core never imports an optional app: they hook in through signals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "errorkit"
OPTIONAL = ("keys", "billing", "idempotency", "incidents")
CORE_MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in OPTIONAL
)


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, absolute, relative ones resolved."""
    package = ["errorkit", *path.relative_to(PACKAGE).parent.parts]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
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
