"""The demo's schema, as a generator sees it: openapi-python-client builds a
client from GET /v1/schema with no warning, and that client calls the live
demo: one success, and one error per status it can provoke, each parsed into
the schema's own Error model.

openapi-python-client is installed into a virtualenv of the test's own (its
pins are its business); the generated code needs Python 3.11+.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest
import requests

from tests.demo.helpers import funded_and_broke

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(
        sys.version_info < (3, 11),
        reason="openapi-python-client generates code for Python 3.11+",
    ),
]

CALLS = """
    import json, os
    from errorkit_demo_api_client import AuthenticatedClient, Client
    from errorkit_demo_api_client.api.catalog import get_model, list_models
    from errorkit_demo_api_client.api.jobs import create_job
    from errorkit_demo_api_client.api.balance import get_balance
    from errorkit_demo_api_client.models import Error, JobRequest

    base = os.environ["BASE"]
    api = AuthenticatedClient(base_url=base, token=os.environ["KEY"])
    broke = AuthenticatedClient(base_url=base, token=os.environ["BROKE"])
    stranger = AuthenticatedClient(base_url=base, token="sk_" + "x" * 40)
    html = AuthenticatedClient(
        base_url=base, token=os.environ["KEY"], headers={"Accept": "text/html"}
    )

    def job(model, value=1, key=None, client=api):
        kwargs = {"idempotency_key": key} if key else {}
        body = JobRequest.from_dict({"model": model, "input": value})
        return create_job.sync_detailed(client=client, body=body, **kwargs)

    def seen(name, response):
        parsed = response.parsed
        kind = type(parsed).__name__
        code = parsed.error if isinstance(parsed, Error) else None
        print(json.dumps([name, response.status_code, kind, code]))

    seen("models", list_models.sync_detailed(client=api))
    seen("balance", get_balance.sync_detailed(client=api))
    seen("job", job("demo-echo"))
    seen("400", job(" "))
    seen("401", list_models.sync_detailed(client=stranger))
    seen("402", job("demo-echo", client=broke))
    seen("404", get_model.sync_detailed("no-such-model", client=api))
    seen("406", list_models.sync_detailed(client=html))
    seen("413", job("demo-echo", "x" * 2_000_000))
    job("demo-echo", 1, key="generated-1")
    seen("422", job("demo-echo", 2, key="generated-1"))
    seen("500", job("demo-crash"))
    seen("502", job("demo-flaky"))
    seen("503", job("demo-overloaded"))
    for _ in range(20):  # until the limit refuses one
        limited = job("demo-echo")
        if limited.status_code == 429:
            break
    seen("429", limited)
"""


def run(*command, **kwargs) -> str:
    done = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=600, **kwargs
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout + done.stderr


@pytest.fixture
def demo(live_server, settings, django_user_model):
    settings.DEMO_JOBS_RATE = "10/m"
    return live_server.url, *funded_and_broke(django_user_model, "generated")


def test_a_generated_client_has_no_warning_and_parses_every_answer(demo, tmp_path):
    base, key, broke = demo
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(requests.get(f"{base}/v1/schema", timeout=30).json()))
    venv.create(tmp_path / "venv", with_pip=True)
    bin_dir = tmp_path / "venv" / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", "openapi-python-client")
    # Its post-generation hooks run ruff: the project's own is on PATH.
    path = f"{bin_dir}:{Path(sys.executable).parent}:{os.environ['PATH']}"
    said = run(
        bin_dir / "openapi-python-client",
        "generate",
        "--path",
        schema,
        cwd=tmp_path,
        env={**os.environ, "PATH": path},
    )
    assert "Warning" not in said and "Error" not in said, said
    (project,) = tmp_path.glob("*-client")
    printed = run(
        bin_dir / "python",
        "-c",
        textwrap.dedent(CALLS),
        cwd=project,
        env={**os.environ, "BASE": base, "KEY": key, "BROKE": broke},
    )
    seen = {
        name: (status, kind, code)
        for name, status, kind, code in (
            json.loads(line) for line in printed.splitlines() if line.startswith("[")
        )
    }
    assert seen["models"] == (200, "ModelList", None)
    assert seen["balance"] == (200, "Balance", None)
    assert seen["job"] == (201, "Job", None)
    expected = {
        "400": "invalid_request",
        "401": "invalid_api_key",
        "402": "insufficient_balance",
        "404": "model_not_found",
        "406": "not_acceptable",
        "413": "payload_too_large",
        "422": "idempotency_key_reused",
        "429": "rate_limit_exceeded",
        "500": "internal_error",
        "502": "bad_gateway",
        "503": "service_unavailable",
    }
    for status, code in expected.items():
        assert seen[status] == (int(status), "Error", code), (status, seen[status])
