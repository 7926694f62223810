"""B7: a gunicorn worker's memory under a burst of 10,000 server errors
while the database is slow.

The library's test API (``tests.settings``) is served by gunicorn with
``INCIDENT_RECORDING = "background"`` on a fresh PostgreSQL database reached
through a TCP proxy that this benchmark controls. After a warm-up (every
fingerprint's incident open, every code path imported, the backlog written),
each worker's resident set (VmRSS) is read from /proc; then the proxy holds
every answer of the database ``DELAY`` seconds and clients send 10,000
requests to views that raise (ten fingerprints; the views query nothing, so
the requests stay fast and only the writer threads wait on the database:
their queues grow as fast as they can). Each worker's peak (VmHWM) is read
after the burst. The row is the largest growth, peak minus resident before
the burst, in MB; goal: under 64 MB. Then the proxy is made fast again and
the incidents' counts must reach exactly what was sent: a bounded queue that
lost nothing.

``served.py`` reads the same figures of ``make serve``'s workers under B6
(``worker_memory``). Needs PostgreSQL (prints why not, and measures nothing,
without it). Linux only: it reads /proc.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Row, publish, scaled  # noqa: E402

CRASHES = scaled(10_000, 3_000)
WARM_UP = 500
FINGERPRINTS = 10
CLIENTS = 8
WORKERS = 1
DELAY = 0.1  # seconds the proxy holds each answer of the database
GOAL_MB = 64.0


def children(pid: int) -> list[int]:
    """The direct children of ``pid``, from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def gunicorn_workers(pid: int) -> list[int]:
    """The gunicorn workers under ``pid`` (a master, or a process that started
    one, as ``make serve``'s make does): the children of the first process,
    ``pid`` or below it, whose command line runs gunicorn."""
    pending = [pid]
    while pending:
        current = pending.pop(0)
        command = Path(f"/proc/{current}/cmdline").read_bytes()
        if b"gunicorn" in command:
            return children(current)
        pending.extend(children(current))
    raise RuntimeError(f"no gunicorn master under process {pid}")


@dataclass
class Memory:
    """One process's resident set and its peak so far, in MB."""

    rss: float
    peak: float


def memory(pid: int) -> Memory:
    fields = dict(
        line.split(":", 1)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if ":" in line
    )

    def mb(name: str) -> float:
        return int(fields[name].split()[0]) / 1024  # the kernel says kB

    return Memory(rss=mb("VmRSS"), peak=mb("VmHWM"))


def worker_memory(pid: int) -> dict[int, Memory]:
    return {worker: memory(worker) for worker in gunicorn_workers(pid)}


def growth(before: dict[int, Memory], after: dict[int, Memory]) -> dict[int, float]:
    """Each worker's peak after, minus its resident set before (MB). A worker
    that was not there before (restarted) is an error: its growth is unknown."""
    if set(after) != set(before):
        raise RuntimeError(f"workers changed during the load: {before} -> {after}")
    return {pid: after[pid].peak - before[pid].rss for pid in before}


def crash(port: int, requests: int, offset: int) -> int:
    """Send ``requests`` GETs to the failing views over one keep-alive
    connection; how many were answered 500."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    failed = 0
    for n in range(requests):
        connection.request(
            "GET", f"/v1/test/fingerprinted-bench/{(offset + n) % FINGERPRINTS}"
        )
        response = connection.getresponse()
        response.read()
        failed += response.status == 500
    connection.close()
    return failed


def burst(port: int, requests: int) -> int:
    """``requests`` failing requests from ``CLIENTS`` threads at once; the
    number answered 500."""
    share = [requests // CLIENTS + (n < requests % CLIENTS) for n in range(CLIENTS)]
    answered = [0] * CLIENTS

    def client(n: int) -> None:
        answered[n] = crash(port, share[n], n)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(answered)


def counted(url: str) -> int:
    """The sum of every incident's count, read straight from the database."""
    import psycopg

    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT coalesce(sum(count), 0) FROM errorkit_incidents_incident"
        ).fetchone()
    return int(row[0]) if row else 0


def wait_for_count(url: str, expected: int, timeout: float) -> int:
    """Poll until the incidents count ``expected`` events, or the count stops
    moving for ``timeout`` seconds; the last count read."""
    last, moved = -1, time.monotonic()
    while True:
        now = counted(url)
        if now >= expected:
            return now
        if now != last:
            last, moved = now, time.monotonic()
        elif time.monotonic() - moved > timeout:
            return now
        time.sleep(0.5)


def missing() -> str | None:
    if not Path("/proc/self/status").exists():
        return "there is no /proc (Linux only)"
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return "PostgreSQL is not reachable on 127.0.0.1:5432"
    return None


def measure() -> Row:
    from tests.served import TCPProxy, fresh_postgres, gunicorn

    with fresh_postgres() as url:
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "tests.settings",
            },
            check=True,
            capture_output=True,  # its system checks' warnings are not B7's
        )
        proxy = TCPProxy(url)
        try:
            with gunicorn(
                proxy.url,
                workers=WORKERS,
                TEST_INCIDENT_RECORDING="background",
                TEST_PERSISTENT_CONNECTIONS="1",
                TEST_CONN_HEALTH_CHECKS="0",
            ) as served:
                port = int(served.rsplit(":", 1)[1])
                sent = burst(port, WARM_UP)
                wait_for_count(url, sent, timeout=60)
                before = worker_memory(served.pid)
                proxy.delay = DELAY
                started = time.monotonic()
                sent += burst(port, CRASHES)
                seconds = time.monotonic() - started
                after = worker_memory(served.pid)
                backlog = sent - counted(url)
                proxy.delay = 0.0
                total = wait_for_count(url, sent, timeout=60)
        finally:
            proxy.close()
    grew = growth(before, after)
    worst = max(grew.values())
    exact = total == sent
    per_event = worst * 1024 / backlog if backlog > 0 else 0.0
    detail = (
        f"{WORKERS} worker(s), {CRASHES} 500s from {CLIENTS} clients in "
        f"{seconds:.1f} s, the database {DELAY * 1000:.0f} ms slow per answer; "
        f"resident before {', '.join(f'{m.rss:.1f}' for m in before.values())} MB, "
        f"peak after {', '.join(f'{m.peak:.1f}' for m in after.values())} MB; "
        f"{backlog} events still queued when the burst ended (about "
        f"{per_event:.1f} kB each); incidents count "
        f"{total} of {sent} sent: {'exact' if exact else 'NOT EXACT'}"
    )
    return Row(
        "B7",
        "worker's memory growth: 10,000 500s, slow database (background)",
        "its resident set before",
        [worst],
        GOAL_MB,
        unit="MB",
        detail=detail,
        extra={
            "exact": exact,
            "growth_mb": grew,
            "backlog": backlog,
            "kb_per_event": per_event,
        },
    )


def main() -> None:
    reason = missing()
    if reason:
        print(f"B7 skipped: {reason}.")
        return
    row = measure()
    print(f"  {row.detail}")
    publish([row])


if __name__ == "__main__":
    main()
