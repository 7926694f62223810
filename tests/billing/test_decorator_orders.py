"""errorkit.idempotent, errorkit.ratelimit and errorkit.require_balance in
each of their six orders (tests/testapp/orders.py): the same answers, the
same counts and the same money, whatever order they are written in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

import errorkit
from errorkit.billing.models import LedgerEntry
from errorkit.idempotency.models import IdempotencyRecord
from tests.helpers import assert_error, assert_ledger_adds_up, balance_of, post_json
from tests.testapp.models import Task
from tests.testapp.orders import ORDER_VIEWS, ORDERS

pytestmark = pytest.mark.django_db

ORDER_IDS = ["-".join(order) for order in ORDERS] + ["errorkit.endpoint"]


def path(index: int) -> str:
    return f"/v1/orders/{index}"


@pytest.mark.parametrize("index", range(len(ORDER_VIEWS)), ids=ORDER_IDS)
def test_a_replay_is_charged_and_counted_once_in_every_order(api, api_user, index):
    answers = [post_json(api, path(index), {"payload": 1}, "k-1") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert "Idempotent-Replayed" not in answers[0]
    assert [a["Idempotent-Replayed"] for a in answers[1:]] == ["true", "true"]
    assert answers[1].content == answers[2].content == answers[0].content
    assert Task.objects.filter(owner=api_user).count() == 1
    assert balance_of(api_user) == Decimal("9.75")
    # The replays were not counted: 4 of the 5 calls a minute are left.
    fresh = [post_json(api, path(index), {"payload": n}, f"n-{n}") for n in range(5)]
    assert [a.status_code for a in fresh] == [201, 201, 201, 201, 429]
    assert balance_of(api_user) == Decimal("8.75")
    assert LedgerEntry.objects.filter(kind="post").count() == 5
    assert_ledger_adds_up(api_user)


@pytest.mark.parametrize("index", range(len(ORDER_VIEWS)), ids=ORDER_IDS)
def test_a_crash_voids_the_hold_and_frees_the_key_in_every_order(api, api_user, index):
    crashed = post_json(api, path(index), {"payload": "crash"}, "c-1")
    assert_error(crashed, 500, "internal_error")
    assert Task.objects.count() == 0  # the view's write was rolled back
    assert balance_of(api_user) == Decimal("10.00")
    assert not IdempotencyRecord.objects.filter(key="c-1").exists()
    assert_ledger_adds_up(api_user)


@pytest.mark.parametrize("index", range(len(ORDER_VIEWS)), ids=ORDER_IDS)
def test_a_rejected_answer_rolls_back_and_charges_nothing_in_every_order(
    api, api_user, index
):
    rejected = post_json(api, path(index), {"payload": "reject"}, "r-1")
    assert rejected.status_code == 409
    assert Task.objects.count() == 0
    assert balance_of(api_user) == Decimal("10.00")
    assert_ledger_adds_up(api_user)


@pytest.mark.parametrize("index", range(len(ORDER_VIEWS)), ids=ORDER_IDS)
def test_a_short_balance_is_402_before_the_view_in_every_order(index):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from errorkit.billing.funds import add_funds
    from errorkit.keys.api_keys import create_key

    model = get_user_model()
    poor = model.objects.create(**{model.USERNAME_FIELD: "poor@example.com"})
    add_funds(poor, "0.10")
    api = Client(
        raise_request_exception=False,
        HTTP_AUTHORIZATION=f"Bearer {create_key(poor, name='t')[1]}",
    )
    short = post_json(api, path(index), {"payload": 1}, "s-1")
    assert_error(short, 402, "insufficient_balance")
    assert Task.objects.count() == 0
    # The 402 is the key's final answer, in every order.
    again = post_json(api, path(index), {"payload": 1}, "s-1")
    assert again.status_code == 402 and again["Idempotent-Replayed"] == "true"
    assert balance_of(poor) == Decimal("0.10")
    assert_ledger_adds_up(poor)


def test_a_decorator_between_errorkits_is_refused_at_import():
    def foreign(view):
        import functools

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        return wrapper

    def post(self, request):
        raise AssertionError("never called")

    with pytest.raises(ImproperlyConfigured, match="next to each other"):
        errorkit.idempotent(foreign(errorkit.require_balance(cost="1")(post)))


def test_a_decorator_written_twice_is_refused_at_import():
    def post(self, request):
        raise AssertionError("never called")

    with pytest.raises(ImproperlyConfigured, match="written twice"):
        errorkit.require_balance(cost="1")(errorkit.require_balance(cost="2")(post))


def test_an_endpoint_that_declares_nothing_is_refused():
    with pytest.raises(ImproperlyConfigured, match="declares nothing"):
        errorkit.endpoint()
