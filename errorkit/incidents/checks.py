"""errorkit.incidents' system checks."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.translation import gettext as _

from ..checks import one_of, settings_are_a_dict
from ..conf import SETTINGS_NAME, errorkit_settings


@register(Tags.compatibility)
def check_incident_settings(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    if not settings_are_a_dict():
        return []  # reported by errorkit.E002
    return one_of(
        "INCIDENT_RECORDING",
        ("sync", "background"),
        _(
            'Use "sync" (written in the request) or "background" (batched by a '
            "thread of the process)."
        ),
        "errorkit.E007",
    )


@register(Tags.compatibility)
def check_recorded_codes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """INCIDENT_4XX_CODES and FINDABLE_4XX_CODES: lists of 4xx status codes."""
    if not settings_are_a_dict():
        return []
    errors: list[CheckMessage] = []
    for name in ("INCIDENT_4XX_CODES", "FINDABLE_4XX_CODES"):
        value = getattr(errorkit_settings, name)
        if isinstance(value, (list, tuple, set, frozenset)) and all(
            type(code) is int and 400 <= code <= 499 for code in value
        ):
            continue
        errors.append(
            Error(
                _("%(settings)s[%(name)r] is %(value)r.")
                % {"settings": SETTINGS_NAME, "name": name, "value": value},
                hint=_(
                    "Use a list of 4xx status codes as integers, e.g. [402, 429]; "
                    "every 5xx is recorded anyway."
                ),
                id="errorkit.E010",
            )
        )
    return errors
