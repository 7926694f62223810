"""A customer's money: spendable, held and settled, and the ledger as a
person reads it (charges with their request ids, top-ups, refunds), paged.
It asks errorkit.billing through errorkit.customers' ``Funds``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import customers
from .models import TopUp
from .pages import customer, customer_page, unavailable

PER_PAGE = 50
# Beyond this a page number is a typo: refused before any query.
LAST_PAGE = 100_000


def page_number(text: str | None) -> int:
    """``?page=`` as Django's paginator reads it: a whole number from 1, else
    404 saying so."""
    if text is None or text == "":
        return 1
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= LAST_PAGE:
        raise Http404(_("There is no page %(page)s.") % {"page": text[:20]})
    return int(text)


@customer_page
@require_http_methods(["GET", "HEAD"])
def balance(request: HttpRequest) -> HttpResponse:
    funds = customers.funds()
    if funds is None:
        return unavailable(request, "errorkit.billing")
    page = page_number(request.GET.get("page"))
    lines, more = funds.statement(
        request.user, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
    )
    if page > 1 and not lines:
        raise Http404(_("There is no page %(page)s.") % {"page": page})
    return render(
        request,
        "errorkit_dashboard/balance.html",
        {
            "balance": funds.balance_of(request.user),
            "lines": lines,
            "page": page,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if more else None,
            # Asked for and not (or not yet) in the balance: pending ones, and
            # the last ones that ended without money, so none goes unexplained.
            "open_top_ups": TopUp.objects.filter(owner=customer(request))
            .exclude(status=TopUp.Status.CREDITED)
            .order_by("-created", "-id")[:10],
        },
    )
