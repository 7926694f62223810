"""errorkit.incidents.alerts: a new or regressed incident notifies, at most once
per interval per incident, by mail_admins, the signal, and the hook."""

from __future__ import annotations

import pytest
from django.test import override_settings

from errorkit.incidents.models import Incident
from errorkit.incidents.signals import incident_opened

pytestmark = pytest.mark.django_db

ADMINS = [("Ops", "ops@example.com")]


def alerts(outbox) -> list[str]:
    """errorkit's mails (Django's own error mails go to ADMINS too)."""
    return [m.subject for m in outbox if " incident: " in m.subject]


@override_settings(ADMINS=ADMINS)
def test_a_new_incident_mails_the_admins_once(client, mailoutbox):
    for _ in range(3):
        client.get("/v1/test/bug/first")
    client.get("/v1/test/bug/other-bug")
    subjects = sorted(alerts(mailoutbox))
    assert len(subjects) == 2
    assert all("New incident:" in subject for subject in subjects)
    assert "KeyError in lookup_price" in subjects[0]


@override_settings(
    ADMINS=ADMINS,
    ERRORKIT={"INCIDENT_RECORDING": "sync", "INCIDENT_ALERT_INTERVAL": 0},
)
def test_a_regression_alerts_again_and_the_signal_carries_it(client, mailoutbox):
    received = []

    def receiver(sender, incident, **kwargs):
        received.append((incident.pk, incident.regressed))

    incident_opened.connect(receiver)
    try:
        client.get("/v1/test/bug/first")
        Incident.objects.update(status="resolved")
        client.get("/v1/test/bug/first")
        client.get("/v1/test/bug/first")  # open already: no alert
    finally:
        incident_opened.disconnect(receiver)
    pk = Incident.objects.get().pk
    assert received == [(pk, False), (pk, True)]
    assert [subject.split(":")[0] for subject in alerts(mailoutbox)] == [
        "[Django] New incident",
        "[Django] Regressed incident",
    ]


def failing_alert(incident):
    raise RuntimeError("the webhook is down")


@override_settings(
    ERRORKIT={
        "INCIDENT_RECORDING": "sync",
        "INCIDENT_ALERT": "tests.incidents.test_alerts.failing_alert",
    }
)
def test_an_alert_that_fails_fails_nothing_else(client, caplog):
    assert client.get("/v1/test/bug/first").status_code == 500
    assert Incident.objects.get().count == 1
    assert any("Could not alert" in r.getMessage() for r in caplog.records)
