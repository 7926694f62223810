"""errorkit.client needs neither Django nor DRF, and its CLI refuses a bad
command line clearly."""

from __future__ import annotations

import subprocess
import sys

from errorkit.client.__main__ import main
from tests.served import ROOT


def test_the_client_imports_without_django_or_drf():
    code = (
        "import sys\n"
        "sys.modules['django'] = sys.modules['rest_framework'] = None\n"
        "import errorkit.client, errorkit.client.__main__\n"
        "print(errorkit.client.Client.__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Client"


def test_the_cli_refuses_input_that_is_not_json(capsys):
    assert main(["job", "demo-echo", "--input", "{oops"]) == 2
    assert "--input is not JSON" in capsys.readouterr().err
