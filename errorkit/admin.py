"""The admin: API keys (secret shown once, revoke), balances (add funds), ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .api_keys import PREFIX_LENGTH, create_key, revoke
from .balance import add_funds, to_amount
from .incident_chart import chart
from .models import APIKey, CreditAccount, Incident, LedgerEntry


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
            "admin/errorkit/apikey/created.html",
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


class AddFundsForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0.0001"), decimal_places=4)


@admin.register(CreditAccount)
class CreditAccountAdmin(admin.ModelAdmin):
    list_display = ["owner", "balance", "currency", "updated"]
    search_fields = ["owner__username"]
    readonly_fields = ["owner", "balance", "currency", "updated"]
    actions = ["add_funds_action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # accounts come with their first top-up

    @admin.action(description=_("Add funds to selected accounts"))
    def add_funds_action(self, request: HttpRequest, queryset: Any) -> Any:
        form = AddFundsForm(request.POST if "amount" in request.POST else None)
        if form.is_valid():
            amount = to_amount(form.cleaned_data["amount"])
            for account in queryset:
                add_funds(account.owner, amount, reference=None)
            self.message_user(request, _("Funds added."), messages.SUCCESS)
            return HttpResponseRedirect(request.get_full_path())
        return TemplateResponse(
            request,
            "admin/errorkit/creditaccount/add_funds.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "accounts": queryset,
                "action": "add_funds_action",
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "title": _("Add funds"),
            },
        )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["created", "account", "kind", "amount", "reference"]
    list_filter = ["kind"]
    search_fields = ["reference", "account__owner__username"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Read-only incidents: find one by the request id a caller quotes, see how
    often it happens, and resolve, ignore or reopen it."""

    list_display = [
        "title",
        "error_code",
        "status_code",
        "count",
        "first_seen",
        "last_seen",
        "status",
        "regressed",
    ]
    list_filter = ["status", "status_code", "error_code", "last_seen"]
    search_fields = [
        "title",
        "fingerprint",
        "=events__request_id",
        "events__path",
    ]
    show_full_result_count = False  # no COUNT(*) over millions of rows
    actions = ["resolve", "ignore", "reopen"]
    change_list_template = "admin/errorkit/incident/change_list.html"
    fields = [
        "title",
        "status",
        "regressed",
        "regressed_at",
        "resolved_at",
        "resolved_by",
        "error_code",
        "status_code",
        "view",
        "count",
        "first_seen",
        "last_seen",
        "fingerprint",
        "latest_traceback",
        "recent_events",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the page is read-only; status changes go through actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retention is prune_incidents' job

    def has_resolve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("errorkit.change_incident")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        span = "month" if request.GET.get("chart") == "month" else "day"
        # The chart's own parameter is not a filter: the changelist must not see it.
        request.GET = request.GET.copy()
        request.GET.pop("chart", None)
        return super().changelist_view(
            request,
            {**(extra_context or {}), "errorkit_chart": chart(span), "span": span},
        )

    def _set_status(self, request: HttpRequest, queryset: Any, status: str) -> None:
        resolved = status == Incident.Status.RESOLVED
        updated = queryset.update(
            status=status,
            resolved_at=timezone.now() if resolved else None,
            resolved_by=request.user if resolved else None,
            **({"regressed": False} if resolved else {}),
        )
        self.message_user(
            request,
            _("%(count)d incidents are now %(status)s.")
            % {"count": updated, "status": Incident.Status(status).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Resolve selected incidents"), permissions=["resolve"])
    def resolve(self, request: HttpRequest, queryset: Any) -> None:
        self._set_status(request, queryset, Incident.Status.RESOLVED)

    @admin.action(description=_("Ignore selected incidents"), permissions=["resolve"])
    def ignore(self, request: HttpRequest, queryset: Any) -> None:
        self._set_status(request, queryset, Incident.Status.IGNORED)

    @admin.action(description=_("Reopen selected incidents"), permissions=["resolve"])
    def reopen(self, request: HttpRequest, queryset: Any) -> None:
        self._set_status(request, queryset, Incident.Status.OPEN)

    @admin.display(description=_("traceback"))
    def latest_traceback(self, obj: Incident) -> str:
        event = obj.events.exclude(traceback="").first()
        if event is None:
            return "-"
        return format_html(
            '<pre style="white-space:pre-wrap">{}</pre>', event.traceback
        )

    @admin.display(description=_("recent events"))
    def recent_events(self, obj: Incident) -> str:
        events = obj.events.all()[:10]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{} {}</td>"
            "<td>{}</td><td>{}</td><td><pre>{}</pre></td><td><pre>{}</pre></td></tr>",
            (
                (
                    e.created,
                    e.request_id,
                    e.status_code,
                    e.method,
                    e.path,
                    e.user,
                    e.key_prefix,
                    e.headers,
                    e.body,
                )
                for e in events
            ),
        )
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("time"),
            _("request id"),
            _("status"),
            _("request"),
            _("user"),
            _("key"),
            _("headers"),
            _("body"),
            rows,
        )
