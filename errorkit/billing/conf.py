"""errorkit.billing's keys of the ``ERRORKIT`` settings dict, with their defaults."""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # The backend that reserves and releases money (a project's own billing).
    "BALANCE_BACKEND": "errorkit.billing.backends.ModelBalanceBackend",
}
IMPORT_STRINGS: frozenset[str] = frozenset({"BALANCE_BACKEND"})
