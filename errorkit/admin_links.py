"""Links to admin pages: an app's own, by URL name, or "-" where a page is
missing. Another app's pages are found through errorkit.customers."""

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


def link(url: str | None, label: str) -> str:
    """An HTML link, or "-" when there is no page to link to (its app is not
    installed, say)."""
    return format_html('<a href="{}">{}</a>', url, label) if url else "-"
