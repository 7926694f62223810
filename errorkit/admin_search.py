"""The search box of every errorkit admin list: forgiving, and never a key.

A term is read as a person pastes it: surrounding spaces and quotes go. A
whole API key pasted into any search is cut to its public prefix, in the
browser before the form is sent (so the secret reaches no URL, access log,
history or Referer) and again on the server for a browser without
JavaScript; the prefix is what every list shows and finds. The key's shape
comes from the app that holds keys (errorkit.customers), so this works for
errorkit.keys and for a project's own keys alike.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .customers import key_shape

# Quotes a person may paste around an id, straight or typographic.
QUOTES = "\"'`\u2018\u2019\u201c\u201d"


def clean_term(term: str) -> str:
    """The term a person meant: no surrounding spaces or quotes, and a whole
    API key cut to its public prefix."""
    term = term.strip().strip(QUOTES).strip()
    shape = key_shape()
    public = shape.public_part(term) if shape else None
    return public or term


class SearchMixin(admin.ModelAdmin):
    """For every errorkit ModelAdmin with ``search_fields``: cleans the term
    and puts the key-cutting script on its list (``change_list_template``
    ``admin/errorkit/change_list.html``, which a list's own template extends)."""

    change_list_template = "admin/errorkit/change_list.html"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return super().get_search_results(request, queryset, clean_term(search_term))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        shape = key_shape()
        context = {
            **(extra_context or {}),
            "errorkit_key_shape": shape,
        }
        return super().changelist_view(request, context)
