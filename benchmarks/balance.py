"""B5: throughput of hold + post under contention on one account: errorkit's
ModelBalanceBackend (conditional UPDATEs, the row locked only for the UPDATE
and the COMMIT) against a select_for_update implementation of the same check
on the same tables, 8 threads, each with its own connection, on PostgreSQL
(a fresh database).

Each operation holds 0.01 and posts it. The two alternate for several rounds;
each round's ratio is taken within the round, and the median ratio with its
range is printed, with a check that no overdraft happened and that the ledger
sums to the balance. Needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432).
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Row, publish, scaled  # noqa: E402

THREADS = 8
ROUNDS = scaled(7, 3)
SECONDS = scaled(10, 5) / 10
AMOUNT = Decimal("0.01")
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


def select_for_update_hold_and_post(owner) -> bool:
    """The baseline: lock the account, sum its live holds, check, write; then
    lock it again to post."""
    from django.db import transaction
    from django.db.models import Sum
    from django.utils import timezone

    from errorkit.billing.models import CreditAccount, Hold, LedgerEntry

    reference = f"sfu_{uuid.uuid4().hex}"
    now = timezone.now()
    with transaction.atomic():
        account = CreditAccount.objects.select_for_update().get(owner=owner)
        held = Hold.objects.filter(
            account=account, status="active", expires_at__gt=now
        ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if account.balance - held < AMOUNT:
            return False
        hold = Hold.objects.create(
            account=account,
            amount=AMOUNT,
            reference=reference,
            created=now,
            expires_at=now + timedelta(seconds=300),
        )
        LedgerEntry.objects.create(
            account=account, kind="hold", held=AMOUNT, reference=reference
        )
    with transaction.atomic():
        account = CreditAccount.objects.select_for_update().get(owner=owner)
        Hold.objects.filter(pk=hold.pk).update(
            status="posted", posted_amount=AMOUNT, folded=True
        )
        account.balance -= AMOUNT
        account.save(update_fields=["balance"])
        LedgerEntry.objects.create(
            account=account,
            kind="post",
            amount=-AMOUNT,
            held=-AMOUNT,
            reference=reference,
        )
    return True


def errorkit_hold_and_post(owner) -> bool:
    from errorkit.billing.backends import ModelBalanceBackend

    backend = ModelBalanceBackend()
    hold = backend.hold(owner, AMOUNT, timeout=300)
    if hold is None:
        return False
    backend.post(hold)
    return True


OPERATIONS = {
    "select_for_update": select_for_update_hold_and_post,
    "errorkit": errorkit_hold_and_post,
}


def throughput(operation, owner) -> float:
    from django.db import connection

    counts = [0] * THREADS
    start = threading.Barrier(THREADS + 1)
    stop_at: list[float] = []

    def work(n: int) -> None:
        start.wait()
        while time.perf_counter() < stop_at[0]:
            assert operation(owner)
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


def _worker(name, owner_pk, stop_at, results) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    operation = OPERATIONS[name]
    owner = get_user_model().objects.get(pk=owner_pk)
    count = 0
    while time.time() < stop_at:
        assert operation(owner)
        count += 1
    connection.close()
    results.put(count)


def throughput_processes(name: str, owner) -> float:
    """The same race from separate processes (as gunicorn workers run it):
    no interpreter lock between them, only the database's."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    stop_at = time.time() + 0.5 + SECONDS
    workers = [
        context.Process(target=_worker, args=(name, owner.pk, stop_at, results))
        for _ in range(THREADS)
    ]
    for worker in workers:
        worker.start()
    counts = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join()
    return sum(counts) / SECONDS


def ledger_is_whole(owner) -> bool:
    from errorkit.billing.funds import funds_of
    from errorkit.billing.models import LedgerEntry

    funds = funds_of(owner)
    entries = LedgerEntry.objects.filter(account__owner=owner)
    total = sum(entries.values_list("amount", flat=True))
    return funds.balance >= 0 and total == funds.settled


def main() -> None:
    try:
        name = create_database()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not fail
        print(
            "B5 skipped: PostgreSQL is not reachable "
            f"({type(exc).__name__}); hold + post under contention needs it."
        )
        return
    try:
        os.environ["DATABASE_URL"] = f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from errorkit.billing.funds import add_funds

        call_command("migrate", verbosity=0)
        owner = get_user_model().objects.create(username="bench")
        add_funds(owner, "1000000")
        rows = []
        for mode, measure in (
            ("threads", lambda name: throughput(OPERATIONS[name], owner)),
            ("processes", lambda name: throughput_processes(name, owner)),
        ):
            rates: dict[str, list[float]] = {name: [] for name in OPERATIONS}
            ratios = []
            for _ in range(ROUNDS):  # alternating
                for name in OPERATIONS:
                    rates[name].append(measure(name))
                ratios.append(rates["errorkit"][-1] / rates["select_for_update"][-1])
            print(
                f"hold + post, {THREADS} {mode} on one account, PostgreSQL "
                f"({ROUNDS} alternating rounds of {SECONDS}s)"
            )
            for label, values in rates.items():
                print(f"  {label:18s} {statistics.median(values):8.0f} /s (median)")
            print(
                f"  ratio errorkit / select_for_update: median "
                f"{statistics.median(ratios):.2f}x (range {min(ratios):.2f}-"
                f"{max(ratios):.2f}); goal at least 1.5x"
            )
            whole = ledger_is_whole(owner)
            rows.append(
                Row(
                    "B5",
                    f"hold + post on one account, {THREADS} {mode}, PostgreSQL",
                    "select_for_update",
                    ratios,
                    1.5 if mode == "threads" else None,
                    at_most=False,
                    detail=f"errorkit {statistics.median(rates['errorkit']):.0f}/s, "
                    "select_for_update "
                    f"{statistics.median(rates['select_for_update']):.0f}/s; "
                    f"no overdraft, ledger sums to the balance: {whole}",
                    extra={"ledger_whole": whole},
                )
            )
        print(f"  no overdraft, ledger sums to the balance: {ledger_is_whole(owner)}")
        publish(rows)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(name)


if __name__ == "__main__":
    main()
