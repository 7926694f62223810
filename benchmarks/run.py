"""`make bench`: every benchmark, each a ratio against a baseline in one process."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# balance sets up Django on its own database, so it runs in a process of its own.
import subprocess  # noqa: E402

from benchmarks import handler, ratelimit  # noqa: E402

if __name__ == "__main__":
    handler.main()
    print()
    ratelimit.main()
    print()
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("balance.py"))], check=True
    )
