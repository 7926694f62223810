"""benchmarks.report: the chart and the doc's generated parts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from benchmarks.harness import Row
from benchmarks.report import chart, replace_between, x_of

SVG = "{http://www.w3.org/2000/svg}"


def test_the_chart_draws_each_row_with_its_range_and_goal():
    rows = [
        Row("B1", "GET & <POST>", "bare", [1.0, 1.1, 1.2], 1.03),
        Row("B5", "holds", "sfu", [3.0, 4.0], 1.5, at_most=False),
        Row("B3", "reported", "x", [0.5], None),
    ]
    svg = ET.fromstring(chart(rows))
    dots = svg.findall(f"{SVG}circle")
    assert [d.get("fill") for d in dots] == ["#cf222e", "#1a7f37", "#57606a"]
    assert [d.find(f"{SVG}title").text for d in dots][0] == "1.100x (goal <= 1.03x)"
    labels = [t.text for t in svg.findall(f"{SVG}text")]
    assert "B1 GET & <POST> / bare" in labels


def test_rows_of_amounts_are_in_the_table_not_in_the_chart_of_ratios():
    rows = [
        Row("B6", "paid", "hand-made", [1.2], 1.1, at_most=False),
        Row("B7", "memory", "before", [16.4], 64.0, unit="MB"),
    ]
    svg = ET.fromstring(chart(rows))
    assert len(svg.findall(f"{SVG}circle")) == 1
    assert "B7 memory / before" not in [t.text for t in svg.findall(f"{SVG}text")]


def test_the_scale_is_logarithmic_and_clamped():
    assert x_of(1.0) - x_of(0.5) == pytest.approx(x_of(2.0) - x_of(1.0))
    assert x_of(100.0) == x_of(8.0) and x_of(0.01) == x_of(0.25)


def test_only_the_marked_parts_of_the_doc_are_replaced():
    doc = "intro\n<!-- bench:table -->\nold\n<!-- /bench:table -->\nprose\n"
    assert replace_between(doc, "table", "new") == (
        "intro\n<!-- bench:table -->\nnew\n<!-- /bench:table -->\nprose\n"
    )
    with pytest.raises(ValueError, match="bench:chart"):
        replace_between(doc, "chart", "x")
