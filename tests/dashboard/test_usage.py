"""errorkit.dashboard.usage: a customer's spend and paid calls per day for
30 days, from the ledger's charges (exact, nobody else's), drawn and as a
table; and the rate limits counted per caller, read from the URLconf."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from errorkit.billing.backends import ModelBalanceBackend
from errorkit.billing.funds import add_funds
from errorkit.billing.models import LedgerEntry
from tests.users import make_user

pytestmark = pytest.mark.django_db

USAGE = "/dashboard/usage/"


def charge(user, amount: str, days_ago: int = 0) -> None:
    backend = ModelBalanceBackend()
    hold = backend.hold(user, Decimal("1.00"), timeout=60, request_id="req-usage")
    backend.post(hold, Decimal(amount))
    if days_ago:
        entry = LedgerEntry.objects.filter(account__owner=user, kind="post").latest(
            "id"
        )
        LedgerEntry.objects.filter(pk=entry.pk).update(
            created=timezone.now() - timedelta(days=days_ago)
        )


def rows(html: str) -> dict[str, tuple[str, str]]:
    """The day table: day -> (calls, spend)."""
    table = html.split('id="usage-caption"')[1].split("</table>")[0]
    found = re.findall(
        r"<tr><td>([^<]+)</td><td class=\"number\">(\d+)</td>"
        r"<td class=\"number\">([^<]+)</td></tr>",
        table,
    )
    return {day: (calls, spend) for day, calls, spend in found}


def test_spend_and_calls_per_day_are_exact_and_only_hers(customer, api_user):
    charge(api_user, "0.25")
    charge(api_user, "0.50")
    charge(api_user, "1.00", days_ago=3)
    charge(api_user, "0.75", days_ago=40)  # outside the 30 days
    bob = make_user("bob")
    add_funds(bob, "50")
    charge(bob, "0.99")
    html = customer.get(USAGE).content.decode()
    table = rows(html)
    assert len(table) == 30
    today = timezone.localdate()
    short = today.strftime("%m/%d/%Y")
    three_ago = (today - timedelta(days=3)).strftime("%m/%d/%Y")
    assert table[short] == ("2", "0.7500")
    assert table[three_ago] == ("1", "1.0000")
    assert "1.7500 USD" in html  # the 30 days' total, without the 40th day's
    assert "0.99" not in html
    assert html.count("<rect ") == 2  # a bar per day with spend


def test_a_customer_without_charges_sees_zeros(customer):
    html = customer.get(USAGE).content.decode()
    assert set(rows(html).values()) == {("0", "0")}
    assert "<rect " not in html


def test_the_rate_limits_counted_per_caller_are_listed(customer):
    html = customer.get(USAGE).content.decode()
    # tests.testapp's paced notes: 3 per 5 s per API key; the limits counted
    # per IP address or per header are not a key's.
    assert "POST /v1/paced-notes" in html and "3 requests per 5 s" in html
    assert "/v1/limited/plain" not in html and "/v1/limited/tenant" not in html
