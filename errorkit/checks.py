"""System checks that explain a misconfiguration and how to fix it."""

from __future__ import annotations

import difflib
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from .client_ip import trusted_networks
from .conf import DEFAULTS, SETTINGS_NAME, errorkit_settings

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


def _settings_are_a_dict() -> bool:
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
            f"REST_FRAMEWORK['EXCEPTION_HANDLER'] is {handler!r}, not errorkit's: "
            "DRF views will answer DRF's own error bodies, not errorkit's.",
            hint=f"Set REST_FRAMEWORK['EXCEPTION_HANDLER'] = {HANDLER_PATH!r}. "
            "If your handler wraps errorkit's on purpose, silence errorkit.W001.",
            id="errorkit.W001",
        )
    ]


@register(Tags.compatibility)
def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    if MIDDLEWARE_PATH not in middleware:
        return [
            Warning(
                f"{MIDDLEWARE_PATH} is not in MIDDLEWARE: responses carry no "
                "X-Request-ID, and errors outside DRF views (unknown URLs, CSRF "
                "failures, plain Django views) answer HTML.",
                hint=f"Add {MIDDLEWARE_PATH!r} near the top of MIDDLEWARE.",
                id="errorkit.W002",
            )
        ]
    position = middleware.index(MIDDLEWARE_PATH)
    before = [m for m in middleware[:position] if m in EARLY_ANSWERING_MIDDLEWARE]
    if not before:
        return []
    return [
        Warning(
            f"{MIDDLEWARE_PATH} comes after {', '.join(before)}: what those answer "
            "on their own gets no X-Request-ID and no JSON error body.",
            hint=f"Move {MIDDLEWARE_PATH!r} above {before[0]!r} in MIDDLEWARE.",
            id="errorkit.W003",
        )
    ]


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not _settings_are_a_dict():
        user_settings = getattr(settings, SETTINGS_NAME)
        return [
            Error(
                f"{SETTINGS_NAME} must be a dict, not {type(user_settings).__name__}.",
                hint=f"Write {SETTINGS_NAME} = {{...}} with keys from errorkit's docs.",
                id="errorkit.E002",
            )
        ]
    for key in errorkit_settings.unknown_keys():
        close = difflib.get_close_matches(key, DEFAULTS, n=1)
        hint = (
            f"Did you mean {close[0]!r}?"
            if close
            else f"Known keys: {', '.join(sorted(DEFAULTS))}."
        )
        messages.append(
            Error(
                f"Unknown key {key!r} in {SETTINGS_NAME}: it has no effect.",
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
                f"{SETTINGS_NAME}['API_PATH_PREFIXES'] must be a list of paths "
                f"starting with '/', not {prefixes!r}.",
                hint='For example ["/v1/", "/api/"].',
                id="errorkit.E003",
            )
        )
    return messages


_NOT_SHARED = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps its counts in each "
    "process, so every limit is multiplied by the number of worker processes",
    "django.core.cache.backends.filebased.FileBasedCache": "does not increment "
    "atomically, so racing requests can be lost from the count",
    "django.core.cache.backends.db.DatabaseCache": "does not increment "
    "atomically, so racing requests can be lost from the count",
}


@register(Tags.caches)
def check_ratelimit_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = (getattr(settings, "CACHES", {}).get(alias) or {}).get("BACKEND", "")
    if backend == "django.core.cache.backends.dummy.DummyCache":
        return [
            Error(
                f"The rate-limit cache {alias!r} is a DummyCache: it never counts, "
                "so no rate limit ever applies.",
                hint="Point RATELIMIT_USE_CACHE at a Redis or Memcached cache.",
                id="errorkit.E004",
            )
        ]
    if backend == "django.core.cache.backends.redis.RedisCache":
        return [
            Warning(
                f"The rate-limit cache {alias!r} is Django's RedisCache, whose incr "
                "asks Redis twice (EXISTS, then INCR): every limited request pays "
                "an extra round trip, and a count that expires in between is left "
                "with no expiry.",
                hint="Use BACKEND 'errorkit.cache.RedisCache' (the same cache with "
                "a one-step, atomic incr) for the rate-limit cache.",
                id="errorkit.W005",
            )
        ]
    reason = _NOT_SHARED.get(backend)
    if reason is None or settings.DEBUG:
        return []
    return [
        Warning(
            f"The rate-limit cache {alias!r} ({backend.rsplit('.', 1)[-1]}) {reason}.",
            hint="Fine for one process; in production set RATELIMIT_USE_CACHE to a "
            "shared cache, e.g. errorkit.cache.RedisCache.",
            id="errorkit.W004",
        )
    ]


@register(Tags.compatibility)
def check_ratelimit_settings(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not _settings_are_a_dict():
        return messages  # reported by check_settings
    proxies = errorkit_settings.TRUSTED_PROXIES
    if not _valid_proxies(proxies):
        messages.append(
            Error(
                f"{SETTINGS_NAME}['TRUSTED_PROXIES'] is {proxies!r}: it must be None, "
                "a number of proxies, or a list of their networks.",
                hint='For example 1, or ["10.0.0.0/8", "192.168.0.0/16"].',
                id="errorkit.E005",
            )
        )
    messages += _one_of(
        "RATELIMIT_ON_CACHE_FAILURE",
        ("open", "closed"),
        'Use "open" (admit, log a warning) or "closed" (answer 503).',
        "errorkit.E006",
    )
    return messages


@register(Tags.compatibility)
def check_incident_settings(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    if not _settings_are_a_dict():
        return []  # reported by check_settings
    return _one_of(
        "INCIDENT_RECORDING",
        ("sync", "background"),
        'Use "sync" (written in the request) or "background" (batched by a '
        "thread of the process).",
        "errorkit.E007",
    )


def _one_of(
    name: str, choices: tuple[str, ...], hint: str, id: str
) -> list[CheckMessage]:
    value = getattr(errorkit_settings, name)
    if value in choices:
        return []
    return [Error(f"{SETTINGS_NAME}[{name!r}] is {value!r}.", hint=hint, id=id)]


def _valid_proxies(proxies: Any) -> bool:
    if proxies is None or (isinstance(proxies, int) and not isinstance(proxies, bool)):
        return proxies is None or proxies >= 0
    if isinstance(proxies, str) or not isinstance(proxies, (list, tuple)):
        return False
    try:
        trusted_networks(proxies)
    except (TypeError, ValueError):
        return False
    return True
