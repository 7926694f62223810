"""What every dashboard test stands on: alice signed in on the dashboard."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def customer(api_user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(api_user)
    return client
