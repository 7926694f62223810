"""Top-ups in the admin: what customers asked for and how it ended; staff
approve or decline the manual ones (the admin's history and the ledger
name who did)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..admin_search import SearchMixin
from ..users import user_search_fields
from . import topups
from .models import TopUp


@admin.register(TopUp)
class TopUpAdmin(SearchMixin):
    list_display = [
        "id",
        "owner",
        "amount",
        "currency",
        "method",
        "status",
        "created",
        "decided_by",
    ]
    list_filter = ["status", "method"]
    list_select_related = ["owner", "decided_by"]
    readonly_fields = (
        "owner",
        "amount",
        "currency",
        "method",
        "status",
        "external_id",
        "created",
        "decided",
        "decided_by",
        "reason",
    )
    fields = readonly_fields
    actions = ["approve", "decline"]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return ["external_id", *user_search_fields("owner")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A top-up is the record that its money was (or was not) added.
        return False

    def _pending(
        self, request: HttpRequest, queryset: QuerySet, *, manual: bool
    ) -> list[int]:
        """The chosen top-ups still pending (and manual, to approve: a card
        payment is credited when its provider confirms it, never by hand)."""
        chosen = list(queryset.values_list("pk", "method", "status"))
        ready = [
            pk
            for pk, method, status in chosen
            if status == TopUp.Status.PENDING and (method == "manual" or not manual)
        ]
        if len(ready) < len(chosen):
            messages.warning(
                request,
                (
                    gettext(
                        "Only pending manual requests can be approved: "
                        "%(count)d selected top-ups were left as they are (a "
                        "card payment is credited when the payment provider "
                        "confirms it)."
                    )
                    if manual
                    else gettext(
                        "Only pending top-ups can be declined: %(count)d "
                        "selected top-ups were left as they are."
                    )
                )
                % {"count": len(chosen) - len(ready)},
            )
        return ready

    @admin.action(description=_("Approve selected manual requests (add the funds)"))
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        who = request.user.get_username()
        done = 0
        for pk in self._pending(request, queryset, manual=True):
            top_up, added = topups.credit(
                pk, note=f"Approved by {who} (top-up #{pk})", by=request.user
            )
            if added:
                done += 1
                self.log_change(request, top_up, "Approved: funds added")
            elif top_up.status == TopUp.Status.REFUSED:
                messages.error(
                    request,
                    gettext("Top-up #%(id)s was not added: %(reason)s")
                    % {"id": pk, "reason": top_up.reason},
                )
        if done:
            messages.success(
                request,
                ngettext(
                    "%(count)d request approved: its funds are added.",
                    "%(count)d requests approved: their funds are added.",
                    done,
                )
                % {"count": done},
            )

    @admin.action(description=_("Decline selected pending top-ups"))
    def decline(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for pk in self._pending(request, queryset, manual=False):
            top_up, ended = topups.close(
                pk, TopUp.Status.DECLINED, "declined by staff", by=request.user
            )
            if ended:
                done += 1
                self.log_change(request, top_up, "Declined")
        if done:
            messages.success(
                request,
                ngettext(
                    "%(count)d request declined.", "%(count)d requests declined.", done
                )
                % {"count": done},
            )
