import pytest
from django.test import Client


@pytest.fixture
def client() -> Client:
    # Answers, not exceptions: the test sees what an HTTP caller would see.
    return Client(raise_request_exception=False)


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True, raise_request_exception=False)
