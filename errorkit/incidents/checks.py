"""errorkit.incidents' system checks."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, register

from ..checks import one_of, settings_are_a_dict


@register(Tags.compatibility)
def check_incident_settings(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    if not settings_are_a_dict():
        return []  # reported by errorkit.E002
    return one_of(
        "INCIDENT_RECORDING",
        ("sync", "background"),
        'Use "sync" (written in the request) or "background" (batched by a '
        "thread of the process).",
        "errorkit.E007",
    )
