"""Test users, whatever the user model: a user called "alice" is named by the
model's USERNAME_FIELD, ``alice`` or, when that field is an e-mail address
(tests.settings_email), ``alice@example.com``, as pytest-django's
``admin_user`` is ``admin`` or ``admin@example.com``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models


def login_name(name: str) -> str:
    """What the user called ``name`` signs in with: its USERNAME_FIELD."""
    model = get_user_model()
    field = model._meta.get_field(model.USERNAME_FIELD)
    return f"{name}@example.com" if isinstance(field, models.EmailField) else name


def make_user(name: str, password: str | None = None, **extra: Any) -> Any:
    """A new user called ``name`` (no usable password unless given one)."""
    model = get_user_model()
    return model._default_manager.create_user(
        **{model.USERNAME_FIELD: login_name(name)}, password=password, **extra
    )


def make_superuser(name: str, password: str) -> Any:
    """A new superuser called ``name``, who signs in with ``password``."""
    return make_user(name, password, is_staff=True, is_superuser=True)


def username_of(user: Any) -> str:
    """What errorkit names the user by: its USERNAME_FIELD's value."""
    return str(user.get_username())
