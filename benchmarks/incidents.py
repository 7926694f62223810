"""Incident recording: 10,000 server errors across 10 fingerprints.

Checks that they leave exactly 10 incidents whose counts sum to 10,000, in
each recording mode, and measures the cost per error with recording on ("sync":
written in the request; "background": queued for the process's writer thread)
against the same 500 with recording off, in one process on a fresh database
(PostgreSQL when it answers, else a SQLite file). Prints the ratios (goal: at
most 1.5x).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ERRORS, FINGERPRINTS, ROUNDS = 10_000, 10, 3
ADMIN_URL = os.environ.get("DATABASE_URL", "")
if not ADMIN_URL.startswith("postgres"):
    ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"


def fresh_database() -> tuple[str, object]:
    """A database URL and a function that drops it."""
    try:
        import psycopg

        name = f"errorkit_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=2) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}", drop
    except Exception:  # noqa: BLE001 - fall back to SQLite
        folder = tempfile.mkdtemp()
        return f"sqlite:///{folder}/bench.sqlite3", lambda: None


@contextlib.contextmanager
def recording_off():
    """The same project with errorkit.incidents' receivers disconnected: as if
    the app were not installed."""
    from django.core.signals import got_request_exception

    from errorkit.incidents.receivers import (
        keep_body,
        record_response,
        remember_exception,
    )
    from errorkit.signals import api_request_started, error_response_finished

    hooks = [
        (got_request_exception, remember_exception, "errorkit.incidents.exception"),
        (api_request_started, keep_body, "errorkit.incidents.body"),
        (error_response_finished, record_response, "errorkit.incidents.record"),
    ]
    for signal, _receiver, uid in hooks:
        signal.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        for signal, receiver, uid in hooks:
            signal.connect(receiver, dispatch_uid=uid)


def on_fresh_database(run: Callable[[str], None]) -> None:
    """``run(url)`` with the tests' settings on a database of its own, dropped after."""
    url, drop = fresh_database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    try:
        run(url)
    finally:
        from django.db import connections

        connections.close_all()
        drop()


def main() -> None:
    on_fresh_database(run)


def run(url: str) -> None:
    import logging

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Sum
    from django.test import Client, override_settings

    from errorkit.incidents.models import Incident

    call_command("migrate", verbosity=0)
    # The 500s log their tracebacks either way; a null handler keeps the
    # benchmark's output readable without changing what is measured.
    logging.getLogger("django.request").handlers = [logging.NullHandler()]
    logging.getLogger("django.request").propagate = False
    client = Client(raise_request_exception=False)
    paths = [f"/v1/test/fingerprinted-bench/{n}" for n in range(FINGERPRINTS)]

    def burst(count: int) -> float:
        started = time.perf_counter()
        for n in range(count):
            client.get(paths[n % FINGERPRINTS])
        return (time.perf_counter() - started) / count

    from errorkit.incidents.writer import writer

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"incidents: {ERRORS} errors across {FINGERPRINTS} fingerprints on {engine}")
    modes = {
        "sync": {"INCIDENT_RECORDING": "sync"},
        "background": {"INCIDENT_RECORDING": "background"},
    }
    for mode, config in modes.items():
        Incident.objects.all().delete()
        with override_settings(ERRORKIT=config):
            burst(ERRORS)
            writer.flush(timeout=120)
        incidents = Incident.objects.count()
        total = Incident.objects.aggregate(s=Sum("count"))["s"]
        on, off = [], []
        for _ in range(ROUNDS):  # interleaved
            with override_settings(ERRORKIT=config):
                on.append(burst(1000))
                # The writer's backlog must not spill into the next round.
                writer.flush(timeout=120)
            with recording_off():
                off.append(burst(1000))
        print(
            f"  {mode:10s} incidents {incidents}, counts sum {total}; per 500: "
            f"on {min(on) * 1e6:.0f} us, off {min(off) * 1e6:.0f} us, "
            f"ratio {min(on) / min(off):.2f}x"
        )
    callers_errors(client)


def callers_errors(client) -> None:
    """A caller's 401 with its findable row (FINDABLE_4XX_CODES, the default)
    against the same 401 with none kept."""
    from django.test import override_settings

    from errorkit.incidents.models import FailedRequest
    from errorkit.incidents.writer import writer

    def burst(count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            client.get("/v1/tasks", HTTP_AUTHORIZATION="Bearer not-a-key")
        return (time.perf_counter() - started) / count

    for mode in ("sync", "background"):
        FailedRequest.objects.all().delete()
        kept, none = [], []
        for _ in range(ROUNDS):
            with override_settings(ERRORKIT={"INCIDENT_RECORDING": mode}):
                kept.append(burst(1000))
                writer.flush(timeout=120)
            with override_settings(ERRORKIT={"FINDABLE_4XX_CODES": []}):
                none.append(burst(1000))
        rows = FailedRequest.objects.count()
        print(
            f"  401 {mode:6s} rows {rows} (of {ROUNDS * 1000}); per 401: kept "
            f"{min(kept) * 1e6:.0f} us, none {min(none) * 1e6:.0f} us, "
            f"ratio {min(kept) / min(none):.2f}x"
        )


if __name__ == "__main__":
    main()
