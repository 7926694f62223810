"""README.md's way of adding errorkit, followed by an adopter, proven on a
real project served by gunicorn.

The project is built from README.md's three marked blocks (settings, urls,
shop/views.py) with an e-mail-only user model of its own (tests/adopter/
project.py); every command runs in a subprocess, every request goes over HTTP.
A README change that breaks an adopter breaks this test. It needs nothing but
SQLite: the rate-limit counts live in a file cache both workers share.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.served import wait_until

from .project import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ANN,
    README,
    Keys,
    Project,
    Served,
    build,
    gunicorn,
    readme_blocks,
    set_up,
)

# What each misconfiguration must be reported as by `manage.py check`, each
# named by the environment variable the project's settings read.
MISCONFIGURATIONS = [
    pytest.param(
        {"ADOPT_ERRORKIT": json.dumps({"TRUSTED_PROXIES": "nginx"})},
        "errorkit.E005",
        id="TRUSTED_PROXIES-is-a-word",
    ),
    pytest.param(
        {"ADOPT_ERRORKIT": json.dumps({"RATELIMIT_ON_CACHE_FAILURE": "fail-closed"})},
        "errorkit.E006",
        id="RATELIMIT_ON_CACHE_FAILURE-fail-closed",
    ),
    pytest.param(
        {"ADOPT_ATOMIC_REQUESTS": "1"},
        "errorkit.E011",
        id="ATOMIC_REQUESTS-paid-views-not-exempt",
    ),
    pytest.param(
        {"ADOPT_PARSER_CLASSES": json.dumps(["rest_framework.parsers.JSONParser"])},
        "errorkit.E013",
        id="DRF-JSONParser",
    ),
]

UNSTORABLE = (
    "The body holds a NUL character or a lone UTF-16 surrogate (\\u0000, or "
    "\\ud800-\\udfff not in a pair): remove it."
)
TOO_DEEP = "The body is nested more than 64 levels deep."
NOT_UTF8 = "The body is not valid UTF-8 text."
# 3000 objects never closed: Python 3.13's JSON decoder reads to the end and
# fails there, older ones meet the recursion limit first. Either sentence is
# errorkit's, and true.
DEEP_AND_UNTERMINATED = (TOO_DEEP, "The body is not valid JSON (line 1, column 15001).")
HOSTILE_BODIES = [
    pytest.param(b"[" * 100_000, TOO_DEEP, id="100000-brackets"),
    pytest.param(b'{"a":' * 3000, DEEP_AND_UNTERMINATED, id="3000-objects"),
    pytest.param(b'{"a": "\xff"}', NOT_UTF8, id="invalid-utf8"),
    pytest.param(b'{"a": "\xed\xa0\x80"}', NOT_UTF8, id="encoded-surrogate"),
    pytest.param(b'{"a": "\\ud800"}', UNSTORABLE, id="lone-surrogate"),
    pytest.param(b'{"a": "\\u0000"}', UNSTORABLE, id="nul"),
]
# What a parser or codec says, never in errorkit's sentence.
PARSER_WORDS = (
    "codec",
    "decode",
    "position",
    "Expecting",
    "JSONDecodeError",
    "RecursionError",
    "recursion",
    "0xff",
    "invalid start byte",
    "Traceback",
)

ORDER_PRICE = Decimal("0.25")  # tests/adopter/files/shop/orders.py
ORDERS = list(itertools.permutations(("idempotent", "ratelimit", "require_balance")))
SECRET = "adopter secret internal state 0xdeadbeef"  # shop/extra_views.py
BODY_KEYS = {"error", "message", "requestId", "retryAfter", "fields", "links"}
# Where README's project (with the dashboard at dashboard/) sends a 401 and a
# 402 to fix it.
LINKS = {
    401: ("keys", "/dashboard/keys/"),
    402: ("addFunds", "/dashboard/balance/add/"),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    return build(tmp_path_factory.mktemp("adopter"), blocks)


@pytest.fixture(scope="module")
def keys(project: Project) -> Keys:
    return set_up(project)


@pytest.fixture(scope="module")
def routes(project: Project, keys: Keys) -> dict[str, Any]:
    return project.inventory()


@pytest.fixture(scope="module")
def server(project: Project, keys: Keys) -> Iterator[Served]:
    with gunicorn(project) as served:
        yield served


def readme_route(routes: dict[str, Any], what: str) -> str:
    """The path of README's view of a kind, found in the project's URLconf."""
    wanted = {
        "the ViewSet's create": lambda r: (
            r["kind"] == "viewset" and r["actions"].get("post") == "create"
        ),
        "the ViewSet's retrieve": lambda r: (
            r["kind"] == "viewset" and r["actions"].get("get") == "retrieve"
        ),
        "a plain Django view": lambda r: r["kind"] == "plain",
        "a paid endpoint": lambda r: (
            r["kind"] == "apiview" and 402 in r["declared"].get("post", [])
        ),
    }[what]
    for route in routes["routes"]:
        if route["module"] == "shop.views" and wanted(route):
            return route["path"]
    pytest.fail(f"README.md's views and urls blocks serve no {what}.")


def adopter_path(routes: dict[str, Any], rest: str) -> str:
    """A path of the test's own views (tests/adopter/files/urls_tail.txt)."""
    return f"{routes['api_prefixes'][0]}adopter/{rest}"


