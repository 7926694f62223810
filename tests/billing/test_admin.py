"""errorkit.billing.admin: add funds to accounts; the ledger is read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from errorkit.billing.models import CreditAccount, LedgerEntry

pytestmark = pytest.mark.django_db


def test_add_funds_action(staff, api_user):
    account = CreditAccount.objects.get(owner=api_user)
    url = "/admin/errorkit_billing/creditaccount/"
    form = staff.post(
        url, {"action": "add_funds_action", "_selected_action": [account.pk]}
    )
    assert b'name="amount"' in form.content
    staff.post(
        url,
        {
            "action": "add_funds_action",
            "_selected_action": [account.pk],
            "amount": "2.5",
        },
    )
    assert CreditAccount.objects.get(pk=account.pk).balance == Decimal("12.50")
    assert LedgerEntry.objects.filter(kind="top_up").count() == 2


def test_the_ledger_is_read_only_in_the_admin(staff, api_user):
    entry = LedgerEntry.objects.get()
    assert staff.get("/admin/errorkit_billing/ledgerentry/").status_code == 200
    assert staff.get("/admin/errorkit_billing/ledgerentry/add/").status_code == 403
    assert (
        staff.post(
            f"/admin/errorkit_billing/ledgerentry/{entry.pk}/delete/"
        ).status_code
        == 403
    )
