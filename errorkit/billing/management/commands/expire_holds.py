"""expire_holds: mark the holds that lapsed as expired, with their ledger entries.

Tidiness only: a hold stops counting the moment it lapses, with or without
this command.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from errorkit.billing.backends import expire_lapsed_holds


class Command(BaseCommand):
    help = "Mark lapsed holds expired (they already stopped counting)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = expire_lapsed_holds()
        self.stdout.write(_("Expired holds worth %(total)s.") % {"total": total})