def call(
    server: Served,
    method: str,
    path: str,
    key: str | None = None,
    **kwargs: Any,
) -> requests.Response:
    headers = dict(kwargs.pop("headers", {}))
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return requests.request(
        method, f"{server}{path}", headers=headers, timeout=30, **kwargs
    )


def assert_error(
    response: requests.Response, status: int, code: str | None = None
) -> dict[str, Any]:
    """errorkit's error body (README, "The error body"); the body."""
    assert response.status_code == status, (response.status_code, response.text[:800])
    assert response.headers["Content-Type"].startswith("application/json"), (
        response.headers["Content-Type"],
        response.text[:800],
    )
    body = response.json()
    assert {"error", "message", "requestId"} <= set(body), body
    assert set(body) <= BODY_KEYS, body
    assert body["requestId"] == response.headers["X-Request-ID"], body
    assert isinstance(body["message"], str) and body["message"], body
    if code is not None:
        assert body["error"] == code, body
    if status in LINKS:
        name, path = LINKS[status]
        base = "{0.scheme}://{0.netloc}".format(urlsplit(response.url))
        assert body.get("links") == {name: f"{base}{path}"}, body
    else:
        assert "links" not in body, body
    return body


def test_a_missing_marker_is_named() -> None:
    text = README.read_text(encoding="utf-8").replace("<!-- adopter: urls -->", "")
    with pytest.raises(AssertionError, match="<!-- adopter: urls -->"):
        readme_blocks(text)


# -- manage.py check -------------------------------------------------------


