"""The Stripe webhook on PostgreSQL, served by two gunicorn processes at
once: the same signed ``checkout.session.completed``, delivered ten times
concurrently to both, credits the top-up once, and the ledger sums to the
balance."""

from __future__ import annotations

import subprocess
import sys
import threading
from decimal import Decimal

import psycopg
import requests

from tests.dashboard.stripe_fakes import event, signature
from tests.served import (
    ROOT,
    environment,
    fresh_postgres,
    gunicorn,
    served,
    setup_caller,
)
from tests.services import requires_postgres

pytestmark = [requires_postgres, served]

# Makes alice's pending card top-up of 25.50 USD; prints its id.
MAKE_TOP_UP = """
import django; django.setup()
from errorkit.dashboard.models import TopUp
from django.contrib.auth import get_user_model
from tests.users import login_name
users = get_user_model()
alice = users.objects.get(**{users.USERNAME_FIELD: login_name("alice")})
top_up = TopUp.objects.create(owner=alice, method="stripe",
    amount="25.50", currency="USD", external_id="cs_test_race")
print(top_up.pk)
"""


def make_top_up(database: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", MAKE_TOP_UP],
        cwd=ROOT,
        env=environment(database),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip().splitlines()[-1])


def test_one_event_delivered_concurrently_to_two_processes_credits_once():
    with fresh_postgres() as database:
        setup_caller(database, "alice", "10.00")
        pk = make_top_up(database)
        paid = {
            "id": "cs_test_race",
            "object": "checkout.session",
            "amount_total": 2550,
            "currency": "usd",
            "payment_status": "paid",
            "metadata": {"top_up": str(pk)},
        }
        body = event(paid)
        headers = {
            "Stripe-Signature": signature(body),
            "Content-Type": "application/json",
        }
        with gunicorn(database, workers=1) as one, gunicorn(database, workers=1) as two:
            start = threading.Barrier(10)
            statuses: list[int] = []

            def deliver(base: str) -> None:
                start.wait()
                answer = requests.post(
                    f"{base}/dashboard/stripe/webhook/",
                    body,
                    headers=headers,
                    timeout=60,
                )
                statuses.append(answer.status_code)

            threads = [
                threading.Thread(target=deliver, args=(base,))
                for base in [one, two] * 5
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert statuses == [200] * 10
        with psycopg.connect(database) as db:
            credits = db.execute(
                "SELECT count(*), sum(amount) FROM errorkit_billing_ledgerentry "
                "WHERE reference = %s",
                [f"topup_{pk}"],
            ).fetchone()
            assert credits == (1, Decimal("25.5000"))
            ledger, balance = db.execute(
                "SELECT (SELECT sum(amount) FROM errorkit_billing_ledgerentry), "
                "(SELECT balance FROM errorkit_billing_creditaccount)"
            ).fetchone()
            assert ledger == balance == Decimal("35.5000")
            status = db.execute(
                "SELECT status FROM errorkit_dashboard_topup WHERE id = %s", [pk]
            ).fetchone()
            assert status == ("credited",)
