"""Adding funds: the backends that take the money, and the one way a
top-up reaches the balance (``credit``), once.

``ERRORKIT["TOP_UP_BACKEND"]`` names a class with the methods of
``TopUpBackend``. The "Add funds" page checks the amount, records a pending
``TopUp`` and hands it to the backend's ``start``, which answers the
customer's browser: a redirect to a payment page, or straight back to the
balance. Whatever confirms the payment later (a webhook, a staff member)
calls ``credit``.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any, Protocol

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import customers
from .models import TopUp

logger = logging.getLogger("errorkit.dashboard.topups")


class TopUpBackend(Protocol):
    """How "Add funds" takes the money."""

    # Stored on each top-up: which backend made it ("stripe", "manual").
    method: str
    # What the "Add funds" page says about how the money is taken.
    notice: Any

    def refuses(self, amount: Decimal, currency: str) -> str | None:
        """Why ``amount`` cannot be paid this way (a fraction of a cent, say),
        as a sentence for the customer; None when it can."""
        ...

    def start(self, request: HttpRequest, top_up: TopUp) -> HttpResponse:
        """Take ``top_up`` (saved, pending) further: what the customer's
        browser gets after asking for it. ``PaymentUnavailable`` when the
        payment cannot be started now."""
        ...


def _funds() -> customers.Funds:
    funds = customers.funds()
    if funds is None:
        raise ImproperlyConfigured(
            "Adding funds needs an app that keeps balances: add "
            "'errorkit.billing' to INSTALLED_APPS."
        )
    return funds


def credit(top_up_id: Any, *, note: str, by: Any = None) -> tuple[TopUp, bool]:
    """Put a pending top-up's amount in its owner's balance, once: the
    top-up is locked, credited and marked in one transaction, so a webhook
    delivered five times (or by two processes at once) credits it once.
    Returns the top-up and whether this call credited it
    (``TopUp.DoesNotExist`` for an id that names none)."""
    funds = _funds()
    with transaction.atomic():
        top_up = TopUp.objects.select_for_update().get(pk=top_up_id)
        if top_up.status != TopUp.Status.PENDING:
            return top_up, False
        # The ledger's reference is the top-up's own: even a caller that got
        # past the lock (SQLite has none) cannot credit it twice.
        try:
            added = funds.add_once(
                top_up.owner,
                top_up.amount,
                reference=top_up.reference,
                currency=top_up.currency,
                note=note,
                by=by,
            )
        except ValueError as exc:
            # The balance cannot take it (another currency now, or past the
            # largest amount the ledger holds): nothing was written. A paid
            # one needs a person (a refund), so it is kept, refused, and said.
            logger.warning("Top-up #%s was not credited: %s", top_up.pk, exc)
            _end(top_up, TopUp.Status.REFUSED, str(exc), by)
            return top_up, False
        _end(top_up, TopUp.Status.CREDITED, "", by)
    return top_up, added


def _end(top_up: TopUp, status: TopUp.Status, reason: str, by: Any) -> None:
    top_up.status = status
    top_up.reason = reason[:255]
    top_up.decided = timezone.now()
    top_up.decided_by = by
    top_up.save(update_fields=["status", "reason", "decided", "decided_by"])


# How a top-up may end without money.
ENDINGS = frozenset({TopUp.Status.DECLINED, TopUp.Status.REFUSED, TopUp.Status.FAILED})


def close(
    top_up_id: Any, status: TopUp.Status, reason: str, *, by: Any = None
) -> tuple[TopUp, bool]:
    """End a pending top-up without crediting it (declined by staff, paid in
    another amount, expired); whether this call ended it. ``status`` is
    ``TopUp.Status.DECLINED``, ``REFUSED`` or ``FAILED``."""
    if status not in ENDINGS:
        raise ValueError(
            f"A top-up ends declined, refused or failed, not {status!r}: "
            "credit() is the way to credit one."
        )
    with transaction.atomic():
        top_up = TopUp.objects.select_for_update().get(pk=top_up_id)
        if top_up.status != TopUp.Status.PENDING:
            return top_up, False
        _end(top_up, status, reason, by)
    return top_up, True


class PaymentUnavailable(Exception):
    """Raised by a backend's ``start`` when the payment provider cannot
    start a payment: the customer is told that nothing was charged and to
    try again (502), and the top-up is left failed."""


class ManualTopUp:
    """The customer asks for an amount; staff approve it in the admin
    (Top-ups, "Approve"), and the ledger names who did."""

    method = "manual"
    notice = gettext_lazy(
        "Your request goes to our staff; the funds are added when they "
        "approve it, and the ledger names who did."
    )

    def refuses(self, amount: Decimal, currency: str) -> str | None:
        return None

    def start(self, request: HttpRequest, top_up: TopUp) -> HttpResponse:
        messages.success(
            request,
            _(
                "Your request to add %(amount)s %(currency)s is sent: it shows "
                "below until staff approve it."
            )
            % {"amount": top_up.shown_amount, "currency": top_up.currency},
        )
        return redirect("errorkit_dashboard:balance")


class DemoTopUp:
    """For demos and test deployments: the funds are added at once and
    nothing is paid. Never in production: anyone signed in adds money."""

    method = "demo"
    notice = gettext_lazy(
        "This is a demo: the funds are added at once and nothing is paid."
    )

    def refuses(self, amount: Decimal, currency: str) -> str | None:
        return None

    def start(self, request: HttpRequest, top_up: TopUp) -> HttpResponse:
        top_up, added = credit(top_up.pk, note=_("Demo top-up, nothing paid"))
        if added:
            messages.success(
                request,
                _("Demo: %(amount)s %(currency)s added, nothing paid.")
                % {"amount": top_up.shown_amount, "currency": top_up.currency},
            )
        else:
            messages.error(request, _("Your balance cannot take this amount."))
        return redirect("errorkit_dashboard:balance")
