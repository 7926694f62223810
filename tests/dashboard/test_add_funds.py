"""errorkit.dashboard.add_funds and topups: "Add funds" records what the
customer asked and hands it to the configured backend; the manual backend's
requests wait for staff, who approve or decline them in the admin (the
ledger and the admin's history name who); the demo backend credits at once
and says so. Every amount a person can type gets a sentence, not a 5xx."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client, override_settings

from errorkit.billing.amounts import LARGEST
from errorkit.billing.funds import add_funds, funds_of
from errorkit.billing.models import LedgerEntry
from errorkit.dashboard import topups
from errorkit.dashboard.models import TopUp
from tests.helpers import assert_ledger_adds_up
from tests.users import make_user

pytestmark = pytest.mark.django_db

ADD = "/dashboard/balance/add/"
BALANCE = "/dashboard/balance/"
TOP_UPS = "/admin/errorkit_dashboard/topup/"
DEMO = override_settings(
    ERRORKIT={"TOP_UP_BACKEND": "errorkit.dashboard.topups.DemoTopUp"}
)


def test_the_balance_page_offers_add_funds(customer):
    html = customer.get(BALANCE).content.decode()
    assert f'href="{ADD}"' in html and "Add funds" in html


def test_a_manual_request_waits_for_staff_and_adds_nothing(customer, api_user):
    page = customer.get(ADD)
    assert page.status_code == 200
    assert "approve" in page.content.decode()
    answer = customer.post(ADD, {"amount": "25.50"})
    assert answer.status_code == 302 and answer["Location"] == BALANCE
    top_up = TopUp.objects.get(owner=api_user)
    assert (top_up.method, top_up.status, top_up.amount, top_up.currency) == (
        "manual",
        "pending",
        Decimal("25.50"),
        "USD",
    )
    assert funds_of(api_user).balance == Decimal("10.00")
    html = customer.get(BALANCE).content.decode()
    assert "waiting for staff approval" in html and "25.50 USD" in html


def test_staff_approve_a_request_once_and_the_ledger_names_them(
    customer, api_user, staff, admin_user
):
    customer.post(ADD, {"amount": "25.50"})
    top_up = TopUp.objects.get(owner=api_user)
    for _ in range(2):
        answer = staff.post(
            TOP_UPS, {"action": "approve", "_selected_action": [top_up.pk]}
        )
        assert answer.status_code == 302
    assert funds_of(api_user).balance == Decimal("35.50")
    entry = LedgerEntry.objects.get(account__owner=api_user, reference=top_up.reference)
    assert entry.created_by == admin_user
    assert admin_user.get_username() in entry.note
    top_up.refresh_from_db()
    assert (top_up.status, top_up.decided_by) == ("credited", admin_user)
    # The admin's history: the approval on the top-up, the top-up on the
    # customer's credit account, each once and as the staff member's.
    logged = LogEntry.objects.filter(user=admin_user)
    assert sorted(e.content_type.model for e in logged) == ["creditaccount", "topup"]
    assert_ledger_adds_up(api_user)
    # The customer reads who approved it beside the top-up.
    assert admin_user.get_username() in customer.get(BALANCE).content.decode()


def test_staff_decline_a_request_and_nothing_is_added(customer, api_user, staff):
    customer.post(ADD, {"amount": "25.50"})
    top_up = TopUp.objects.get(owner=api_user)
    staff.post(TOP_UPS, {"action": "decline", "_selected_action": [top_up.pk]})
    staff.post(TOP_UPS, {"action": "approve", "_selected_action": [top_up.pk]})
    top_up.refresh_from_db()
    assert top_up.status == "declined"
    assert funds_of(api_user).balance == Decimal("10.00")
    assert "declined" in customer.get(BALANCE).content.decode()


class Unreachable:
    """A project's own backend whose payment provider is down."""

    method = "unreachable"
    notice = "Paid elsewhere."

    def refuses(self, amount, currency):
        return None

    def start(self, request, top_up):
        raise topups.PaymentUnavailable


