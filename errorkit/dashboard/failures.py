"""A customer's own failed requests of the last 30 days: by status, with
what to do about each, found by the request id they quote; and a page per
request with what they sent and got back, nothing of the server's
internals. It asks errorkit.incidents through errorkit.customers'
``CustomerFailures``."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import customers
from ..admin_search import clean_term
from ..customers import FailureInfo
from .balance import page_number
from .pages import customer, customer_page, unavailable

INCIDENTS_APP = "errorkit.incidents"
DAYS = 30
PER_PAGE = 50
# The longest request id a search or a URL names (the column's length).
LONGEST_ID = 200


def advice(failure: FailureInfo) -> str:
    """What the customer does about it, as the errors page says it (the same
    words as errorkit.client's ``user_message``)."""
    status = failure.status
    if status == 401:
        why = {
            "missing": _("No API key was sent."),
            "malformed": _("The API key was not in the form sk_…."),
            "unknown": _("No such API key."),
            "revoked": _("The API key was revoked."),
            "inactive": _("The API key's account is inactive."),
        }.get(failure.reason, "")
        return f"{why} {_('Check Authorization: Bearer sk_… and your keys.')}".strip()
    if status == 402:
        return _("Your balance did not cover the call: add funds and retry.")
    if status == 403:
        if failure.reason == "read_only":
            return _("The key is read-only: use a read-and-write key for this call.")
        return _("The call is not allowed with this key or account.")
    if status == 409:
        return _("The same request was still running: retry in a moment.")
    if status == 422:
        return _(
            "The Idempotency-Key was used for another request: send a new key "
            "with a new request."
        )
    if status == 429:
        return _(
            "Too many requests: retry after the seconds the answer's Retry-After said."
        )
    if status >= 500:
        return _(
            "It failed on our side: retry. If it keeps happening, contact "
            "support and quote request ID %(request_id)s."
        ) % {"request_id": failure.request_id}
    return _("Check the request against the API's documentation.")


def _fix_link(failure: FailureInfo) -> tuple[str, str] | None:
    """The dashboard's page that fixes it, when there is one."""
    if failure.status == 402 and customers.funds() is not None:
        return reverse("errorkit_dashboard:add_funds"), _("Add funds")
    if failure.status in (401, 403) and customers.customer_keys() is not None:
        return reverse("errorkit_dashboard:keys"), _("Your API keys")
    return None


def _status(text: str | None) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) == 3):
        raise Http404(_("There is no status %(status)s.") % {"status": text[:20]})
    return int(text)


def _search(text: str | None) -> str:
    # As the admin's searches read it: no spaces or quotes around a pasted id.
    return clean_term(text or "")[:LONGEST_ID]


@customer_page
@require_http_methods(["GET", "HEAD"])
def failure_list(request: HttpRequest) -> HttpResponse:
    failures = customers.customer_failures()
    if failures is None:
        return unavailable(request, INCIDENTS_APP)
    status = _status(request.GET.get("status"))
    search = _search(request.GET.get("q"))
    page = page_number(request.GET.get("page"))
    since = timezone.now() - timedelta(days=DAYS)
    found, more = failures.failures_of(
        customer(request),
        since=since,
        status=status,
        request_id=search,
        offset=(page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    if page > 1 and not found:
        raise Http404(_("There is no page %(page)s.") % {"page": page})
    counts = failures.statuses_of(customer(request), since=since)
    return render(
        request,
        "errorkit_dashboard/failures/list.html",
        {
            "failures": [(f, advice(f)) for f in found],
            "counts": sorted(counts.items()),
            "status": status,
            "search": search,
            "days": DAYS,
            "page": page,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if more else None,
        },
    )


@customer_page
@require_http_methods(["GET", "HEAD"])
def failure_page(request: HttpRequest, request_id: str) -> HttpResponse:
    failures = customers.customer_failures()
    if failures is None:
        return unavailable(request, INCIDENTS_APP)
    failure = failures.failure_of(customer(request), request_id[:LONGEST_ID])
    if failure is None:
        raise Http404(_("You have no failed request with this id."))
    return render(
        request,
        "errorkit_dashboard/failures/page.html",
        {"failure": failure, "advice": advice(failure), "fix": _fix_link(failure)},
    )
