"""errorkit.client needs neither Django nor DRF (it is its own distribution,
errorkit-client), and its CLI is generic: a method and a path of any API."""

from __future__ import annotations

import subprocess
import sys

from tests.served import ROOT

BLOCKED = "import sys\nsys.modules['django'] = sys.modules['rest_framework'] = None\n"


def run_blocked(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter where importing Django or DRF fails."""
    return subprocess.run(
        [sys.executable, "-c", BLOCKED + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_client_imports_without_django_or_drf():
    done = run_blocked(
        "import errorkit.client, errorkit.client.__main__\n"
        "from errorkit.client import Client\n"
        "api = Client('http://api.test', api_key='sk')\n"
        "print(type(api).__name__, 'django' in sys.modules and "
        "sys.modules['django'] is not None)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Client False"


def test_the_cli_is_generic_and_runs_without_django():
    done = run_blocked(
        "from errorkit.client.__main__ import main\nsys.exit(main(['--help']))"
    )
    assert done.returncode == 0, done.stderr
    usage = done.stdout
    assert "METHOD" in usage and "PATH" in usage and "--base-url" in usage
    for option in ("--json", "--param", "--header", "--idempotency-key"):
        assert option in usage
    assert "--idempotent" in usage and "--not-idempotent" in usage
    # The demo's commands are gone.
    for demo in ("job", "models", "balance", "--input"):
        assert demo not in usage.split("options:")[0]
