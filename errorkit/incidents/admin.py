"""The admin of incidents: find one by request id, see how often it happens,
resolve, ignore or reopen it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .chart import chart
from .models import FailedRequest, Incident


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
        "regressed_label",
    ]
    list_filter = ["status", "status_code", "error_code", "last_seen"]
    search_fields = [
        "title",
        "fingerprint",
        "=failed_requests__request_id",
        "events__path",
    ]
    show_full_result_count = False  # no COUNT(*) over millions of rows
    actions = ["resolve", "ignore", "reopen"]
    change_list_template = "admin/errorkit_incidents/incident/change_list.html"
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
        "affected",
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
        return request.user.has_perm("errorkit_incidents.change_incident")

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
        label = Incident.Status(status).label
        changed = list(queryset.exclude(status=status))
        queryset.filter(pk__in=[i.pk for i in changed]).update(
            status=status,
            resolved_at=timezone.now() if resolved else None,
            resolved_by=request.user if resolved else None,
            **({"regressed": False} if resolved else {}),
        )
        for incident in changed:  # the admin's history says who did it
            self.log_change(
                request,
                incident,
                gettext("Marked %(status)s (was %(before)s).")
                % {"status": label, "before": Incident.Status(incident.status).label},
            )
        count = len(changed)
        self.message_user(
            request,
            ngettext(
                "%(count)d incident is now %(status)s.",
                "%(count)d incidents are now %(status)s.",
                count,
            )
            % {"count": count, "status": label},
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

    @admin.display(description=_("regressed"), ordering="regressed")
    def regressed_label(self, obj: Incident) -> str:
        # A word, not Django's red cross for every incident that did not.
        return gettext("regressed") if obj.regressed else ""

    @admin.display(description=_("traceback"))
    def latest_traceback(self, obj: Incident) -> str:
        event = obj.events.exclude(traceback="").first()
        if event is None:
            return "-"
        return format_html(
            '<pre style="white-space:pre-wrap">{}</pre>', event.traceback
        )

    @admin.display(description=_("affected"))
    def affected(self, obj: Incident) -> str:
        """Who it happens to: distinct users and API keys, and the link to
        every failed request (findable by request id, user or key prefix)."""
        seen = obj.failed_requests.aggregate(
            users=Count("user", distinct=True, filter=~Q(user="")),
            keys=Count("key_prefix", distinct=True, filter=~Q(key_prefix="")),
            requests=Count("pk"),
        )
        url = reverse("admin:errorkit_incidents_failedrequest_changelist")
        return format_html(
            '{} · {} · <a href="{}?incident__exact={}">{}</a>',
            ngettext("%(n)d user", "%(n)d users", seen["users"]) % {"n": seen["users"]},
            ngettext("%(n)d API key", "%(n)d API keys", seen["keys"])
            % {"n": seen["keys"]},
            url,
            obj.pk,
            ngettext("%(n)d failed request", "%(n)d failed requests", seen["requests"])
            % {"n": seen["requests"]},
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


@admin.register(FailedRequest)
class FailedRequestAdmin(admin.ModelAdmin):
    """Every failed request, sampled or not: one incident's (from its page), or
    one customer's, by user or API key prefix, or one by its exact id."""

    list_display = [
        "created",
        "request_id",
        "status_code",
        "incident",
        "user",
        "key_prefix",
    ]
    list_filter = ["status_code"]
    search_fields = ["=request_id", "=user", "=key_prefix"]
    list_select_related = ["incident"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retention is prune_incidents' job
