"""errorkit.keys' keys of the ``ERRORKIT`` settings dict, with their defaults."""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # "Last used" is written at most this often (seconds) per key.
    "API_KEY_LAST_USED_INTERVAL": 60,
}
IMPORT_STRINGS: frozenset[str] = frozenset()
