"""``{% customer_pages user as pages %}``: the errorkit pages about a user
(failed requests, credit account, ledger, API keys) that the installed apps
offer, as (label, URL) pairs, for a project's own admin templates."""

from __future__ import annotations

from typing import Any

from django import template

from ..customers import Customer, pages_of

register = template.Library()


@register.simple_tag
def customer_pages(user: Any) -> list[tuple[str, str]]:
    if user is None or not hasattr(user, "get_username"):
        return []
    return pages_of(Customer(user=user.get_username()), besides="user")
