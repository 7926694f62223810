"""``errorkit.limits.cache.RedisCache``: Django's RedisCache, made for counting.

Two things cost a rate-limited request more than they should in Django's
backend, and are changed here (everything else is Django's):

- ``incr`` asks Redis twice (EXISTS, then INCR): a count pays an extra round
  trip, and a key that expires between the two is re-created by INCR with no
  expiry at all. Here both happen in one server-side script, so the increment
  is atomic and costs one round trip.
- Every cache call builds a new redis-py client (about 60 µs of CPU). redis-py
  clients are thread-safe and hold no connection of their own, so one per
  connection pool is kept and reused.
- Django sets no socket timeouts: while Redis cannot be reached (a partition,
  a dead switch), a count waits for redis-py's default, forever before
  redis-py 8 and 5 s from it, and holds a worker all that time. Here the
  ``socket_connect_timeout`` and ``socket_timeout`` that OPTIONS leave out are
  ``ERRORKIT["RATELIMIT_CACHE_TIMEOUT"]`` (0.25 s), with no retry unless
  OPTIONS ask for one, so a cache call fails within that bound and the
  request is answered as ``RATELIMIT_ON_CACHE_FAILURE`` says.

Use it as the rate-limit cache::

    CACHES["ratelimit"] = {"BACKEND": "errorkit.limits.cache.RedisCache",
                           "LOCATION": "redis://127.0.0.1:6379/0"}
"""

from __future__ import annotations

import math
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.exceptions import ImproperlyConfigured

from ..compat.django import redis_client_class, redis_connection_pool
from ..conf import SETTINGS_NAME, errorkit_settings

# redis-py's options (Django passes OPTIONS to the connection pool) that bound
# one wait for Redis: to connect, and for each reply.
TIMEOUT_OPTIONS = ("socket_connect_timeout", "socket_timeout")
# Options by which a project chooses its own retries (each retry adds a wait).
RETRY_OPTIONS = ("retry", "retry_on_timeout", "retry_on_error")

# Returns the new value, or false (None in redis-py) when the key is missing.
INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class ReusedClientCacheClient(RedisCacheClient):
    """Django's cache client, with one redis-py client per connection pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's RedisCacheClient internals (errorkit.compat.django): the
        # pool per server, and the redis client class it builds clients with.
        pool = redis_connection_pool(self, write)
        client = self._clients.get(id(pool))
        if client is None:
            # Two threads may both build one: the loser's is merely dropped.
            make = redis_client_class(self)
            client = self._clients[id(pool)] = make(connection_pool=pool)
        return client

    def incr(self, key: Any, delta: int) -> int:
        client = self.get_client(key, write=True)
        value = client.eval(INCR_IF_EXISTS, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)


def valid_timeout(value: Any) -> bool:
    """A number of seconds redis-py can wait: finite and above 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and value > 0


def cache_timeout() -> float:
    """``ERRORKIT["RATELIMIT_CACHE_TIMEOUT"]``, or a clear error when it is no
    number of seconds (check errorkit.E012 reports it at startup too)."""
    value = errorkit_settings.RATELIMIT_CACHE_TIMEOUT
    if not valid_timeout(value):
        raise ImproperlyConfigured(
            f"{SETTINGS_NAME}['RATELIMIT_CACHE_TIMEOUT'] is {value!r}: it must be "
            "a number of seconds above 0, e.g. 0.25."
        )
    return float(value)


def bounded_options(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` with the timeouts they leave out, and no retries unless
    they choose some: one cache call then waits at most about the timeout."""
    bounded = dict(options)
    for name in TIMEOUT_OPTIONS:
        if name not in bounded:
            bounded[name] = cache_timeout()
    if not any(name in options for name in RETRY_OPTIONS):
        # Django's pool makes one attempt on every redis-py errorkit allows;
        # saying so keeps the bound if a redis-py release changes that default
        # (redis-py 6 made the client's own default 3 retries with backoff).
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        bounded["retry"] = Retry(NoBackoff(), 0)
    return bounded


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        # Django's documented route to redis-py: OPTIONS go to the pool.
        options = bounded_options(params.get("OPTIONS") or {})
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClientCacheClient
