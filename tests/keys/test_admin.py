"""errorkit.keys.admin: the secret shown once, search, revoke."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from errorkit.keys.admin import APIKeyAdmin
from errorkit.keys.api_keys import create_key, find_key
from errorkit.keys.models import APIKey
from tests.users import make_superuser, make_user, username_of

pytestmark = pytest.mark.django_db


def shown_secret(html: str) -> str:
    """The secret on the page that shows a new key once."""
    return html.split('id="new-api-key"')[1].split(">", 1)[1].split("<", 1)[0]


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
    secret = shown_secret(text)
    key = find_key(secret)
    assert key is not None and key.name == "ci" and key.read_only
    assert f"for {username_of(api_user)}." in text
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


def test_search_by_the_owners_name_or_e_mail_address(staff, api_user):
    from django.contrib.auth import get_user_model

    create_key(api_user, name="alices")
    create_key(make_user("bob"), name="bobs")
    # The address too, when the user model keeps one beside the name.
    setattr(api_user, get_user_model().get_email_field_name(), "alice@shop.example")
    api_user.save()
    for term in (username_of(api_user), "alice@shop.example"):
        found = staff.get("/admin/errorkit_keys/apikey/", {"q": term}).context["cl"]
        assert [key.name for key in found.result_list] == ["alices"]


def test_two_staff_members_adding_keys_at_once_each_see_only_their_own_secret():
    # One admin instance serves every request, on every thread. Ann's request
    # saves its key, Ben's saves another, then Ann's answers, then Ben's:
    # an order two threads of a server can run them in.
    model_admin = APIKeyAdmin(APIKey, admin.site)
    sessions = {}
    for name in ("ann", "ben"):
        staff_member = make_superuser(name, "pw-123")
        client = Client()
        client.force_login(staff_member)
        request = RequestFactory().post("/admin/errorkit_keys/apikey/add/")
        request.user, request.session = staff_member, client.session
        key = APIKey(owner=make_user(f"{name}-customer"), name=name)
        sessions[name] = (client, request, key)
    for _, request, key in sessions.values():
        model_admin.save_model(request, key, None, False)
    pages = {}
    for name, (client, request, key) in sessions.items():
        redirect = model_admin.response_add(request, key)
        request.session.save()
        pages[name] = client.get(redirect["Location"]).content.decode()
    ann, ben = shown_secret(pages["ann"]), shown_secret(pages["ben"])
    assert find_key(ann).name == "ann" and find_key(ben).name == "ben"
    assert ben not in pages["ann"] and ann not in pages["ben"]
