"""errorkit.incidents.checks."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.core.test_checks import ids


@override_settings(ERRORKIT={"INCIDENT_RECORDING": "later"})
def test_incident_recording_mode_is_validated():
    from errorkit.incidents.checks import check_incident_settings

    assert ids(check_incident_settings()) == ["errorkit.E007"]


@pytest.mark.parametrize(
    "value", [[404, "429"], [500], 429, [True], [404.0], "401,402", None]
)
@pytest.mark.parametrize("name", ["INCIDENT_4XX_CODES", "FINDABLE_4XX_CODES"])
def test_recorded_4xx_codes_are_lists_of_4xx_codes(name, value):
    from errorkit.incidents.checks import check_recorded_codes

    with override_settings(ERRORKIT={name: value}):
        assert ids(check_recorded_codes()) == ["errorkit.E010"]


def test_the_default_codes_pass():
    from errorkit.incidents.checks import check_recorded_codes

    with override_settings(ERRORKIT={"FINDABLE_4XX_CODES": [402, 429]}):
        assert check_recorded_codes() == []
    assert check_recorded_codes() == []
