"""System checks of rate limits: the cache that counts, proxies, failure mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..checks import one_of, settings_are_a_dict
from ..conf import SETTINGS_NAME, errorkit_settings
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
                hint=_('For example 1, or ["10.0.0.0/8", "192.168.0.0/16"].'),
                id="errorkit.E005",
            )
        )
    messages += one_of(
        "RATELIMIT_ON_CACHE_FAILURE",
        ("open", "closed"),
        _('Use "open" (admit, log a warning) or "closed" (answer 503).'),
        "errorkit.E006",
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
