"""errorkit.incidents' signals."""

from django.dispatch import Signal

# An incident opened or regressed (``incident``), at most once per
# INCIDENT_ALERT_INTERVAL: connect a Slack or webhook sender here.
incident_opened = Signal()
