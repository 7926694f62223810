"""Race scenarios against a real database, each thread with its own connection.

Run as ``python -m tests.races.race SCENARIO`` with DATABASE_URL set (a fresh
PostgreSQL database or SQLite file): it migrates, races the paid test API's
views (tests.testapp) through Django's test client from several threads at
once, and prints the outcome as JSON for the service tests to assert on.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections import Counter
from decimal import Decimal


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "race-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def race(count: int, send) -> list:
    """``send(n)`` from ``count`` threads released at once; their results."""
    from django.db import connection

    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(n: int) -> None:
        barrier.wait()
        try:
            results[n] = send(n)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def caller(username: str, balance: str):
    from django.test import Client

    from errorkit.billing.funds import add_funds
    from errorkit.keys.api_keys import create_key
    from tests.users import make_user

    user = make_user(username)
    add_funds(user, balance)
    secret = create_key(user)[1]
    return user, lambda: Client(
        raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )


def money(user) -> dict:
    from errorkit.billing.funds import funds_of
    from errorkit.billing.models import LedgerEntry

    funds = funds_of(user)
    entries = LedgerEntry.objects.filter(account__owner=user)
    # Added in Python: SQLite's SUM of decimals is a float.
    return {
        "balance": str(funds.settled),
        "held": str(funds.held),
        "ledger_sum": str(sum(entries.values_list("amount", flat=True), Decimal(0))),
        "ledger_held": str(sum(entries.values_list("held", flat=True), Decimal(0))),
        "holds": entries.filter(kind="hold").count(),
        "posts": entries.filter(kind="post").count(),
        "voids": entries.filter(kind="void").count(),
    }


def post(client, model: str = "echo", key: str | None = None):
    extra = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(
        "/v1/tasks",
        {"kind": model, "payload": {"n": 1}},
        content_type="application/json",
        **extra,
    )


def balance_race() -> dict:
    """40 racing jobs on a balance that pays for 10."""
    user, client = caller("balance-race", "2.50")
    responses = race(40, lambda n: post(client()))
    return {"statuses": Counter(r.status_code for r in responses), **money(user)}


def idempotency_race() -> dict:
    """10 racing requests with one Idempotency-Key, then a replay."""
    user, client = caller("idempotency-race", "1.00")
    responses = race(10, lambda n: post(client(), key="same-key"))
    created = [r for r in responses if r.status_code == 201]
    replay = post(client(), key="same-key")
    first = next(r for r in created if "Idempotent-Replayed" not in r)
    return {
        "statuses": Counter(r.status_code for r in responses),
        "executed": sum("Idempotent-Replayed" not in r for r in created),
        "replay_identical": replay.content == first.content,
        "replayed_header": replay.get("Idempotent-Replayed"),
        **money(user),
    }


def retry_race() -> dict:
    """A 502 retried with the same key runs again and costs nothing."""
    user, client = caller("retry", "1.00")
    statuses = [post(client(), "flaky", key="flaky-1").status_code for _ in range(3)]
    return {"statuses": statuses, **money(user)}


def incident_race() -> dict:
    """40 server errors racing to the database, 20 more racing into the resolved
    incident, then 30 through the background writer."""
    from django.conf import settings
    from django.test import override_settings

    from errorkit.incidents.models import Incident
    from errorkit.incidents.writer import writer

    _user, client = caller("incidents", "100.00")
    in_request = {**settings.ERRORKIT, "INCIDENT_RECORDING": "sync"}
    with override_settings(ERRORKIT=in_request):
        race(40, lambda n: post(client(), "crash"))
        before = list(Incident.objects.values("count", "status"))
        Incident.objects.update(status="resolved")
        race(20, lambda n: post(client(), "crash"))
        after = list(Incident.objects.values("count", "status", "regressed"))
    batched = {**settings.ERRORKIT, "INCIDENT_RECORDING": "background"}
    with override_settings(ERRORKIT=batched):
        race(30, lambda n: post(client(), "crash"))
    flushed = writer.flush(timeout=60)
    background = list(Incident.objects.values("count", "status"))
    return {
        "before": before,
        "after": after,
        "flushed": flushed,
        "background": background,
    }


def shared_request_id_race() -> dict:
    """Nine paid calls in flight and a retry taking a dead call's key over,
    all sending one X-Request-ID: only the dead call's hold is voided (holds
    and claims are joined by the server's call id, not the caller's id)."""
    import tempfile
    import time
    from datetime import timedelta
    from pathlib import Path

    from django.db import connection
    from django.test import RequestFactory
    from django.utils import timezone

    from errorkit.billing.models import Hold
    from errorkit.billing.references import reference_of
    from errorkit.conf import errorkit_settings
    from errorkit.idempotency.matching import fingerprint_of
    from errorkit.idempotency.models import IdempotencyRecord

    user, client = caller("shared-id", "10.00")
    shared = {"HTTP_X_REQUEST_ID": "same-id"}
    body = {"kind": "echo", "payload": {"n": 1}}
    # The dead call: its claim stale and unleased, its hold still active.
    now = timezone.now()
    template = RequestFactory().post("/v1/tasks", body, content_type="application/json")
    IdempotencyRecord.objects.create(
        scope=f"user:{user.pk}",
        key="dead-key",
        fingerprint=fingerprint_of(template),
        claimed_at=now - timedelta(hours=1),
        expires_at=now + timedelta(days=1),
        request_id="same-id",
        call_id="dead",
    )
    errorkit_settings.BALANCE_BACKEND().hold(
        user,
        Decimal("0.25"),
        timeout=3600,
        request_id="same-id",
        reference=reference_of("dead"),
    )
    folder = Path(tempfile.mkdtemp())
    gate = folder / "gate"
    gate.touch()
    results: list = [None] * 9

    def in_flight(n: int) -> None:
        try:
            payload = {"gate": str(gate), "pidfile": str(folder / f"pid-{n}")}
            results[n] = client().post(
                "/v1/tasks",
                {"kind": "gated", "payload": payload},
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"live-{n}",
                **shared,
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=in_flight, args=(n,)) for n in range(9)]
    for thread in threads:
        thread.start()
    # Every call has placed its hold and waits at the gate, inside its view.
    deadline = time.monotonic() + 60
    while len(list(folder.glob("pid-*"))) < 9 and time.monotonic() < deadline:
        time.sleep(0.02)
    retried = client().post(
        "/v1/tasks",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="dead-key",
        **shared,
    )
    gate.unlink()
    for thread in threads:
        thread.join()
    return {
        "in_flight": Counter(r.status_code for r in results),
        "retried": retried.status_code,
        "dead_hold": Hold.objects.get(reference=reference_of("dead")).status,
        **money(user),
    }


SCENARIOS = {
    "shared_request_id": shared_request_id_race,
    "balance": balance_race,
    "idempotency": idempotency_race,
    "retry": retry_race,
    "incidents": incident_race,
}


def main() -> None:
    setup()
    result = SCENARIOS[sys.argv[1]]()
    print(json.dumps(result, default=lambda o: str(o) if isinstance(o, Decimal) else o))


if __name__ == "__main__":
    main()
