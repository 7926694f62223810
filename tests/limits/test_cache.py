"""errorkit.limits.cache.RedisCache: incr in one atomic step on real Redis, and
a bounded wait when Redis cannot be reached."""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from errorkit.limits.cache import RedisCache, bounded_options
from tests.services import REDIS_URL, requires_redis


@pytest.fixture
def cache():
    return RedisCache(REDIS_URL, {})


@requires_redis
def test_incr_counts_and_keeps_the_expiry(cache):
    key = uuid.uuid4().hex
    assert cache.add(key, 1, 30)
    assert cache.incr(key) == 2
    assert cache.incr(key, 5) == 7
    assert cache.get(key) == 7
    client = cache._cache.get_client(cache.make_key(key))
    assert 0 < client.ttl(cache.make_key(key)) <= 30


@requires_redis
def test_incr_of_a_missing_key_is_a_value_error_and_creates_nothing(cache):
    key = uuid.uuid4().hex
    with pytest.raises(ValueError, match="not found"):
        cache.incr(key)
    assert cache.get(key) is None


@requires_redis
def test_racing_increments_are_never_lost(cache):
    key = uuid.uuid4().hex
    cache.add(key, 0, 60)

    def bump():
        for _ in range(200):
            cache.incr(key)

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get(key) == 1600


@requires_redis
def test_values_stay_readable_by_djangos_own_backend(cache):
    key = uuid.uuid4().hex
    cache.add(key, 3, 30)
    cache.incr(key)
    assert DjangoRedisCache(REDIS_URL, {}).get(key) == 4


@requires_redis
def test_one_redis_client_serves_every_call_on_a_pool(cache):
    # Django builds a redis-py client per call; reusing one is the saving.
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    key = uuid.uuid4().hex
    cache.set(key, "v", 30)
    assert cache.get(key) == "v"
    assert cache._cache.get_client() is client  # one server: reads use it too


# Unreachable Redis: the wait each cache call may cost is bounded.


def attempts_made(retry: Retry) -> int:
    """How many times ``retry`` tries a call that fails to connect each time."""
    attempts = []

    def connect() -> None:
        attempts.append(1)
        raise RedisConnectionError("unreachable")

    with pytest.raises(RedisConnectionError):
        retry.call_with_retry(connect, lambda error: None)
    return len(attempts)


def test_the_timeouts_default_to_the_setting_with_no_retries():
    options = bounded_options({})
    assert options["socket_connect_timeout"] == 0.25
    assert options["socket_timeout"] == 0.25
    assert attempts_made(options["retry"]) == 1
    with override_settings(ERRORKIT={"RATELIMIT_CACHE_TIMEOUT": 1}):
        options = bounded_options({"max_connections": 50})
    assert (options["socket_connect_timeout"], options["socket_timeout"]) == (1, 1)
    assert options["max_connections"] == 50


def test_the_projects_own_options_win():
    retry = Retry(NoBackoff(), 2)
    chosen = {"socket_timeout": 2, "retry": retry}
    options = bounded_options(chosen)
    assert options["socket_timeout"] == 2
    assert options["socket_connect_timeout"] == 0.25  # left out, so bounded
    assert options["retry"] is retry
    assert chosen == {"socket_timeout": 2, "retry": retry}  # not changed
    # Retrying on timeouts is the project's choice: no retry is forced on it.
    assert "retry" not in bounded_options({"retry_on_timeout": True})


@pytest.mark.parametrize("value", [0, -1, "fast", None, True, float("inf")])
def test_a_bad_timeout_setting_is_a_clear_error(value):
    with override_settings(ERRORKIT={"RATELIMIT_CACHE_TIMEOUT": value}):
        with pytest.raises(ImproperlyConfigured, match="RATELIMIT_CACHE_TIMEOUT"):
            RedisCache(REDIS_URL, {})


@contextlib.contextmanager
def black_hole() -> Iterator[str]:
    """A Redis address that accepts connections and never answers, as behind a
    dead switch. It hangs up after 10 s, so a client with no timeout fails
    with a ConnectionError instead of hanging the test."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            with contextlib.suppress(OSError):  # socket.timeout included
                accepted.append(listener.accept()[0])
        for conn in accepted:
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    hang_up = threading.Timer(10, stop.set)
    hang_up.start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        hang_up.cancel()
        stop.set()
        thread.join()
        listener.close()


@pytest.mark.parametrize("call", ["get", "add", "incr"])
def test_an_unanswering_redis_is_a_timeout_error_not_a_hang(call):
    with black_hole() as url:
        cache = RedisCache(url, {})
        with pytest.raises(RedisTimeoutError):
            if call == "incr":
                cache.incr("counted")
            else:
                getattr(cache, call)("counted", 1)
