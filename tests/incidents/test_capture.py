"""errorkit.incidents.capture: what a failed request's row says. Every 401 and
403 says why the caller was refused, a refused key that names a real one
(revoked, a typo after its prefix, an inactive owner) ties the row to its
customer, and lean rows keep the method and path (scrubbed)."""

from __future__ import annotations

import pytest
from django.test import Client

from errorkit.incidents.models import FailedRequest
from errorkit.keys.api_keys import create_key, revoke
from tests.users import make_user, username_of

pytestmark = pytest.mark.django_db


def refused(client: Client, authorization: str | None, method: str = "get"):
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    answer = getattr(client, method)("/v1/tasks", HTTP_X_REQUEST_ID="why-1", **headers)
    row = FailedRequest.objects.get(request_id="why-1")
    FailedRequest.objects.all().delete()
    return answer.status_code, row


def test_every_401_says_why_and_names_the_customer_when_the_key_does(client):
    owner = make_user("rita")
    key, secret = create_key(owner)
    wrong_rest = secret[: len(key.prefix)] + "x" * 40
    cases = {
        None: ("missing", "", ""),
        "Bearer": ("malformed", "", ""),
        "Bearer a b": ("malformed", "", ""),
        "Bearer sk_short": ("malformed", "", ""),
        "Bearer sk_" + "Q" * 40: ("unknown", "", ""),
        f"Bearer {wrong_rest}": ("unknown", key.prefix, username_of(owner)),
    }
    for authorization, (reason, prefix, user) in cases.items():
        status, row = refused(client, authorization)
        assert status == 401, authorization
        assert (row.reason, row.key_prefix, row.user) == (reason, prefix, user)
        assert (row.method, row.path) == ("GET", "/v1/tasks")
    revoke(key)
    status, row = refused(client, f"Bearer {secret}")
    assert (status, row.reason, row.key_prefix) == (401, "revoked", key.prefix)
    assert row.user == username_of(owner)
    # The secret itself is on no row.
    assert secret not in str(list(FailedRequest.objects.values()))


def test_an_inactive_owners_key_is_refused_as_inactive(client):
    owner = make_user("sam")
    key, secret = create_key(owner)
    owner.is_active = False
    owner.save()
    status, row = refused(client, f"Bearer {secret}")
    assert (status, row.reason, row.key_prefix) == (401, "inactive", key.prefix)
    assert row.user == username_of(owner)


def test_a_read_only_keys_write_is_a_403_that_says_so(client):
    owner = make_user("tia")
    key, secret = create_key(owner, read_only=True)
    answer = client.post(
        "/v1/tasks",
        {"kind": "echo", "payload": 1},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_X_REQUEST_ID="ro-1",
    )
    assert answer.status_code == 403
    row = FailedRequest.objects.get(request_id="ro-1")
    assert (row.reason, row.key_prefix, row.user) == (
        "read_only",
        key.prefix,
        username_of(owner),
    )
    assert (row.method, row.path) == ("POST", "/v1/tasks")


def test_a_lean_rows_path_is_scrubbed(client):
    token = "ghp_R8fK2mQ9xL4vT7wN1bY6zC3hJ5dS0aE8gU2i"
    answer = client.get(f"/v1/tasks/{token}", HTTP_X_REQUEST_ID="path-1")
    assert answer.status_code == 401
    row = FailedRequest.objects.get(request_id="path-1")
    assert row.path == "/v1/tasks/[Filtered]" and row.reason == "missing"


def test_a_non_refusal_has_no_reason(api):
    api.post(
        "/v1/tasks",
        {"kind": "crash", "payload": 1},
        content_type="application/json",
        HTTP_X_REQUEST_ID="crash-1",
    )
    row = FailedRequest.objects.get(request_id="crash-1")
    assert (row.status_code, row.reason, row.method) == (500, "", "POST")


@pytest.mark.parametrize(
    "make, body",
    [
        (lambda rf: rf.get("/v1/x"), b""),
        (lambda rf: rf.post("/v1/x", b'{"n": 1}', "application/json"), b'{"n": 1}'),
        (lambda rf: rf.generic("DELETE", "/v1/x", b"gone"), b"gone"),
    ],
)
def test_an_events_body_is_the_requests_and_an_empty_one_needs_no_note(make, body):
    from django.test import RequestFactory

    from errorkit.incidents.capture import raw_event

    event = raw_event(make(RequestFactory()), 500, None)
    assert (event.body, event.notes) == (body, [])
