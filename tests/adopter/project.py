"""A throwaway Django project built the way README.md says, run in subprocesses.

README.md marks three code blocks with an HTML comment on the line before the
fence: ``<!-- adopter: settings -->`` (appended to the settings.py that
``startproject`` wrote), ``<!-- adopter: urls -->`` (the root urls.py) and
``<!-- adopter: views -->`` (``shop/views.py``). The project is built from
exactly those blocks, plus what an adopter has of their own (tests/adopter/
files): an e-mail-only user model in an app ``accounts``, six paid endpoints
(one per order of errorkit's decorators) and a few views that crash or raise
the project's own errors. Every command runs in a subprocess with the
virtualenv's Python, as the adopter would run it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests

from tests.served import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
FILES = Path(__file__).resolve().parent / "files"
BLOCKS = ("settings", "urls", "views")
PROJECT = "adopt"
SETTINGS = f"{PROJECT}.settings"


def readme_blocks(text: str, source: str = "README.md") -> dict[str, str]:
    """The code of each marked block: the fence right after its marker."""
    lines = text.splitlines()
    blocks = {}
    for name in BLOCKS:
        marker = f"<!-- adopter: {name} -->"
        found = [index for index, line in enumerate(lines) if line.strip() == marker]
        if len(found) != 1:
            raise AssertionError(
                f"{source} must mark exactly one code block with {marker!r} on "
                f"the line before its opening fence (found {len(found)}): the "
                f"adopter test builds its project's {name} from it."
            )
        opening = found[0] + 1
        if opening >= len(lines) or not lines[opening].startswith("```"):
            raise AssertionError(
                f"{source}: the line after {marker!r} must open a code fence "
                "(```python)."
            )
        closing = next(
            (
                index
                for index in range(opening + 1, len(lines))
                if lines[index].startswith("```")
            ),
            None,
        )
        if closing is None:
            raise AssertionError(f"{source}: the block after {marker!r} never closes.")
        blocks[name] = "\n".join(lines[opening + 1 : closing]) + "\n"
    return blocks


class CommandFailed(AssertionError):
    pass


@dataclass
class Project:
    root: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            # The test run's own Django and errorkit settings stay out.
            if not key.startswith(("DJANGO_", "TEST_", "ADOPT_"))
        }
        env.update(DJANGO_SETTINGS_MODULE=SETTINGS, PYTHONPATH=str(self.root))
        env.update(extra)
        return env

    def manage(
        self, *args: str, ok: bool = True, timeout: float = 180, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """``python manage.py ARGS``; with ``ok``, a failure raises with its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.root,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if ok and done.returncode != 0:
            raise CommandFailed(
                f"manage.py {' '.join(args)} exited {done.returncode}:\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
            )
        return done

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code).stdout

    def inventory(self) -> dict[str, Any]:
        """Routes, the project's own errors and errorkit's admin pages."""
        return json.loads(self.manage("inventory").stdout)

    def create_user(self, email: str) -> None:
        self.shell(
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_user({email!r})"
        )

    def create_api_key(self, email: str, *options: str) -> str:
        """``create_api_key``'s new key: alone on its last line of output."""
        output = self.manage("create_api_key", email, *options).stdout
        key = output.strip().splitlines()[-1]
        assert key.startswith("sk_"), output
        return key

    def balance(self, email: str) -> Decimal:
        """What ``email`` can spend, from errorkit.billing.funds.funds_of."""
        output = self.shell(
            "from django.contrib.auth import get_user_model\n"
            "from errorkit.billing.funds import funds_of\n"
            f"user = get_user_model().objects.get(email={email!r})\n"
            "print(funds_of(user).balance)"
        )
        return Decimal(output.strip().splitlines()[-1])


def write_after(path: Path, *parts: str) -> None:
    path.write_text(path.read_text() + "\n" + "\n".join(parts))


def build(root: Path, blocks: dict[str, str]) -> Project:
    """startproject, startapp and README's blocks, as an adopter would."""
    root.mkdir(parents=True, exist_ok=True)
    project = Project(root)
    # From inside the (empty) folder, so that no module of the same name on
    # the current directory makes startproject refuse the name.
    subprocess.run(
        [sys.executable, "-m", "django", "startproject", PROJECT, str(root)],
        cwd=root,
        env=project.env(),
        check=True,
        capture_output=True,
        timeout=60,
    )
    for app in ("shop", "accounts"):
        project.manage("startapp", app)
    shutil.copytree(FILES / "accounts", root / "accounts", dirs_exist_ok=True)
    shutil.copytree(FILES / "shop", root / "shop", dirs_exist_ok=True)
    write_after(
        root / PROJECT / "settings.py",
        blocks["settings"],
        (FILES / "settings_tail.txt").read_text(),
    )
    urls = blocks["urls"]
    if "admin.site.urls" not in urls:
        urls += (
            "\nfrom django.contrib import admin\n"
            "from django.urls import path\n\n"
            'urlpatterns += [path("admin/", admin.site.urls)]\n'
        )
    (root / PROJECT / "urls.py").write_text(
        urls + (FILES / "urls_tail.txt").read_text()
    )
    (root / "shop" / "views.py").write_text(blocks["views"])
    project.manage("makemigrations", "accounts", "shop")
    return project


@dataclass
class Keys:
    """The callers' API keys."""

    ann: str  # 10.00 USD
    ann_read_only: str
    bob: str  # no balance


ANN = "ann@shop.example"
BOB = "bob@shop.example"
ADMIN_EMAIL = "admin@shop.example"
ADMIN_PASSWORD = "adopter-admin-password-1"


def set_up(project: Project) -> Keys:
    """Migrate, a superuser, and the callers with their keys."""
    project.manage("migrate", "--noinput")
    project.manage(
        "createsuperuser",
        "--noinput",
        DJANGO_SUPERUSER_EMAIL=ADMIN_EMAIL,
        DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD,
    )
    for email in (ANN, BOB):
        project.create_user(email)
    return Keys(
        ann=project.create_api_key(ANN, "--balance", "10"),
        ann_read_only=project.create_api_key(ANN, "--read-only"),
        bob=project.create_api_key(BOB),
    )


class Served(str):
    """The served project's base URL, with its server's log."""

    log: Any

    def log_tail(self, size: int = 4000) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-size:]


def answers(base: str) -> bool:
    try:
        requests.get(f"{base}/admin/login/", timeout=2)
    except (requests.ConnectionError, requests.Timeout):
        # Not up yet, or a worker still importing on a busy machine.
        return False
    return True


def no_control_socket() -> list[str]:
    """gunicorn 25+ opens a control socket at one path per user (in $HOME):
    two servers at once would share it. Older versions have none."""
    from gunicorn.config import Config

    if "control_socket_disable" in Config().settings:
        return ["--no-control-socket"]
    return []


@contextlib.contextmanager
def gunicorn(project: Project, workers: int = 2) -> Iterator[Served]:
    """The project under gunicorn; its base URL once it answers."""
    port = free_port()
    # A file, not a pipe: a worker that logs more than a pipe holds would block.
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            f"{PROJECT}.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "1",
            *no_control_socket(),
        ],
        cwd=project.root,
        env=project.env(),
        stdout=log,
        stderr=log,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}")
    served.log = log
    try:
        try:
            wait_until(lambda: answers(served), "gunicorn to answer", process)
        except AssertionError as exc:
            raise AssertionError(f"{exc}:\n{served.log_tail()}") from None
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
