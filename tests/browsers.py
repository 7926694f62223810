"""What the browser tests share: a mark that skips without Debian's chromium
(saying so; under ERRORKIT_REQUIRE_SERVICES=1, as in CI, the test fails
instead), axe-core's serious findings, and the width check. The ``browser``
fixture (Playwright driving that chromium) is in tests/conftest.py."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

from tests.services import REQUIRE_SERVICES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not REQUIRE_SERVICES,
    reason="Debian's chromium is not installed (make browser)",
)


def serious_violations(
    page: Any, context: Any = None, options: dict | None = None
) -> list[tuple[str, list]]:
    """axe-core's (axe-playwright-python) serious and critical findings on
    the page as it is now: each rule with its first three targets."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, context=context, options=options or {"resultTypes": ["violations"]}
    )
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_fits(page: Any, width: int) -> None:
    """Nothing wider than the window: tables and code scroll in their box."""
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow} px wide at {width} px"
