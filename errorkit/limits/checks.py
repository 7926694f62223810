"""System checks of rate limits: the cache that counts, proxies, failure mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..checks import one_of, settings_are_a_dict
from ..conf import SETTINGS_NAME, errorkit_settings
from .cache import valid_timeout
from .client_ip import trusted_networks

_NOT_SHARED = {
    "django.core.cache.backends.locmem.LocMemCache": gettext_lazy(
        "keeps its counts in each process, so every limit is multiplied by the "
        "number of worker processes"
    ),
    "django.core.cache.backends.filebased.FileBasedCache": gettext_lazy(
        "does not increment atomically, so racing requests can be lost from the count"
    ),
    "django.core.cache.backends.db.DatabaseCache": gettext_lazy(
        "does not increment atomically, so racing requests can be lost from the count"
    ),
}


@register(Tags.caches)
def check_ratelimit_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = (getattr(settings, "CACHES", {}).get(alias) or {}).get("BACKEND", "")
    if backend == "django.core.cache.backends.dummy.DummyCache":
        return [
            Error(
                _(
                    "The rate-limit cache %(alias)r is a DummyCache: it never "
                    "counts, so no rate limit ever applies."
                )
                % {"alias": alias},
                hint=_("Point RATELIMIT_USE_CACHE at a Redis or Memcached cache."),
                id="errorkit.E004",
            )
        ]
    if backend == "django.core.cache.backends.redis.RedisCache":
        return [
            Warning(
                _(
                    "The rate-limit cache %(alias)r is Django's RedisCache, whose "
                    "incr asks Redis twice (EXISTS, then INCR): every limited "
                    "request pays an extra round trip, and a count that expires in "
                    "between is left with no expiry."
                )
                % {"alias": alias},
                hint=_(
                    "Use BACKEND 'errorkit.limits.cache.RedisCache' (the same "
                    "cache with a one-step, atomic incr) for the rate-limit cache."
                ),
                id="errorkit.W005",
            )
        ]
    reason = _NOT_SHARED.get(backend)
    if reason is None or settings.DEBUG:
        return []
    return [
        Warning(
            _("The rate-limit cache %(alias)r (%(backend)s) %(reason)s.")
            % {"alias": alias, "backend": backend.rsplit(".", 1)[-1], "reason": reason},
            hint=_(
                "Fine for one process; in production set RATELIMIT_USE_CACHE to a "
                "shared cache, e.g. errorkit.limits.cache.RedisCache."
            ),
            id="errorkit.W004",
        )
    ]


ERRORKIT_REDIS = "errorkit.limits.cache.RedisCache"
DJANGO_REDIS = "django.core.cache.backends.redis.RedisCache"
DJANGO_REDIS_PACKAGE = "django_redis.cache.RedisCache"


def _socket_timeout(backend: str, options: dict[str, Any]) -> Any:
    """The reply timeout a Redis cache's OPTIONS give redis-py (its connect
    timeout falls back to it); None where they give none."""
    if backend == ERRORKIT_REDIS and "socket_timeout" not in options:
        # Its default; a bad ERRORKIT is reported by check_settings and E012.
        return not settings_are_a_dict() or errorkit_settings.RATELIMIT_CACHE_TIMEOUT
    if backend in (ERRORKIT_REDIS, DJANGO_REDIS):
        return options.get("socket_timeout")
    # django-redis: its own option, or redis-py's through the pool kwargs.
    pool_kwargs = options.get("CONNECTION_POOL_KWARGS") or {}
    return options.get("SOCKET_TIMEOUT") or pool_kwargs.get("socket_timeout")


@register(Tags.caches)
def check_ratelimit_cache_timeouts(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """A Redis rate-limit cache that would wait as long as Redis is unreachable."""
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    config = getattr(settings, "CACHES", {}).get(alias) or {}
    backend = config.get("BACKEND", "")
    if backend not in (ERRORKIT_REDIS, DJANGO_REDIS, DJANGO_REDIS_PACKAGE):
        return []
    options = config.get("OPTIONS") or {}
    if not isinstance(options, dict) or _socket_timeout(backend, options):
        return []
    if backend == DJANGO_REDIS_PACKAGE:
        hint = _(
            'Add "SOCKET_CONNECT_TIMEOUT": 0.25 and "SOCKET_TIMEOUT": 0.25 '
            "(seconds) to its OPTIONS."
        )
    else:
        hint = _(
            'Add "socket_connect_timeout": 0.25 and "socket_timeout": 0.25 '
            "(seconds) to its OPTIONS, or leave them out of the OPTIONS of "
            "errorkit.limits.cache.RedisCache, which sets both to "
            "%(name)s['RATELIMIT_CACHE_TIMEOUT']."
        ) % {"name": SETTINGS_NAME}
    return [
        Warning(
            _(
                "The rate-limit cache %(alias)r sets no socket timeout: while "
                "Redis cannot be reached (a partition, a dead switch), every "
                "rate-limited request waits for it, forever before redis-py 8 "
                "and 5 s from it, and holds a worker all that time."
            )
            % {"alias": alias},
            hint=hint,
            id="errorkit.W007",
        )
    ]


@register(Tags.compatibility)
def check_ratelimit_settings(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not settings_are_a_dict():
        return messages  # reported by check_settings
    proxies = errorkit_settings.TRUSTED_PROXIES
    if not _valid_proxies(proxies):
        messages.append(
            Error(
                _(
                    "%(name)s['TRUSTED_PROXIES'] is %(value)r: it must be None, a "
                    "number of proxies, or a list of their networks."
                )
                % {"name": SETTINGS_NAME, "value": proxies},
                hint=_(
                    "Write None (no proxy: the client is the connecting "
                    "address), the number of proxies in front of Django "
                    "such as 1, or a list of their networks such as "
                    '["10.0.0.0/8", "192.168.0.0/16"] (a list even for one).'
                ),
                id="errorkit.E005",
            )
        )
    messages += one_of(
        "RATELIMIT_ON_CACHE_FAILURE",
        ("open", "closed"),
        _('Use "open" (admit, log a warning) or "closed" (answer 503).'),
        "errorkit.E006",
    )
    timeout = errorkit_settings.RATELIMIT_CACHE_TIMEOUT
    if not valid_timeout(timeout):
        messages.append(
            Error(
                _(
                    "%(name)s['RATELIMIT_CACHE_TIMEOUT'] is %(value)r: it must be "
                    "a number of seconds above 0."
                )
                % {"name": SETTINGS_NAME, "value": timeout},
                hint=_(
                    "For example 0.25: a rate-limit count takes a millisecond "
                    "or so, and this is how long a request waits for Redis "
                    "when it cannot be reached."
                ),
                id="errorkit.E012",
            )
        )
    return messages


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
