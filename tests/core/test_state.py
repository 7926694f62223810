"""request.errorkit: one typed state per request, shared by Django's and DRF's
request objects."""

from __future__ import annotations

from django.test import RequestFactory
from rest_framework.request import Request

from errorkit.state import RequestState, state_of


def test_state_is_made_once_and_shared_with_drfs_request():
    request = RequestFactory().get("/v1/x")
    state = state_of(request)
    assert isinstance(state, RequestState) and state.is_api is None
    assert state_of(Request(request)) is state is request.errorkit


def test_the_middleware_and_the_handler_fill_it(client):
    response = client.get("/v1/test/raise/not_found", HTTP_X_REQUEST_ID="st-1")
    state = response.wsgi_request.errorkit
    assert state.is_api is True and state.request_id == "st-1"
    assert (state.error.status, state.error.code) == (404, "not_found")
    assert state.exception is None


def test_pages_outside_the_api_are_not_api_requests(client):
    response = client.get("/html/page")
    assert response.wsgi_request.errorkit.is_api is False


def test_an_app_keeps_its_own_data_read_as_an_attribute():
    import copy
    import pickle

    state = state_of(RequestFactory().get("/v1/x"))
    state.keep("charge", "held 0.25")
    assert state.charge == "held 0.25" and state.extra == {"charge": "held 0.25"}
    # Copies and pickles keep it (the lookup must not recurse before init).
    assert copy.copy(state).charge == pickle.loads(pickle.dumps(state)).charge


def test_data_no_app_kept_is_an_attribute_error_that_says_why():
    import pytest

    state = state_of(RequestFactory().get("/v1/x"))
    with pytest.raises(AttributeError, match="require_balance"):
        state.charge  # noqa: B018
    assert getattr(state, "charge", None) is None
