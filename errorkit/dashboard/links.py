"""The dashboard's pages an error body links to (errorkit.error_links):
"Add funds" on a 402 (``links.addFunds``), the keys on a 401
(``links.keys``); each only when the project routes the dashboard and an
installed app provides the page's section."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .. import customers
from ..conf import errorkit_settings
from ..error_links import LinkURL, register_error_link


def page_link(url_name: str, provided: Callable[[], bool]) -> LinkURL:
    def url_of(request: HttpRequest | None) -> str | None:
        if not provided():
            return None
        try:
            path = reverse(f"errorkit_dashboard:{url_name}")
            home = reverse("errorkit_dashboard:home")
        except NoReverseMatch:
            return None  # the project does not route the dashboard
        base = errorkit_settings.DASHBOARD_URL
        if base:
            # Where customers reach it (another host than the API's, say).
            return f"{base.rstrip('/')}/{path[len(home) :]}"
        if request is None:
            return None
        try:
            return request.build_absolute_uri(path)
        except DisallowedHost:
            return None

    return url_of


def register_links() -> None:
    register_error_link(
        402, "addFunds", page_link("add_funds", lambda: customers.funds() is not None)
    )
    register_error_link(
        401, "keys", page_link("keys", lambda: customers.customer_keys() is not None)
    )
