"""errorkit.limits.cache.RedisCache on real Redis: incr in one atomic step."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from errorkit.limits.cache import RedisCache
from tests.services import REDIS_URL, requires_redis

pytestmark = requires_redis


@pytest.fixture
def cache():
    return RedisCache(REDIS_URL, {})


def test_incr_counts_and_keeps_the_expiry(cache):
    key = uuid.uuid4().hex
    assert cache.add(key, 1, 30)
    assert cache.incr(key) == 2
    assert cache.incr(key, 5) == 7
    assert cache.get(key) == 7
    client = cache._cache.get_client(cache.make_key(key))
    assert 0 < client.ttl(cache.make_key(key)) <= 30


def test_incr_of_a_missing_key_is_a_value_error_and_creates_nothing(cache):
    key = uuid.uuid4().hex
    with pytest.raises(ValueError, match="not found"):
        cache.incr(key)
    assert cache.get(key) is None


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


def test_values_stay_readable_by_djangos_own_backend(cache):
    key = uuid.uuid4().hex
    cache.add(key, 3, 30)
    cache.incr(key)
    assert DjangoRedisCache(REDIS_URL, {}).get(key) == 4


def test_one_redis_client_serves_every_call_on_a_pool(cache):
    # Django builds a redis-py client per call; reusing one is the saving.
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    key = uuid.uuid4().hex
    cache.set(key, "v", 30)
    assert cache.get(key) == "v"
    assert cache._cache.get_client() is client  # one server: reads use it too