def test_check_passes_clean(project: Project) -> None:
    done = project.manage("check", ok=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "ERRORS:" not in output, output


@pytest.mark.parametrize(("env", "check_id"), MISCONFIGURATIONS)
def test_check_reports_misconfiguration(
    project: Project, env: dict[str, str], check_id: str
) -> None:
    done = project.manage("check", ok=False, **env)
    output = done.stdout + done.stderr
    assert f"({check_id})" in output, output
    if ".E" in check_id:
        assert done.returncode != 0, output


def test_atomic_requests_check_names_each_paid_view_not_exempt(
    project: Project, routes: dict[str, Any]
) -> None:
    done = project.manage("check", ok=False, ADOPT_ATOMIC_REQUESTS="1")
    output = done.stdout + done.stderr
    for index in range(len(ORDERS)):
        assert adopter_path(routes, f"orders/{index}/") in output, output
    # README's paid view is exempt, as README says it must be.
    assert readme_route(routes, "a paid endpoint") not in output, output


def test_errorkit_migrations_are_complete_for_the_projects_user_model(
    project: Project, keys: Keys
) -> None:
    done = project.manage("makemigrations", "--check", "--dry-run", ok=False)
    assert done.returncode == 0, done.stdout + done.stderr


# -- The error body, over HTTP -----------------------------------------------


def test_400_invalid_body_to_the_viewset(
    server: Served, keys: Keys, routes: dict[str, Any]
) -> None:
    path = readme_route(routes, "the ViewSet's create")
    body = assert_error(call(server, "POST", path, keys.ann, json={}), 400)
    assert body["error"] == "invalid_request"
    assert body["fields"] and all(body["fields"].values()), body


@pytest.mark.parametrize(("data", "message"), HOSTILE_BODIES)
def test_hostile_body_is_a_400_with_errorkits_sentence(
    server: Served,
    keys: Keys,
    routes: dict[str, Any],
    data: bytes,
    message: str | tuple[str, ...],
) -> None:
    path = readme_route(routes, "the ViewSet's create")
    response = call(
        server,
        "POST",
        path,
        keys.ann,
        data=data,
        headers={"Content-Type": "application/json"},
    )
    body = assert_error(response, 400, "invalid_request")
    expected = message if isinstance(message, tuple) else (message,)
    assert body["message"] in expected, body
    for word in PARSER_WORDS:
        assert word not in response.text, body


def test_401_without_a_key(server: Served, routes: dict[str, Any]) -> None:
    response = call(server, "POST", readme_route(routes, "a paid endpoint"), json={})
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer"), response.headers


def test_401_with_a_bad_key(server: Served, routes: dict[str, Any]) -> None:
    path = readme_route(routes, "a paid endpoint")
    response = call(server, "POST", path, "sk_" + "x" * 43, json={})
    assert_error(response, 401, "invalid_api_key")
    assert response.headers["WWW-Authenticate"].startswith("Bearer"), response.headers


def test_403_read_only_key_may_not_post(
    server: Served, keys: Keys, routes: dict[str, Any]
) -> None:
    path = readme_route(routes, "the ViewSet's create")
    response = call(server, "POST", path, keys.ann_read_only, json={})
    assert_error(response, 403, "forbidden")


def test_403_csrf_on_the_plain_view(server: Served, routes: dict[str, Any]) -> None:
    response = call(server, "POST", readme_route(routes, "a plain Django view"))
    assert_error(response, 403, "forbidden")


def test_403_a_host_the_project_does_not_serve(
    server: Served, keys: Keys, routes: dict[str, Any]
) -> None:
    path = readme_route(routes, "the ViewSet's create")
    response = call(server, "GET", path, keys.ann, headers={"Host": "evil.example"})
    assert_error(response, 403, "forbidden")


def test_404_unknown_url(server: Served, routes: dict[str, Any]) -> None:
    path = f"{routes['api_prefixes'][0]}no-such-endpoint/at-all"
    assert_error(call(server, "GET", path), 404, "not_found")


def test_404_the_projects_own_error_in_its_views(
    server: Served, keys: Keys, routes: dict[str, Any]
) -> None:
    own_codes = {
        error["code"]
        for error in routes["own_errors"].values()
        if error["module"] == "shop.views"
    }
    assert own_codes, "README.md's views block defines no error class of its own."
    codes = []
    for what in ("the ViewSet's retrieve", "a plain Django view"):
        response = call(server, "GET", readme_route(routes, what), keys.ann)
        codes.append(assert_error(response, 404)["error"])
    # An unknown id in README's views is the project's own 404, in one at least.
    assert set(codes) <= own_codes | {"not_found"}, codes
    assert set(codes) & own_codes, codes


def test_the_projects_own_error_classes_answer_their_status_and_code(
    server: Served, routes: dict[str, Any]
) -> None:
    for name, error in routes["own_errors"].items():
        for view in ("own-error", "plain-own-error"):
            response = call(server, "GET", adopter_path(routes, f"{view}/{name}/"))
            assert_error(response, error["status"], error["code"])


def test_405_with_allow(server: Served, keys: Keys, routes: dict[str, Any]) -> None:
    response = call(server, "DELETE", readme_route(routes, "a paid endpoint"), keys.ann)
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"], response.headers
    plain = call(server, "OPTIONS", readme_route(routes, "a plain Django view"))
    assert_error(plain, 405, "method_not_allowed")
    assert "GET" in plain.headers["Allow"], plain.headers


def test_402_a_key_with_no_balance(
    server: Served, keys: Keys, routes: dict[str, Any]
) -> None:
    response = call(
        server,
        "POST",
        adopter_path(routes, "orders/0/"),
        keys.bob,
        json={"n": 1},
        headers={"Idempotency-Key": f"adopter-402-{uuid.uuid4().hex}"},
    )
    assert_error(response, 402, "insufficient_balance")


def test_422_the_same_idempotency_key_for_another_body(
    server: Served, keys: Keys, routes: dict[str, Any]
) -> None:
    path = readme_route(routes, "a paid endpoint")
    headers = {"Idempotency-Key": f"adopter-422-{uuid.uuid4().hex}"}
    first = call(server, "POST", path, keys.ann, json={}, headers=headers)
    assert_error(first, 400, "invalid_request")  # a final answer: stored
    other = call(server, "POST", path, keys.ann, json={"other": 1}, headers=headers)
    assert_error(other, 422, "idempotency_key_reused")


def test_409_a_repeat_while_the_first_call_runs(
    server: Served, project: Project, keys: Keys, routes: dict[str, Any]
) -> None:
    path = adopter_path(routes, "gated/")
    token = uuid.uuid4().hex
    gate, running = project.root / f"gate-{token}", project.root / f"running-{token}"
    body = {"gate": str(gate), "running": str(running)}
    headers = {"Idempotency-Key": f"adopter-409-{token}"}
    gate.touch()
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(
            call, server, "POST", path, keys.ann, json=body, headers=headers
        )
        try:
            wait_until(running.exists, "the first call to run", timeout=20)
            repeat = call(server, "POST", path, keys.ann, json=body, headers=headers)
        finally:
            gate.unlink(missing_ok=True)
        assert first.result().status_code == 201, first.result().text[:800]
    answer = assert_error(repeat, 409, "idempotency_conflict")
    assert answer["retryAfter"] >= 1, answer
    assert int(repeat.headers["Retry-After"]) == answer["retryAfter"], answer


def test_429_when_the_rate_limit_is_reached(
    server: Served, keys: Keys, routes: dict[str, Any]
) -> None:
    path = readme_route(routes, "a paid endpoint")
    for _attempt in range(200):
        response = call(
            server,
            "POST",
            path,
            keys.bob,
            json={},
            headers={"Idempotency-Key": f"adopter-429-{uuid.uuid4().hex}"},
        )
        if response.status_code == 429:
            break
        assert response.status_code in (400, 402), response.text[:800]
    body = assert_error(response, 429, "rate_limit_exceeded")
    assert body["retryAfter"] >= 1, body
    assert int(response.headers["Retry-After"]) == body["retryAfter"], body


@pytest.mark.parametrize("view", ["crash/", "plain-crash/"])
def test_500_a_crash_tells_nothing_but_a_request_id(
    server: Served, keys: Keys, routes: dict[str, Any], view: str
) -> None:
    method = "POST" if view == "crash/" else "GET"
    response = call(server, method, adopter_path(routes, view), keys.ann)
    body = assert_error(response, 500, "internal_error")
    for secret in (SECRET, "0xdeadbeef", "RuntimeError", "Traceback"):
        assert secret not in response.text, body


# -- Replays are charged once, in every order of the decorators -------------


@pytest.mark.parametrize(
    "index", range(len(ORDERS)), ids=["-".join(order) for order in ORDERS]
)
def test_replays_are_charged_once(
    server: Served,
    project: Project,
    keys: Keys,
    routes: dict[str, Any],
    index: int,
) -> None:
    path = adopter_path(routes, f"orders/{index}/")
    headers = {"Idempotency-Key": f"adopter-replay-{index}-{uuid.uuid4().hex}"}
    before = project.balance(ANN)
    answers = [
        call(server, "POST", path, keys.ann, json={"n": index}, headers=headers)
        for _ in range(3)
    ]
    first, replays = answers[0], answers[1:]
    assert first.status_code == 201, first.text[:800]
    assert "Idempotent-Replayed" not in first.headers, first.headers
    for replay in replays:
        assert replay.status_code == 201, replay.text[:800]
        assert replay.headers.get("Idempotent-Replayed") == "true", replay.headers
        assert replay.content == first.content
        assert replay.headers["X-Request-ID"] != first.headers["X-Request-ID"]
        assert replay.headers["Original-Request-ID"] == first.headers["X-Request-ID"]
    assert before - project.balance(ANN) == ORDER_PRICE


# -- The admin -----------------------------------------------------------------


@pytest.fixture(scope="module")
def admin(server: Served) -> requests.Session:
    """A session signed in to /admin/ as the superuser."""
    session = requests.Session()
    login = f"{server}/admin/login/"
    assert session.get(login, timeout=30).status_code == 200
    response = session.post(
        login,
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "username": ADMIN_EMAIL,  # the form's field, whatever the user model
            "password": ADMIN_PASSWORD,
            "next": "/admin/",
        },
        headers={"Referer": login},
        timeout=30,
    )
    assert response.status_code == 200, response.text[:800]
    assert response.url == f"{server}/admin/", (response.url, response.text[:800])
    return session


