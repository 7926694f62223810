"""One paid endpoint per order of errorkit's three decorators.

``errorkit.idempotent``, ``errorkit.ratelimit`` and
``errorkit.require_balance`` may be written in any order: each of the six
views below stacks them differently and must answer, count and charge the
same (tests/billing/test_decorator_orders.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import errorkit

from .models import Task

PRICE = Decimal("0.25")
NAMES = ("idempotent", "ratelimit", "require_balance")
# Each order as written, top (outermost) first.
ORDERS: list[tuple[str, ...]] = list(itertools.permutations(NAMES))


def decorator(name: str, index: int) -> Callable[[Any], Any]:
    if name == "idempotent":
        return errorkit.idempotent
    if name == "ratelimit":
        return errorkit.ratelimit(rate="5/m", key="api_key", group=f"orders-{index}")
    return errorkit.require_balance(cost=PRICE)


def place_order(request: Request) -> Response:
    """Write an order; crash after the write, or reject it, when asked to."""
    payload = request.data.get("payload") if isinstance(request.data, dict) else None
    task = Task.objects.create(
        owner=request.user, kind="order", payload=payload, result=None, cost=PRICE
    )
    if payload == "crash":
        raise RuntimeError("crash after a write")
    if payload == "reject":
        return Response({"error": "rejected"}, status=409)
    return Response({"id": task.id}, status=201)


def order_view(index: int) -> type[APIView]:
    def post(self: APIView, request: Request) -> Response:
        return place_order(request)

    for name in reversed(ORDERS[index]):  # the first written is the outermost
        post = decorator(name, index)(post)
    return type(f"Order{index}", (APIView,), {"post": post})


ORDER_VIEWS = [order_view(index) for index in range(len(ORDERS))]


class DeclaredOrder(APIView):
    """The same endpoint declared in one line: the seventh "order"."""

    @errorkit.endpoint(
        cost=PRICE, idempotent=True, rate="5/m", key="api_key", group="orders-6"
    )
    def post(self, request: Request) -> Response:
        return place_order(request)


ORDER_VIEWS.append(DeclaredOrder)
