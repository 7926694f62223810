"""The demo's models: what each costs and how its upstream behaves."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DemoModel:
    id: str
    price: Decimal
    description: str

    def as_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "price": str(self.price),
            "description": self.description,
        }


MODELS: dict[str, DemoModel] = {
    m.id: m
    for m in (
        DemoModel("demo-echo", Decimal("0.01"), "Succeeds; the output is the input."),
        DemoModel("demo-crash", Decimal("0.01"), "Raises an unhandled exception: 500."),
        DemoModel("demo-flaky", Decimal("0.01"), "Its upstream fails: 502."),
        DemoModel(
            "demo-overloaded", Decimal("0.01"), "Its upstream is saturated: 503."
        ),
    )
}
