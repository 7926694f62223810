"""errorkit.incidents.checks."""

from __future__ import annotations

from django.test import override_settings

from tests.core.test_checks import ids


@override_settings(ERRORKIT={"INCIDENT_RECORDING": "later"})
def test_incident_recording_mode_is_validated():
    from errorkit.incidents.checks import check_incident_settings

    assert ids(check_incident_settings()) == ["errorkit.E007"]
