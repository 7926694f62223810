"""The dashboard's forms: what a customer types, checked with a message
that says what to fix."""

from __future__ import annotations

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
