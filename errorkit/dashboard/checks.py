"""errorkit.dashboard's system checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..checks import settings_are_a_dict

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


# What every top-up backend has (errorkit.dashboard.topups.TopUpBackend).
BACKEND_MEMBERS = ("method", "notice", "refuses", "start")


def _top_up_problems() -> list[str]:
    """What is wrong with the top-up settings, each as a sentence."""
    from decimal import Decimal, InvalidOperation

    from ..conf import errorkit_settings
    from .stripe_checkout import StripeCheckoutTopUp

    problems = []
    try:
        backend = errorkit_settings.TOP_UP_BACKEND
    except ImportError as exc:
        return [str(exc)]
    missing = [name for name in BACKEND_MEMBERS if not hasattr(backend, name)]
    if not callable(backend) or missing:
        problems.append(
            _(
                "ERRORKIT['TOP_UP_BACKEND'] is %(value)r, not a top-up backend "
                "class: it needs %(missing)s."
            )
            % {"value": backend, "missing": ", ".join(missing or BACKEND_MEMBERS)}
        )
    method = getattr(backend, "method", "")
    if not missing and not (isinstance(method, str) and 0 < len(method) <= 20):
        problems.append(
            _(
                "The top-up backend's method is %(method)r: it must be a short "
                "name of 1 to 20 characters (it is stored on each top-up)."
            )
            % {"method": method}
        )
    try:
        least = Decimal(str(errorkit_settings.TOP_UP_MIN))
        most = Decimal(str(errorkit_settings.TOP_UP_MAX))
        if not (least.is_finite() and most.is_finite() and 0 < least <= most):
            raise InvalidOperation
    except InvalidOperation:
        problems.append(
            _(
                "ERRORKIT['TOP_UP_MIN'] and ['TOP_UP_MAX'] must be amounts, the "
                "first above 0 and not above the second (they are %(least)r and "
                "%(most)r)."
            )
            % {
                "least": errorkit_settings.TOP_UP_MIN,
                "most": errorkit_settings.TOP_UP_MAX,
            }
        )
    if isinstance(backend, type) and issubclass(backend, StripeCheckoutTopUp):
        try:
            import stripe  # noqa: F401
        except ImportError:
            problems.append(
                _(
                    "StripeCheckoutTopUp needs the stripe library: "
                    "pip install errorkit[stripe]."
                )
            )
        for name in ("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET"):
            if not getattr(errorkit_settings, name):
                problems.append(
                    _("StripeCheckoutTopUp needs ERRORKIT['%(name)s'].")
                    % {"name": name}
                )
    return problems


@register(Tags.compatibility)
def check_top_ups(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings_are_a_dict():
        return []  # errorkit.E002 says so
    return [
        Error(
            problem,
            hint=_(
                "See the dashboard's settings in the README: TOP_UP_BACKEND names "
                "a class such as errorkit.dashboard.topups.ManualTopUp; the Stripe "
                "keys come from the Stripe dashboard (Developers, API keys and "
                "Webhooks), best read from the environment."
            ),
            id="errorkit.E015",
        )
        for problem in _top_up_problems()
    ]
