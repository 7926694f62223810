"""errorkit.keys: the create_api_key command."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from errorkit.billing.models import CreditAccount
from errorkit.keys.api_keys import find_key
from errorkit.keys.management.commands.create_api_key import Command
from tests.helpers import run_command
from tests.users import login_name, make_user, username_of

pytestmark = pytest.mark.django_db


def users_named(name: str):
    model = get_user_model()
    return model.objects.filter(**{model.USERNAME_FIELD: name})


def test_create_api_key_prints_the_key_alone_on_the_last_line():
    output = run_command("create_api_key", login_name("carol"), "--balance", "5")
    secret = output.strip().splitlines()[-1]
    key = find_key(secret)
    assert key is not None and not key.read_only
    assert username_of(key.owner) == login_name("carol")
    assert CreditAccount.objects.get(owner=key.owner).balance == Decimal("5")


def test_create_api_key_read_only_for_an_existing_user():
    dave = make_user("dave")
    output = run_command("create_api_key", login_name("dave"), "--read-only")
    key = find_key(output.strip().splitlines()[-1])
    assert key.read_only and key.owner == dave
    assert "Created user" not in output


def test_a_user_named_by_an_e_mail_address():
    # An adopter's model signs in by e-mail and has no username field; with
    # Django's own, the address is a valid username. Either way: one user.
    output = run_command("create_api_key", "ann@shop.example", "--balance", "10")
    assert "Created user 'ann@shop.example'." in output
    key = find_key(output.strip().splitlines()[-1])
    assert username_of(key.owner) == "ann@shop.example"
    assert CreditAccount.objects.get(owner=key.owner).balance == Decimal("10")
    again = run_command("create_api_key", "ann@shop.example")
    assert find_key(again.strip().splitlines()[-1]).owner == key.owner
    assert users_named("ann@shop.example").count() == 1


def test_a_name_the_user_model_refuses_is_a_clear_error():
    # Neither a username (a space) nor an e-mail address (no @).
    with pytest.raises(
        CommandError, match=r"^USERNAME \(the user.s .+\): Enter a valid"
    ):
        run_command("create_api_key", "no such person", "--balance", "5")
    assert not users_named("no such person").exists()
    assert not CreditAccount.objects.exists()


def test_the_help_names_the_user_models_field():
    model = get_user_model()
    text = Command().create_parser("manage.py", "create_api_key").format_help()
    assert f"USERNAME_FIELD, {model.USERNAME_FIELD})" in " ".join(text.split())


@pytest.mark.parametrize("amount", ["ten", "-5", "0", "1.23456"])
def test_create_api_key_rejects_bad_amounts_without_creating_anything(amount):
    with pytest.raises(CommandError, match="--balance"):
        run_command("create_api_key", login_name("erin"), "--balance", amount)
    assert not users_named(login_name("erin")).exists()


def test_a_balance_with_billing_installed_but_not_ready_is_a_clear_error(
    monkeypatch,
):
    from errorkit import customers

    monkeypatch.setattr(customers.hooks, "funds", None)
    with pytest.raises(CommandError, match="errorkit.billing is installed but not"):
        run_command("create_api_key", login_name("erin"), "--balance", "5")
    assert not users_named(login_name("erin")).exists()
