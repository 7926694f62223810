"""docs/benchmarks.md's generated parts: the table, the chart of the ratios
against their goals (docs/images/benchmarks.svg) and the machine they ran on.

The doc's prose is written by hand; ``run.py --docs`` replaces only what
lies between its ``<!-- bench:... -->`` markers.
"""

from __future__ import annotations

import math
import os
import platform
import re
import subprocess
from datetime import date
from html import escape
from importlib.metadata import version
from pathlib import Path

from benchmarks.harness import Row, table

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
CHART = ROOT / "docs" / "images" / "benchmarks.svg"

# A log scale: a cost of 6x and a saving of 0.8x are both readable.
LOW, HIGH = 0.25, 8.0
LABEL_WIDTH, PLOT_WIDTH, ROW_HEIGHT, TOP = 430, 420, 22, 40


def x_of(ratio: float) -> float:
    ratio = min(max(ratio, LOW), HIGH)
    span = math.log(HIGH) - math.log(LOW)
    return LABEL_WIDTH + PLOT_WIDTH * (math.log(ratio) - math.log(LOW)) / span


def chart(rows: list[Row]) -> str:
    """An SVG: per row, the median ratio (dot), its range (line), its goal
    (tick); green where the goal is met, red where it is missed. Rows of
    amounts (B7's megabytes) are in the table only."""
    rows = [row for row in rows if row.is_ratio]
    height = TOP + ROW_HEIGHT * len(rows) + 30
    width = LABEL_WIDTH + PLOT_WIDTH + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" font-family="sans-serif" font-size="11" '
        'role="img" aria-labelledby="title">',
        '<title id="title">Each benchmark\'s ratio against its baseline '
        "(dot: median, line: range) and its goal (tick)</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for tick in (0.25, 0.5, 1, 2, 4, 8):
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" '
            f'y2="{height - 24}" stroke="{"#888" if tick == 1 else "#ddd"}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{tick:g}x</text>'
        )
    parts.append(
        f'<text x="{LABEL_WIDTH}" y="16" font-weight="bold">ratio to the '
        "baseline (log scale; tick: goal)</text>"
    )
    for n, row in enumerate(rows):
        y = TOP + n * ROW_HEIGHT
        color = {True: "#1a7f37", False: "#cf222e", None: "#57606a"}[row.met]
        low, high = row.spread
        label = f"{row.id} {row.what} / {row.against}"
        if len(label) > 72:
            label = label[:71] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 4}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        parts.append(
            f'<line x1="{x_of(low):.1f}" y1="{y}" x2="{x_of(high):.1f}" y2="{y}" '
            f'stroke="{color}" stroke-width="2"/>'
        )
        parts.append(
            f'<circle cx="{x_of(row.median):.1f}" cy="{y}" r="4" fill="{color}">'
            f"<title>{row.median:.3f}x (goal {escape(row.goal_text())})</title>"
            "</circle>"
        )
        if row.goal is not None:
            gx = x_of(row.goal)
            parts.append(
                f'<line x1="{gx:.1f}" y1="{y - 7}" x2="{gx:.1f}" y2="{y + 7}" '
                'stroke="black" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _run(*command: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "not found"


def machine() -> str:
    cpu = "unknown"
    try:
        info = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", info)
        cpu = found.group(1) if found else cpu
    except OSError:
        pass
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory = 0.0
    lines = [
        f"- run on {date.today().isoformat()}: {platform.system()} "
        f"{platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"{memory:.0f} GiB",
        f"- Python {platform.python_version()}, Django {version('django')}, "
        f"DRF {version('djangorestframework')}, django-ratelimit "
        f"{version('django-ratelimit')}, drf-standardized-errors "
        f"{version('drf-standardized-errors')}, django-redis "
        f"{version('django-redis')}, gunicorn {version('gunicorn')}",
        f"- {_run('psql', '--version')}; {_run('redis-server', '--version')}; "
        f"{_run('wrk', '--version')}",
    ]
    return "\n".join(lines)


def replace_between(text: str, name: str, body: str) -> str:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"docs/benchmarks.md has no {start} ... {end}")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text)


def write_docs(rows: list[Row]) -> None:
    CHART.parent.mkdir(parents=True, exist_ok=True)
    CHART.write_text(chart(rows), encoding="utf-8")
    text = DOC.read_text(encoding="utf-8")
    text = replace_between(text, "table", table(rows))
    text = replace_between(text, "machine", machine())
    # Rows measured together share their details: each said once.
    seen: set[str] = set()
    lines = []
    for row in rows:
        if row.detail and row.detail not in seen:
            seen.add(row.detail)
            lines.append(f"- {row.id} {row.what}: {row.detail}")
    details = "\n".join(lines)
    text = replace_between(text, "details", details)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)} and {CHART.relative_to(ROOT)}")
