"""The project's user model, whichever it is: errorkit names a user by the
model's ``USERNAME_FIELD`` (a username, an e-mail address...), never by a
field called ``username``, in its commands and its admins' searches."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _


def username_field() -> str:
    """The name of the field users sign in with: ``USERNAME_FIELD``."""
    return str(get_user_model().USERNAME_FIELD)


def username_label() -> str:
    """What the project calls that field ("username", "email address"...)."""
    return str(_name_field(get_user_model()).verbose_name)


def user_argument_help() -> str:
    """A command's help for its user argument, naming the field it matches."""
    return _("the user's %(label)s (the user model's USERNAME_FIELD, %(field)s)") % {
        "label": username_label(),
        "field": username_field(),
    }


def user_search_fields(path: str) -> list[str]:
    """Admin search fields that find a user through ``path`` (``"owner"``,
    ``"account__owner"``): by ``USERNAME_FIELD``, and by ``EMAIL_FIELD`` when
    the model has that field too."""
    model = get_user_model()
    names = [model.USERNAME_FIELD]
    email = model.get_email_field_name()
    if email not in names and _has_field(model, email):
        names.append(email)
    return [f"{path}__{name}" for name in names]


def normalize_name(name: str) -> str:
    """A name as the user model stores it: what ``create_user`` and the
    model's ``clean`` make of it (NFKC; an e-mail domain in lower case)."""
    model = get_user_model()
    name = model.normalize_username(name.strip())
    if _is_email(model):
        name = BaseUserManager.normalize_email(name)
    return str(name)


def find_user(name: str) -> Any | None:
    """The user named ``name`` (its ``USERNAME_FIELD``), or None."""
    model = get_user_model()
    try:
        # The manager's own lookup: the one the login form uses, so a model
        # that matches case-insensitively does here too.
        return model._default_manager.get_by_natural_key(normalize_name(name))
    except model.DoesNotExist:
        return None


def create_user(name: str) -> Any:
    """A new user named ``name``, who cannot sign in (no usable password).

    Raises ValidationError when the model would refuse the name (a malformed
    e-mail address, a username too long...) or needs more than a name."""
    model = get_user_model()
    name = normalize_name(name)
    _name_field(model).clean(name, None)
    needed = [
        required
        for required in model.REQUIRED_FIELDS
        if _needs_a_value(model._meta.get_field(required))
    ]
    if needed:
        raise ValidationError(
            _(
                "A new user needs %(fields)s too: create it first (the admin, "
                "createsuperuser or the project's own sign-up)."
            )
            % {"fields": ", ".join(needed)}
        )
    manager = model._default_manager
    values = {model.USERNAME_FIELD: name}
    if hasattr(manager, "create_user"):  # the manager's own defaults
        return manager.create_user(**values)
    user = model(**values)
    user.set_unusable_password()
    user.save()
    return user


def _has_field(model: Any, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _name_field(model: Any) -> models.Field:
    # A concrete field: Django's system checks refuse any other USERNAME_FIELD.
    return cast(models.Field, model._meta.get_field(model.USERNAME_FIELD))


def _is_email(model: Any) -> bool:
    return isinstance(_name_field(model), models.EmailField)


def _needs_a_value(field: Any) -> bool:
    # A required field that creating a user without it would leave empty.
    return not (field.blank or field.null or field.has_default())
