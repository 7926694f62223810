"""What a team installs: the wheel and the sdist as built (python -m build),
checked by twine, and the wheel installed into a fresh virtualenv where the
README's quickstart answers with errorkit's JSON body; and the caller's
distribution, errorkit-client, which installs no Django."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

from tests.served import ROOT

pytestmark = pytest.mark.packaging


def run(*command: str | Path, cwd: Path = ROOT) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout


# Distributions built once for every run, by `make dist` (which builds both
# and checks them with twine): .ci/run builds them before the runs of every
# interpreter, which then install the same files. Unset, each run builds its
# own.
SHARED_DIST = os.environ.get("ERRORKIT_TEST_DIST", "")


def built(out: Path, prefix: str, source: Path) -> Path:
    """``out`` holding the wheel and sdist of the project at ``source``
    (their names start with ``prefix``): the shared ones, else built here."""
    if SHARED_DIST:
        shared = sorted(Path(SHARED_DIST).glob(f"{prefix}-*"))
        assert len(shared) == 2, (
            f"ERRORKIT_TEST_DIST has {shared}, not a wheel and an sdist"
        )
        for path in shared:
            shutil.copy(path, out)
        return out
    run(sys.executable, "-m", "build", "--outdir", out, source)
    run(sys.executable, "-m", "twine", "check", "--strict", *sorted(out.iterdir()))
    return out


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    return built(tmp_path_factory.mktemp("dist"), "errorkit", ROOT)


@pytest.fixture(scope="module")
def client_dist(tmp_path_factory) -> Path:
    client = ROOT / "errorkit" / "client"
    return built(tmp_path_factory.mktemp("client-dist"), "errorkit_client", client)


def fresh_venv(path: Path) -> Path:
    venv.create(path, with_pip=True)
    return path / "bin" / "python"


def test_the_wheel_has_the_package_and_nothing_else(dist):
    import errorkit

    (wheel,) = dist.glob("errorkit-*.whl")
    assert wheel.name.startswith(f"errorkit-{errorkit.__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    assert "errorkit/py.typed" in names
    assert (
        "errorkit/incidents/migrations/0002_hours_per_incident_and_findable_4xx.py"
        in names
    )
    assert any(n.startswith("errorkit/incidents/templates/") for n in names)
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert not [
        n for n in names if n.startswith(("tests/", "demo_project/", "benchmarks/"))
    ]
    # The client is errorkit-client's: two distributions never own one file.
    assert not [n for n in names if n.startswith("errorkit/client/")]
    assert not [n for n in names if n.endswith("entry_points.txt")]


def test_the_sdist_has_no_test_that_could_not_run(dist):
    (sdist,) = dist.glob("errorkit-*.tar.gz")
    names = tarfile.open(sdist).getnames()
    assert not [n for n in names if "/tests/" in n or "/demo_project/" in n]
    assert any(n.endswith("/LICENSE") for n in names)
    assert any(n.endswith("/CHANGELOG.md") for n in names)


QUICKSTART = {
    "settings.py": """
        SECRET_KEY = "quickstart"
        ROOT_URLCONF = "urls"
        ALLOWED_HOSTS = ["testserver"]
        INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
        MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
        # The README's settings for errorkit's core alone (no optional app):
        # the middleware above those that answer on their own, errorkit's
        # handler and parser. DEBUG: one process, so the in-process rate-limit
        # cache is fine (errorkit.W004 warns of it in production).
        DEBUG = True
        INSTALLED_APPS += ["rest_framework", "errorkit"]
        MIDDLEWARE.insert(0, "errorkit.middleware.ErrorkitMiddleware")
        REST_FRAMEWORK = {
            "EXCEPTION_HANDLER": "errorkit.handlers.exception_handler",
            "DEFAULT_PARSER_CLASSES": ["errorkit.parsers.JSONParser"],
        }
        ERRORKIT = {"API_PATH_PREFIXES": ["/v1/"]}
    """,
    "urls.py": """
        from django.urls import path
        from errorkit.views import (  # noqa: F401
            handler400, handler403, handler404, handler500,
        )
        import views
        urlpatterns = [path("v1/models/<str:model_id>", views.get_model)]
    """,
    "views.py": """
        import errorkit
        from rest_framework.decorators import api_view

        @api_view(["GET"])
        def get_model(request, model_id):
            message = "No model 'x'. Use GET /v1/models."
            raise errorkit.NotFound(message, code="model_not_found")
    """,
    "check.py": """
        import json, os
        os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
        import django
        django.setup()
        from django.core.management import call_command
        call_command("check", fail_level="WARNING")
        from django.test import Client
        client = Client()
        for path in ("/v1/models/x", "/v1/nothing"):
            response = client.get(path)
            print(json.dumps([response.status_code, response.json()]))
    """,
}


def test_the_wheel_installs_and_the_quickstart_works(dist, tmp_path):
    (wheel,) = dist.glob("errorkit-*.whl")
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", wheel)
    project = tmp_path / "project"
    project.mkdir()
    for name, text in QUICKSTART.items():
        (project / name).write_text(textwrap.dedent(text))
    import json

    printed = run(python, "check.py", cwd=project).splitlines()
    assert printed[0] == "System check identified no issues (0 silenced)."
    answers = [json.loads(line) for line in printed[1:]]
    (status, body), (missing, unknown) = answers
    assert status == 404 and body["error"] == "model_not_found"
    assert body["message"] == "No model 'x'. Use GET /v1/models." and body["requestId"]
    assert missing == 404 and unknown["error"] == "not_found"


def test_the_client_distribution_is_the_client_alone_at_errorkits_version(
    client_dist,
):
    import errorkit
    import errorkit.client

    assert errorkit.client.__version__ == errorkit.__version__
    (wheel,) = client_dist.glob("errorkit_client-*.whl")
    assert wheel.name.startswith(f"errorkit_client-{errorkit.__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    package = [n for n in names if not n.startswith("errorkit_client-")]
    assert package and all(n.startswith("errorkit/client/") for n in package)
    assert "errorkit/__init__.py" not in names  # errorkit is the server's
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert (ROOT / "errorkit" / "client" / "LICENSE").read_text() == (
        ROOT / "LICENSE"
    ).read_text()
    assert "errorkit/client/py.typed" in names
    for language in ("fr", "de"):
        assert f"errorkit/client/locale/{language}/LC_MESSAGES/errorkit_client.mo" in (
            names
        )
    metadata = zipfile.ZipFile(wheel).read(
        f"errorkit_client-{errorkit.__version__}.dist-info/METADATA"
    )
    requires = [
        line.split(":", 1)[1].strip().lower()
        for line in metadata.decode().splitlines()
        if line.startswith("Requires-Dist:")
    ]
    assert sorted(r.split(">")[0] for r in requires) == ["httpx", "tenacity"]


CALLER = """
import json
import httpx
from errorkit.client import Client, InsufficientBalanceError, RetryPolicy
from errorkit.client.messages import user_message

