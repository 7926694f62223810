"""Rate limits on real Redis: shared by processes, exact, and honest about waits."""

from __future__ import annotations

import multiprocessing
import time
import uuid
import zlib
from typing import Any

import pytest
import requests
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from errorkit.limits.counting import Limit, count_request
from tests.limits.worker import hammer
from tests.services import REDIS_URL, requires_redis
from tests.testapp.models import Task

REDIS_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "errorkit.limits.cache.RedisCache",
        "LOCATION": REDIS_URL,
    },
}


def window_end(key: str, period: int, now: float) -> float:
    """When django-ratelimit's current window for ``key`` reopens."""
    ts = int(now)
    end = ts - ts % period + zlib.crc32(key.encode()) % period
    if end < ts:
        end += period
    return end + 1


def key_with_time_left(period: int, at_least: float) -> tuple[str, float]:
    # The window's phase depends on the key: pick one whose window has just
    # begun, so that each phase of the test falls inside one window.
    while True:
        key = f"svc-{uuid.uuid4().hex}"
        end = window_end(key, period, time.time())
        if end - time.time() >= at_least:
            return key, end


REDIS_BACKENDS = ["errorkit.limits.cache.RedisCache", "django_redis.cache.RedisCache"]


@requires_redis
@pytest.mark.parametrize("backend", REDIS_BACKENDS)
def test_four_processes_share_one_exact_limit_per_window(backend):
    limit, period, attempts, workers = 37, 4, 40, 4
    ctx = multiprocessing.get_context("spawn")
    ready, together = ctx.Barrier(workers + 1), ctx.Barrier(workers)
    plan, results = ctx.Queue(), ctx.Queue()
    rate = f"{limit}/{period}s"
    args = (REDIS_URL, backend, rate, attempts, ready, plan, together, results)
    processes = [ctx.Process(target=hammer, args=args) for _ in range(workers)]
    for process in processes:
        process.start()
    ready.wait(timeout=60)
    try:
        per_process = counts_inside_windows(processes, plan, results, period)
    finally:
        for _ in processes:
            plan.put(None)
        for process in processes:
            process.join(timeout=30)
    assert [process.exitcode for process in processes] == [0] * workers
    first_window = sum(p[0] for p in per_process)
    second_window = sum(p[1] for p in per_process)
    assert (first_window, second_window) == (limit, limit), per_process


def counts_inside_windows(processes, plan, results, period) -> list[list[int]]:
    """Each process's admitted counts for a burst in one window and a burst
    in the next. A busy machine (CI runs four suites at once) may stretch a
    burst past its window's edge; the processes say so, and the burst is
    made again with a fresh key instead of being read as a wrong count."""
    for _ in range(5):
        key, end = key_with_time_left(period, at_least=2.5)
        for _ in processes:
            plan.put((key, end, period))
        answers = [results.get(timeout=60) for _ in processes]
        if all(inside for _, inside in answers):
            return [admitted for admitted, _ in answers]
    raise AssertionError("five bursts in a row crossed a window's edge")


@requires_redis
@pytest.mark.django_db
@pytest.mark.parametrize("backend", REDIS_BACKENDS)
def test_a_client_that_sleeps_retry_after_is_admitted(backend):
    caches_with = {
        **REDIS_CACHES,
        "ratelimit": {**REDIS_CACHES["ratelimit"], "BACKEND": backend},
    }
    with override_settings(CACHES=caches_with):
        caches["ratelimit"].get("ping")  # fails here, not later, if Redis is gone
        request = RequestFactory().get("/v1/x")
        for _ in range(2):
            limit, states = burst_in_one_window(request)
            assert states[-1].exceeded
            time.sleep(states[-1].reset)
            assert not count_request(request, limit, "sleep").exceeded


def burst_in_one_window(request: Any) -> tuple[Limit, list[Any]]:
    """Three calls on a fresh 2-per-2s limit that all fell in one window. A
    busy machine may spread them across a window's edge (the third then opens
    a new window, its remaining 1): that burst is seen and made again, with a
    fresh key, never read as an admitted third call."""
    for _ in range(5):
        key = uuid.uuid4().hex
        limit = Limit(rate="2/2s", key=lambda group, r, key=key: key)
        states = [count_request(request, limit, "sleep") for _ in range(3)]
        if not any(state.remaining == 1 for state in states[1:]):
            return limit, states
    raise AssertionError("five bursts of three calls each crossed a window's edge")


@pytest.mark.django_db(transaction=True)
def test_a_client_honouring_retry_after_gets_every_request_through(
    live_server, settings
):
    settings.TEST_LIMITED_RATE = "3/2s"
    retry = Retry(
        total=20,
        status_forcelist=[429],
        allowed_methods=None,  # POST too: a 429 was not executed
        respect_retry_after_header=True,
        backoff_factor=0,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    started = time.monotonic()
    codes = [
        session.post(
            f"{live_server.url}/v1/limited/configurable",
            json={"n": n},
            timeout=30,
        ).status_code
        for n in range(9)
    ]
    elapsed = time.monotonic() - started
    assert codes == [201] * 9
    assert Task.objects.count() == 9
    # Nine requests at three per two-second window span three windows: the last
    # three cannot start before two full windows after the first.
    assert elapsed > 2.0