@override_settings(
    ERRORKIT={"TOP_UP_BACKEND": "tests.dashboard.test_add_funds.Unreachable"}
)
def test_a_payment_that_cannot_start_is_a_502_and_leaves_no_top_up_waiting(
    customer, api_user
):
    answer = customer.post(ADD, {"amount": "25"})
    assert answer.status_code == 502
    assert "nothing was charged" in answer.content.decode()
    assert TopUp.objects.get(owner=api_user).status == "failed"
    assert "not completed" in customer.get(BALANCE).content.decode()


def test_a_top_up_ends_only_declined_refused_or_failed(api_user):
    top_up = TopUp.objects.create(
        owner=api_user, method="manual", amount=Decimal("5"), currency="USD"
    )
    for status in ("credited", "pending", "bogus"):
        with pytest.raises(ValueError, match="ends declined, refused or failed"):
            topups.close(top_up.pk, status, "no")
    top_up.refresh_from_db()
    assert top_up.status == "pending"


def test_staff_decline_a_card_payment_that_never_came(api_user, staff):
    top_up = TopUp.objects.create(
        owner=api_user, method="stripe", amount=Decimal("20"), currency="USD"
    )
    staff.post(TOP_UPS, {"action": "decline", "_selected_action": [top_up.pk]})
    top_up.refresh_from_db()
    assert top_up.status == "declined"


def test_staff_cannot_approve_a_card_payment_by_hand(api_user, staff):
    top_up = TopUp.objects.create(
        owner=api_user, method="stripe", amount=Decimal("20"), currency="USD"
    )
    answer = staff.post(
        TOP_UPS, {"action": "approve", "_selected_action": [top_up.pk]}, follow=True
    )
    assert "Only pending manual requests can be approved" in answer.content.decode()
    top_up.refresh_from_db()
    assert top_up.status == "pending"
    assert funds_of(api_user).balance == Decimal("10.00")


def test_the_top_up_list_and_page_open_for_staff(customer, api_user, staff):
    customer.post(ADD, {"amount": "25.50"})
    top_up = TopUp.objects.get(owner=api_user)
    assert staff.get(TOP_UPS).status_code == 200
    assert staff.get(f"{TOP_UPS}?q={api_user.get_username()}").status_code == 200
    assert staff.get(f"{TOP_UPS}{top_up.pk}/change/").status_code == 200


@DEMO
def test_the_demo_backend_adds_at_once_and_says_it_is_a_demo(customer, api_user):
    assert "This is a demo" in customer.get(ADD).content.decode()
    answer = customer.post(ADD, {"amount": "40"}, follow=True)
    html = answer.content.decode()
    assert answer.status_code == 200 and "Demo: 40.00 USD added, nothing paid." in html
    assert funds_of(api_user).balance == Decimal("50.00")
    assert TopUp.objects.get(owner=api_user).status == "credited"
    # Reloading the balance page after the redirect adds nothing more.
    customer.get(BALANCE)
    assert funds_of(api_user).balance == Decimal("50.00")
    assert_ledger_adds_up(api_user)


