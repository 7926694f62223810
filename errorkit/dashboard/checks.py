"""errorkit.dashboard's system checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What the dashboard's pages stand on, and what each is for.
NEEDED_MIDDLEWARE = {
    "django.contrib.sessions.middleware.SessionMiddleware": gettext_lazy(
        "a new key's secret waits in the customer's session until it is shown"
    ),
    "django.middleware.csrf.CsrfViewMiddleware": gettext_lazy(
        "every change (create, rename, revoke) is a POST with a CSRF token"
    ),
    "django.contrib.auth.middleware.AuthenticationMiddleware": gettext_lazy(
        "every page is for the signed-in customer"
    ),
    "django.contrib.messages.middleware.MessageMiddleware": gettext_lazy(
        "a change is confirmed with a message"
    ),
}


def _installed(wanted: str, middleware: list[str]) -> bool:
    """``wanted`` or a subclass of it is in ``middleware``."""
    cls = import_string(wanted)
    for path in middleware:
        try:
            found = import_string(path)
        except ImportError:
            continue  # Django's own check reports it
        if isinstance(found, type) and issubclass(found, cls):
            return True
    return False


@register(Tags.compatibility)
def check_dashboard_middleware(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    return [
        Error(
            _("errorkit.dashboard needs %(middleware)s in MIDDLEWARE: %(why)s.")
            % {"middleware": path, "why": why},
            hint=_(
                "Add it as Django's startproject settings have it, or remove "
                "errorkit.dashboard from INSTALLED_APPS."
            ),
            id="errorkit.E014",
        )
        for path, why in NEEDED_MIDDLEWARE.items()
        if not _installed(path, middleware)
    ]
