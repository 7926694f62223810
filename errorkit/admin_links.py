"""Links between the admins of errorkit's apps, by URL name: an optional app
links to another's pages when that app is installed, without importing it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html


def admin_url(name: str, *args: Any, query: dict[str, str] | None = None) -> str | None:
    """The URL of the admin page ``admin:<name>``, or None when its app is
    not installed."""
    try:
        url = reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def admin_link(name: str, label: str, query: dict[str, str] | None = None) -> str:
    """An HTML link to an admin page, or "-" when its app is not installed."""
    url = admin_url(name, query=query)
    return format_html('<a href="{}">{}</a>', url, label) if url else "-"
