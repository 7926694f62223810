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

import errorkit
from errorkit.pipeline import Call, Phase, Stage, Step, add_phase, pipeline_of

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
