"""A decorated view's pipeline: errorkit's decorators as phases of one run.

``errorkit.idempotent``, ``errorkit.ratelimit`` and
``errorkit.require_balance`` do not wrap each other. Each adds a phase to the
view's one ``Pipeline``, and every call runs the phases in one fixed order,
whatever order the decorators were written in::

    1. claim  the Idempotency-Key (a replay or a conflict answers here:
              never counted, never charged)
    2. limit  count the call (a 429 answers here, before any money moves)
    3. hold   the price, committed (a 402 answers here)
    4. the view, once; when a phase records the success (a hold's post, the
       stored answer), in one transaction with the view's own writes, and
       any answer other than a 2xx rolls the view back
    5. settle each phase with the answer, the last one begun first: a hold
       not posted is voided, a claim stored or released, limit headers added

An exception (the view's, or a phase's) abandons every phase begun: holds
are voided, claims released. An error a phase raises before the view runs
(429, 402, 409...) becomes the call's answer, and the phases begun before it
settle with that answer, as they would with the view's.

Each call gets a ``Call``: the request, the view's arguments and a
server-made ``call_id``. Money and claims are joined by that id, never by
the caller's ``X-Request-ID``, which a caller may reuse on concurrent calls.

Core owns the run; the optional apps own their phases (``Phase``
subclasses), so core never imports them.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from .declarations import HeaderParameter, ResponseHeader, declarations_of, declare
from .exceptions import APIError
from .outcomes import drf_answer_to, is_success, run_view
from .state import state_of
from .view_names import dotted_path, view_path
from .view_requests import find_request


class Stage(IntEnum):
    """Where a phase runs in a call; lower runs first."""

    CLAIM = 10
    LIMIT = 20
    HOLD = 30


class Step:
    """What a phase does for one call once it has begun. Every method is a
    no-op here: a phase overrides what it needs."""

    def commit(self, response: HttpResponse) -> None:
        """In the success's transaction, for a 2xx answer; raising undoes it."""

    def settle(self, response: HttpResponse) -> HttpResponse:
        """The call's answer is decided (the transaction, if any, is over)."""
        return response

    def abandon(self) -> None:
        """An exception ends the call: give back what ``begin`` took."""


# A step with nothing to do (an idempotent GET, a call declared free).
NOTHING = Step()


@dataclass(slots=True, eq=False)
class Call:
    """One run of a pipelined view: what its phases share."""

    request: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    # See ``call_id``: made when a phase first asks for it.
    made_id: str | None = None

    @property
    def call_id(self) -> str:
        """Made by the server, unique per call: holds and claims are joined by
        it. Made on first use: a call that only counts a limit never needs one
        (a random UUID costs 3 µs, a tenth of a rate limit's own work)."""
        if self.made_id is None:
            self.made_id = uuid.uuid4().hex
        return self.made_id


class Phase:
    """One decorator's part of a call. Subclasses set ``stage`` and ``name``
    and implement ``begin``."""

    stage: ClassVar[Stage]
    # The decorator, as messages name it.
    name: ClassVar[str]
    # Whether the phase writes with the view's success (``Step.commit``): the
    # view then runs in a transaction, and its phases must commit before it
    # (so the request itself cannot run in one: see ATOMIC_REQUESTS).
    records_success: ClassVar[bool] = False
    # The rate limits the phase checks, for the schema's declarations.
    limits: tuple[Any, ...] = ()
    # Headers every answer of the view carries while the phase is on it (its
    # errors and crashes included), such as idempotency's announcement.
    answer_headers: ClassVar[tuple[ResponseHeader, ...]] = ()

    def begin(self, call: Call) -> Step | HttpResponse:
        """Start the phase: a ``Step``, or an answer that ends the call here
        (a replay). Raising an ``APIError`` answers with that error."""
        raise NotImplementedError

    def join(self, inner: Phase) -> Phase:
        """This phase, written above ``inner`` of the same stage, as one.
        Refused by default: one claim and one hold per view."""
        raise ImproperlyConfigured(
            f"{self.name} is written twice on one view: keep one."
        )