def test_admin_pages_of_every_errorkit_model(
    server: Served, project: Project, admin: requests.Session
) -> None:
    pages = project.inventory()["admin"]
    models = {page["model"] for page in pages}
    assert {
        "errorkit_keys.APIKey",
        "errorkit_billing.CreditAccount",
        "errorkit_billing.LedgerEntry",
        "errorkit_incidents.Incident",
        "errorkit_incidents.FailedRequest",
    } <= models, models
    failed = []
    # Found by the owner's e-mail, the project's USERNAME_FIELD.
    for model in ("errorkit_keys.APIKey", "errorkit_billing.CreditAccount"):
        page = next(page for page in pages if page["model"] == model)
        response = admin.get(f"{server}{page['changelist']}?q={ANN}", timeout=30)
        if 'id="result_list"' not in response.text:
            failed.append((f"{page['changelist']}?q={ANN} found nothing", 0))
    for page in pages:
        urls = [
            page["changelist"],
            f"{page['changelist']}?q={ANN}",
            *page["objects"],
        ]
        for url in urls:
            response = admin.get(f"{server}{url}", timeout=30)
            if response.status_code != 200:
                failed.append((url, response.status_code))
    assert not failed, f"{failed}\n{server.log_tail()}"


def test_a_crash_is_found_in_the_admin_by_its_request_id(
    server: Served, keys: Keys, routes: dict[str, Any], admin: requests.Session
) -> None:
    crash = call(server, "POST", adopter_path(routes, "crash/"), keys.ann)
    request_id = assert_error(crash, 500)["requestId"]
    for changelist in ("failedrequest", "incident"):
        url = f"{server}/admin/errorkit_incidents/{changelist}/?q={request_id}"

        def found(url: str = url) -> bool:
            response = admin.get(url, timeout=30)
            assert response.status_code == 200, (url, response.status_code)
            # The result table is drawn only when the search found a row.
            return 'id="result_list"' in response.text

        wait_until(found, f"{changelist} {request_id} in the admin", timeout=20)
        assert request_id in admin.get(url, timeout=30).text


