"""Prepare the demo: a staff admin, an API key with a balance, and curl examples."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo admin, a funded API key, and print curl examples."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1:8000")
        parser.add_argument("--username", default="admin")
        parser.add_argument("--balance", default="10.00")

    def handle(
        self, *args: Any, host: str, username: str, balance: str, **options: Any
    ) -> None:
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        secret = self.new_key(username, balance)
        seeded = self.seed_incidents(secret)
        base = f"http://{host}"
        auth = f"-H 'Authorization: Bearer {secret}'"
        json_header = f"{auth} -H 'Content-Type: application/json'"
        lines = [
            "",
            f"Admin:    {base}/admin/  user {username!r}  password {password!r}",
            f"API key:  {secret}  (balance {balance} USD; shown once)",
            f"Incidents: {seeded} server errors recorded, to look at in the admin",
            "",
            "Try the API:",
            f"  curl -i {base}/v1/models {auth}",
            f"  curl -i {base}/v1/models/nope {auth}",
            f"  curl -i {base}/v1/balance {auth}",
            f"  curl -i {base}/v1/models",
            f"  curl -i {base}/v1/jobs {json_header} "
            """-d '{"model": "demo-echo", "input": {"hello": "world"}}'""",
            f"  curl -i {base}/v1/jobs {json_header} "
            """-d '{"model": "demo-crash", "input": 1}'""",
            f"  curl -i {base}/v1/jobs {json_header} "
            """-d '{"model": "demo-overloaded", "input": 1}'""",
            f"  curl -i {base}/v1/jobs {json_header} -d '{{\"input\": 1}}'",
            f"  curl -i {base}/v1/jobs {json_header} -H 'Idempotency-Key: order-1' "
            """-d '{"model": "demo-echo", "input": 1}'""",
            f"  curl -i {base}/v1/nothing {auth}",
            "",
            f"OpenAPI:  curl {base}/v1/schema  (every operation's error responses)",
            "",
        ]
        self.stdout.write("\n".join(lines))

    def new_key(self, username: str, balance: str) -> str:
        from errorkit.billing.funds import add_funds
        from errorkit.keys.api_keys import create_key

        user, _ = get_user_model().objects.get_or_create(username=username)
        add_funds(user, balance)
        return create_key(user, name="demo")[1]

    def seed_incidents(self, secret: str) -> int:
        """A few real server errors, so that the incident admin is not empty."""
        import logging

        from django.test import Client

        from errorkit.incidents.writer import writer

        client = Client(
            raise_request_exception=False,
            HTTP_AUTHORIZATION=f"Bearer {secret}",
            SERVER_NAME="127.0.0.1",
        )
        request_log = logging.getLogger("django.request")
        level, request_log.level = request_log.level, logging.CRITICAL
        try:
            models = ["demo-crash"] * 3 + ["demo-flaky"] * 2 + ["demo-overloaded"]
            for model in models:
                client.post(
                    "/v1/jobs",
                    {"model": model, "input": 1},
                    content_type="application/json",
                )
        finally:
            request_log.level = level
        writer.flush()
        return len(models)
