"""B6: POST /v1/jobs served as `make serve` serves it (gunicorn, 4 workers,
PostgreSQL, Redis), under load from wrk on loopback, against the same
endpoint with errorkit's decorators and middleware removed
(``benchmarks.bare_demo_settings``), and, reported beside it, against the
same endpoint charging by hand (``benchmarks.handmade_demo_settings``:
django-ratelimit's decorator and a ``select_for_update`` charge).

The servers run at once on a fresh database, each with its own API key;
wrk loads one after the other in rotating rounds, each bounded in time
(``-d``) and in count (its script stops after ``REQUESTS`` answers). Every
answer must be a 201; the errorkit side's charges must be its jobs, and its
ledger must sum to its balance, and the hand-made side's likewise. Reports
requests per second and p50/p99 latency; goals against the hand-made side:
throughput at least 1.1x, p99 at most 1.0x (against the bare one,
reported). Beside it, a B7 row: the largest growth of a ``make serve``
worker's memory over the rounds, from its resident set once warm to its
peak (/proc's VmRSS and VmHWM; goal under 64 MB). Needs PostgreSQL, Redis
and wrk: prints a line saying which is absent and measures nothing without
them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Row, publish, scaled  # noqa: E402
from benchmarks.memory import growth, worker_memory  # noqa: E402

ROUNDS = scaled(5, 2)
SECONDS = scaled(8, 3)
REQUESTS = scaled(4000, 1500)  # per round: whichever bound comes first
CONNECTIONS = 8
WORKERS = 4
FUNDS = "1000000"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
BODY = '{"model": "demo-echo", "input": {"prompt": "hello", "n": 3}}'

WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '%(body)s'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
local answered = 0
response = function(status, headers, body)
  answered = answered + 1
  if answered >= %(limit)d then wrk.thread:stop() end
end
"""


def missing() -> str | None:
    """What B6 needs and this machine lacks, said as a reason; else None."""
    if shutil.which("wrk") is None:
        return "wrk is not installed (Debian's package wrk)"
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return f"{name} is not reachable on 127.0.0.1:{port}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    from benchmarks.incidents import fresh_database as create

    url, drop = create()
    if not url.startswith("postgres"):
        raise RuntimeError("PostgreSQL refused a new database")
    try:
        yield url
    finally:
        drop()


def environment(database_url: str, settings: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": settings,
        # Counted as ever, never refused: the load must not turn into 429s.
        "DEMO_JOBS_RATE": "100000000/m",
    }


def manage(env: dict[str, str], *command: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], port: int) -> Iterator[int]:
    """``command`` serving on ``port``; its pid, once the port answers."""
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{command[0]} did not serve on {port}"
                    ) from None
                time.sleep(0.2)
        yield server.pid
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


@dataclass
class Load:
    rps: float
    p50: float  # seconds
    p99: float
    answered: int
    failed: int


def _seconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def load(port: int, key: str) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"body": BODY, "key": key, "limit": REQUESTS})
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{CONNECTIONS}",
                f"-d{SECONDS}s",
                "--latency",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}/v1/jobs",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    if "--debug" in sys.argv:
        print(out)
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    answered = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50=_seconds(latency["50"]),
        p99=_seconds(latency["99"]),
        answered=answered,
        failed=(int(failed.group(1)) if failed else 0) + (1 if errors else 0),
    )


def vacuum(url: str) -> None:
    """VACUUM ANALYZE the bench database between loads, outside their timing:
    what autovacuum does on a production server (PostgreSQL's default), and
    what this machine's server, with autovacuum off, would otherwise never
    do. Without it each side pays for the other's dead rows, and errorkit's
    holds (a row updated twice per request) pay for their own."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")


def stored_jobs(env: dict[str, str], owners: tuple[str, ...]) -> dict[str, int]:
    """Jobs per user, read straight from the database."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as db:
        rows = db.execute(
            "SELECT u.username, count(j.id) FROM auth_user u "
            "LEFT JOIN jobs_job j ON j.owner_id = u.id "
            "WHERE u.username = ANY(%s) GROUP BY u.username",
            [list(owners)],
        ).fetchall()
    return dict(rows)


def money(env: dict[str, str], owner: str) -> tuple[Decimal, Decimal, Decimal]:
    """The errorkit side's settled balance, held sum and ledger sum, as
    errorkit's own ``funds_of`` reads them."""
    code = (
        "from django.contrib.auth import get_user_model;"
        "from django.db.models import Sum;"
        "from errorkit.billing.funds import funds_of;"
        "from errorkit.billing.models import LedgerEntry;"
        f"u = get_user_model().objects.get(username={owner!r});"
        "f = funds_of(u);"
        "s = LedgerEntry.objects.filter(account__owner=u).aggregate(s=Sum('amount'));"
        "print(f.settled, f.held, s['s'])"
    )
    settled, held, ledger = manage(env, "shell", "-c", code).split()
    return Decimal(settled), Decimal(held), Decimal(ledger)


# Each side: its settings, and whether its caller's key needs funds.
SIDES = {
    "errorkit": ("demo_project.settings", True),
    "bare": ("benchmarks.bare_demo_settings", False),
    "handmade": ("benchmarks.handmade_demo_settings", True),
}


def gunicorn_command(port: int) -> list[str]:
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    if not os.path.exists(gunicorn):
        gunicorn = shutil.which("gunicorn") or "gunicorn"
    return [
        gunicorn,
        "demo_project.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--access-logfile",
        "-",
    ]


