"""errorkit.dashboard's keys of the ``ERRORKIT`` settings dict, with their
defaults."""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # How many keys one customer may create (django-ratelimit's rate syntax).
    "DASHBOARD_KEY_CREATE_RATE": "10/h",
}
IMPORT_STRINGS: frozenset[str] = frozenset()
