"""System checks that explain a misconfiguration and how to fix it."""

from __future__ import annotations

import difflib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.translation import gettext as _

from .atomic_requests import (
    FUNCTION,
    IMPORTS,
    VIEWSET,
    AutocommitView,
    autocommit_view,
    exemption_line,
    view_class,
)
from .compat.django import non_atomic_aliases
from .compat.drf import api_view_function
from .conf import SETTINGS_NAME, errorkit_settings, optional_apps, owning_app
from .parsers import unprotected_json_parsers
from .urlconf import routed_views
from .view_names import dotted_path

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
            # A dotted path into an optional app, where a setting names a class.
            app = next((a for a in optional_apps() if path.startswith(a + ".")), None)
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


@register(Tags.compatibility, Tags.urls)
def check_atomic_requests(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Views that must commit before they run (require_balance, idempotent)
    but that ATOMIC_REQUESTS would run inside the request's transaction:
    every request to them would answer 500."""
    # DATABASES as settings hold it: the check opens no connection.
    atomic = [
        alias
        for alias, database in settings.DATABASES.items()
        if database.get("ATOMIC_REQUESTS")
    ]
    if not atomic:
        return []
    # view target -> (the view, its routes, the aliases it is not exempt from)
    found: dict[Any, tuple[AutocommitView, list[str], list[str]]] = {}
    for routed in routed_views():
        view = autocommit_view(routed.callback)
        if view is None:
            continue
        exempt = non_atomic_aliases(routed.callback)
        missing = [alias for alias in atomic if alias not in exempt]
        if not missing:
            continue
        _, routes, aliases = found.setdefault(view.target, (view, [], []))
        routes.append(routed.route)
        aliases += [alias for alias in missing if alias not in aliases]
    return [
        _not_exempt(view, routes, aliases) for view, routes, aliases in found.values()
    ]


def _not_exempt(
    view: AutocommitView, routes: list[str], aliases: list[str]
) -> CheckMessage:
    lines = " and ".join(exemption_line(view.kind, alias) for alias in aliases)
    if view.kind == FUNCTION:
        hint = _(
            "Add %(lines)s as its outermost decorator (above @api_view, if it "
            "has one), with: %(imports)s."
        )
    elif view.kind == VIEWSET:
        hint = _("Add %(lines)s on the ViewSet class %(name)s, with: %(imports)s.")
    else:
        hint = _("Add %(lines)s on the class %(name)s, with: %(imports)s.")
    return Error(
        _(
            "%(view)s (%(routes)s) uses %(decorators)s, which must commit before "
            "the view runs, but it runs in the request's transaction "
            "(ATOMIC_REQUESTS of DATABASES %(aliases)s): every request to it "
            "would answer 500."
        )
        % {
            "view": view.path,
            "routes": ", ".join(routes),
            "decorators": ", ".join(view.decorators),
            "aliases": ", ".join(repr(alias) for alias in aliases),
        },
        hint=hint
        % {
            "lines": lines,
            "name": view.target.__name__,
            "imports": IMPORTS[view.kind],
        },
        id="errorkit.E011",
    )


PARSER_SETTING = "REST_FRAMEWORK['DEFAULT_PARSER_CLASSES']"
PARSER_FIX = (
    'REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["errorkit.parsers.JSONParser", ...]'
)


@register(Tags.compatibility, Tags.urls)
def check_json_parsers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A JSON parser other than errorkit's, by default or on a DRF view: the
    strings it lets through (NUL, lone surrogates) no database column can
    store and no response can encode."""
    from rest_framework.settings import api_settings
    from rest_framework.views import APIView

    try:
        defaults = list(api_settings.DEFAULT_PARSER_CLASSES)
    except ImportError:
        return []  # a path that does not import: DRF says so at the first request
    messages: list[CheckMessage] = []
    unprotected = unprotected_json_parsers(defaults)
    if unprotected:
        configured = "DEFAULT_PARSER_CLASSES" in (
            getattr(settings, "REST_FRAMEWORK", None) or {}
        )
        where = (
            PARSER_SETTING
            if configured
            else _("%(setting)s (not set: DRF's default)") % {"setting": PARSER_SETTING}
        )
        messages.append(
            Error(
                _("%(where)s holds %(parsers)s, not errorkit's JSON parser: %(why)s")
                % {"where": where, "parsers": _names(unprotected), "why": _why()},
                hint=_(
                    "Set %(fix)s: errorkit's parser in place of %(parsers)s, "
                    "your other parsers after it."
                )
                % {"fix": PARSER_FIX, "parsers": _names(unprotected)},
                id="errorkit.E013",
            )
        )
    # view class -> (its unprotected parsers, its routes)
    views: dict[type, tuple[list[type], list[str]]] = {}
    for routed in routed_views():
        cls = view_class(routed.callback)
        if cls is None or not issubclass(cls, APIView):
            continue
        parsers = list(getattr(cls, "parser_classes", ()))
        if parsers == defaults:
            continue  # the default's message covers it
        unprotected = unprotected_json_parsers(parsers)
        if unprotected:
            views.setdefault(cls, (unprotected, []))[1].append(routed.route)
    for cls, (unprotected, routes) in views.items():
        messages.append(
            Error(
                _(
                    "%(view)s (%(routes)s) sets parser_classes with %(parsers)s, "
                    "not errorkit's JSON parser: %(why)s"
                )
                % {
                    "view": dotted_path(api_view_function(cls) or cls),
                    "routes": ", ".join(routes),
                    "parsers": _names(unprotected),
                    "why": _why(),
                },
                hint=_(
                    "Use errorkit.parsers.JSONParser (or a subclass) in place of "
                    "%(parsers)s in its parser_classes, or leave them to %(fix)s."
                )
                % {"parsers": _names(unprotected), "fix": PARSER_FIX},
                id="errorkit.E013",
            )
        )
    return messages


def _names(classes: list[type]) -> str:
    return ", ".join(dotted_path(cls) for cls in classes)


def _why() -> str:
    return _(
        "it accepts strings holding NUL or a lone UTF-16 surrogate, which no "
        "database column can store and no response can encode (a 500 when a "
        "view stores or returns one)."
    )
