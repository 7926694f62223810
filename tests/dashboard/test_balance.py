"""errorkit.dashboard.balance: a customer's spendable, held and settled
money, and their charges, top-ups and refunds, newest first, paged; nobody
else's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from errorkit.billing.backends import ModelBalanceBackend
from errorkit.billing.funds import add_funds
from errorkit.billing.models import LedgerEntry
from tests.users import make_user

pytestmark = pytest.mark.django_db

BALANCE = "/dashboard/balance/"


def charge(user, amount: str, request_id: str) -> None:
    backend = ModelBalanceBackend()
    hold = backend.hold(user, Decimal("1.00"), timeout=60, request_id=request_id)
    backend.post(hold, Decimal(amount))


def test_the_page_shows_the_money_and_the_charges_with_their_request_ids(
    customer, api_user
):
    charge(api_user, "0.25", "req-charged-1")
    backend = ModelBalanceBackend()
    backend.hold(api_user, Decimal("1.00"), timeout=60, request_id="req-running")
    voided = backend.hold(api_user, Decimal("1.00"), timeout=60, request_id="req-v")
    backend.void(voided)
    page = customer.get(BALANCE)
    assert page.status_code == 200
    html = page.content.decode()
    balance = page.context["balance"]
    assert (balance.spendable, balance.held, balance.settled) == (
        Decimal("8.75"),
        Decimal("1.00"),
        Decimal("9.75"),
    )
    assert "8.75" in html and "9.75" in html and "USD" in html
    lines = page.context["lines"]
    assert [(line.kind, line.amount, line.balance_after) for line in lines] == [
        ("charge", Decimal("-0.2500"), Decimal("9.7500")),
        ("top_up", Decimal("10.0000"), Decimal("10.0000")),
    ]
    assert "req-charged-1" in html
    assert 'href="/dashboard/balance/" aria-current="page"' in html
    # Holds and voids reserve and release: not money moves.
    assert "req-running" not in html and "req-v" not in html


def test_another_customers_money_is_not_shown(customer, api_user):
    bob = make_user("bob")
    add_funds(bob, "99.00", note="bobs top-up")
    charge(bob, "0.50", "req-bob")
    html = customer.get(BALANCE).content.decode()
    assert "req-bob" not in html and "99.00" not in html and "bobs top-up" not in html


def test_the_ledger_is_paged_newest_first(customer, api_user):
    for n in range(119):
        add_funds(api_user, "0.01", note=f"top-up {n}")
    assert LedgerEntry.objects.filter(account__owner=api_user).count() == 120
    first = customer.get(BALANCE)
    assert len(first.context["lines"]) == 50
    assert first.context["lines"][0].label == "top-up 118"
    assert 'href="?page=2"' in first.content.decode()
    third = customer.get(BALANCE, {"page": "3"})
    assert len(third.context["lines"]) == 20
    assert 'href="?page=4"' not in third.content.decode()
    assert customer.get(BALANCE, {"page": "4"}).status_code == 404


@pytest.mark.parametrize(
    "page", ["0", "-1", "abc", "1.5", "99999999999999999999", "\uff11", "2\x00"]
)
def test_a_page_number_that_is_not_one_is_404(customer, page):
    answer = customer.get(BALANCE, {"page": page})
    assert answer.status_code == 404


def test_a_customer_without_an_account_is_told_how_it_opens(client):
    newcomer = make_user("newcomer")
    client.force_login(newcomer)
    page = client.get(BALANCE)
    assert page.status_code == 200
    assert "first top-up opens it" in page.content.decode()


def test_without_an_app_for_money_the_section_is_gone(customer, monkeypatch):
    from errorkit import customers

    monkeypatch.setattr(customers.hooks, "funds", None)
    answer = customer.get(BALANCE)
    assert answer.status_code == 404 and "errorkit.billing" in answer.content.decode()
    keys = customer.get("/dashboard/keys/").content.decode()
    assert 'href="/dashboard/balance/"' not in keys


def test_the_page_is_for_the_signed_in_customer_only_and_never_framed(customer):
    anonymous = Client().get(BALANCE)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=")
    page = customer.get(BALANCE)
    assert page["X-Frame-Options"] == "DENY"
    assert "no-store" in page["Cache-Control"]
    assert customer.post(BALANCE).status_code == 405