class Pipeline:
    """The phases of one view, in stage order, and the function that runs them."""

    __slots__ = ("view", "phases", "records_success", "answer_headers", "entry")

    def __init__(self, view: Callable[..., Any], phases: tuple[Phase, ...]) -> None:
        self.view = view
        self.phases = tuple(sorted(phases, key=lambda phase: phase.stage))
        # Whether a phase writes with the success: the view then runs in a
        # transaction. Known when the view is decorated, not on each call.
        self.records_success = any(phase.records_success for phase in phases)
        self.answer_headers = {
            header.name: header.value
            for phase in self.phases
            for header in phase.answer_headers
        }
        self.entry: Callable[..., Any] = self._make_entry()

    def adding(self, phase: Phase) -> Pipeline:
        """A new pipeline with ``phase`` added (written above the others)."""
        phases: list[Phase] = []
        for existing in self.phases:
            if existing.stage == phase.stage:
                phase = phase.join(existing)
            else:
                phases.append(existing)
        return Pipeline(self.view, (*phases, phase))

    def _make_entry(self) -> Callable[..., Any]:
        if iscoroutinefunction(self.view):
            if self.records_success:  # the decorators refuse async views first
                raise ImproperlyConfigured("Only rate limits apply to async views.")

            @functools.wraps(self.view)
            async def async_entry(*args: Any, **kwargs: Any) -> Any:
                return await self.run_async(args, kwargs)

            return async_entry

        @functools.wraps(self.view)
        def entry(*args: Any, **kwargs: Any) -> Any:
            return self.run(args, kwargs)

        return entry

    # -- a call --------------------------------------------------------------

    def start(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Call:
        call = Call(find_request(args, self.phases[-1].name), args, kwargs)
        if self.answer_headers:
            # On the request's state, so that the middleware puts them on
            # whatever answers it: a crash's 500 is made outside the pipeline.
            # The pipeline's own dict, shared by its calls (only read), unless
            # another pipeline on the request announced first.
            state = state_of(call.request)
            if state.answer_headers is None:
                state.answer_headers = self.answer_headers
            else:
                state.answer_headers = {**state.answer_headers, **self.answer_headers}
        return call

    def run(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> HttpResponse:
        call = self.start(args, kwargs)
        steps: list[Step] = []
        try:
            response = self.begin(call, steps)
            if response is None:
                response = self.run_view(call, steps)
        except BaseException:
            for step in reversed(steps):
                step.abandon()
            raise
        return self.settle(response, steps)

    async def run_async(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse:
        # Only rate limits reach here: their counting is synchronous I/O.
        call = self.start(args, kwargs)
        steps: list[Step] = []
        response = await sync_to_async(self.begin)(call, steps)
        if response is None:
            response = await self.view(*args, **kwargs)
        return self.settle(response, steps)

    def begin(self, call: Call, steps: list[Step]) -> HttpResponse | None:
        """Begin each phase in order; an answer (a replay, an error) ends it."""
        for phase in self.phases:
            try:
                began = phase.begin(call)
            except Exception as error:
                return answer_error(call, error)
            if isinstance(began, HttpResponse):
                return began
            steps.append(began)
        return None

    def run_view(self, call: Call, steps: list[Step]) -> HttpResponse:
        """The view's answer; a success committed with what records it."""
        if not self.records_success:
            return run_view(self.view, call.request, call.args, call.kwargs)
        with transaction.atomic():
            response = run_view(self.view, call.request, call.args, call.kwargs)
            if not is_success(response.status_code):
                transaction.set_rollback(True)
                return response
            for step in reversed(steps):
                step.commit(response)
        return response

    @staticmethod
    def settle(response: HttpResponse, steps: list[Step]) -> HttpResponse:
        for step in reversed(steps):
            response = step.settle(response)
        return response


def answer_error(call: Call, error: Exception) -> HttpResponse:
    """The answer to an error a phase raised, as if the view had raised it:
    inside DRF the view handles it (its handler, its headers; what the
    handler does not answer is raised again), outside DRF errorkit's handler
    answers API errors and anything else is raised again."""
    request = call.request
    if isinstance(request, Request):
        return drf_answer_to(error, request, call.args, call.kwargs)
    if not isinstance(error, APIException):
        raise error
    from .handlers import error_response  # the handler imports DRF's views

    return error_response(request, error)


def pipeline_of(view: Any) -> Pipeline | None:
    """The pipeline ``view`` is the entry of, if any."""
    pipeline = declarations_of(view).pipeline
    return pipeline if pipeline is not None and pipeline.entry is view else None


def add_phase(
    view: Callable[..., Any],
    phase: Phase,
    *errors: type[APIError],
    headers: tuple[HeaderParameter, ...] = (),
    autocommit: bool = False,
) -> Callable[..., Any]:
    """Add ``phase`` to ``view``'s pipeline (a new one if it has none) and
    return the pipeline's entry, with the view's declarations plus these."""
    if isinstance(getattr(view, "cls", None), type):
        # DRF's as_view() (which @api_view returns) is called with Django's
        # request, before DRF authenticates it: a limit "per API key" would
        # see no key, and a balance no user.
        raise ImproperlyConfigured(
            f"{phase.name} is above @api_view (or on DRF's as_view()) on "
            f"{view_path(view)}. Write it below @api_view, on the function, "
            "as DRF's own decorators are; on a class, decorate its methods."
        )
    joined = pipeline_of(view)
    below = declarations_of(view)
    if joined is None and below.pipeline is not None:
        # Another decorator sits between this one and errorkit's decorators
        # below it (functools.wraps copied their declarations): two pipelines
        # would nest, and the inner one's holds or claims would commit inside
        # the outer one's transaction. Rate limits alone may nest.
        if phase.records_success or below.pipeline.records_success:
            raise ImproperlyConfigured(
                f"{phase.name} on {dotted_path(view)} is separated from "
                "errorkit's other decorators by another decorator. Write "
                "errorkit.idempotent, "
                "errorkit.ratelimit and errorkit.require_balance next to each "
                "other (in any order), with other decorators above or below them "
                "all."
            )
    pipeline = joined.adding(phase) if joined is not None else Pipeline(view, (phase,))
    declare(
        pipeline.entry,
        view,
        *errors,
        headers=headers,
        answer_headers=phase.answer_headers,
        limits=tuple(limit for each in pipeline.phases for limit in each.limits),
        autocommit=(phase.name,) if autocommit else (),
        pipeline=pipeline,
    )
    return pipeline.entry


__all__ = [
    "Call",
    "NOTHING",
    "Phase",
    "Pipeline",
    "Stage",
    "Step",
    "add_phase",
    "pipeline_of",
]
