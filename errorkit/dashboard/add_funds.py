"""The "Add funds" page: the customer chooses an amount, a pending top-up
is recorded, and the configured top-up backend takes it from there."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import customers
from ..conf import errorkit_settings
from .forms import AddFundsForm
from .models import TopUp
from .pages import customer, customer_page, over_rate, unavailable
from .topups import PaymentUnavailable, TopUpBackend, close


def backend() -> TopUpBackend:
    backend: TopUpBackend = errorkit_settings.TOP_UP_BACKEND()
    return backend


def limits() -> tuple[Decimal, Decimal]:
    return (
        Decimal(str(errorkit_settings.TOP_UP_MIN)),
        Decimal(str(errorkit_settings.TOP_UP_MAX)),
    )


@customer_page
@require_http_methods(["GET", "HEAD", "POST"])
def add_funds(request: HttpRequest) -> HttpResponse:
    funds = customers.funds()
    if funds is None:
        return unavailable(request, "errorkit.billing")
    how = backend()
    least, most = limits()
    currency = funds.currency_of(customer(request))
    form = AddFundsForm(
        request.POST if request.method == "POST" else None,
        parse=funds.parse,
        least=least,
        most=most,
        currency=currency,
        refuses=how.refuses,
    )
    status = 200
    if request.method == "POST":
        answer = _take(request, form, how, currency)
        if isinstance(answer, HttpResponse):
            return answer
        status = answer
    return render(
        request,
        "errorkit_dashboard/add_funds.html",
        {"form": form, "notice": how.notice, "demo": how.method == "demo"},
        status=status,
    )


def _take(
    request: HttpRequest, form: AddFundsForm, how: TopUpBackend, currency: str
) -> HttpResponse | int:
    """A posted amount: the backend's answer, or the status of the form shown
    again with what went wrong (400 a bad amount, 429 too many, 502 no
    payment service)."""
    if not form.is_valid():
        return 400
    if over_rate(
        request, "errorkit.dashboard.add_funds", errorkit_settings.DASHBOARD_TOP_UP_RATE
    ):
        form.add_error(
            None, _("You have asked many times in a short time. Try again later.")
        )
        return 429
    top_up = TopUp.objects.create(
        owner=customer(request),
        method=how.method,
        amount=form.cleaned_data["amount"],
        currency=currency,
    )
    try:
        return how.start(request, top_up)
    except PaymentUnavailable:
        # Ended here, whichever backend raised it: no top-up is left waiting
        # for a payment that never started.
        close(top_up.pk, TopUp.Status.FAILED, "payment unavailable")
        form.add_error(
            None,
            _(
                "The payment service could not be reached, and nothing was "
                "charged. Try again in a few minutes."
            ),
        )
        return 502
