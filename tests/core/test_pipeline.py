"""errorkit.pipeline: phases run in stage order whatever the order they were
added in, the view once, a success committed with what records it, and every
phase begun settled or abandoned. The phases here are the test's own, so
that core's run is proven without any optional app."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

import errorkit
from errorkit.declarations import ResponseHeader, declarations_of
from errorkit.pipeline import (
    NOTHING,
    Call,
    Phase,
    Stage,
    Step,
    add_phase,
    pipeline_of,
)

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True, eq=False)
class Recorder(Phase):
    """A phase that records what the pipeline asks of it in ``log``."""

    stage: ClassVar[Stage] = Stage.CLAIM
    name: ClassVar[str] = "recorder"
    records_success: ClassVar[bool] = True
    log: list[str]
    tag: str = "r"
    answer: HttpResponse | None = None

    def begin(self, call: Call) -> Step | HttpResponse:
        self.log.append(f"{self.tag}:begin")
        if self.answer is not None:
            return self.answer
        log, tag = self.log, self.tag

        class Recorded(Step):
            def commit(self, response: HttpResponse) -> None:
                log.append(f"{tag}:commit in_atomic={connection.in_atomic_block}")

            def settle(self, response: HttpResponse) -> HttpResponse:
                log.append(f"{tag}:settle {response.status_code}")
                return response

            def abandon(self) -> None:
                log.append(f"{tag}:abandon")

        return Recorded()


@dataclass(frozen=True, eq=False)
class Later(Recorder):
    stage: ClassVar[Stage] = Stage.HOLD
    name: ClassVar[str] = "later"


def test_phases_run_in_stage_order_whatever_order_they_are_added():
    log: list[str] = []

    def view(request):
        log.append("view")
        return HttpResponse(status=201)

    # The later stage written first (innermost), then the earlier one.
    entry = add_phase(add_phase(view, Later(log, "hold")), Recorder(log, "claim"))
    assert entry(RequestFactory().post("/v1/x")).status_code == 201
    assert log == [
        "claim:begin",
        "hold:begin",
        "view",
        "hold:commit in_atomic=True",
        "claim:commit in_atomic=True",
        "hold:settle 201",
        "claim:settle 201",
    ]
    assert pipeline_of(entry) is not None and pipeline_of(view) is None


def test_an_answer_from_a_phase_ends_the_call_before_the_view():
    log: list[str] = []

    def view(request):
        log.append("view")
        return HttpResponse(status=201)

    replay = HttpResponse(b"stored", status=201)
    entry = add_phase(
        add_phase(view, Later(log, "hold")), Recorder(log, "claim", answer=replay)
    )
    assert entry(RequestFactory().post("/v1/x")) is replay
    assert log == ["claim:begin"]


def test_a_non_2xx_rolls_the_view_back_and_commits_nothing():
    from django.contrib.auth.models import Group

    log: list[str] = []

    def view(request):
        Group.objects.create(name="written")
        return JsonResponse({"error": "late"}, status=409)

    entry = add_phase(view, Recorder(log))
    assert entry(RequestFactory().post("/v1/x")).status_code == 409
    assert not Group.objects.exists()
    assert log == ["r:begin", "r:settle 409"]


def test_an_exception_abandons_every_phase_begun():
    log: list[str] = []

    def view(request):
        raise RuntimeError("bug")

    entry = add_phase(add_phase(view, Later(log, "hold")), Recorder(log, "claim"))
    with pytest.raises(RuntimeError):
        entry(RequestFactory().post("/v1/x"))
    assert log == ["claim:begin", "hold:begin", "hold:abandon", "claim:abandon"]


def test_an_api_error_from_a_phase_is_the_answer_the_others_settle_with():
    log: list[str] = []

    @dataclass(frozen=True, eq=False)
    class Refuses(Phase):
        stage: ClassVar[Stage] = Stage.HOLD
        name: ClassVar[str] = "refuses"

        def begin(self, call: Call) -> Step:
            raise errorkit.InsufficientBalance()

    def view(request):
        raise AssertionError("not run")

    entry = add_phase(add_phase(view, Refuses()), Recorder(log))
    response = entry(RequestFactory().post("/v1/x"))
    assert response.status_code == 402
    assert json.loads(response.content)["error"] == "insufficient_balance"
    assert log == ["r:begin", "r:settle 402"]


def test_a_foreign_decorator_between_phases_that_record_is_refused():
    import functools

    def foreign(view: Any) -> Any:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return view(*args, **kwargs)

        return wrapper

    def view(request):
        return HttpResponse()

    inner = add_phase(view, Later([]))
    with pytest.raises(ImproperlyConfigured, match="next to each other"):
        add_phase(foreign(inner), Recorder([]))


@pytest.mark.parametrize("above", ["api_view", "as_view"])
def test_a_decorator_above_drfs_view_is_refused_saying_where_it_goes(above):
    """Above @api_view (or on as_view()) errorkit's decorators would get
    Django's request, before DRF authenticates it: a limit per API key
    would count everyone as one caller. Refused when the module loads."""
    from rest_framework.decorators import api_view

    def boom(request):
        return Response({})

    drf_view = api_view(["GET"])(boom) if above == "api_view" else APIView.as_view()
    with pytest.raises(ImproperlyConfigured, match="Write it below @api_view"):
        errorkit.ratelimit(rate="5/m", key="ip")(drf_view)
    with pytest.raises(ImproperlyConfigured, match="above @api_view"):
        add_phase(drf_view, Later([]))


def test_stacked_limits_in_any_order_are_one_check_on_the_innermost_view():
    @errorkit.ratelimit(rate="1/m", key=lambda g, r: "a", name="a")
    @errorkit.ratelimit(rate="5/m", key=lambda g, r: "b", name="b")
    def view(request):
        return HttpResponse()

    pipeline = pipeline_of(view)
    assert pipeline is not None and len(pipeline.phases) == 1
    assert [limit.name for limit in pipeline.phases[0].limits] == ["a", "b"]
    first = view(RequestFactory().get("/v1/x"))
    assert first.status_code == 200 and "RateLimit" in first
    assert view(RequestFactory().get("/v1/x")).status_code == 429


# Headers a phase announces on every answer (errorkit.idempotent's
# Idempotency-Supported is one): a generic mechanism of core's pipeline.

ANNOUNCED = ResponseHeader("X-Announced", "yes", "Said on every answer.")


@dataclass(frozen=True, eq=False)
class Announces(Phase):
    stage: ClassVar[Stage] = Stage.LIMIT
    name: ClassVar[str] = "announces"
    answer_headers: ClassVar[tuple[ResponseHeader, ...]] = (ANNOUNCED,)

    def begin(self, call: Call) -> Step:
        return NOTHING


def announcing(view: Any) -> Any:
    """The test's decorator: ``Announces`` on ``view``."""
    return add_phase(view, Announces())


