"""Prepare the demo: a staff admin, a customer who owns an API key with a
balance (and signs in to the dashboard), and curl examples."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

RUNNING_KEY = "demo-still-running"


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo admin, a customer with a funded API key, "
        "and print their logins and curl examples."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1:8000")
        parser.add_argument("--username", default="admin")
        parser.add_argument("--customer", default="customer")
        parser.add_argument("--balance", default="10.00")

    def handle(
        self,
        *args: Any,
        host: str,
        username: str,
        customer: str,
        balance: str,
        **options: Any,
    ) -> None:
        password = self.login(username, "DEMO_ADMIN_PASSWORD", staff=True)
        customer_password = self.login(customer, "DEMO_CUSTOMER_PASSWORD", staff=False)
        secret = self.new_key(customer, balance)
        broke = self.new_key("demo-broke", None)
        reader = self.new_key("demo-reader", "1.00", read_only=True)
        self.seed_running_job(customer)
        seeded = self.seed_incidents(secret)
        base = f"http://{host}"
        lines = [
            "",
            f"Admin:     {base}/admin/  user {username!r}  password {password!r}",
            f"Dashboard: {base}/dashboard/  user {customer!r}  "
            f"password {customer_password!r}  (owns the API key below)",
            f"API key:   {secret}  (balance {balance} USD; shown once)",
            f"Incidents: {seeded} server errors recorded, to look at in the admin",
            "",
            "Try the API (each line answers the status before it):",
        ]
        for status, what, command in self.examples(base, secret, broke, reader):
            lines += [f"  # {status} {what}", f"  {command}"]
        lines += [
            "",
            f"OpenAPI:  curl {base}/v1/schema  (every operation's error responses)",
            "",
        ]
        self.stdout.write("\n".join(lines))

    @staticmethod
    def login(username: str, variable: str, *, staff: bool) -> str:
        """Create or reset a login; its password (from ``variable``, else
        random)."""
        password = os.environ.get(variable) or secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = staff
        user.set_password(password)
        user.save()
        return password

    @staticmethod
    def examples(
        base: str, secret: str, broke: str, reader: str
    ) -> list[tuple[int, str, str]]:
        """(status, what it shows, a curl command that answers it)."""

        def call(path: str, key: str | None = secret, *options: str) -> str:
            auth = [f"-H 'Authorization: Bearer {key}'"] if key else []
            return " ".join(["curl -i", f"{base}{path}", *auth, *options])

        def job(body: str, key: str = secret, *options: str) -> str:
            json = "-H 'Content-Type: application/json'"
            return call("/v1/jobs", key, json, *options, f"-d '{body}'")

        echo = '{"model": "demo-echo", "input": 1}'

        def status_of(command: str) -> str:
            return command.replace(
                "curl -i", "curl -s -o /dev/null -w '%{http_code}\\n'", 1
            )

        def silent(command: str) -> str:
            return command.replace("curl -i", "curl -s -o /dev/null", 1)

        return [
            (200, "the models", call("/v1/models")),
            (201, "a job", job('{"model": "demo-echo", "input": {"hello": "world"}}')),
            (
                201,
                "a job with an idempotency key (again: replayed)",
                job(echo, secret, "-H 'Idempotency-Key: order-1'"),
            ),
            (200, "what can be spent, and what is held", call("/v1/balance")),
            (400, "a missing field", job('{"input": 1}')),
            (401, "no API key", call("/v1/models", None)),
            (402, "a key with no balance", job(echo, broke)),
            (403, "a read-only key posting", job(echo, reader)),
            (404, "an unknown model", call("/v1/models/nope")),
            (405, "a wrong method", call("/v1/models", secret, "-X DELETE")),
            (
                406,
                "an Accept header without JSON",
                call("/v1/models", secret, "-H 'Accept: text/html'"),
            ),
            (
                409,
                "the same key while its job still runs (seeded)",
                job(echo, secret, f"-H 'Idempotency-Key: {RUNNING_KEY}'"),
            ),
            (
                413,
                "a body over the limit",
                "head -c 1100000 /dev/zero | "
                + call(
                    "/v1/jobs",
                    secret,
                    "-H 'Content-Type: application/json'",
                    "--data-binary @-",
                ),
            ),
            (
                415,
                "a body that is not JSON",
                call("/v1/jobs", secret, "-H 'Content-Type: text/plain'", "-d 'hello'"),
            ),
            (
                422,
                "the same key with another body",
                silent(job(echo, secret, "-H 'Idempotency-Key: order-2'"))
                + "; "
                + job(
                    '{"model": "demo-echo", "input": 2}',
                    secret,
                    "-H 'Idempotency-Key: order-2'",
                ),
            ),
            (
                429,
                "more jobs than the rate allows (a key with no balance spends nothing)",
                # Until the first 429, then once more to show it: a fixed
                # count could straddle the start of the next minute's window.
                "for n in $(seq 200); do "
                + status_of(job(echo, broke))
                + " | grep -q 429 && break; done; "
                + job(echo, broke),
            ),
            (
                500,
                "a bug (an incident is recorded)",
                job('{"model": "demo-crash", "input": 1}'),
            ),
            (502, "an upstream that fails", job('{"model": "demo-flaky", "input": 1}')),
            (
                503,
                "an upstream that is saturated",
                job('{"model": "demo-overloaded", "input": 1}'),
            ),
            (404, "an unknown path", call("/v1/nothing")),
        ]

    def seed_running_job(self, username: str) -> None:
        """An idempotency key whose job never finishes, so that its 409 can be
        seen (on SQLite, where a claim is taken over only when stale)."""
        from django.test import RequestFactory
        from django.utils import timezone

        from errorkit.idempotency.matching import fingerprint_of
        from errorkit.idempotency.models import IdempotencyRecord

        user = get_user_model().objects.get(username=username)
        request = RequestFactory().post(
            "/v1/jobs",
            '{"model": "demo-echo", "input": 1}',
            content_type="application/json",
        )
        later = timezone.now() + timedelta(days=3650)
        IdempotencyRecord.objects.update_or_create(
            scope=f"user:{user.pk}",
            key=RUNNING_KEY,
            defaults={
                "fingerprint": fingerprint_of(request),
                "claimed_at": later,
                "expires_at": later,
                "completed": False,
            },
        )

    def new_key(
        self, username: str, balance: str | None, read_only: bool = False
    ) -> str:
        from errorkit.billing.funds import add_funds
        from errorkit.keys.api_keys import create_key

        user, _ = get_user_model().objects.get_or_create(username=username)
        if balance is not None:
            add_funds(user, balance, note="demo_setup")
        return create_key(user, name="demo", read_only=read_only)[1]

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
