"""errorkit.log: the request id on log records."""

from __future__ import annotations

import logging

import pytest

from errorkit.log import RequestIdFilter

pytestmark = pytest.mark.django_db


def test_records_logged_during_a_request_carry_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="tests.plain"):
        response = client.get("/v1/plain/log", HTTP_X_REQUEST_ID="trace-7")
    record = next(r for r in caplog.records if r.name == "tests.plain")
    assert record.request_id == "trace-7" == response["X-Request-ID"]


def test_djangos_response_log_after_the_middleware_carries_the_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/v1/nope")
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == response["X-Request-ID"]


def test_records_outside_a_request_get_the_default():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", (), None)
    assert RequestIdFilter().filter(record) is True
    assert record.request_id == "-"
