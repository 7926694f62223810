"""errorkit.incidents' keys of the ``ERRORKIT`` settings dict, with defaults."""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # "sync" writes in the request (findable at once); "background" queues it
    # for a thread of the process, which writes in batches (for busy APIs).
    "INCIDENT_RECORDING": "sync",
    # Every 5xx is recorded, plus these 4xx status codes.
    "INCIDENT_4XX_CODES": [],
    # These 4xx are kept as lean rows only (no incident, no alert): findable by
    # request id and counted on a customer's page (by API key or user).
    "FINDABLE_4XX_CODES": [401, 402, 403, 409, 422, 429],
    # Callable (request, response, exception) -> str | None: a project's own
    # grouping; None falls back to errorkit's fingerprint.
    "INCIDENT_FINGERPRINT": None,
    # Sampling: keep the first N events of an incident, then one per interval.
    "INCIDENT_SAMPLE_FIRST": 20,
    "INCIDENT_SAMPLE_INTERVAL": 60,
    # Characters of the request body kept with an event.
    "INCIDENT_BODY_LIMIT": 4096,
    # More key names (substrings, any case) whose values are scrubbed.
    "SCRUB_KEYS": [],
    # Called with each incident that opens or regresses (after the signal
    # incident_opened); None sends nothing but the signal.
    "INCIDENT_ALERT": "errorkit.incidents.alerts.mail_admins_alert",
    # Seconds between two alerts for one incident.
    "INCIDENT_ALERT_INTERVAL": 3600,
}
IMPORT_STRINGS: frozenset[str] = frozenset({"INCIDENT_FINGERPRINT", "INCIDENT_ALERT"})
