"""Stripe without the network: the official library with a fake HTTP
client (its documented extension point, ``stripe.HTTPClient``), and webhook
bodies signed as Stripe signs them (``Stripe-Signature: t=...,v1=...``, an
HMAC-SHA256 of "t.body" with the endpoint's secret)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import stripe

from errorkit.dashboard.stripe_checkout import StripeCheckoutTopUp

SECRET = "whsec_errorkit_tests"  # tests.settings' STRIPE_WEBHOOK_SECRET


class FakeStripeHTTP(stripe.HTTPClient):
    """Answers every call with ``status`` and ``body``; keeps what was sent."""

    name = "fake"

    def __init__(self, status: int = 200, body: Mapping[str, Any] | None = None):
        super().__init__()
        self.status = status
        self.body = dict(body or {})
        self.sent: list[dict[str, Any]] = []

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        **kwargs: Any,
    ) -> tuple[str, int, Mapping[str, str]]:
        form = parse_qs(
            post_data.decode() if isinstance(post_data, bytes) else post_data or ""
        )
        self.sent.append(
            {"method": method, "url": url, "headers": dict(headers or {}), "form": form}
        )
        return json.dumps(self.body), self.status, {"Request-Id": "req_fake"}

    def close(self) -> None:
        pass


class RecordedStripeTopUp(StripeCheckoutTopUp):
    """StripeCheckoutTopUp whose library calls a ``FakeStripeHTTP`` (set by
    the test on the class)."""


def session(top_up: Any, **fields: Any) -> dict[str, Any]:
    """A Checkout Session as Stripe's webhook sends it, paying ``top_up``."""
    return {
        "id": top_up.external_id or "cs_test_a1",
        "object": "checkout.session",
        "amount_total": int(top_up.amount * 100),
        "currency": top_up.currency.lower(),
        "payment_status": "paid",
        "client_reference_id": str(top_up.pk),
        "metadata": {"top_up": str(top_up.pk)},
        **fields,
    }


def event(data: Mapping[str, Any], kind: str = "checkout.session.completed") -> bytes:
    return json.dumps(
        {
            "id": "evt_test_1",
            "object": "event",
            "type": kind,
            "api_version": "2025-03-31.basil",
            "created": int(time.time()),
            "data": {"object": dict(data)},
        }
    ).encode()


def signature(body: bytes, secret: str = SECRET, at: float | None = None) -> str:
    stamp = int(time.time() if at is None else at)
    signed = hmac.new(
        secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"t={stamp},v1={signed}"
