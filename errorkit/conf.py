"""errorkit's settings: one ``ERRORKIT`` dict, read lazily, as DRF's ``APISettings``.

    ERRORKIT = {
        "API_PATH_PREFIXES": ["/v1/"],
        "MESSAGES": {"rate_limit_exceeded": "Slow down, please."},
    }

Every key has a documented default: core's are ``DEFAULTS`` here, and each
optional app (``errorkit.keys``, ``errorkit.billing``, ``errorkit.idempotency``,
``errorkit.incidents``) contributes its own from its ``conf`` module when it is
ready. Keys in ``IMPORT_STRINGS`` take dotted paths and are imported on first
use. The object is rebuilt when
``ERRORKIT`` changes (``override_settings`` in tests), so nothing caches a stale
value.
"""

from __future__ import annotations

import functools
import pkgutil
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

SETTINGS_NAME = "ERRORKIT"

DEFAULTS: dict[str, Any] = {
    # Requests whose path starts with one of these get JSON errors outside DRF
    # views too (unmatched URLs, CSRF failures, plain Django views).
    "API_PATH_PREFIXES": ["/v1/", "/api/"],
    # Per-code message overrides: {"rate_limit_exceeded": "Slow down."}.
    "MESSAGES": {},
    # Callable (Error) -> dict building the JSON body.
    "FORMATTER": "errorkit.formatting.format_error",
    # Class whose instances turn one exception into one response.
    "EXCEPTION_HANDLER_CLASS": "errorkit.handlers.ExceptionHandler",
    # Seconds sent in retryAfter when a 429 or 503 carries no wait of its own.
    "DEFAULT_RETRY_AFTER": 60,
    # RFC 9457 problem details, for a caller whose Accept prefers
    # application/problem+json: the ``type`` URI, "{error}" replaced by the
    # error's code (e.g. "https://api.example.com/errors/{error}"); None
    # sends "about:blank", whose title is the status' phrase.
    "PROBLEM_TYPE": None,
    # Challenge sent in WWW-Authenticate when the authenticator names none.
    "WWW_AUTHENTICATE": "Bearer",
    # Header carrying the request id, both ways.
    "REQUEST_ID_HEADER": "X-Request-ID",
    # Reuse the caller's X-Request-ID when it is sane; False always generates.
    "TRUST_REQUEST_ID": True,
    # Bodies larger than this answer 413 on API paths; None follows Django's
    # DATA_UPLOAD_MAX_MEMORY_SIZE (multipart uploads excepted, as in Django).
    "MAX_BODY_SIZE": None,
    # errorkit.parsers.JSONParser: deeper bodies answer 400 invalid_request.
    "JSON_MAX_DEPTH": 64,
    # retryAfter of the 503 that answers when the database (or another
    # backing service) cannot be reached.
    "OUTAGE_RETRY_AFTER": 5,
    # Rate limits (errorkit.limits). Proxies whose X-Forwarded-For is
    # believed: None (ignore the header: a caller could pick a fresh bucket
    # with it), a count of proxies in front of Django, or a list of their
    # networks ("10.0.0.0/8").
    "TRUSTED_PROXIES": None,
    # RateLimit-Policy and RateLimit headers on every rate-limited response.
    "RATELIMIT_HEADERS": True,
    # When the rate-limit cache fails: "open" admits (and logs a warning),
    # "closed" answers 503 service_unavailable.
    "RATELIMIT_ON_CACHE_FAILURE": "open",
    # retryAfter of that 503, in seconds.
    "RATELIMIT_FAILURE_RETRY_AFTER": 5,
    # Seconds errorkit.limits.cache.RedisCache waits to connect to Redis and
    # for each reply (its socket_connect_timeout and socket_timeout, unless
    # CACHES OPTIONS set them): Redis unreachable costs a limited request
    # about this long, not the outage's length. A count takes a millisecond or so.
    "RATELIMIT_CACHE_TIMEOUT": 0.25,
}

IMPORT_STRINGS: frozenset[str] = frozenset({"FORMATTER", "EXCEPTION_HANDLER_CLASS"})


@functools.cache
def optional_apps() -> dict[str, frozenset[str]]:
    """errorkit's optional apps, installed or not, each with the settings keys
    its ``conf`` module declares: found in errorkit's package, so that core
    names none of them, and a key of an app that is not installed gets a hint
    naming the app (errorkit.E001). A ``conf`` module is a plain dict of
    defaults, safe to read without the app."""
    package = Path(__file__).resolve().parent
    found: dict[str, frozenset[str]] = {}
    for module in pkgutil.iter_modules([str(package)]):
        if module.ispkg and (package / module.name / "conf.py").is_file():
            conf = import_module(f"errorkit.{module.name}.conf")
            found[f"errorkit.{module.name}"] = frozenset(conf.DEFAULTS)
    return found


def owning_app(key: str) -> str | None:
    """The optional app whose setting ``key`` is."""
    return next((app for app, keys in optional_apps().items() if key in keys), None)


def perform_import(value: Any, setting_name: str) -> Any:
    if isinstance(value, str):
        try:
            return import_string(value)
        except ImportError as exc:
            raise ImportError(
                f"Could not import {value!r} for {SETTINGS_NAME}[{setting_name!r}]: "
                f"{exc}"
            ) from exc
    return value


class ErrorkitSettings:
    """Attribute access to ``settings.ERRORKIT`` with defaults, cached per key."""

    def __init__(self, defaults: dict[str, Any], import_strings: frozenset[str]):
        self.defaults = dict(defaults)
        self.import_strings = set(import_strings)
        self._contributed: dict[str, frozenset[str]] = {}
        self._cached: set[str] = set()
        self._user_settings: dict[str, Any] | None = None

    @property
    def user_settings(self) -> dict[str, Any]:
        if self._user_settings is None:
            self._user_settings = dict(getattr(settings, SETTINGS_NAME, None) or {})
        return self._user_settings

    def __getattr__(self, attr: str) -> Any:
        if attr not in self.defaults:
            raise AttributeError(f"Invalid errorkit setting: {attr!r}")
        value = self.user_settings.get(attr, self.defaults[attr])
        if attr in self.import_strings:
            value = perform_import(value, attr)
        self._cached.add(attr)
        setattr(self, attr, value)
        return value

    def contribute(
        self,
        app: str,
        defaults: dict[str, Any],
        import_strings: frozenset[str] = frozenset(),
    ) -> None:
        """Make an optional app's keys known, with their defaults (its ``ready()``)."""
        self.defaults.update(defaults)
        self.import_strings |= import_strings
        self._contributed[app] = frozenset(defaults)

    def known_keys(self) -> set[str]:
        """Core's keys and those of the optional apps installed now."""
        from django.apps import apps

        known = set(self.defaults)
        for app, keys in self._contributed.items():
            if not apps.is_installed(app):
                known -= keys
        return known

    def unknown_keys(self) -> list[str]:
        return sorted(set(self.user_settings) - self.known_keys())

    def reload(self) -> None:
        for attr in self._cached:
            delattr(self, attr)
        self._cached.clear()
        self._user_settings = None


errorkit_settings = ErrorkitSettings(DEFAULTS, IMPORT_STRINGS)


def reload_errorkit_settings(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTINGS_NAME:
        errorkit_settings.reload()


setting_changed.connect(reload_errorkit_settings)
