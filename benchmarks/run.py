"""`make bench`: B1-B7, each in a process of its own, then one table.

Every row is a ratio against a baseline measured in the same run (see
``harness``). ``--docs`` also writes the table, the chart of the ratios
against their goals and the machine into docs/benchmarks.md.
``BENCH_QUICK=1`` (`make bench-quick`) runs fewer, shorter rounds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import QUICK, read_rows, table  # noqa: E402

# In the table's order. Each sets Django up with settings (and databases)
# of its own, hence a process each.
BENCHMARKS = [
    "middleware.py",  # B1
    "handler.py",  # B2
    "ratelimit.py",  # B3
    "incidents.py",  # B4
    "balance.py",  # B5
    "served.py",  # B6
    "paid_request.py",  # B6's breakdown: printed, not a row
    "memory.py",  # B7
]
# Printed, not in the table: the incident admin at 200,000 rows (minutes of
# seeding, so not in the quick run).
EXTRAS = ["incident_admin.py"]


def main() -> int:
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as results:
        path = results.name
    env = {**os.environ, "BENCH_RESULTS": path}
    failed = []
    scripts = BENCHMARKS + ([] if QUICK else EXTRAS)
    for script in scripts:
        print(f"== {script}", flush=True)
        done = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / script)], env=env
        )
        if done.returncode:
            failed.append(script)
    rows = read_rows(path)
    os.unlink(path)
    print()
    print(table(rows))
    print(
        f"\n{len(rows)} rows, {sum(r.met is False for r in rows)} goals missed, "
        f"{time.perf_counter() - started:.0f} s" + (" (quick)" if QUICK else "")
    )
    if "--docs" in sys.argv:
        from benchmarks.report import write_docs

        write_docs(rows)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
