"""errorkit.limits: counting through django-ratelimit, with a truthful wait."""

from __future__ import annotations

import itertools
import types

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from errorkit.limits.counting import (
    Limit,
    LimitState,
    apply_headers,
    count_request,
    exceeded_error,
    limit_headers,
    parse_rate,
    seconds_until_reset,
)

factory = RequestFactory()
_unique = itertools.count()


def fresh_limit(rate: str) -> Limit:
    key = f"k{next(_unique)}"
    return Limit(rate=rate, key=lambda group, request: key)


def exhaust(limit: Limit, count: int) -> LimitState:
    request = factory.get("/v1/x")
    for _ in range(count):
        state = count_request(request, limit, "g")
    state = count_request(request, limit, "g")
    assert state.exceeded
    return state


def admitted(limit: Limit) -> bool:
    return not count_request(factory.get("/v1/x"), limit, "g").exceeded


# Moments spread over several windows: integer seconds (window edges), just
# after and just before them, and points in between.
OFFSETS = [0.0, 0.001, 0.5, 0.999, 1.0, 3.25, 4.999, 5.0, 7.75, 9.0, 9.5, 9.999]


@pytest.mark.parametrize("offset", OFFSETS)
@pytest.mark.parametrize("rate,limit,period", [("3/10s", 3, 10), ("2/m", 2, 60)])
def test_sleeping_retry_after_is_enough_and_a_second_less_is_not(
    fake_clock, offset, rate, limit, period
):
    for base in (1_000_000.0, 1_000_003.0, 1_000_007.0):
        start = base + offset
        fake_clock.now = start
        lim = fresh_limit(rate)
        wait = exhaust(lim, limit).reset
        assert 1 <= wait <= period
        fake_clock.now = start + wait - 1
        assert not admitted(lim), "a retry one second early must still be refused"
        fake_clock.now = start + wait
        assert admitted(lim), "a retry after exactly retryAfter must be admitted"


@pytest.mark.parametrize("offset", [0.0, 0.001, 0.5, 0.999])
def test_per_second_rates_wait_one_second_never_zero(fake_clock, offset):
    fake_clock.now = 2_000_000.0 + offset
    lim = fresh_limit("2/s")
    state = exhaust(lim, 2)
    assert state.reset == 1
    assert not admitted(lim)  # retrying at once is still refused
    fake_clock.now += 1
    assert admitted(lim)


def test_time_left_zero_in_the_last_second_still_means_a_wait():
    # django-ratelimit says time_left=0 during the window's last second.
    assert seconds_until_reset(0, 60) == 1
    assert seconds_until_reset(59, 60) == 60
    assert seconds_until_reset(80, 60) == 60  # never past the period


def test_a_second_that_ticks_inside_get_usage_is_a_count_not_a_cache_failure(
    monkeypatch,
):
    # get_usage reads the clock twice: when a second begins between the reads
    # of a 1/s window, time_left is -1. That is a counted request whose window
    # has reopened, not django-ratelimit's fail-closed answer (also -1).
    import django_ratelimit.core

    reads = iter([2_000_000.9999, 2_000_001.0001])
    monkeypatch.setattr(
        django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: next(reads))
    )
    state = count_request(factory.get("/v1/x"), fresh_limit("1/s"), "g")
    assert state is not None and not state.exceeded
    assert state.reset == 1


def test_exposed_headers_keep_what_is_there():
    from errorkit.limits.counting import exposed_value

    assert exposed_value(None) == "RateLimit-Policy, RateLimit, Retry-After"
    assert exposed_value("X-Request-ID, ratelimit") == (
        "X-Request-ID, ratelimit, RateLimit-Policy, Retry-After"
    )


def test_requests_under_the_limit_report_what_remains(fake_clock):
    lim = Limit(rate="3/m", key=lambda g, r: "remaining", name="jobs")
    request = factory.get("/v1/x")
    states = [count_request(request, lim, "g") for _ in range(4)]
    assert [s.remaining for s in states] == [2, 1, 0, 0]
    assert [s.exceeded for s in states] == [False, False, False, True]
    assert states[0].name == "jobs" and states[0].limit == 3 and states[0].period == 60


def test_methods_not_listed_are_not_counted(fake_clock):
    lim = Limit(rate="1/m", key=lambda g, r: "m", method=["POST"])
    assert count_request(factory.get("/v1/x"), lim, "g") is None
    assert count_request(factory.post("/v1/x"), lim, "g").remaining == 0


def test_a_callable_rate_of_none_means_no_limit():
    lim = Limit(rate=lambda group, request: None, key="ip")
    assert count_request(factory.get("/v1/x"), lim, "g") is None


@pytest.mark.parametrize(
    "rate,expected",
    [
        ("10/s", (10, 1)),
        ("100/5m", (100, 300)),
        ("5/h", (5, 3600)),
        ("1/d", (1, 86400)),
        ((3, 20), (3, 20)),
    ],
)
def test_parse_rate(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize(
    "rate", ["ten/s", "10/x", "10/0s", "", "10/s extra", "/s", "7"]
)
def test_bad_rates_are_explained(rate):
    with pytest.raises(ImproperlyConfigured, match="rate"):
        parse_rate(rate)


def test_bad_static_rates_fail_when_the_view_is_decorated():
    with pytest.raises(ImproperlyConfigured, match="Invalid rate 'often'"):
        Limit(rate="often", key="ip")


def test_headers_follow_the_ietf_draft():
    states = [
        LimitState("burst", 10, 1, 3, 1, False),
        LimitState("daily", 1000, 86400, 0, 4000, True),
    ]
    assert limit_headers(states) == {
        "RateLimit-Policy": '"burst";q=10;w=1, "daily";q=1000;w=86400',
        "RateLimit": '"burst";r=3;t=1, "daily";r=0;t=4000',
    }
    error = exceeded_error(states)
    assert error.retry_after == 4000
    assert error.headers["Access-Control-Expose-Headers"] == (
        "RateLimit-Policy, RateLimit, Retry-After"
    )


@pytest.mark.parametrize(
    "name", ['say "hi"', "back\\slash", "caf\u00e9", "line\nbreak", ""]
)
def test_names_that_cannot_be_quoted_in_a_header_are_explained(name):
    with pytest.raises(ImproperlyConfigured, match="Invalid rate-limit name"):
        Limit(rate="1/m", key="ip", name=name)


def test_headers_on_a_django_response_are_sent_and_keep_exposed_headers():
    response = HttpResponse("ok")
    response["Access-Control-Expose-Headers"] = "X-Request-ID"
    apply_headers(response, [LimitState("jobs", 3, 60, 2, 41, False)])
    assert response["ratelimit-policy"] == '"jobs";q=3;w=60'
    assert response["RateLimit"] == '"jobs";r=2;t=41'
    sent = response.serialize_headers().decode().split("\r\n")
    assert 'RateLimit-Policy: "jobs";q=3;w=60' in sent
    assert 'RateLimit: "jobs";r=2;t=41' in sent
    assert (
        "Access-Control-Expose-Headers: X-Request-ID, RateLimit-Policy, RateLimit, "
        "Retry-After"
    ) in sent


def test_headers_on_any_other_response_go_through_its_own_item_setting():
    response: dict[str, str] = {"Access-Control-Expose-Headers": "ETag"}
    apply_headers(response, [LimitState("jobs", 3, 60, 2, 41, False)])
    assert response == {
        "RateLimit-Policy": '"jobs";q=3;w=60',
        "RateLimit": '"jobs";r=2;t=41',
        "Access-Control-Expose-Headers": (
            "ETag, RateLimit-Policy, RateLimit, Retry-After"
        ),
    }
