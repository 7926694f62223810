"""demo_project's commands."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_setup_creates_a_staff_admin_and_prints_how_to_use_it(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "pw-123")
    monkeypatch.setenv("DEMO_CUSTOMER_PASSWORD", "cu-456")
    out = StringIO()
    call_command("demo_setup", "--host", "127.0.0.1:9000", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.check_password("pw-123")
    customer = get_user_model().objects.get(username="customer")
    assert not customer.is_staff and customer.check_password("cu-456")
    text = out.getvalue()
    assert "http://127.0.0.1:9000/admin/" in text and "'pw-123'" in text
    assert "http://127.0.0.1:9000/dashboard/" in text and "'cu-456'" in text
    assert "curl -i http://127.0.0.1:9000/v1/models" in text
    from errorkit.keys.api_keys import find_key

    secret = text.split("API key:")[1].split()[0]
    assert find_key(secret).owner == customer
    assert f"Authorization: Bearer {secret}" in text
    from errorkit.incidents.models import Incident

    assert dict(Incident.objects.values_list("error_code", "count")) == {
        "internal_error": 3,
        "bad_gateway": 2,
        "service_unavailable": 1,
    }


def test_the_customer_signs_in_and_finds_the_demo_key_on_the_dashboard(
    monkeypatch, client
):
    monkeypatch.setenv("DEMO_CUSTOMER_PASSWORD", "cu-456")
    out = StringIO()
    call_command("demo_setup", stdout=out)
    secret = out.getvalue().split("API key:")[1].split()[0]
    login = client.get("/dashboard/")
    assert login.status_code == 302 and login["Location"].startswith("/accounts/login/")
    assert client.get(login["Location"]).status_code == 200
    signed_in = client.post(
        "/accounts/login/", {"username": "customer", "password": "cu-456"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/dashboard/"
    page = client.get("/dashboard/keys/").content.decode()
    assert secret[:11] in page and secret not in page
    # A wrong password signs nobody in.
    other = type(client)()
    refused = other.post(
        "/accounts/login/", {"username": "customer", "password": "wrong"}
    )
    assert refused.status_code == 200
    assert other.get("/dashboard/keys/").status_code == 302


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


@pytest.mark.django_db(transaction=True)
def test_every_printed_curl_line_answers_its_status(live_server, monkeypatch):
    import re
    import subprocess

    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "pw")
    out = StringIO()
    host = live_server.url.removeprefix("http://")
    call_command("demo_setup", "--host", host, stdout=out)
    lines = out.getvalue().splitlines()
    examples = [
        (int(line.split()[1]), lines[n + 1].strip())
        for n, line in enumerate(lines)
        if line.startswith("  # ")
    ]
    assert {status for status, _ in examples} >= {
        200,
        201,
        400,
        401,
        402,
        403,
        404,
        405,
        406,
        409,
        413,
        415,
        422,
        429,
        500,
        502,
        503,
    }
    for status, command in examples:
        done = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, timeout=120
        )
        answered = re.findall(r"^HTTP/[\d.]+ (\d{3})", done.stdout, re.M)
        assert answered and int(answered[-1]) == status, (command, done.stdout[:500])
