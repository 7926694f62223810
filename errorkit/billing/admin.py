"""The admin of balances: accounts (add funds) and their read-only ledger."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .amounts import to_amount
from .funds import add_funds
from .models import CreditAccount, LedgerEntry


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
            "admin/errorkit_billing/creditaccount/add_funds.html",
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
