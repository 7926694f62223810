"""What every dashboard page is: for a signed-in customer only (the
project's ``LOGIN_URL``), never framed, never cached (a page may show a
secret once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django_ratelimit.core import is_ratelimited

from .sections import sections

View = Callable[..., HttpResponse]


def customer_page(view: View) -> View:
    return login_required(never_cache(xframe_options_deny(view)))


def customer(request: HttpRequest) -> Any:
    """The signed-in customer (every dashboard page requires one)."""
    return request.user


def over_rate(request: HttpRequest, group: str, rate: str) -> bool:
    """Count this POST of the customer's against ``rate`` (django-ratelimit's
    syntax) in ``group``: whether they are over it."""
    return is_ratelimited(
        request, group=group, key="user", rate=rate, method="POST", increment=True
    )


def unavailable(request: HttpRequest, what: str) -> HttpResponse:
    """The page of a part no installed app provides (errorkit.keys for the
    keys): 404, saying which app the project would add."""
    return render(
        request,
        "errorkit_dashboard/unavailable.html",
        {"what": what},
        status=404,
    )


@customer_page
def home(request: HttpRequest) -> HttpResponse:
    """The first section an installed app provides."""
    provided = sections()
    if not provided:
        return unavailable(request, "errorkit.keys")
    return redirect(f"errorkit_dashboard:{provided[0].url_name}")
