"""add_funds USERNAME AMOUNT [--note TEXT] [--by STAFF]: top up a balance.

USERNAME and STAFF are values of the user model's ``USERNAME_FIELD``: a
username, or an e-mail address for a model that signs in with one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from errorkit.billing.amounts import to_amount
from errorkit.billing.funds import add_funds, funds_of
from errorkit.users import find_user, user_argument_help, username_label


class Command(BaseCommand):
    help = "Add AMOUNT to USERNAME's balance (the user model's USERNAME_FIELD)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="USERNAME", help=user_argument_help())
        parser.add_argument("amount")
        parser.add_argument("--note", default="", help="why, kept in the ledger")
        parser.add_argument(
            "--by",
            metavar="STAFF",
            help=f"the staff member doing it, by {username_label()} "
            "(kept in the admin's history)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            amount = to_amount(options["amount"])
        except ValueError as exc:
            raise CommandError(_("AMOUNT: %(error)s") % {"error": exc}) from None
        user = find_user(options["username"])
        if user is None:
            raise CommandError(
                _("No user %(username)r. Create one with create_api_key.")
                % {"username": options["username"]}
            )
        by = None
        if options["by"]:
            by = find_user(options["by"])
            if by is None or not getattr(by, "is_staff", False):
                raise CommandError(
                    _("--by: no staff member %(username)r.")
                    % {"username": options["by"]}
                )
        note = options["note"] or "add_funds command"
        try:
            add_funds(user, amount, note=note, by=by)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        # What the owner can spend now: the stored column may still count
        # resolved holds (they are folded in when the next hold is placed).
        funds = funds_of(user)
        self.stdout.write(
            _("Balance of %(user)s: %(balance)s %(currency)s.")
            % {
                "user": user.get_username(),
                "balance": funds.balance,
                "currency": funds.currency,
            }
        )
