"""B6's breakdown: where one paid POST /v1/jobs spends its time, in process.

The same three endpoints as B6 (``served.SIDES``: errorkit's, the one that
charges nothing, the hand-made charging one), each in a process of its own on a fresh
PostgreSQL database and Redis, called one request at a time through
Django's test client (no HTTP, no other caller). Per request: the wall time,
the process's CPU time, each SQL statement (count and time waiting for it)
and the Redis commands (count, and time waiting for their replies); what is
left of the wall time is Python's. Printed, not a row of the table: it says
where B6's ratios come from and what the floor is.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import scaled  # noqa: E402

REQUESTS = scaled(3000, 1000)
WARM = 200


def measure_here(settings: str) -> str:
    """One side, in this process: its breakdown as text."""
    from benchmarks.served import BODY, REDIS_URL, fresh_database

    with fresh_database() as url:
        os.environ.update(
            DJANGO_SETTINGS_MODULE=settings,
            DATABASE_URL=url,
            REDIS_URL=REDIS_URL,
            DEMO_JOBS_RATE="100000000/m",
            DJANGO_ALLOWED_HOSTS="testserver",
        )
        os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection, connections
        from django.test import Client

        call_command("migrate", verbosity=0)
        get_user_model().objects.create_user("bench")
        out = io.StringIO()
        call_command("create_api_key", "bench", "--balance", "1000000", stdout=out)
        key = max((w for w in out.getvalue().split() if w.startswith("sk_")), key=len)
        client = Client()

        def call() -> None:
            answer = client.post(
                "/v1/jobs",
                BODY,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {key}",
            )
            assert answer.status_code == 201, answer.content

        for _ in range(WARM):
            call()
        statements: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

        def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                entry = statements[" ".join(sql.split())[:60]]
                entry[0] += 1
                entry[1] += time.perf_counter() - started

        redis = redis_waits()
        wall = time.perf_counter()
        cpu = time.process_time()
        with connection.execute_wrapper(timed):
            for _ in range(REQUESTS):
                call()
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
        redis_calls, redis_seconds = redis()
        connections.close_all()
    per = 1e6 / REQUESTS
    sql_seconds = sum(t for _, t in statements.values())
    sql_count = sum(n for n, _ in statements.values())
    rest = wall - sql_seconds - redis_seconds
    lines = [
        f"wall {wall * per:.0f} us, CPU {cpu * per:.0f} us; "
        f"{sql_count / REQUESTS:.1f} SQL statements waited "
        f"{sql_seconds * per:.0f} us; {redis_calls / REQUESTS:.1f} Redis commands "
        f"waited {redis_seconds * per:.0f} us; the rest (Python, the test "
        f"client) {rest * per:.0f} us"
    ]
    for sql, (count, seconds) in sorted(statements.items(), key=lambda s: -s[1][1]):
        lines.append(f"    {seconds * per:6.0f} us  {count / REQUESTS:.1f}x  {sql}")
    return "\n".join(lines)


def redis_waits():  # type: ignore[no-untyped-def]
    """Counts the Redis commands sent from now on, and the time spent waiting
    for their replies (redis-py's public ``Connection.read_response``)."""
    from redis.connection import Connection

    seen = [0, 0.0]
    read = Connection.read_response

    def waited(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return read(self, *args, **kwargs)
        finally:
            seen[0] += 1
            seen[1] += time.perf_counter() - started

    Connection.read_response = waited  # type: ignore[method-assign]
    return lambda: (seen[0], seen[1])


def main() -> None:
    from benchmarks.served import SIDES, missing

    reason = missing()
    if reason:
        print(f"B6's breakdown skipped: {reason}")
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--side":
        settings, _ = SIDES[sys.argv[2]]
        print(measure_here(settings))
        return
    print(f"B6's breakdown: one paid POST /v1/jobs, {REQUESTS} in a row, in process")
    for side in SIDES:
        done = subprocess.run(
            [sys.executable, __file__, "--side", side],
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"  {side}: {done.stdout.strip()}")


if __name__ == "__main__":
    main()
