"""Money survives faults, proven on real processes against PostgreSQL: a
gunicorn worker SIGKILLed mid-job, and the database cut mid-job through a
TCP proxy the test controls. Nothing is charged without a stored success,
the ledger always sums to the balance, and the same Idempotency-Key runs
again at once, charged once in all."""

from __future__ import annotations

import os
import signal
import threading
import time
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import requests

from tests.served import (
    TCPProxy,
    fresh_postgres,
    gunicorn,
    served,
    setup_caller,
    wait_until,
)
from tests.services import requires_postgres

pytestmark = [requires_postgres, served]

ACCOUNT = "errorkit_billing_creditaccount"
HOLD = "errorkit_billing_hold"
LEDGER = "errorkit_billing_ledgerentry"
HOLD_TIMEOUT = 3  # seconds: the demo's DEMO_HOLD_TIMEOUT, short


def money(url: str) -> dict:
    """The account as its ledger and holds tell it, straight from PostgreSQL."""
    with psycopg.connect(url) as db:
        settled, held = db.execute(
            f"SELECT a.balance - COALESCE(SUM(h.posted_amount) FILTER ("
            f"  WHERE h.status = 'posted' AND NOT h.folded), 0), "
            f"a.held - COALESCE(SUM(h.amount) FILTER ("
            f"  WHERE NOT h.folded AND h.status IN ('posted', 'voided')), 0) "
            f"FROM {ACCOUNT} a LEFT JOIN {HOLD} h ON h.account_id = a.id "
            f"GROUP BY a.id"
        ).fetchone()
        amount, held_sum = db.execute(
            f"SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(held), 0) FROM {LEDGER}"
        ).fetchone()
        kinds = [k for (k,) in db.execute(f"SELECT kind FROM {LEDGER}")]
        tasks = db.execute("SELECT COUNT(*) FROM testapp_task").fetchone()[0]
    assert (amount, held_sum) == (settled, held), "the ledger sums to the account"
    return {"balance": settled, "held": held, "kinds": sorted(kinds), "tasks": tasks}


def account(base: str, key: str) -> dict:
    return requests.get(
        f"{base}/v1/account", headers={"Authorization": f"Bearer {key}"}, timeout=10
    ).json()


class GatedTask:
    """A task that waits at a gate file, in a thread, as a client would send it."""

    def __init__(self, base: str, key: str, tmp_path: Path, idempotency_key: str):
        self.gate = tmp_path / "gate"
        self.pidfile = tmp_path / "pid"
        self.gate.touch()
        self.base, self.key, self.idempotency_key = base, key, idempotency_key
        self.body = {
            "kind": "gated",
            "payload": {"gate": str(self.gate), "pidfile": str(self.pidfile)},
        }
        self.outcome: object = None
        self.thread = threading.Thread(target=self._send)

    def post(self) -> requests.Response:
        return requests.post(
            f"{self.base}/v1/tasks",
            json=self.body,
            headers={
                "Authorization": f"Bearer {self.key}",
                "Idempotency-Key": self.idempotency_key,
            },
            timeout=60,
        )

    def _send(self) -> None:
        try:
            self.outcome = self.post()
        except requests.RequestException as exc:
            self.outcome = exc

    def start(self) -> int:
        """Send it; the pid of the worker that waits at the gate."""
        self.thread.start()
        return int(wait_until(self._pid, "the task to reach its gate"))

    def _pid(self) -> str | None:
        return self.pidfile.exists() and self.pidfile.read_text() or None

    def open_gate(self) -> None:
        self.gate.unlink(missing_ok=True)
        self.pidfile.unlink(missing_ok=True)

    def finish(self) -> object:
        self.thread.join(timeout=60)
        return self.outcome


@pytest.fixture
def database():
    with fresh_postgres() as url:
        yield url


def test_a_worker_killed_mid_job_gives_the_money_back_by_itself(database, tmp_path):
    key = setup_caller(database, "alice", "10.00")
    with gunicorn(database, TEST_HOLD_TIMEOUT=str(HOLD_TIMEOUT)) as base:
        task = GatedTask(base, key, tmp_path, "kill-1")
        os.kill(task.start(), signal.SIGKILL)
        assert isinstance(task.finish(), requests.RequestException)
        # The hold is placed and counts, until it lapses...
        assert account(base, key) == {
            "balance": "9.75",
            "held": "0.25",
            "currency": "USD",
        }
        with psycopg.connect(database) as db:
            (expires_at,) = db.execute(
                "SELECT expires_at FROM errorkit_billing_hold"
            ).fetchone()
            (now,) = db.execute("SELECT now()").fetchone()
        time.sleep(max(0.0, (expires_at - now).total_seconds()) + 0.1)
        # ...then the money is back, exactly, with nothing run in between.
        assert account(base, key) == {
            "balance": "10.00",
            "held": "0.00",
            "currency": "USD",
        }
    state = money(database)
    assert state["balance"] == Decimal("10.00") and state["tasks"] == 0


def test_a_retry_takes_a_killed_workers_key_over_at_once_and_pays_once(
    database, tmp_path
):
    key = setup_caller(database, "alice", "10.00")
    with gunicorn(database) as base:  # the default, long hold timeout
        task = GatedTask(base, key, tmp_path, "kill-2")
        os.kill(task.start(), signal.SIGKILL)
        task.finish()
        task.open_gate()
        # The dead worker's lease went with its connection: no 409, no wait.
        retry = task.post()
        assert retry.status_code == 201, retry.content
        again = task.post()
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.headers["Original-Request-ID"] == retry.headers["X-Request-ID"]
        assert account(base, key)["balance"] == "9.75"
    state = money(database)
    assert state["tasks"] == 1
    assert state["balance"] == Decimal("9.75") and state["held"] == 0
    # The dead request's hold was voided before the retry placed its own.
    assert state["kinds"] == ["hold", "hold", "post", "top_up", "void"]


def test_the_database_cut_mid_job_charges_nothing_and_the_key_runs_after(
    database, tmp_path
):
    key = setup_caller(database, "alice", "10.00")
    proxy = TCPProxy(database)
    try:
        with gunicorn(proxy.url, workers=1) as base:
            task = GatedTask(base, key, tmp_path, "cut-1")
            task.start()
            proxy.cut()
            task.open_gate()
            first = task.finish()
            assert first.status_code >= 500
            assert first.json()["error"] in {"internal_error", "service_unavailable"}
            proxy.restore()
            retry = task.post()
            assert retry.status_code == 201, retry.content
        state = money(database)
        assert state["tasks"] == 1
        assert state["balance"] == Decimal("9.75") and state["held"] == 0
        # The cut request's hold could not be voided on a dead connection:
        # the retry that took its key over voided it first.
        assert state["kinds"] == ["hold", "hold", "post", "top_up", "void"]
    finally:
        proxy.close()
