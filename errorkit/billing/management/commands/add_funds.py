"""add_funds USERNAME AMOUNT: top up a user's balance."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from errorkit.billing.amounts import to_amount
from errorkit.billing.funds import add_funds


class Command(BaseCommand):
    help = "Add AMOUNT to USERNAME's balance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("amount")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            amount = to_amount(options["amount"])
        except ValueError as exc:
            raise CommandError(f"AMOUNT: {exc}") from None
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                f"No user {options['username']!r}. Create one with create_api_key."
            )
        account = add_funds(user, amount)
        self.stdout.write(f"Balance of {user}: {account.balance} {account.currency}.")
