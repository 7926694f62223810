"""errorkit.admin: keys (secret once, revoke, search), accounts (add funds), ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from errorkit.api_keys import create_key, find_key
from errorkit.models import APIKey, CreditAccount, LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_creating_a_key_shows_the_secret_once(staff, api_user):
    response = staff.post(
        "/admin/errorkit/apikey/add/",
        {"owner": api_user.pk, "name": "ci", "read_only": "on"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    secret = text.split('id="new-api-key"')[1].split(">", 1)[1].split("<", 1)[0]
    key = find_key(secret)
    assert key is not None and key.name == "ci" and key.read_only
    change = staff.get(f"/admin/errorkit/apikey/{key.pk}/change/").content.decode()
    listing = staff.get("/admin/errorkit/apikey/").content.decode()
    assert secret not in change and secret not in listing
    assert key.prefix in listing


def test_search_by_prefix_or_a_pasted_key(staff, api_user):
    key, secret = create_key(api_user, name="findme")
    create_key(api_user, name="other")
    for term in (key.prefix, secret):
        page = staff.get("/admin/errorkit/apikey/", {"q": term}).content.decode()
        assert "findme" in page and "other" not in page


def test_revoke_action(staff, api_user):
    key, secret = create_key(api_user)
    staff.post(
        "/admin/errorkit/apikey/",
        {"action": "revoke_keys", "_selected_action": [key.pk]},
    )
    assert APIKey.objects.get(pk=key.pk).revoked_at is not None
    assert find_key(secret) is None


def test_add_funds_action(staff, api_user):
    account = CreditAccount.objects.get(owner=api_user)
    url = "/admin/errorkit/creditaccount/"
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
    assert staff.get("/admin/errorkit/ledgerentry/").status_code == 200
    assert staff.get("/admin/errorkit/ledgerentry/add/").status_code == 403
    assert (
        staff.post(f"/admin/errorkit/ledgerentry/{entry.pk}/delete/").status_code == 403
    )