def crash(request):
    raise RuntimeError("a bug")


def ok(request):
    return HttpResponse(status=201)


class CrashView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @announcing
    def get(self, request):
        raise RuntimeError("a bug in a DRF view")

    def post(self, request):
        return Response({"ok": True}, status=201)


# The URLconf of the tests that call through the middleware (pytest.mark.urls),
# with errorkit's 500 handler as a project names it.
urlpatterns = [
    path("v1/announced/crash", announcing(crash)),
    path("v1/announced/ok", announcing(ok)),
    path("v1/plain/crash", crash),
    path("v1/announced/drf", CrashView.as_view()),
]
handler500 = "errorkit.views.handler500"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/v1/announced/crash", "/v1/announced/drf"])
def test_a_phases_answer_header_is_on_the_500_of_a_crash_outside_it(client, url):
    response = client.get(url)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "internal_error"
    assert response["X-Announced"] == "yes"


@pytest.mark.urls(__name__)
def test_a_phases_answer_header_is_on_its_success_and_nowhere_else(client):
    assert client.get("/v1/announced/ok")["X-Announced"] == "yes"
    assert "X-Announced" not in client.get("/v1/plain/crash")
    # The same view's method without the phase does not say it.
    assert "X-Announced" not in client.post("/v1/announced/drf")


def test_a_phases_answer_headers_are_declared_for_the_schema():
    entry = announcing(add_phase(ok, Later([])))
    assert declarations_of(entry).answer_headers == (ANNOUNCED,)
    assert declarations_of(add_phase(ok, Later([]))).answer_headers == ()
