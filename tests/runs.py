"""The suite's four pytest runs, one per settings module, run side by side.

    python -m tests.runs [--jobs N] [--python NAME=PATH ...] [pytest args]

``make test`` runs the four with this interpreter; ``.ci/run`` runs them for
every interpreter of the version matrix at once (``--python``), and nox runs
one session's four. Each run is a pytest process of its own with its own
PostgreSQL test database (``ERRORKIT_TEST_LANE`` names it) and its own Redis
database number (``ERRORKIT_TEST_REDIS_DB``, see tests.services), so runs side
by side share no rows and no counters. A test whose promise is a wall-clock
bound (``ALONE``) runs after the others, one at a time. Each run's output is
kept and printed when it ends (a failed run's in full, a passed run's
summary), so that logs do not interleave. Exits 1 when a run failed or ran no test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The four runs: the library with every errorkit app (tests.settings), core
# alone (no optional app, no table), the optional apps with a user model
# that signs in by e-mail and has no username, and the demo. Longest first,
# so that the short ones fill in beside them.
RUNS: dict[str, list[str]] = {
    "all": [],
    "demo": ["tests/demo", "--ds=tests.demo.settings"],
    "email": [
        *("tests/keys", "tests/billing", "tests/idempotency", "tests/incidents"),
        "tests/dashboard",
        "--ds=tests.settings_email",
        # What serves tests.settings in processes of its own is the same in
        # this run as in "all" (tests.served.served).
        "-m",
        "not served",
    ],
    "core": ["tests/core", "tests/limits", "--ds=tests.settings_core"],
}
# Tests whose promise is a wall-clock bound (a Redis partition costs each
# request at most 2 s): beside other runs the machine's cores are shared, and
# their time is not theirs. They are left out of their run and run after
# every other, one at a time.
ALONE: dict[str, list[str]] = {"demo": ["tests/demo/test_partition.py"]}
# Redis has 16 databases (0-15): a run side by side with others takes one
# of its own, and gives it back when it ends.
REDIS_DATABASES = 16
# What a passed run prints of its output: its summary.
PASSED_TAIL = 12


@dataclass
class Job:
    env: str
    python: str
    run: str
    log: Path
    alone: bool = False
    returncode: int | None = None
    seconds: float = 0.0
    redis_db: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        name = self.run if self.env == "default" else f"{self.env}:{self.run}"
        return f"{name} (alone)" if self.alone else name

    @property
    def lane(self) -> str:
        return f"{self.env}_{self.run}"

    def arguments(self) -> list[str]:
        """The run's pytest arguments: without its ALONE tests, or (when
        this job runs them) with only those."""
        apart = ALONE.get(self.run, [])
        if self.alone:
            options = [a for a in RUNS[self.run] if not a.startswith("tests/")]
            return [*options, *apart]
        return [*RUNS[self.run], *(f"--ignore={path}" for path in apart)]


def command(job: Job, extra: Sequence[str]) -> list[str]:
    return [
        job.python,
        *("-m", "pytest", "-q", "-p", "no:cacheprovider"),
        *job.arguments(),
        *extra,
    ]


def run_one(job: Job, extra: Sequence[str]) -> None:
    env = {
        **os.environ,
        "ERRORKIT_TEST_LANE": job.lane,
        "ERRORKIT_TEST_REDIS_DB": str(job.redis_db),
    }
    started = time.monotonic()
    with job.log.open("w") as out:
        job.returncode = subprocess.call(
            command(job, extra), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    job.seconds = time.monotonic() - started
    job.lines = job.log.read_text(errors="replace").splitlines()


def report(job: Job) -> None:
    verdict = "ran" if job.returncode == 0 else f"exited {job.returncode}"
    shown = job.lines if job.returncode else job.lines[-PASSED_TAIL:]
    print(f"\n=== {job.name}: {verdict} in {job.seconds:.0f} s ({job.log})", flush=True)
    print("\n".join(shown), flush=True)


def run_all(jobs: list[Job], extra: Sequence[str], width: int) -> None:
    """Run ``jobs``, ``width`` at a time, in the order given; report each as
    it ends."""
    free = list(range(REDIS_DATABASES))
    lock = threading.Lock()
    slots = threading.Semaphore(width)
    threads = []

    def worker(job: Job) -> None:
        try:
            run_one(job, extra)
        finally:
            with lock:
                free.append(job.redis_db)
                report(job)
            slots.release()

    for job in jobs:
        slots.acquire()
        with lock:
            job.redis_db = free.pop(0)
        thread = threading.Thread(target=worker, args=(job,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()


def passed(job: Job, extra: Sequence[str]) -> bool:
    """pytest's 0; its 5 (no test ran) fails, except for the tests run alone
    when the caller's own arguments (``-k``, a path) left none of them."""
    return job.returncode == 0 or (job.alone and bool(extra) and job.returncode == 5)


def parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="python -m tests.runs",
        description="The suite's four pytest runs, side by side; other "
        "arguments go to every pytest run.",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=int(os.environ.get("ERRORKIT_TEST_JOBS") or 2),
        help="runs at once (default $ERRORKIT_TEST_JOBS, else 2)",
    )
    parser.add_argument(
        "--python",
        action="append",
        metavar="NAME=PATH",
        help="an interpreter to run the four runs with, repeatable "
        "(default: this one, named default)",
    )
    parser.add_argument(
        "--only", help="comma-separated run names: " + ", ".join(RUNS), default=""
    )
    options, extra = parser.parse_known_args(argv)
    if options.jobs < 1 or options.jobs > REDIS_DATABASES:
        parser.error(f"--jobs must be 1 to {REDIS_DATABASES}")
    unknown = set(filter(None, options.only.split(","))) - set(RUNS)
    if unknown:
        parser.error(f"no run named {', '.join(sorted(unknown))}")
    for spec in options.python or ():
        if "=" not in spec:
            parser.error(f"--python {spec}: write NAME=PATH")
    return options, extra


def main(argv: Sequence[str] | None = None) -> int:
    options, extra = parse(sys.argv[1:] if argv is None else argv)
    pythons = dict(
        spec.split("=", 1) for spec in options.python or [f"default={sys.executable}"]
    )
    names = [r for r in RUNS if not options.only or r in options.only.split(",")]
    logs = Path(tempfile.mkdtemp(prefix="errorkit-runs-"))
    # Longest first across every interpreter: each one's "all", then "demo"...
    jobs = [
        Job(env, python, run, logs / f"{env}-{run}.log")
        for run in names
        for env, python in pythons.items()
    ]
    alone = [
        Job(env, python, run, logs / f"{env}-{run}-alone.log", alone=True)
        for run in names
        if run in ALONE
        for env, python in pythons.items()
    ]
    started = time.monotonic()
    run_all(jobs, extra, options.jobs)
    run_all(alone, extra, 1)
    jobs += alone
    ok = all(passed(job, extra) for job in jobs)
    print(
        f"\n=== {len(jobs)} runs, {options.jobs} at a time, in "
        f"{time.monotonic() - started:.0f} s:",
        flush=True,
    )
    for job in jobs:
        verdict = "passed" if passed(job, extra) else "FAILED"
        summary = job.lines[-1] if job.lines else ""
        print(f"  {job.name}: {verdict} in {job.seconds:.0f} s  {summary}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
