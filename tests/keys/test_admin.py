"""errorkit.keys.admin: the secret shown once, search, revoke."""

from __future__ import annotations

import pytest

from errorkit.keys.api_keys import create_key, find_key
from errorkit.keys.models import APIKey

pytestmark = pytest.mark.django_db


def test_creating_a_key_shows_the_secret_once(staff, api_user):
    response = staff.post(
        "/admin/errorkit_keys/apikey/add/",
        {"owner": api_user.pk, "name": "ci", "read_only": "on"},
        follow=True,
    )
    # Post, redirect, get: reloading the page shows no secret and makes no key.
    ((created_url, status),) = response.redirect_chain
    assert status == 302 and created_url.endswith("/created/")
    assert response.status_code == 200
    text = response.content.decode()
    secret = text.split('id="new-api-key"')[1].split(">", 1)[1].split("<", 1)[0]
    key = find_key(secret)
    assert key is not None and key.name == "ci" and key.read_only
    change = staff.get(f"/admin/errorkit_keys/apikey/{key.pk}/change/").content.decode()
    listing = staff.get("/admin/errorkit_keys/apikey/").content.decode()
    assert secret not in change and secret not in listing
    assert key.prefix in listing
    again = staff.get(created_url).content.decode()
    assert secret not in again and "shown once and cannot be shown again" in again
    assert APIKey.objects.count() == 1
    assert text.count("<h1>") == 1  # the title once, with its breadcrumbs
    assert 'class="breadcrumbs"' in text


def test_search_by_prefix_or_a_pasted_key(staff, api_user):
    key, secret = create_key(api_user, name="findme")
    create_key(api_user, name="other")
    for term in (key.prefix, secret):
        page = staff.get("/admin/errorkit_keys/apikey/", {"q": term}).content.decode()
        assert "findme" in page and "other" not in page


def test_revoke_action(staff, api_user):
    key, secret = create_key(api_user)
    staff.post(
        "/admin/errorkit_keys/apikey/",
        {"action": "revoke_keys", "_selected_action": [key.pk]},
    )
    assert APIKey.objects.get(pk=key.pk).revoked_at is not None
    assert find_key(secret) is None
