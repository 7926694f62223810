"""errorkit.conf: lazy settings with defaults, import strings, reloaded on change."""

from __future__ import annotations

import pytest
from django.test import override_settings

from errorkit.conf import errorkit_settings
from errorkit.formatting import format_error


def test_defaults():
    assert errorkit_settings.API_PATH_PREFIXES == ["/v1/"]  # demo_project's value
    assert errorkit_settings.DEFAULT_RETRY_AFTER == 60
    assert errorkit_settings.FORMATTER is format_error


def test_reloaded_when_the_setting_changes():
    assert errorkit_settings.DEFAULT_RETRY_AFTER == 60
    with override_settings(ERRORKIT={"DEFAULT_RETRY_AFTER": 7}):
        assert errorkit_settings.DEFAULT_RETRY_AFTER == 7
        assert errorkit_settings.API_PATH_PREFIXES == ["/v1/", "/api/"]
    assert errorkit_settings.DEFAULT_RETRY_AFTER == 60


def test_an_unknown_attribute_is_an_error():
    with pytest.raises(AttributeError, match="Invalid errorkit setting"):
        errorkit_settings.NOPE  # noqa: B018


@override_settings(ERRORKIT={"FORMATTER": "no.such.module.format"})
def test_a_bad_import_string_names_the_setting():
    with pytest.raises(ImportError, match=r"ERRORKIT\['FORMATTER'\]"):
        errorkit_settings.FORMATTER  # noqa: B018