def summary(name: str, loads: list[Load]) -> str:
    return (
        f"{name} {statistics.median(r.rps for r in loads):.0f}/s p50 "
        f"{statistics.median(r.p50 for r in loads) * 1e3:.1f} ms p99 "
        f"{statistics.median(r.p99 for r in loads) * 1e3:.1f} ms"
    )


def measure() -> list[Row]:
    with fresh_database() as url:
        envs = {side: environment(url, s) for side, (s, _) in SIDES.items()}
        manage(envs["errorkit"], "migrate", "--noinput")
        keys = {
            side: manage(
                envs["errorkit"],
                "create_api_key",
                f"bench_{side}",
                *(["--balance", FUNDS] if funded else []),
            )
            for side, (_, funded) in SIDES.items()
        }
        ports = {side: free_port() for side in SIDES}
        make = shutil.which("make") or "make"
        # The errorkit side is `make serve` itself.
        serve = [
            make,
            "serve",
            f"HOST=127.0.0.1:{ports['errorkit']}",
            f"WORKERS={WORKERS}",
            f"PYTHON={sys.executable}",
        ]
        with contextlib.ExitStack() as servers:
            pids = {}
            for side in SIDES:
                command = serve if side == "errorkit" else gunicorn_command(ports[side])
                pids[side] = servers.enter_context(
                    serving(command, envs[side], ports[side])
                )
            for side in SIDES:  # warm each: imports, connections
                load(ports[side], keys[side])
            # B7: errorkit's workers' memory, warm, then at their peak.
            warm = worker_memory(pids["errorkit"])
            runs: dict[str, list[Load]] = {side: [] for side in SIDES}
            names = list(SIDES)
            for round_ in range(ROUNDS):
                for side in names[round_ % 3 :] + names[: round_ % 3]:
                    runs[side].append(load(ports[side], keys[side]))
                    vacuum(url)
            grew = growth(warm, worker_memory(pids["errorkit"]))
        failed = sum(r.failed for side in runs for r in runs[side])
        jobs = stored_jobs(envs["errorkit"], tuple(f"bench_{s}" for s in SIDES))
        balance, held, ledger = money(envs["errorkit"], "bench_errorkit")
        charged = Decimal(FUNDS) - balance
        exact = charged == Decimal("0.01") * jobs.get("bench_errorkit", 0)
        by_hand, _, by_hand_ledger = money(envs["errorkit"], "bench_handmade")
        by_hand_exact = by_hand == by_hand_ledger and Decimal(FUNDS) - by_hand == (
            Decimal("0.01") * jobs.get("bench_handmade", 0)
        )
        detail = (
            f"{WORKERS} gunicorn workers, wrk -c{CONNECTIONS}, {ROUNDS} rounds of "
            f"{SECONDS}s or {REQUESTS} answers; "
            + "; ".join(summary(side, runs[side]) for side in SIDES)
            + f"; non-201 answers {failed}; jobs stored {jobs} (warm-up "
            f"included); errorkit charged {charged} for "
            f"{jobs.get('bench_errorkit')} jobs, held {held}, ledger sums to the "
            f"balance: {ledger == balance}; hand-made charges exact: "
            f"{by_hand_exact}"
        )
        extra = {
            "failed": failed,
            "jobs": jobs,
            "ledger_whole": ledger == balance,
            "charged_exactly": exact,
            "handmade_charged_exactly": by_hand_exact,
        }
        # Against the endpoint a team would write by hand (the same charge
        # with django-ratelimit and select_for_update), the goals: at least
        # 1.1x its throughput, at most its p99. Against the endpoint that
        # charges nothing, reported: the floor of what charging costs.
        measures = (
            ("handmade", "hand-made charging (select_for_update)", "rps", 1.1, False),
            ("handmade", "hand-made charging (select_for_update)", "p99", 1.0, True),
            ("bare", "the endpoint without errorkit", "rps", None, False),
            ("bare", "the endpoint without errorkit", "p99", None, True),
        )
        label = {"p99": "p99 latency", "rps": "requests per second"}
        memory = Row(
            "B7",
            "worker's memory growth under B6's load",
            "its resident set once warm",
            [max(grew.values())],
            64.0,
            unit="MB",
            detail=f"make serve's {WORKERS} workers, once warm: "
            + ", ".join(f"{warm[pid].rss:.1f}" for pid in warm)
            + " MB; growth to their peaks: "
            + ", ".join(f"{grew[pid]:.1f}" for pid in grew)
            + f" MB after {sum(r.answered for r in runs['errorkit'])} paid requests",
            extra={"growth_mb": grew},
        )
        return [
            Row(
                "B6",
                f"POST /v1/jobs under make serve: {label[field]}",
                against,
                [
                    getattr(a, field) / getattr(b, field)
                    for a, b in zip(runs["errorkit"], runs[side], strict=True)
                ],
                goal,
                at_most=at_most,
                detail=detail,
                extra=extra,
            )
            for side, against, field, goal, at_most in measures
        ] + [memory]


def main() -> None:
    reason = missing()
    if reason:
        print(f"B6 skipped: {reason}; POST /v1/jobs under make serve needs it.")
        return
    rows = measure()
    print(f"  {rows[0].detail}")
    print(f"  B7: {rows[-1].detail}")
    publish(rows)


if __name__ == "__main__":
    main()
