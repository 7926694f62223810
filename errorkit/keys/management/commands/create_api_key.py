"""create_api_key USERNAME [--balance AMOUNT] [--read-only] [--name NAME]

USERNAME is the value of the user model's ``USERNAME_FIELD``: a username, or
an e-mail address for a model that signs in with one. Creates the user if
needed, adds AMOUNT to its balance and prints the new key alone on the last
line of stdout: the only time the secret is shown.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from errorkit import customers
from errorkit.installed import require_app
from errorkit.keys.api_keys import create_key
from errorkit.users import create_user, find_user, user_argument_help, username_label


def billing_funds() -> customers.Funds:
    """How to add funds: balances are errorkit.billing's, which fills
    errorkit.customers' hook when it is installed."""
    try:
        require_app("errorkit.billing", "create_api_key --balance")
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from None
    if customers.hooks.funds is None:  # installed, yet its ready() did not run
        raise CommandError(_("errorkit.billing is installed but not ready."))
    return customers.hooks.funds


class Command(BaseCommand):
    help = (
        "Create an API key for USERNAME (the user model's USERNAME_FIELD; "
        "creating the user) and print it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="USERNAME", help=user_argument_help())
        parser.add_argument("--balance", help="add this amount to the balance")
        parser.add_argument(
            "--read-only", action="store_true", help="GET requests only"
        )
        parser.add_argument("--name", default="", help="a label for the key")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if not username:
            raise CommandError(_("USERNAME must not be empty."))
        amount, funds = None, None
        if options["balance"] is not None:
            funds = billing_funds()
            try:
                amount = funds.parse(options["balance"])
            except ValueError as exc:
                raise CommandError(_("--balance: %(error)s") % {"error": exc}) from None
        try:
            with transaction.atomic():
                user = find_user(username)
                created = user is None
                if user is None:
                    user = create_user(username)
                if amount is not None and funds is not None:
                    balance, currency = funds.add(
                        user, amount, note="create_api_key --balance"
                    )
                key, secret = create_key(
                    user, name=options["name"], read_only=options["read_only"]
                )
        except ValidationError as exc:  # a name the user model refuses
            raise CommandError(
                _("USERNAME (the user's %(label)s): %(error)s")
                % {"label": username_label(), "error": " ".join(exc.messages)}
            ) from None
        except ValueError as exc:  # a balance the ledger cannot hold
            raise CommandError(_("--balance: %(error)s") % {"error": exc}) from None
        if created:
            self.stdout.write(
                _("Created user %(username)r.") % {"username": user.get_username()}
            )
        if amount is not None:
            self.stdout.write(
                _("Balance: %(balance)s %(currency)s.")
                % {"balance": balance, "currency": currency}
            )
        shown = (
            _("New read-only key %(prefix)s… (shown once, keep it secret):")
            if key.read_only
            else _("New key %(prefix)s… (shown once, keep it secret):")
        )
        self.stdout.write(shown % {"prefix": key.prefix})
        self.stdout.write(secret)
