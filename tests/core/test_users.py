"""errorkit.users: a user named by the user model's USERNAME_FIELD, whatever
the model (tests.settings_email runs the apps with one that has no username)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from errorkit.users import (
    create_user,
    find_user,
    user_search_fields,
    username_field,
    username_label,
)
from tests.users import login_name, make_user

pytestmark = pytest.mark.django_db


def test_the_field_and_its_label_are_the_user_models():
    model = get_user_model()
    assert username_field() == model.USERNAME_FIELD
    assert username_label() == model._meta.get_field(model.USERNAME_FIELD).verbose_name


def test_search_fields_follow_a_relation_to_the_name_and_the_address():
    model = get_user_model()
    fields = {model.USERNAME_FIELD, model.get_email_field_name()}
    assert sorted(user_search_fields("account__owner")) == sorted(
        f"account__owner__{name}" for name in fields
    )


def test_find_user_by_name_and_no_one_by_another():
    alice = make_user("alice")
    assert find_user(login_name("alice")) == alice
    assert find_user(f"  {login_name('alice')} ") == alice
    assert find_user(login_name("nobody")) is None


def test_a_new_user_has_the_name_and_cannot_sign_in():
    user = create_user(login_name("carol"))
    assert user.get_username() == login_name("carol")
    assert not user.has_usable_password()


def test_a_name_the_model_refuses_is_a_validation_error():
    with pytest.raises(ValidationError, match="Enter a valid"):
        create_user("no such person")
    assert not get_user_model().objects.exists()


def test_a_model_that_needs_more_than_a_name_says_so(monkeypatch):
    # A project's REQUIRED_FIELDS naming a field with no default.
    monkeypatch.setattr(get_user_model(), "REQUIRED_FIELDS", ["password"])
    with pytest.raises(ValidationError, match="needs password too: create it first"):
        create_user(login_name("dora"))
    assert not get_user_model().objects.exists()
