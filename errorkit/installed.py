"""Refusing a feature of an optional app that is not installed, with a hint."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured


def require_app(app: str, feature: str) -> None:
    """Raise at import time unless ``app`` is in INSTALLED_APPS.

    Called first thing by the modules that define a feature on an optional
    app's tables, so that ``errorkit.require_balance`` without
    ``errorkit.billing`` says what to add rather than failing on a model.
    """
    if not apps.is_installed(app):
        raise ImproperlyConfigured(
            f"{feature} needs {app!r} in INSTALLED_APPS (after 'errorkit'): "
            "add it and run migrate."
        )
