"""A rate limit keyed by API key, on the paid test API."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_tasks_are_limited_per_key_at_the_configured_rate(api, settings):
    settings.TEST_TASKS_RATE = "2/m"
    task = {"kind": "echo", "payload": 1}
    codes = [
        api.post("/v1/tasks", task, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    response = api.post("/v1/tasks", task, content_type="application/json")
    assert response["RateLimit-Policy"] == '"tasks";q=2;w=60'
