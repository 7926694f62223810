"""System checks that explain a misconfiguration and how to fix it."""

from __future__ import annotations

import difflib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.translation import gettext as _

from .conf import OPTIONAL_APP_PREFIXES, SETTINGS_NAME, errorkit_settings, owning_app

HANDLER_PATH = "errorkit.handlers.exception_handler"
MIDDLEWARE_PATH = "errorkit.middleware.ErrorkitMiddleware"

# Middleware that may answer a request on its own, before the view: errorkit's
# must wrap them so that their answers carry X-Request-ID and JSON errors.
EARLY_ANSWERING_MIDDLEWARE = (
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.locale.LocaleMiddleware",
)


def settings_are_a_dict() -> bool:
    """ERRORKIT is absent or a dict; anything else only check_settings reports."""
    return isinstance(getattr(settings, SETTINGS_NAME, None) or {}, dict)


@register(Tags.compatibility)
def check_exception_handler(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    handler = getattr(settings, "REST_FRAMEWORK", {}).get("EXCEPTION_HANDLER")
    if handler == HANDLER_PATH:
        return []
    return [
        Warning(
            _(
                "REST_FRAMEWORK['EXCEPTION_HANDLER'] is %(handler)r, not "
                "errorkit's: DRF views will answer DRF's own error bodies, not "
                "errorkit's."
            )
            % {"handler": handler},
            hint=_(
                "Set REST_FRAMEWORK['EXCEPTION_HANDLER'] = %(path)r. If your "
                "handler wraps errorkit's on purpose, silence errorkit.W001."
            )
            % {"path": HANDLER_PATH},
            id="errorkit.W001",
        )
    ]


@register(Tags.compatibility)
def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    if MIDDLEWARE_PATH not in middleware:
        return [
            Warning(
                _(
                    "%(middleware)s is not in MIDDLEWARE: responses carry no "
                    "X-Request-ID, and errors outside DRF views (unknown URLs, "
                    "CSRF failures, plain Django views) answer HTML."
                )
                % {"middleware": MIDDLEWARE_PATH},
                hint=_("Add %(middleware)r near the top of MIDDLEWARE.")
                % {"middleware": MIDDLEWARE_PATH},
                id="errorkit.W002",
            )
        ]
    position = middleware.index(MIDDLEWARE_PATH)
    before = [m for m in middleware[:position] if m in EARLY_ANSWERING_MIDDLEWARE]
    if not before:
        return []
    return [
        Warning(
            _(
                "%(middleware)s comes after %(before)s: what those answer on "
                "their own gets no X-Request-ID and no JSON error body."
            )
            % {"middleware": MIDDLEWARE_PATH, "before": ", ".join(before)},
            hint=_("Move %(middleware)r above %(first)r in MIDDLEWARE.")
            % {"middleware": MIDDLEWARE_PATH, "first": before[0]},
            id="errorkit.W003",
        )
    ]


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not settings_are_a_dict():
        user_settings = getattr(settings, SETTINGS_NAME)
        return [
            Error(
                _("%(name)s must be a dict, not %(type)s.")
                % {"name": SETTINGS_NAME, "type": type(user_settings).__name__},
                hint=_("Write %(name)s = {...} with keys from errorkit's docs.")
                % {"name": SETTINGS_NAME},
                id="errorkit.E002",
            )
        ]
    known = errorkit_settings.known_keys()
    for key in errorkit_settings.unknown_keys():
        app = owning_app(key)
        close = difflib.get_close_matches(key, known, n=1)
        if app is not None and not apps.is_installed(app):
            hint = _(
                "%(key)s is a setting of %(app)s: add %(app)r to INSTALLED_APPS, "
                "or remove the key."
            ) % {"key": key, "app": app}
        elif close:
            hint = _("Did you mean %(key)r?") % {"key": close[0]}
        else:
            hint = _("Known keys: %(keys)s.") % {"keys": ", ".join(sorted(known))}
        messages.append(
            Error(
                _("Unknown key %(key)r in %(name)s: it has no effect.")
                % {"key": key, "name": SETTINGS_NAME},
                hint=hint,
                id="errorkit.E001",
            )
        )
    prefixes = errorkit_settings.API_PATH_PREFIXES
    if isinstance(prefixes, str) or not all(
        isinstance(p, str) and p.startswith("/") for p in prefixes
    ):
        messages.append(
            Error(
                _(
                    "%(name)s['API_PATH_PREFIXES'] must be a list of paths "
                    "starting with '/', not %(value)r."
                )
                % {"name": SETTINGS_NAME, "value": prefixes},
                hint=_('For example ["/v1/", "/api/"].'),
                id="errorkit.E003",
            )
        )
    return messages


# Dotted paths into an optional app, where settings name its classes.
_OPTIONAL_APPS = tuple(sorted(set(OPTIONAL_APP_PREFIXES.values())))


def _dotted_paths(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, dict):
        return [p for v in value.values() for p in _dotted_paths(v)]
    return []


@register(Tags.compatibility)
def check_optional_apps_named(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """Settings that name a class of an optional app that is not installed."""
    sources = {"REST_FRAMEWORK": getattr(settings, "REST_FRAMEWORK", None) or {}}
    if settings_are_a_dict():
        sources[SETTINGS_NAME] = errorkit_settings.user_settings
    messages: list[CheckMessage] = []
    for setting, value in sources.items():
        for path in _dotted_paths(value):
            app = next((a for a in _OPTIONAL_APPS if path.startswith(a + ".")), None)
            if app is None or apps.is_installed(app):
                continue
            messages.append(
                Error(
                    _(
                        "%(setting)s names %(path)r, but %(app)s is not in "
                        "INSTALLED_APPS: its models, settings and checks are not "
                        "loaded."
                    )
                    % {"setting": setting, "path": path, "app": app},
                    hint=_("Add %(app)r to INSTALLED_APPS (after 'errorkit').")
                    % {"app": app},
                    id="errorkit.E008",
                )
            )
    return messages


def one_of(
    name: str, choices: tuple[str, ...], hint: str, id: str
) -> list[CheckMessage]:
    """An error unless ``ERRORKIT[name]`` is one of ``choices``."""
    value = getattr(errorkit_settings, name)
    if value in choices:
        return []
    message = _("%(settings)s[%(name)r] is %(value)r.") % {
        "settings": SETTINGS_NAME,
        "name": name,
        "value": value,
    }
    return [Error(message, hint=hint, id=id)]


def check_core_installed(app_label: str) -> list[CheckMessage]:
    """For an optional app's own checks: core must be installed beside it."""
    if apps.is_installed("errorkit"):
        return []
    return [
        Error(
            _(
                "%(app)s is installed without 'errorkit': its errors would not "
                "have errorkit's body, and its settings would not be read."
            )
            % {"app": app_label},
            hint=_("Add 'errorkit' to INSTALLED_APPS, before the errorkit apps."),
            id="errorkit.E009",
        )
    ]
