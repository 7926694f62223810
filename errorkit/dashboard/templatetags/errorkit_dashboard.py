"""``{% dashboard_sections as sections %}``: the dashboard's sections the
installed apps provide, as (URL name, short name, label), for the layout's
navigation."""

from __future__ import annotations

from django import template

from ..sections import sections

register = template.Library()


@register.simple_tag
def dashboard_sections() -> list[tuple[str, str, str]]:
    return [
        (f"errorkit_dashboard:{section.url_name}", section.url_name, str(section.label))
        for section in sections()
    ]
