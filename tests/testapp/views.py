"""The paid test API: keys, balances, rate limits and idempotency together.

Imported only where errorkit.keys, errorkit.billing and errorkit.idempotency
are installed (tests.settings, not tests.settings_core).
"""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import errorkit
from errorkit.billing.funds import funds_of

from .models import Task
from .prices import KINDS


class TaskCrashed(RuntimeError):
    """The crash kind's deliberate bug."""


class KindNotFound(errorkit.NotFound):
    default_code = "kind_not_found"
    default_detail = _("No such kind of task.")


class TaskNotFound(errorkit.NotFound):
    default_code = "task_not_found"
    default_detail = _("No such task for this API key's account.")


class TaskRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=32)
    payload = serializers.JSONField(allow_null=True)


def tasks_rate(group: str, request: Request) -> str:
    return getattr(settings, "TEST_TASKS_RATE", "1000/m")


def task_price(request: Request) -> errorkit.Price:
    serializer = TaskRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    kind = serializer.validated_data["kind"]
    if kind not in KINDS:
        raise KindNotFound()
    return errorkit.Price(KINDS[kind], serializer.validated_data)


def wait_at_gate(payload: dict) -> None:
    """Say which process runs the task, then wait while the gate file exists:
    the test kills that process, or cuts its database, meanwhile."""
    Path(payload["pidfile"]).write_text(str(os.getpid()))
    gate, deadline = Path(payload["gate"]), time.monotonic() + 60
    while gate.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def as_dict(task: Task) -> dict[str, object]:
    return {
        "id": task.id,
        "kind": task.kind,
        "result": task.result,
        "cost": str(task.cost.quantize(Decimal("0.01"))),
    }


class TaskList(APIView):
    @errorkit.idempotent
    @errorkit.ratelimit(rate=tasks_rate, key="api_key", name="tasks")
    @errorkit.require_balance(cost=task_price)
    @errorkit.raises(KindNotFound, errorkit.BadGateway, errorkit.ServiceUnavailable)
    def post(self, request: Request) -> Response:
        charge = request.errorkit.charge
        kind, payload = charge.priced["kind"], charge.priced["payload"]
        if kind == "crash":
            raise TaskCrashed("crash: secret internal state 0xdeadbeef")
        if kind == "flaky":
            raise errorkit.BadGateway()
        if kind == "busy":
            raise errorkit.ServiceUnavailable(retry_after=30)
        if kind == "gated":
            wait_at_gate(payload)
        if isinstance(payload, dict) and "use" in payload:
            charge.use(payload["use"])  # usage priced after the work
        if isinstance(payload, dict) and "label" in payload:
            charge.describe(payload["label"])  # what the charge paid for
        if isinstance(payload, dict) and payload.get("unrenderable"):
            payload = {"result": "\ud800"}  # a str no encoder can write
        task = Task.objects.create(
            owner=request.user,
            kind=kind,
            payload=payload,
            result=payload,
            cost=KINDS[kind],
        )
        if isinstance(payload, dict) and payload.get("fail_after_write"):
            return Response({"error": "late"}, status=payload["fail_after_write"])
        return Response(as_dict(task), status=201)


class TaskDetail(APIView):
    @errorkit.raises(TaskNotFound)
    def get(self, request: Request, task_id: str) -> Response:
        task = Task.objects.filter(pk=task_id, owner=request.user).first()
        if task is None:
            raise TaskNotFound()
        return Response(as_dict(task))


class AccountView(APIView):
    def get(self, request: Request) -> Response:
        funds = funds_of(request.user)
        return Response(
            {
                "balance": str(funds.balance.quantize(Decimal("0.01"))),
                "held": str(funds.held.quantize(Decimal("0.01"))),
                "currency": funds.currency,
            }
        )


class NoteCrashed(RuntimeError):
    """A note's deliberate bug, after its row is written."""


def write_note(request: Request) -> Response:
    """Write a note (a Task of kind "note", free); crash after the write when
    the body says ``{"crash": true}``: a write a retry would do twice."""
    body = request.data if isinstance(request.data, dict) else {}
    task = Task.objects.create(
        owner=request.user, kind="note", payload=body, result=None, cost=Decimal(0)
    )
    if body.get("crash") is True:
        raise NoteCrashed("crash after writing a note")
    return Response(as_dict(task), status=201)


class NoteList(APIView):
    """POST /v1/notes: NOT idempotent (no errorkit.idempotent, so no
    Idempotency-Supported): a client must never repeat a call that may have
    written."""

    def post(self, request: Request) -> Response:
        return write_note(request)


# Three notes per five seconds per API key, for the clients' pacing tests.
PACED_NOTES_RATE = "3/5s"


class PacedNoteList(APIView):
    """POST /v1/paced-notes: the same notes, rate-limited, still not idempotent."""

    @errorkit.ratelimit(rate=PACED_NOTES_RATE, key="api_key", name="paced-notes")
    def post(self, request: Request) -> Response:
        return write_note(request)
