"""The dashboard's forms: what a customer types, checked with a message
that says what to fix."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class KeyNameField(forms.CharField):
    def __init__(self, max_length: int, **kwargs: Any) -> None:
        super().__init__(
            label=_("Name"),
            max_length=max_length,
            required=False,
            strip=True,
            help_text=_("So that you can tell your keys apart, e.g. “billing server”."),
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        name = super().clean(value)
        # No control characters: a name is shown on pages and in the admin.
        if any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise forms.ValidationError(_("A name cannot contain control characters."))
        return name


class NewKeyForm(forms.Form):
    def __init__(self, *args: Any, name_max_length: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"] = KeyNameField(name_max_length)
        self.fields["read_only"] = forms.BooleanField(
            label=_("Read-only"),
            required=False,
            help_text=_(
                "The key can read, but not create, change or pay for anything."
            ),
        )


class RenameKeyForm(forms.Form):
    def __init__(self, *args: Any, name_max_length: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"] = KeyNameField(name_max_length)


PLAIN_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)


class AddFundsForm(forms.Form):
    """The amount to add: one the ledger can hold, within the project's
    ``TOP_UP_MIN`` and ``TOP_UP_MAX``, payable by the backend."""

    amount = forms.CharField(label=_("Amount"), max_length=40, strip=True)

    def __init__(
        self,
        *args: Any,
        parse: Callable[[str], Decimal],
        least: Decimal,
        most: Decimal,
        currency: str,
        refuses: Callable[[Decimal, str], str | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parse, self.least, self.most = parse, least, most
        self.currency, self.refuses = currency, refuses
        self.fields["amount"].help_text = _(
            "In %(currency)s, from %(least)s to %(most)s."
        ) % {"currency": currency, "least": least, "most": most}

    def clean_amount(self) -> Decimal:
        text = self.cleaned_data["amount"]
        try:
            # As a person writes it: digits and one point, nothing Python's
            # Decimal would also read ("5_000", "1e3", other scripts' digits).
            if not PLAIN_AMOUNT.fullmatch(text):
                raise ValueError(text)
            amount = self.parse(text)
        except ValueError:
            if not _too_large(text, self.most):
                raise forms.ValidationError(
                    _("Write an amount such as 25 or 25.50."), code="invalid"
                ) from None
            amount = self.most + 1  # a number, past what the ledger holds
        if not self.least <= amount <= self.most:
            raise forms.ValidationError(
                _("Add from %(least)s to %(most)s %(currency)s at once.")
                % {"least": self.least, "most": self.most, "currency": self.currency},
                code="range",
            )
        why = self.refuses(amount, self.currency)
        if why:
            raise forms.ValidationError(why, code="unpayable")
        return amount


def _too_large(text: str, most: Decimal) -> bool:
    """Whether ``text`` is a plain number above ``most`` (too large for the
    ledger, too): it gets the range's sentence, not "write an amount"."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return False
    return number.is_finite() and number > most
