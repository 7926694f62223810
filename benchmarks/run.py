"""`make bench`: every benchmark, each a ratio against a baseline in one process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import handler, ratelimit  # noqa: E402

# These set Django up on databases of their own, so each runs in its own process.
SEPARATE = ("balance.py", "incidents.py", "incident_admin.py")

if __name__ == "__main__":
    handler.main()
    print()
    ratelimit.main()
    for script in SEPARATE:
        print()
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name(script))], check=True
        )
