"""`make bench`: every benchmark, each a ratio against a baseline in one process."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import handler, ratelimit  # noqa: E402

if __name__ == "__main__":
    handler.main()
    print()
    ratelimit.main()
