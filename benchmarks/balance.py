"""Throughput of balance reservations under contention on one account:
require_balance's conditional UPDATE against a select_for_update baseline,
8 threads, each with its own connection, on PostgreSQL (a fresh database).

Both reserve 0.01 and write the same ledger entry; runs are interleaved and
the best of several rounds is kept. Prints reservations per second and the
ratio. Needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

THREADS, SECONDS, ROUNDS = 8, 1.5, 3
ADMIN_URL = os.environ.get("DATABASE_URL", "")
if not ADMIN_URL.startswith("postgres"):
    ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"


def create_database() -> str:
    import psycopg

    name = f"errorkit_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def select_for_update_reserve(owner, amount: Decimal, reference: str):
    """The baseline: lock the row, read, check, write."""
    from django.db import transaction

    from errorkit.billing.models import CreditAccount, LedgerEntry

    with transaction.atomic():
        account = CreditAccount.objects.select_for_update().get(owner=owner)
        if account.balance < amount:
            return None
        account.balance -= amount
        account.save(update_fields=["balance"])
        LedgerEntry.objects.create(
            account=account, kind="charge", amount=-amount, reference=reference
        )
    return reference


def throughput(reserve, owner) -> float:
    from django.db import connection

    counts = [0] * THREADS
    start = threading.Barrier(THREADS + 1)
    stop_at: list[float] = []

    def work(n: int) -> None:
        start.wait()
        while time.perf_counter() < stop_at[0]:
            assert reserve(owner, Decimal("0.01"), f"b_{uuid.uuid4().hex}") is not None
            counts[n] += 1
        connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    stop_at.append(time.perf_counter() + SECONDS)
    start.wait()
    for thread in threads:
        thread.join()
    return sum(counts) / SECONDS


def main() -> None:
    try:
        name = create_database()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not fail
        print(f"balance benchmark skipped: PostgreSQL is not reachable ({exc})")
        return
    try:
        os.environ["DATABASE_URL"] = f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from errorkit.billing.backends import ModelBalanceBackend
        from errorkit.billing.funds import add_funds

        call_command("migrate", verbosity=0)
        owner = get_user_model().objects.create(username="bench")
        add_funds(owner, "1000000")
        contenders = {
            "select_for_update": select_for_update_reserve,
            "require_balance": ModelBalanceBackend().reserve,
        }
        best = dict.fromkeys(contenders, 0.0)
        for _ in range(ROUNDS):
            for label, reserve in contenders.items():
                best[label] = max(best[label], throughput(reserve, owner))
        print(
            f"balance reservations, {THREADS} threads on one account, PostgreSQL "
            f"(best of {ROUNDS} x {SECONDS}s)"
        )
        base = best["select_for_update"]
        for label, rate in best.items():
            print(f"  {label:18s} {rate:8.0f} /s  {rate / base:.2f}x")
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(name)


if __name__ == "__main__":
    main()
