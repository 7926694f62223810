"""demo_project's commands."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_setup_creates_a_staff_admin_and_prints_how_to_use_it(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "pw-123")
    out = StringIO()
    call_command("demo_setup", "--host", "127.0.0.1:9000", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password("pw-123")
    text = out.getvalue()
    assert "http://127.0.0.1:9000/admin/" in text and "'pw-123'" in text
    assert "curl -i http://127.0.0.1:9000/v1/models" in text
    from errorkit.keys.api_keys import find_key

    secret = text.split("API key:")[1].split()[0]
    assert find_key(secret).owner == admin
    assert f"Authorization: Bearer {secret}" in text
    from errorkit.incidents.models import Incident

    assert dict(Incident.objects.values_list("error_code", "count")) == {
        "internal_error": 3,
        "bad_gateway": 2,
        "service_unavailable": 1,
    }


def test_demo_setup_twice_resets_the_password(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "first")
    call_command("demo_setup", stdout=StringIO())
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "second")
    call_command("demo_setup", stdout=StringIO())
    assert get_user_model().objects.get(username="admin").check_password("second")


@pytest.mark.parametrize(
    "args", [("add_funds", "alice", "10000000000"), ("add_funds", "alice", "1.00001")]
)
def test_an_amount_the_ledger_cannot_hold_is_refused(args, api_user):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command(*args, stdout=StringIO())
    from errorkit.billing.funds import funds_of

    assert funds_of(api_user).balance == 10
