"""Adding funds by card with Stripe Checkout, on the official ``stripe``
library (``pip install errorkit[stripe]``).

"Add funds" creates a Checkout Session for the amount asked and sends the
customer's browser to Stripe's page. Stripe then calls the webhook
(``errorkit_dashboard:stripe_webhook``), signed with the endpoint's secret:
on ``checkout.session.completed`` with the payment made, the top-up is
credited once (``topups.credit``), whatever Stripe retries; a session paid
in another amount or currency than asked credits nothing and is logged.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..conf import errorkit_settings
from . import topups
from .models import TopUp

if TYPE_CHECKING:
    import stripe

logger = logging.getLogger("errorkit.dashboard.stripe")

# Stripe counts these currencies in whole units, every other one in
# hundredths (https://docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)
PAID_EVENTS = frozenset(
    {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
)
# How old a signed call may be (seconds): Stripe's own default, against replays.
WEBHOOK_TOLERANCE = 300
ENDED_EVENTS = frozenset(
    {"checkout.session.expired", "checkout.session.async_payment_failed"}
)


def minor_units(amount: Decimal, currency: str) -> Decimal:
    """``amount`` as Stripe counts it (cents for USD); may have a fraction
    when the amount is finer than the currency's smallest unit."""
    return amount if currency.lower() in ZERO_DECIMAL else amount * 100


class StripeCheckoutTopUp:
    """Card payments on Stripe's hosted Checkout page."""

    method = "stripe"
    notice = gettext_lazy(
        "You pay by card on Stripe's secure page; the funds are added as soon "
        "as Stripe confirms the payment."
    )
    # The library's HTTP client (None: its default, over the network). A
    # test gives one that answers without the network.
    http_client: stripe.HTTPClient | None = None

    def client(self) -> stripe.StripeClient:
        import stripe

        return stripe.StripeClient(
            errorkit_settings.STRIPE_API_KEY, http_client=self.http_client
        )

    def refuses(self, amount: Decimal, currency: str) -> str | None:
        units = minor_units(amount, currency)
        if units != units.to_integral_value():
            return _("A card payment in %(currency)s cannot have more decimals.") % {
                "currency": currency
            }
        return None

    def start(self, request: HttpRequest, top_up: TopUp) -> HttpResponse:
        import stripe

        balance = request.build_absolute_uri(reverse("errorkit_dashboard:balance"))
        try:
            session = self.client().v1.checkout.sessions.create(
                params={
                    "mode": "payment",
                    "line_items": [
                        {
                            "quantity": 1,
                            "price_data": {
                                "currency": top_up.currency.lower(),
                                "unit_amount": int(
                                    minor_units(top_up.amount, top_up.currency)
                                ),
                                "product_data": {"name": str(_("API credit"))},
                            },
                        }
                    ],
                    "client_reference_id": str(top_up.pk),
                    "metadata": {"top_up": str(top_up.pk)},
                    "success_url": balance,
                    "cancel_url": request.build_absolute_uri(
                        reverse("errorkit_dashboard:add_funds")
                    ),
                },
                options={"idempotency_key": f"errorkit-{top_up.reference}"},
            )
        except stripe.StripeError as exc:
            # Nothing was charged: the customer can simply try again.
            logger.warning(
                "Stripe refused a Checkout Session for top-up #%s: %s",
                top_up.pk,
                type(exc).__name__,
            )
            topups.close(top_up.pk, TopUp.Status.FAILED, type(exc).__name__)
            raise topups.PaymentUnavailable from None
        top_up.external_id = session.id
        top_up.save(update_fields=["external_id"])
        return redirect(session.url or balance, permanent=False)


def _answer(status: int, text: str) -> JsonResponse:
    return JsonResponse({"status": text}, status=status)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's calls about Checkout Sessions. 400 when the signature does not
    verify (nothing is read from such a body); 200 for every verified event,
    used or not, so that Stripe stops sending it."""
    import stripe

    secret = errorkit_settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return _answer(404, "no webhook secret is configured")
    try:
        stripe.WebhookSignature.verify_header(
            request.body.decode(),
            request.headers.get("Stripe-Signature", ""),
            secret,
            WEBHOOK_TOLERANCE,
        )
        event = json.loads(request.body)
    except (ValueError, stripe.SignatureVerificationError):
        return _answer(400, "the Stripe-Signature does not verify this body")
    # Verified: read as the plain JSON it is (the library's objects change
    # shape between its major versions).
    kind = event.get("type") if isinstance(event, dict) else None
    data = event.get("data") if isinstance(event, dict) else None
    session = data.get("object") if isinstance(data, dict) else None
    if (
        not isinstance(kind, str)
        or kind not in PAID_EVENTS | ENDED_EVENTS
        or not isinstance(session, dict)
    ):
        return _answer(200, "ignored")
    top_up = _top_up_of(session)
    if top_up is None:
        return _answer(200, "not a top-up of this site")
    if kind in ENDED_EVENTS:
        topups.close(top_up.pk, TopUp.Status.FAILED, kind)
        return _answer(200, "ended")
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return _answer(200, "waiting for the payment")
    return _credit(top_up, session)


def _top_up_of(session: dict[str, Any]) -> TopUp | None:
    """The top-up a session pays for: named in its metadata when it was made
    (a webhook may come before the session's id is saved here)."""
    session_id = session.get("id")
    metadata = session.get("metadata") or {}
    named = metadata.get("top_up") if isinstance(metadata, dict) else None
    if not (isinstance(session_id, str) and isinstance(named, str)):
        return None
    # Our own id, as written in start(): anything else names no top-up here
    # (and a number past the column's range must not reach the database).
    if not (named.isascii() and named.isdigit() and len(named) <= 18):
        return None
    top_up = TopUp.objects.filter(
        pk=int(named), method=StripeCheckoutTopUp.method
    ).first()
    if top_up is None or top_up.external_id not in ("", session_id):
        return None
    top_up.external_id = session_id
    return top_up


def _credit(top_up: TopUp, session: dict[str, Any]) -> HttpResponse:
    asked = minor_units(top_up.amount, top_up.currency)
    paid, currency = session.get("amount_total"), session.get("currency")
    if currency != top_up.currency.lower() or paid != asked:
        logger.warning(
            "Stripe Checkout Session %s paid %s %s for top-up #%s, which asked "
            "%s %s: nothing credited.",
            top_up.external_id,
            paid,
            currency,
            top_up.pk,
            asked,
            top_up.currency.lower(),
        )
        topups.close(
            top_up.pk,
            TopUp.Status.REFUSED,
            f"paid {paid} {currency}, asked {asked} {top_up.currency.lower()}",
        )
        return _answer(200, "refused: amount or currency differs from the asked")
    credited, added = topups.credit(
        top_up.pk, note=f"Stripe Checkout {top_up.external_id}"
    )
    if not added and credited.status == TopUp.Status.REFUSED:
        return _answer(200, "refused: the balance cannot take it")
    return _answer(200, "credited" if added else "already credited")
