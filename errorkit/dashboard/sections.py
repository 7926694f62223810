"""The dashboard's sections, each shown when an installed app provides
what it needs (through errorkit.customers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .. import customers


@dataclass(frozen=True)
class Section:
    url_name: str  # in the errorkit_dashboard namespace
    label: Any
    app: str  # the app that provides it, named when it is missing
    provided: Callable[[], bool]


SECTIONS = (
    Section(
        "keys",
        _("API keys"),
        "errorkit.keys",
        lambda: customers.customer_keys() is not None,
    ),
    Section(
        "balance",
        _("Balance"),
        "errorkit.billing",
        lambda: customers.funds() is not None,
    ),
    Section(
        "usage",
        _("Usage"),
        "errorkit.billing",
        lambda: customers.funds() is not None,
    ),
    Section(
        "failures",
        _("Failed requests"),
        "errorkit.incidents",
        lambda: customers.customer_failures() is not None,
    ),
)


def sections() -> list[Section]:
    return [section for section in SECTIONS if section.provided()]
