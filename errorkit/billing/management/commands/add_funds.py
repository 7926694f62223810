"""add_funds USERNAME AMOUNT [--note TEXT] [--by STAFF]: top up a balance."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from errorkit.billing.amounts import to_amount
from errorkit.billing.funds import add_funds


class Command(BaseCommand):
    help = "Add AMOUNT to USERNAME's balance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("amount")
        parser.add_argument("--note", default="", help="why, kept in the ledger")
        parser.add_argument(
            "--by", help="the staff member doing it (kept in the admin's history)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            amount = to_amount(options["amount"])
        except ValueError as exc:
            raise CommandError(_("AMOUNT: %(error)s") % {"error": exc}) from None
        users = get_user_model().objects
        user = users.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                _("No user %(username)r. Create one with create_api_key.")
                % {"username": options["username"]}
            )
        by = None
        if options["by"]:
            by = users.filter(username=options["by"], is_staff=True).first()
            if by is None:
                raise CommandError(
                    _("--by: no staff member %(username)r.")
                    % {"username": options["by"]}
                )
        note = options["note"] or "add_funds command"
        try:
            account = add_funds(user, amount, note=note, by=by)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Balance of %(user)s: %(balance)s %(currency)s.")
            % {"user": user, "balance": account.balance, "currency": account.currency}
        )
