"""Django's admin autodiscovery imports ``<app>.admin``: the console's admin
registers itself there."""

from .console import admin  # noqa: F401
