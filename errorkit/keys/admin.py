"""The admin of API keys: create (the secret shown once), search, revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..admin_links import link
from ..admin_search import SearchMixin
from ..customers import Customer, page_url
from ..users import user_search_fields
from .api_keys import create_key, revoke
from .models import APIKey

# Where a new key's secret waits, in the session of the staff member who
# created it, for the one page that shows it.
SESSION_KEY = "errorkit_new_api_key"


class APIKeyCreationForm(forms.ModelForm):
    class Meta:
        model = APIKey
        fields = ["owner", "name", "read_only"]


@admin.register(APIKey)
class APIKeyAdmin(SearchMixin):
    list_display = [
        "prefix",
        "name",
        "owner",
        "access",
        "created",
        "last_used",
        "revoked_at",
    ]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    # With the owner's fields (see get_search_fields): whatever the user model.
    search_fields = ["prefix", "name"]
    readonly_fields = [
        "prefix",
        "owner",
        "created",
        "last_used",
        "revoked_at",
        "failures",
    ]
    fields = [
        "prefix",
        "owner",
        "name",
        "read_only",
        "created",
        "last_used",
        "revoked_at",
        "failures",
    ]
    actions = ["revoke_keys"]
    raw_id_fields = ["owner"]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        # By the owner's USERNAME_FIELD and e-mail, never a "username" the
        # project's user model may not have.
        return [*self.search_fields, *user_search_fields("owner")]

    def get_form(  # type: ignore[override]  # the stubs' overloads, one signature
        self, request: HttpRequest, obj: Any = None, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = APIKeyCreationForm
            kwargs["fields"] = ["owner", "name", "read_only"]
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is not None else ["owner", "name", "read_only"]

    def save_model(
        self, request: HttpRequest, obj: APIKey, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = create_key(obj.owner, name=obj.name, read_only=obj.read_only)
        obj.pk, obj._state.adding = key.pk, False
        # Straight into this request's session, never on self: one admin
        # instance serves every staff member's requests, on every thread.
        request.session[SESSION_KEY] = {"pk": key.pk, "secret": secret}

    def response_add(
        self, request: HttpRequest, obj: APIKey, *args: Any
    ) -> HttpResponse:
        # Post, redirect, get: reloading the page must not create another
        # key. The secret waits in the session (save_model put it there).
        return HttpResponseRedirect(
            reverse("admin:errorkit_keys_apikey_created", args=[obj.pk])
        )

    def get_urls(self) -> list[Any]:
        created = self.admin_site.admin_view(self.created_view)
        return [
            path("<int:pk>/created/", created, name="errorkit_keys_apikey_created"),
            *super().get_urls(),
        ]

    def created_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The new key's secret, once: it leaves the session as it is shown."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        key = get_object_or_404(APIKey, pk=pk)
        waiting = request.session.get(SESSION_KEY) or {}
        secret = None
        if waiting.get("pk") == key.pk:
            secret = request.session.pop(SESSION_KEY)["secret"]
        return TemplateResponse(
            request,
            "admin/errorkit_keys/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "key": key,
                "secret": secret,
                "opts": self.model._meta,
                "title": _("API key created"),
            },
        )

    @admin.display(description=_("failures"))
    def failures(self, obj: APIKey) -> str:
        # The customer's failures page (errorkit.incidents), when installed.
        return link(
            page_url("failures", Customer(key_prefix=obj.prefix)),
            gettext("Failed requests with this key"),
        )

    @admin.display(description=_("access"), ordering="read_only")
    def access(self, obj: APIKey) -> str:
        return gettext("read-only") if obj.read_only else gettext("read and write")

    @admin.action(description=_("Revoke selected API keys"))
    def revoke_keys(self, request: HttpRequest, queryset: Any) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            revoke(key)
        self.message_user(
            request, _("The selected keys are revoked."), messages.SUCCESS
        )
