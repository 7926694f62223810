"""What every benchmark shares: alternating rounds, ratios paired within a
round, the median with its range, and the rows of `make bench`'s table.

A benchmark never reports a lone absolute time as its result: each round
times the contender and its baseline in alternation (small slices of each,
so that whatever drifts on the machine falls on both), and the round's ratio
is taken within the round. The row reports the median ratio over the rounds
and their range.

`BENCH_QUICK=1` (`make bench-quick`) runs fewer, shorter rounds; a benchmark
scales its own counts with `scaled()`. Rows go to stdout as a table and, when
`BENCH_RESULTS` names a file, as JSON lines there for `run.py` to collect.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

QUICK = os.environ.get("BENCH_QUICK") == "1"


def scaled(full: int, quick: int) -> int:
    return quick if QUICK else full


@dataclass
class Row:
    """One line of the table: a ratio against its baseline, and its goal.

    ``at_most`` goals are met when the median ratio is at or below ``goal``
    (costs); otherwise at or above it (throughput). A row whose ``unit`` is
    not "x" holds an amount instead (B7: megabytes), goal in the same unit;
    the chart of ratios leaves it out.
    """

    id: str
    what: str
    against: str
    ratios: list[float]
    goal: float | None = None
    at_most: bool = True
    detail: str = ""
    extra: dict[str, object] = field(default_factory=dict)
    unit: str = "x"

    @property
    def is_ratio(self) -> bool:
        return self.unit == "x"

    def amount(self, value: float) -> str:
        return f"{value:.3f}x" if self.is_ratio else f"{value:.1f} {self.unit}"

    def spread_text(self) -> str:
        low, high = self.spread
        if self.is_ratio:
            return f"{low:.3f}-{high:.3f}"
        return f"{low:.1f}-{high:.1f} {self.unit}"

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.ratios), max(self.ratios)

    @property
    def met(self) -> bool | None:
        if self.goal is None:
            return None
        if self.at_most:
            return self.median <= self.goal
        return self.median >= self.goal

    def goal_text(self) -> str:
        if self.goal is None:
            return "(reported)"
        goal = f"{self.goal:.2f}x" if self.is_ratio else self.amount(self.goal)
        return f"{'<=' if self.at_most else '>='} {goal}"

    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: ""}[self.met]


def publish(rows: Sequence[Row]) -> None:
    """Print ``rows`` as a table, and append them to ``BENCH_RESULTS``."""
    print(table(rows))
    target = os.environ.get("BENCH_RESULTS")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(asdict(row)) + "\n")


def read_rows(path: str) -> list[Row]:
    with open(path, encoding="utf-8") as rows:
        return [Row(**json.loads(line)) for line in rows if line.strip()]


def table(rows: Sequence[Row]) -> str:
    """A Markdown table: readable in a terminal, pasted as is into the docs."""
    lines = [
        "| # | what | against | ratio (median) | range | goal | |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.id} | {row.what} | {row.against} | {row.amount(row.median)} "
            f"| {row.spread_text()} | {row.goal_text()} | {row.verdict()} |"
        )
    return "\n".join(lines)


def alternate(
    contenders: dict[str, Callable[[int], float]],
    rounds: int,
    slices: int,
    per_slice: int,
) -> dict[str, list[float]]:
    """Seconds per call of each contender, one figure per round.

    ``contender(n)`` performs ``n`` calls and returns the seconds they took
    (so that it can build its inputs outside the timing). In each round the
    contenders take turns ``slices`` times, ``per_slice`` calls each; each
    round starts with a different contender, so none always runs first.

    A round's figure is its fastest slice: what the code costs when nothing
    else on the machine interrupts it (timeit's advice). Interruptions only
    ever add time, and on a shared machine they add more than the few per
    cent these benchmarks must tell apart.
    """
    names = list(contenders)
    results: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        fastest = dict.fromkeys(names, float("inf"))
        for _ in range(slices):
            for name in order:
                fastest[name] = min(fastest[name], contenders[name](per_slice))
        for name in names:
            results[name].append(fastest[name] / per_slice)
    return results


def ratios(results: dict[str, list[float]], of: str, to: str) -> list[float]:
    """Per-round ratios of contender ``of`` to ``to``: paired, never pooled."""
    return [a / b for a, b in zip(results[of], results[to], strict=True)]


def timer(call: Callable[[], object]) -> Callable[[int], float]:
    """A contender for ``alternate`` that calls ``call`` with no setup."""

    def run(n: int) -> float:
        started = time.perf_counter()
        for _ in range(n):
            call()
        return time.perf_counter() - started

    return run


def micros(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1e6:.1f} us"
