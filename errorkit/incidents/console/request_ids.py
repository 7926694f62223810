"""Finding failed requests by the id a person quotes: the admin's searches
and a customer's own search on the dashboard."""

from __future__ import annotations

from django.db.models import Q

# A request id is found by its first characters from this many on.
PREFIX_SEARCH = 12


def exact_request_id(term: str) -> Q:
    """The whole id as quoted, or in lower case (errorkit's own ids are)."""
    return Q(request_id__in=[term[:200], term.lower()[:200]])


def request_id_matches(term: str) -> Q:
    """A request id as a ticket quotes it: exact, in lower case (errorkit's
    own ids are), or by its first characters (12 or more: "req_5f0c2d9e").
    Each is served by the column's index (on PostgreSQL its pattern index
    serves the prefix); Django's "=" search is iexact, UPPER() on both
    sides, which no index serves."""
    by_id = exact_request_id(term)
    if len(term) >= PREFIX_SEARCH:
        by_id |= Q(request_id__startswith=term.lower()[:200])
    return by_id