@pytest.mark.parametrize(
    "amount, says",
    [
        ("", "This field is required"),
        ("abc", "Write an amount"),
        ("25,50", "Write an amount"),
        ("NaN", "Write an amount"),
        ("Infinity", "Write an amount"),
        ("1e400", "Add from 5.00 to 5000.00"),
        ("\x00", "Null characters are not allowed"),
        ("0", "Write an amount"),
        ("-5", "Write an amount"),
        ("4.99", "Add from 5.00 to 5000.00"),
        ("5000.01", "Add from 5.00 to 5000.00"),
        ("9" * 39, "Add from 5.00 to 5000.00"),
        ("10.00001", "Write an amount"),
        ("x" * 41, "at most 40 characters"),
        ("5_000", "Write an amount"),
        ("١٠", "Write an amount"),
        ("１０", "Write an amount"),
        ("1e1", "Write an amount"),
        (".5", "Write an amount"),
    ],
)
def test_every_bad_amount_gets_a_sentence_and_records_nothing(
    customer, api_user, amount, says
):
    answer = customer.post(ADD, {"amount": amount})
    assert answer.status_code == 400
    assert says in answer.content.decode()
    assert not TopUp.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"amount=%ED%A0%80", b"amount=%FF", b"amount=%00", b"amount=1%0A0"],
    ids=["lone-surrogate", "not-utf8", "nul", "newline"],
)
def test_an_amount_no_browser_sends_is_a_400(customer, body):
    form = "application/x-www-form-urlencoded"
    answer = customer.post(ADD, body, content_type=form)
    assert answer.status_code == 400
    assert not TopUp.objects.exists()


def test_a_list_or_missing_field_is_a_400_not_a_500(customer):
    assert customer.post(ADD, {"amount": ["5", "6"]}).status_code in (302, 400)
    assert customer.post(ADD, {}).status_code == 400
    assert customer.post(ADD, b"\xff\xfe", content_type="text/plain").status_code == 400


@override_settings(ERRORKIT={"DASHBOARD_TOP_UP_RATE": "2/h"})
def test_asking_many_times_is_limited(customer, api_user):
    assert [customer.post(ADD, {"amount": "5"}).status_code for _ in range(3)] == [
        302,
        302,
        429,
    ]
    assert TopUp.objects.filter(owner=api_user).count() == 2


def test_a_customer_without_an_account_gets_one_with_the_first_top_up(staff):
    newcomer = make_user("newcomer")
    client = Client()
    client.force_login(newcomer)
    client.post(ADD, {"amount": "5"})
    top_up = TopUp.objects.get(owner=newcomer)
    assert top_up.currency == "USD"
    staff.post(TOP_UPS, {"action": "approve", "_selected_action": [top_up.pk]})
    assert funds_of(newcomer).balance == Decimal("5.00")


def test_credit_runs_once_even_when_asked_again_for_a_credited_top_up(api_user):
    top_up = TopUp.objects.create(
        owner=api_user, method="manual", amount=Decimal("5"), currency="USD"
    )
    assert topups.credit(top_up.pk, note="one")[1] is True
    assert topups.credit(top_up.pk, note="two")[1] is False
    assert funds_of(api_user).balance == Decimal("15.00")
    assert_ledger_adds_up(api_user)


def test_a_top_up_in_another_currency_than_the_balance_is_refused(api_user):
    top_up = TopUp.objects.create(
        owner=api_user, method="manual", amount=Decimal("5"), currency="EUR"
    )
    top_up, added = topups.credit(top_up.pk, note="wrong currency")
    assert added is False
    top_up.refresh_from_db()
    assert (top_up.status, top_up.reason) == (
        "refused",
        "The balance is kept in USD, not EUR.",
    )
    assert funds_of(api_user).balance == Decimal("10.00")


def test_staff_are_told_when_a_balance_cannot_take_a_request(customer, api_user, staff):
    add_funds(api_user, LARGEST - Decimal("20"))
    customer.post(ADD, {"amount": "25"})
    top_up = TopUp.objects.get(owner=api_user)
    answer = staff.post(
        TOP_UPS, {"action": "approve", "_selected_action": [top_up.pk]}, follow=True
    )
    assert f"Top-up #{top_up.pk} was not added" in answer.content.decode()
    top_up.refresh_from_db()
    assert top_up.status == "refused"
    assert_ledger_adds_up(api_user)


@DEMO
def test_the_demo_says_when_the_balance_cannot_take_it(customer, api_user):
    add_funds(api_user, LARGEST - Decimal("20"))
    answer = customer.post(ADD, {"amount": "25"}, follow=True)
    assert "Your balance cannot take this amount." in answer.content.decode()
    assert_ledger_adds_up(api_user)