def test_the_dashboard_makes_a_key_once_and_revokes_it(
    server: Served, routes: dict[str, Any], admin: requests.Session
) -> None:
    """README's dashboard in the adopter's project (its own user model, under
    gunicorn): anonymous visitors are sent to LOGIN_URL; a signed-in user
    creates a key, sees its secret once, calls the API with it, revokes it,
    and the next call is 401."""
    keys_page = f"{server}/dashboard/keys/"
    anonymous = requests.get(keys_page, allow_redirects=False, timeout=30)
    assert anonymous.status_code == 302, anonymous.status_code
    assert anonymous.headers["Location"].startswith("/accounts/login/?next=")

    listing = admin.get(keys_page, timeout=30)
    assert listing.status_code == 200, listing.text[:800]
    assert listing.headers["X-Frame-Options"] == "DENY"
    made = admin.post(
        f"{server}/dashboard/keys/new/",
        data={
            "csrfmiddlewaretoken": admin.cookies["csrftoken"],
            "name": "from the dashboard",
        },
        headers={"Referer": keys_page},
        timeout=30,
    )
    assert made.status_code == 200 and made.url == keys_page, made.text[:800]
    found = re.search(r'id="new-secret"[^>]*value="(sk_[A-Za-z0-9_-]+)"', made.text)
    assert found, made.text[:2000]
    secret = found.group(1)
    assert all(secret not in step.url for step in [*made.history, made])
    api = readme_route(routes, "the ViewSet's create")
    assert call(server, "GET", api, secret).status_code == 200
    again = admin.get(keys_page, timeout=30)
    assert secret not in again.text and secret[:11] in again.text

    key_id = re.search(r"/dashboard/keys/(\d+)/revoke/", again.text).group(1)
    revoke = f"{server}/dashboard/keys/{key_id}/revoke/"
    revoked = admin.post(
        revoke,
        data={"csrfmiddlewaretoken": admin.cookies["csrftoken"]},
        headers={"Referer": revoke},
        timeout=30,
    )
    assert revoked.status_code == 200 and revoked.url == keys_page
    assert_error(call(server, "GET", api, secret), 401, "invalid_api_key")
