"""errorkit.require_balance: a hold before the work, posted with its stored
success, voided on every other outcome; 402; a ledger that adds up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

import errorkit
from errorkit.billing.funds import funds_of
from errorkit.billing.models import CreditAccount, Hold, LedgerEntry
from tests.helpers import assert_error, assert_ledger_adds_up, balance_of, post_task
from tests.testapp.models import Task
from tests.users import make_user

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    entries = LedgerEntry.objects.filter(account__owner=user).order_by("id")
    return list(entries.values_list("kind", flat=True))


def test_a_success_holds_then_posts_its_price_once(api, api_user):
    response = post_task(api)
    assert response.status_code == 201
    assert balance_of(api_user) == Decimal("9.75")
    assert kinds(api_user) == ["top_up", "hold", "post"]
    post = LedgerEntry.objects.get(kind="post")
    assert (post.amount, post.held) == (Decimal("-0.25"), Decimal("-0.25"))
    # Every entry names the request that moved the money.
    assert post.request_id == response["X-Request-ID"]
    assert Hold.objects.get().status == "posted"
    assert_ledger_adds_up(api_user)


@pytest.mark.parametrize("kind,status", [("crash", 500), ("flaky", 502), ("busy", 503)])
def test_a_failed_job_is_voided_and_costs_nothing(api, api_user, kind, status):
    assert post_task(api, {"kind": kind, "payload": 1}).status_code == status
    assert balance_of(api_user) == Decimal("10.00")
    assert kinds(api_user) == ["top_up", "hold", "void"]
    assert funds_of(api_user).held == 0
    assert_ledger_adds_up(api_user)


@pytest.mark.parametrize("status", [400, 409, 503])
def test_a_non_2xx_after_the_view_wrote_keeps_neither_the_rows_nor_the_money(
    api, api_user, status
):
    body = {"kind": "echo", "payload": {"fail_after_write": status}}
    assert post_task(api, body).status_code == status
    assert not Task.objects.exists()
    assert balance_of(api_user) == Decimal("10.00")
    assert kinds(api_user) == ["top_up", "hold", "void"]


def test_an_answer_that_cannot_be_rendered_is_not_charged(api, api_user):
    # The view's answer holds a lone surrogate: it cannot be encoded.
    response = post_task(api, {"kind": "echo", "payload": {"unrenderable": True}})
    assert_error(response, 500, "internal_error")
    assert not Task.objects.exists()
    assert balance_of(api_user) == Decimal("10.00")
    assert kinds(api_user) == ["top_up", "hold", "void"]


def test_usage_priced_after_the_work_posts_less_and_gives_the_rest_back(api, api_user):
    assert (
        post_task(api, {"kind": "echo", "payload": {"use": "0.1"}}).status_code == 201
    )
    post = LedgerEntry.objects.get(kind="post")
    assert (post.amount, post.held) == (Decimal("-0.10"), Decimal("-0.25"))
    assert balance_of(api_user) == Decimal("9.90")
    assert api.get("/v1/account").json()["held"] == "0.00"
    assert_ledger_adds_up(api_user)


def test_a_label_the_view_gives_is_written_on_the_charge(api, api_user):
    body = {"kind": "echo", "payload": {"label": "task for the report"}}
    assert post_task(api, body).status_code == 201
    assert LedgerEntry.objects.get(kind="post").note == "task for the report"


@pytest.mark.parametrize("label", ["x" * 256, "two\nlines", "bell\x07"])
def test_a_label_the_ledger_cannot_hold_is_a_bug_and_charges_nothing(
    api, api_user, label
):
    response = post_task(api, {"kind": "echo", "payload": {"label": label}})
    assert_error(response, 500, "internal_error")
    assert balance_of(api_user) == Decimal("10.00")
    assert not LedgerEntry.objects.filter(kind="post").exists()


def test_using_more_than_the_hold_is_a_bug_and_charges_nothing(api, api_user):
    response = post_task(api, {"kind": "echo", "payload": {"use": "0.26"}})
    assert_error(response, 500, "internal_error")
    assert balance_of(api_user) == Decimal("10.00")
    assert not Task.objects.exists()


def test_bad_requests_are_refused_before_any_money_moves(api, api_user):
    assert_error(post_task(api, {"kind": "nope", "payload": 1}), 404, "kind_not_found")
    for body in ({}, {"kind": ["echo"], "payload": 1}, {"kind": {}, "payload": 1}):
        response = post_task(api, body)
        assert response.status_code == 400
        assert set(response.json()["fields"]) <= {"kind", "payload"}
    assert kinds(api_user) == ["top_up"]


def test_the_price_is_that_of_the_validated_request(api, api_user):
    # The serializer trims the kind: it runs as echo, and is charged as echo.
    assert post_task(api, {"kind": " echo\n", "payload": 1}).status_code == 201
    assert balance_of(api_user) == Decimal("9.75")


def test_a_short_spendable_balance_is_402_with_the_documented_message(api, api_user):
    CreditAccount.objects.filter(owner=api_user).update(held=Decimal("9.80"))
    assert_error(
        post_task(api),
        402,
        "insufficient_balance",
        "Insufficient balance. Please add funds to your account.",
    )
    assert kinds(api_user) == ["top_up"]


def test_a_caller_without_an_account_gets_402():
    from django.test import Client

    from errorkit.keys.api_keys import create_key

    user = make_user("no-account")
    secret = create_key(user)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert_error(post_task(client), 402, "insufficient_balance")
    assert not CreditAccount.objects.filter(owner=user).exists()


def test_the_account_endpoint_shows_spendable_and_held(api, api_user):
    assert api.get("/v1/account").json() == {
        "balance": "10.00",
        "held": "0.00",
        "currency": "USD",
    }
    post_task(api)
    assert api.get("/v1/account").json()["balance"] == "9.75"


def paid_view(cost):
    @errorkit.require_balance(cost=cost)
    def view(request):
        return HttpResponse("done", status=201)

    return view


def test_a_cost_that_returns_none_is_an_error_not_a_free_job(api_user):
    request = RequestFactory().post("/v1/x")
    request.user = api_user
    with pytest.raises(ImproperlyConfigured, match="never free by accident"):
        paid_view(lambda request: None)(request)
    assert kinds(api_user) == ["top_up"]


def test_a_view_declared_free_runs_without_a_hold(api_user):
    request = RequestFactory().post("/v1/x")
    request.user = api_user
    assert paid_view(lambda request: 0)(request).status_code == 201
    assert kinds(api_user) == ["top_up"]


@pytest.mark.parametrize("cost", ["abc", "-1", "0.00001", "99999999999"])
def test_a_bad_fixed_cost_fails_when_the_view_is_decorated(cost):
    with pytest.raises(ImproperlyConfigured, match="require_balance cost"):
        paid_view(cost)
