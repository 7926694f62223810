"""Six paid endpoints, one per order of errorkit's three decorators.

README.md says the decorators may be written in any order; each view below
stacks ``idempotent``, ``ratelimit`` and ``require_balance`` differently, and
every one must answer, count and charge the same. The views write nothing:
what is charged is errorkit's doing alone.
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

PRICE = Decimal("0.25")
NAMES = ("idempotent", "ratelimit", "require_balance")
# Each order as written, top (outermost) first.
ORDERS: list[tuple[str, ...]] = list(itertools.permutations(NAMES))


def decorator(name: str, index: int) -> Callable[[Any], Any]:
    if name == "idempotent":
        return errorkit.idempotent
    if name == "ratelimit":
        return errorkit.ratelimit(
            rate="100/m", key="api_key", group=f"adopter-orders-{index}"
        )
    return errorkit.require_balance(cost=PRICE)


def order_view(index: int) -> type[APIView]:
    def post(self: APIView, request: Request) -> Response:
        return Response({"order": index, "decorators": list(ORDERS[index])}, status=201)

    for name in reversed(ORDERS[index]):  # the first written is the outermost
        post = decorator(name, index)(post)
    return type(f"Order{index}", (APIView,), {"post": post, "__module__": __name__})


ORDER_VIEWS = [order_view(index) for index in range(len(ORDERS))]
