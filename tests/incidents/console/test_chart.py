"""The admin's charts: exact counts per bucket, the incidents they are given,
a scale, and every number as text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from errorkit.incidents.console.chart import chart, scale, series
from errorkit.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_the_chart_counts_every_request_by_hour_and_class(client):
    for _ in range(3):
        client.get("/v1/test/bug/first")
    day = series("day")
    assert len(day) == 24 and day[-1].counts == {5: 3}
    assert sum(b.total for b in day[:-1]) == 0
    month = series("month")
    assert len(month) == 30 and sum(b.total for b in month) == 3


def test_a_chart_counts_only_the_incidents_it_is_given(client):
    client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/other-bug")
    key_error = Incident.objects.filter(title__startswith="KeyError")
    assert series("day", key_error)[-1].total == 2
    assert series("day", Incident.objects.none())[-1].total == 0
    assert series("day")[-1].total == 3


def test_older_hours_fall_in_their_own_buckets(client):
    from errorkit.incidents.models import IncidentHour

    client.get("/v1/test/bug/first")
    IncidentHour.objects.update(hour=timezone.now() - timedelta(days=3))
    assert series("day")[-1].total == 0
    assert [b.total for b in series("month")][-4:] == [1, 0, 0, 0]


@pytest.mark.parametrize(
    ("peak", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (11, 20), (250, 500)]
)
def test_the_scale_rounds_the_peak_up_to_1_2_or_5(peak, top):
    assert scale(peak) == top


def test_the_chart_has_axes_a_summary_and_a_table_of_its_numbers(client):
    for _ in range(3):
        client.get("/v1/test/bug/first")
    html = chart("day")
    assert 'role="img"' in html and 'aria-labelledby="errorkit-chart-caption"' in html
    assert "3 failed requests (3 5xx, 0 4xx); peak 3 at" in html
    assert "<details><summary>" in html and html.count('<th scope="row">') == 24
    assert ">5</text>" in html  # the scale's top
    assert "<script" not in html
