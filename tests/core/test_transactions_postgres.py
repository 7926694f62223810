"""Service tests of the foundation: the request transaction on real PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connections

from tests.services import requires_postgres
from tests.testapp.models import Task

pytestmark = [
    requires_postgres,
    pytest.mark.django_db(databases=["default", "postgres"]),
]


@pytest.fixture
def atomic_postgres():
    connection = connections["postgres"]
    connection.settings_dict["ATOMIC_REQUESTS"] = True
    yield
    connection.settings_dict["ATOMIC_REQUESTS"] = False


@pytest.mark.parametrize("kind", ["drf_validation", "boom", "service_unavailable"])
def test_an_error_rolls_back_the_request_on_postgres(client, atomic_postgres, kind):
    assert connections["postgres"].vendor == "postgresql"
    response = client.post(f"/v1/test/write-then-fail-pg/{kind}")
    assert response.status_code >= 400
    assert Task.objects.using("postgres").count() == 0
