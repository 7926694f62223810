"""errorkit.limits.policies: the fixed rate limits a URLconf declares with
errorkit.ratelimit, on every kind of view (function, APIView, @api_view,
ViewSet, stacked limits, method-only limits), read as a caller would."""

from __future__ import annotations

from errorkit.limits.policies import Policy, routed_policies


def by_route() -> dict[str, list[Policy]]:
    found: dict[str, list[Policy]] = {}
    for policy in routed_policies("tests.urls_core"):
        found.setdefault(policy.route, []).append(policy)
    return found


def test_each_kind_of_view_is_read():
    found = by_route()
    for route in ("plain", "async", "apiview", "api-function", "viewset"):
        assert len(found[f"/v1/limited/{route}"]) == 1, found[f"/v1/limited/{route}"]
        (policy,) = found[f"/v1/limited/{route}"]
        assert (policy.count, policy.period, policy.key) == (2, 60, "ip")
    assert found["/v1/limited/apiview"][0].method == "GET"


def test_stacked_limits_are_each_listed_with_their_names():
    stacked = {(p.name, p.count, p.period) for p in found_at("/v1/limited/stacked")}
    assert stacked == {("burst", 2, 1), ("hourly", 3, 3600)}


def test_a_limit_on_some_methods_names_them_and_a_header_key_is_kept():
    assert [p.method for p in found_at("/v1/limited/post-only")] == ["POST"]
    assert found_at("/v1/limited/tenant")[0].key == "header:X-Tenant"


def test_a_rate_worked_out_per_request_is_left_out():
    # It reads its rate from settings on each request.
    assert "/v1/limited/configurable" not in by_route()


def found_at(route: str) -> list[Policy]:
    return by_route()[route]


def test_a_viewset_that_has_answered_lists_its_get_once(client):
    # DRF maps HEAD to the GET's action on the first request.
    client.get("/v1/limited/viewset")
    assert [p.method for p in found_at("/v1/limited/viewset")] == ["GET"]
