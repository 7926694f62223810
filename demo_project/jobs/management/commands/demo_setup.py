"""Prepare the demo: a staff admin, and what to paste to try the API."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create (or reset) the demo admin and print it with curl examples."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1:8000")
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, host: str, username: str, **options: Any) -> None:
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        base = f"http://{host}"
        json_header = "-H 'Content-Type: application/json'"
        lines = [
            "",
            f"Admin:    {base}/admin/  user {username!r}  password {password!r}",
            "",
            "Try the API:",
            f"  curl -i {base}/v1/models",
            f"  curl -i {base}/v1/models/nope",
            f"  curl -i {base}/v1/jobs {json_header} "
            """-d '{"model": "demo-echo", "input": {"hello": "world"}}'""",
            f"  curl -i {base}/v1/jobs {json_header} "
            """-d '{"model": "demo-crash", "input": 1}'""",
            f"  curl -i {base}/v1/jobs {json_header} "
            """-d '{"model": "demo-overloaded", "input": 1}'""",
            f"  curl -i {base}/v1/jobs {json_header} -d '{{\"input\": 1}}'",
            f"  curl -i {base}/v1/nothing",
            "",
        ]
        self.stdout.write("\n".join(lines))
