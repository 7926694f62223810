"""errorkit.balance: 402, exact charges, refunds on failure, a ledger that adds up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from errorkit.billing.amounts import to_amount
from errorkit.billing.funds import add_funds
from errorkit.billing.models import CreditAccount, LedgerEntry
from tests.helpers import assert_error, balance_of, post_task

pytestmark = pytest.mark.django_db


def ledger_total(user) -> Decimal:
    return LedgerEntry.objects.filter(account__owner=user).aggregate(s=Sum("amount"))[
        "s"
    ]


def test_a_successful_job_is_charged_its_price_once(api, api_user):
    assert post_task(api).status_code == 201
    assert balance_of(api_user) == Decimal("9.75")
    charges = LedgerEntry.objects.filter(kind="charge")
    assert [(c.amount, c.account.owner) for c in charges] == [
        (Decimal("-0.25"), api_user)
    ]
    assert ledger_total(api_user) == balance_of(api_user)


@pytest.mark.parametrize(
    "model,status", [("crash", 500), ("flaky", 502), ("busy", 503)]
)
def test_a_failed_job_costs_nothing(api, api_user, model, status):
    assert post_task(api, {"kind": model, "payload": 1}).status_code == status
    assert balance_of(api_user) == Decimal("10.00")
    kinds = sorted(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds == ["charge", "refund", "top_up"]
    assert ledger_total(api_user) == Decimal("10.00")


def test_bad_requests_are_not_charged(api, api_user):
    assert (
        api.post(
            "/v1/tasks", {"kind": "nope", "payload": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    assert api.post("/v1/tasks", {}, content_type="application/json").status_code == 400
    assert balance_of(api_user) == Decimal("10.00")
    assert LedgerEntry.objects.filter(kind="charge").count() == 0


def test_a_short_balance_is_402_with_the_documented_message(api, api_user):
    CreditAccount.objects.filter(owner=api_user).update(balance=Decimal("0.005"))
    response = post_task(api)
    assert_error(
        response,
        402,
        "insufficient_balance",
        "Insufficient balance. Please add funds to your account.",
    )
    assert balance_of(api_user) == Decimal("0.005")


def test_a_caller_without_an_account_gets_402(django_user_model):
    from django.test import Client

    from errorkit.keys.api_keys import create_key

    user = django_user_model.objects.create(username="no-account")
    secret = create_key(user)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert_error(post_task(client), 402, "insufficient_balance")
    assert not CreditAccount.objects.filter(owner=user).exists()


def test_the_balance_endpoint(api, api_user):
    assert api.get("/v1/account").json() == {"balance": "10.00", "currency": "USD"}
    post_task(api)
    assert api.get("/v1/account").json() == {"balance": "9.75", "currency": "USD"}


def test_the_database_refuses_a_negative_balance(api_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditAccount.objects.filter(owner=api_user).update(balance=F("balance") - 11)


def test_the_ledger_is_append_only(api_user):
    entry = LedgerEntry.objects.get(kind="top_up")
    entry.amount = Decimal("1000")
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_a_reference_cannot_be_charged_twice(api_user):
    account = CreditAccount.objects.get(owner=api_user)
    LedgerEntry.objects.create(
        account=account, kind="charge", amount=-1, reference="r1"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            account=account, kind="charge", amount=-1, reference="r1"
        )


def test_add_funds_creates_the_account_and_records_a_top_up(django_user_model):
    user = django_user_model.objects.create(username="bob")
    account = add_funds(user, "2.50")
    assert account.balance == Decimal("2.50")
    assert ledger_total(user) == Decimal("2.50")


@pytest.mark.parametrize("value", ["abc", "-1", "0", "NaN", "Infinity", "1.00001", ""])
def test_bad_amounts_say_what_is_wrong(value):
    with pytest.raises(ValueError):
        to_amount(value)


def test_good_amounts():
    assert to_amount("9.99") == Decimal("9.99") and to_amount(5) == Decimal("5")


def test_a_release_gives_back_with_or_without_the_account_it_names(api_user):
    from errorkit.billing.backends import ModelBalanceBackend, Reservation

    backend = ModelBalanceBackend()
    taken = backend.reserve(api_user, Decimal("1.00"), "first")
    assert taken.account_id == CreditAccount.objects.get(owner=api_user).pk
    backend.release(taken)
    assert balance_of(api_user) == Decimal("10.00")
    # A reservation made by another backend, with the owner only.
    backend.reserve(api_user, Decimal("2.00"), "second")
    backend.release(Reservation(api_user.pk, Decimal("2.00"), "second"))
    assert balance_of(api_user) == Decimal("10.00")
    assert ledger_total(api_user) == Decimal("10.00")
