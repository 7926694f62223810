"""The admin of balances: accounts (spendable, held, add funds with a note),
their holds, and the read-only ledger with each entry's running balance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..admin_links import link
from ..admin_search import SearchMixin
from ..customers import Customer, page_url
from ..users import user_search_fields
from .amounts import stored_places, to_amount
from .backends import expire_lapsed_holds, with_unfolded
from .funds import add_funds
from .holds import LAPSED, state_at
from .models import CreditAccount, Hold, LedgerEntry
from .statements import MONEY_KINDS, with_balance_after

CENT = Decimal("0.01")


class AddFundsForm(forms.Form):
    amount = forms.CharField(label=_("Amount"), max_length=40)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean_amount(self) -> Decimal:
        try:
            return to_amount(self.cleaned_data["amount"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


# How many of an account's holds its page lists: the newest (its inline's
# title says so).
HOLDS_SHOWN = 20


class HoldInline(admin.TabularInline):
    model = Hold
    # Tuples: one sequence serves as both (the stubs' lists are invariant).
    fields = ("reference", "request_id", "amount", "state", "created", "expires_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("holds (the newest 20)")
    # Read only, so without the tabular inline's empty header cells.
    template = "admin/errorkit_billing/creditaccount/holds.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Paged to the newest: an account may hold thousands (a page of 85
        # was 8,776 px). The formset filters this queryset by account, so the
        # cut is a subquery on each hold's own account, not a slice.
        holds = super().get_queryset(request)
        newest = (
            Hold.objects.filter(account=OuterRef("account"))
            .order_by("-created", "-pk")
            .values("pk")[:HOLDS_SHOWN]
        )
        return holds.filter(pk__in=newest).order_by("-created", "-pk")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("status"))
    def state(self, obj: Hold) -> str:
        # A lapsed hold is still "active" in its row until the next fold; it
        # reserves nothing, so it is shown as what it is.
        state = state_at(obj, timezone.now())
        return str(_("lapsed")) if state == LAPSED else obj.get_status_display()


@admin.register(CreditAccount)
class CreditAccountAdmin(SearchMixin):
    list_display = ["owner", "spendable", "held_now", "settled", "currency", "updated"]
    fields = (
        "owner",
        "spendable",
        "held_now",
        "settled",
        "currency",
        "updated",
        "failures",
    )
    readonly_fields = fields
    inlines = [HoldInline]
    actions = ["add_funds_action", "expire_holds_action"]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        # The owner's USERNAME_FIELD and e-mail: whatever the user model.
        return user_search_fields("owner")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        accounts = super().get_queryset(request).select_related("owner")
        return with_unfolded(accounts)

    @admin.display(description=_("failures"))
    def failures(self, obj: Any) -> str:
        # The customer's failures page (errorkit.incidents), when installed.
        return link(
            page_url("failures", Customer(user=obj.owner.get_username())),
            gettext("Failed requests of this customer"),
        )

    @admin.display(description=_("spendable"))
    def spendable(self, obj: Any) -> Decimal:
        return (obj.balance - obj.spent - self.held_now(obj)).quantize(CENT)

    @admin.display(description=_("held"))
    def held_now(self, obj: Any) -> Decimal:
        return (obj.held - obj.released).quantize(CENT)

    @admin.display(description=_("settled balance"))
    def settled(self, obj: Any) -> Decimal:
        return (obj.balance - obj.spent).quantize(CENT)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # accounts come with their first top-up

    @admin.action(description=_("Add funds to selected accounts"))
    def add_funds_action(self, request: HttpRequest, queryset: Any) -> Any:
        form = AddFundsForm(request.POST if "amount" in request.POST else None)
        if form.is_valid():
            amount, note = form.cleaned_data["amount"], form.cleaned_data["note"]
            try:
                with transaction.atomic():  # all the accounts, or none
                    for account in queryset.select_related("owner"):
                        add_funds(account.owner, amount, note=note, by=request.user)
            except ValueError as exc:
                form.add_error("amount", str(exc))
            else:
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
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "title": _("Add funds"),
            },
        )

    @admin.action(description=_("Fold resolved holds in; mark lapsed ones expired"))
    def expire_holds_action(self, request: HttpRequest, queryset: Any) -> None:
        total = expire_lapsed_holds(accounts=queryset)
        self.message_user(
            request,
            _("Lapsed holds worth %s marked expired.") % total,
            messages.SUCCESS,
        )


class LedgerKindFilter(admin.SimpleListFilter):
    title = _("entries")
    parameter_name = "kind"
    EVERYTHING = "all"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (self.EVERYTHING, _("everything, holds and voids too")),
            *LedgerEntry.Kind.choices,
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.EVERYTHING:
            return queryset
        if value in LedgerEntry.Kind.values:
            return queryset.filter(kind=value)
        return queryset.filter(kind__in=MONEY_KINDS)

    def choices(self, changelist: Any) -> Any:
        for choice in super().choices(changelist):
            if choice["query_string"] == changelist.get_query_string(
                remove=[self.parameter_name]
            ):
                # Django's "All" is this filter's default: money moves only.
                choice["display"] = _("charges, top-ups and refunds")
            yield choice


@admin.register(LedgerEntry)
class LedgerEntryAdmin(SearchMixin):
    list_display = [
        "created",
        "account",
        "kind",
        "amount",
        "running_balance",
        "held",
        "request_id",
        "note",
        "created_by",
    ]
    list_filter = [LedgerKindFilter]
    # With the owner's fields (see get_search_fields).
    search_fields = ["reference", "=request_id"]
    list_select_related = ["account__owner", "created_by"]
    show_full_result_count = False

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return [*self.search_fields, *user_search_fields("account__owner")]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return with_balance_after(super().get_queryset(request))

    @admin.display(description=_("balance after"))
    def running_balance(self, obj: LedgerEntry) -> Decimal:
        running = getattr(obj, "running")  # noqa: B009  (annotated by get_queryset)
        return stored_places(running)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
