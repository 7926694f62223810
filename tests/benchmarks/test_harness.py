"""benchmarks.harness: what `make bench`'s table says is what was measured:
per-round paired ratios, their median and range, and the goal's verdict."""

from __future__ import annotations

import json

import pytest

from benchmarks.harness import Row, alternate, publish, ratios, read_rows, table


def test_contenders_alternate_and_each_round_keeps_its_fastest_slice():
    calls: list[str] = []
    spent = {"a": iter([3.0, 1.0, 2.0, 5.0]), "b": iter([4.0, 4.0, 6.0, 2.0])}

    def contender(name):
        def run(n):
            calls.append(name)
            return next(spent[name]) * n

        return run

    results = alternate({"a": contender("a"), "b": contender("b")}, 2, 2, 10)
    # Round 1 starts with a, round 2 with b; slices alternate within rounds.
    assert calls == ["a", "b", "a", "b", "b", "a", "b", "a"]
    assert results == {"a": [1.0, 2.0], "b": [4.0, 2.0]}
    assert ratios(results, "a", "b") == [0.25, 1.0]


@pytest.mark.parametrize(
    "values, goal, at_most, met",
    [
        ([1.0, 1.02, 1.5], 1.03, True, True),
        ([1.04, 1.05, 0.9], 1.03, True, False),
        ([1.6, 1.4, 1.5], 1.5, False, True),
        ([1.6, 1.4, 1.45], 1.5, False, False),
        ([2.0], None, True, None),
    ],
)
def test_a_goal_is_judged_on_the_median_of_the_rounds(values, goal, at_most, met):
    row = Row("B0", "what", "baseline", values, goal, at_most=at_most)
    assert row.met is met
    assert row.spread == (min(values), max(values))


def test_rows_are_printed_as_a_table_and_written_for_run_py(
    tmp_path, monkeypatch, capsys
):
    target = tmp_path / "rows.jsonl"
    monkeypatch.setenv("BENCH_RESULTS", str(target))
    rows = [
        Row("B1", "GET", "bare DRF", [1.01, 1.05, 1.02], 1.03, detail="x"),
        Row("B5", "holds", "select_for_update", [3.0, 2.0, 4.0], 1.5, at_most=False),
    ]
    publish(rows)
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert "| B1 | GET | bare DRF | 1.020x | 1.010-1.050 | <= 1.03x | met |" in lines
    assert (
        "| B5 | holds | select_for_update | 3.000x | 2.000-4.000 | >= 1.50x | met |"
    ) in lines
    assert read_rows(str(target)) == rows
    assert all(json.loads(line)["id"] for line in target.read_text().splitlines())
    assert table(rows) in printed


def test_a_row_of_megabytes_says_its_unit_and_is_judged_against_its_goal():
    row = Row("B7", "growth", "before", [16.4], 64.0, unit="MB")
    assert table([row]).splitlines()[-1] == (
        "| B7 | growth | before | 16.4 MB | 16.4-16.4 MB | <= 64.0 MB | met |"
    )
    assert Row("B7", "growth", "before", [70.0], 64.0, unit="MB").met is False
