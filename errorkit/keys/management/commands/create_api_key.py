"""create_api_key USERNAME [--balance AMOUNT] [--read-only] [--name NAME]

Creates the user if needed, adds AMOUNT to its balance and prints the new key
alone on the last line of stdout: the only time the secret is shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from errorkit.installed import require_app
from errorkit.keys.api_keys import create_key


class Command(BaseCommand):
    help = "Create an API key for USERNAME (creating the user) and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--balance", help="add this amount to the balance")
        parser.add_argument(
            "--read-only", action="store_true", help="GET requests only"
        )
        parser.add_argument("--name", default="", help="a label for the key")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if not username:
            raise CommandError(_("USERNAME must not be empty."))
        amount = None
        if options["balance"] is not None:
            try:
                require_app("errorkit.billing", "create_api_key --balance")
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from None
            from errorkit.billing.amounts import to_amount
            from errorkit.billing.funds import add_funds

            try:
                amount = to_amount(options["balance"])
            except ValueError as exc:
                raise CommandError(_("--balance: %(error)s") % {"error": exc}) from None
        try:
            with transaction.atomic():
                users = get_user_model().objects
                user, created = users.get_or_create(username=username)
                if amount is not None:
                    account = add_funds(user, amount, note="create_api_key --balance")
                key, secret = create_key(
                    user, name=options["name"], read_only=options["read_only"]
                )
        except ValueError as exc:  # a balance the ledger cannot hold
            raise CommandError(_("--balance: %(error)s") % {"error": exc}) from None
        if created:
            self.stdout.write(_("Created user %(username)r.") % {"username": username})
        if amount is not None:
            self.stdout.write(
                _("Balance: %(balance)s %(currency)s.")
                % {"balance": account.balance, "currency": account.currency}
            )
        shown = (
            _("New read-only key %(prefix)s… (shown once, keep it secret):")
            if key.read_only
            else _("New key %(prefix)s… (shown once, keep it secret):")
        )
        self.stdout.write(shown % {"prefix": key.prefix})
        self.stdout.write(secret)