def answer(request):
    return httpx.Response(402, json={"error": "insufficient_balance",
        "message": "Add funds.", "requestId": "req-1"})

api = Client("https://api.example.com", api_key="sk_test",
             transport=httpx.MockTransport(answer))
try:
    api.post("/v1/orders", json={"sku": "tea"})
except InsufficientBalanceError as error:
    print(json.dumps([error.status_code, error.attempts, error.request_id,
                      user_message(error, "fr")]))
"""


def test_the_client_installs_without_django_and_calls_an_api(client_dist, tmp_path):
    (wheel,) = client_dist.glob("errorkit_client-*.whl")
    python = fresh_venv(tmp_path / "venv")
    run(python, "-m", "pip", "install", "--quiet", wheel)
    installed = {
        p["name"].lower()
        for p in json.loads(run(python, "-m", "pip", "list", "--format=json"))
    }
    assert {"errorkit-client", "httpx", "tenacity"} <= installed
    assert not installed & {"django", "djangorestframework", "django-ratelimit"}
    assert "errorkit" not in installed
    printed = run(python, "-c", CALLER, cwd=tmp_path)
    status, attempts, request_id, french = json.loads(printed)
    assert (status, attempts, request_id) == (402, 1, "req-1")
    assert french == "Ajoutez des fonds à votre compte pour continuer."
    usage = run(tmp_path / "venv" / "bin" / "errorkit-client", "--help")
    assert "METHOD" in usage and "--base-url" in usage


def test_the_client_extra_installs_the_client_beside_the_server(
    dist, client_dist, tmp_path
):
    (server,) = dist.glob("errorkit-*.whl")
    python = fresh_venv(tmp_path / "venv")
    run(
        python,
        *("-m", "pip", "install", "--quiet", "--find-links", client_dist),
        f"errorkit[client] @ {server.as_uri()}",
    )
    code = (
        "import errorkit, errorkit.client, django\n"
        "print(errorkit.__version__ == errorkit.client.__version__,"
        " errorkit.client.Client.__name__)"
    )
    assert run(python, "-c", code, cwd=tmp_path).split() == ["True", "Client"]
