"""The admin of API keys: create (the secret shown once), search, revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .api_keys import PREFIX_LENGTH, create_key, revoke
from .models import APIKey


class APIKeyCreationForm(forms.ModelForm):
    class Meta:
        model = APIKey
        fields = ["owner", "name", "read_only"]


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "owner",
        "read_only",
        "created",
        "last_used",
        "revoked_at",
    ]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "owner__username"]
    readonly_fields = ["prefix", "owner", "created", "last_used", "revoked_at"]
    fields = [
        "prefix",
        "owner",
        "name",
        "read_only",
        "created",
        "last_used",
        "revoked_at",
    ]
    actions = ["revoke_keys"]
    raw_id_fields = ["owner"]

    def get_search_results(self, request: HttpRequest, queryset: Any, term: str) -> Any:
        # A pasted full key finds its prefix, never by comparing the secret.
        return super().get_search_results(
            request, queryset, term.strip()[:PREFIX_LENGTH]
        )

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = APIKeyCreationForm
            kwargs["fields"] = ["owner", "name", "read_only"]
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.fields if obj is not None else ["owner", "name", "read_only"]

    def save_model(
        self, request: HttpRequest, obj: APIKey, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = create_key(obj.owner, name=obj.name, read_only=obj.read_only)
        obj.pk, obj._state.adding = key.pk, False
        self._new_secret = secret

    def response_add(
        self, request: HttpRequest, obj: APIKey, *args: Any
    ) -> HttpResponse:
        # The secret exists only in this response: it is never shown again.
        return TemplateResponse(
            request,
            "admin/errorkit_keys/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "key": obj,
                "secret": self._new_secret,
                "opts": self.model._meta,
                "title": _("API key created"),
            },
        )

    @admin.action(description=_("Revoke selected API keys"))
    def revoke_keys(self, request: HttpRequest, queryset: Any) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            revoke(key)
        self.message_user(
            request, _("The selected keys are revoked."), messages.SUCCESS
        )
