"""errorkit's settings: one ``ERRORKIT`` dict, read lazily, as DRF's ``APISettings``.

    ERRORKIT = {
        "API_PATH_PREFIXES": ["/v1/"],
        "MESSAGES": {"rate_limit_exceeded": "Slow down, please."},
    }

Every key has a documented default (``DEFAULTS``); keys in ``IMPORT_STRINGS``
take dotted paths and are imported on first use. The object is rebuilt when
``ERRORKIT`` changes (``override_settings`` in tests), so nothing caches a stale
value.
"""

from __future__ import annotations

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
    # Challenge sent in WWW-Authenticate when the authenticator names none.
    "WWW_AUTHENTICATE": "Bearer",
    # Header carrying the request id, both ways.
    "REQUEST_ID_HEADER": "X-Request-ID",
    # Reuse the caller's X-Request-ID when it is sane; False always generates.
    "TRUST_REQUEST_ID": True,
    # Bodies larger than this answer 413 on API paths; None follows Django's
    # DATA_UPLOAD_MAX_MEMORY_SIZE (multipart uploads excepted, as in Django).
    "MAX_BODY_SIZE": None,
    # Rate limits. Proxies whose X-Forwarded-For is believed: None (ignore the
    # header: a caller could pick a fresh bucket with it), a count of proxies
    # in front of Django, or a list of their networks ("10.0.0.0/8").
    "TRUSTED_PROXIES": None,
    # RateLimit-Policy and RateLimit headers on every rate-limited response.
    "RATELIMIT_HEADERS": True,
    # When the rate-limit cache fails: "open" admits (and logs a warning),
    # "closed" answers 503 service_unavailable.
    "RATELIMIT_ON_CACHE_FAILURE": "open",
    # retryAfter of that 503, in seconds.
    "RATELIMIT_FAILURE_RETRY_AFTER": 5,
    # API keys: "last used" is written at most this often (seconds) per key.
    "API_KEY_LAST_USED_INTERVAL": 60,
    # Balances: the backend that reserves and releases money.
    "BALANCE_BACKEND": "errorkit.balance.ModelBalanceBackend",
    # Idempotency keys: kept this long (seconds); a claim older than the stale
    # timeout is taken over; a 409 tells the caller to retry after this.
    "IDEMPOTENCY_TTL": 24 * 60 * 60,
    "IDEMPOTENCY_STALE_AFTER": 60,
    "IDEMPOTENCY_RETRY_AFTER": 1,
    # Incidents: record every 5xx, plus these 4xx status codes.
    "INCIDENTS_ENABLED": True,
    # "sync" writes in the request (findable at once); "background" queues it
    # for a thread of the process, which writes in batches (for busy APIs).
    "INCIDENT_RECORDING": "sync",
    "INCIDENT_4XX_CODES": [],
    # Callable (request, response, exception) -> str | None: a project's own
    # grouping; None falls back to errorkit's fingerprint.
    "INCIDENT_FINGERPRINT": None,
    # Sampling: keep the first N events of an incident, then one per interval.
    "INCIDENT_SAMPLE_FIRST": 20,
    "INCIDENT_SAMPLE_INTERVAL": 60,
    # Characters of the request body kept with an event.
    "INCIDENT_BODY_LIMIT": 4096,
    # More key names (substrings, any case) whose values are scrubbed.
    "SCRUB_KEYS": [],
}

IMPORT_STRINGS: frozenset[str] = frozenset(
    {"FORMATTER", "EXCEPTION_HANDLER_CLASS", "BALANCE_BACKEND", "INCIDENT_FINGERPRINT"}
)


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
        self.defaults = defaults
        self.import_strings = import_strings
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

    def unknown_keys(self) -> list[str]:
        return sorted(set(self.user_settings) - set(self.defaults))

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
