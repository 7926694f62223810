"""Alerts: a new or regressed incident tells someone, at most once per
``INCIDENT_ALERT_INTERVAL`` per incident.

Every alert sends ``errorkit.incidents.signals.incident_opened`` and calls
``ERRORKIT["INCIDENT_ALERT"]`` (a dotted path to ``(incident) -> None``;
Django's ``mail_admins`` by default, None for none): connect to the signal or
point the setting at a Slack or webhook sender. An alert that fails is logged
and never fails the request or the writer.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.mail import mail_admins
from django.db.models import Q

from ..conf import errorkit_settings
from .models import Incident
from .signals import incident_opened

logger = logging.getLogger("errorkit.incidents")


def alert_opened(incident_ids: list[int], now: datetime) -> None:
    """Alert for each incident that opened or regressed, unless it was
    alerted for within the interval (claimed by a conditional UPDATE, so
    racing writers alert once)."""
    due = now - timedelta(seconds=errorkit_settings.INCIDENT_ALERT_INTERVAL)
    for pk in incident_ids:
        claimed = (
            Incident.objects.filter(pk=pk)
            .filter(Q(alerted_at__isnull=True) | Q(alerted_at__lte=due))
            .update(alerted_at=now)
        )
        if not claimed:
            continue
        incident = Incident.objects.get(pk=pk)
        try:
            incident_opened.send(Incident, incident=incident)
            hook = errorkit_settings.INCIDENT_ALERT
            if hook is not None:
                hook(incident)
        except Exception:
            logger.exception("Could not alert for incident %s", pk)


def mail_admins_alert(incident: Incident) -> None:
    """The default alert: a mail to ``ADMINS``."""
    what = "Regressed" if incident.regressed else "New"
    mail_admins(
        f"{what} incident: {incident.title}",
        f"{incident.title}\n\n"
        f"{incident.status_code} {incident.error_code} in {incident.view or '-'}\n"
        f"First seen {incident.first_seen:%Y-%m-%d %H:%M:%S} UTC, "
        f"{incident.count} events so far.\n"
        f"In the admin: errorkit_incidents/incident/{incident.pk}/change/\n",
    )
