"""The admin of incidents: find a failed request by the id a caller quotes,
read it laid out, see how often its incident happens and to whom, look at one
customer's failures, and resolve, ignore or reopen incidents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus, urlencode

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ...admin_search import SearchMixin, clean_term
from ...conf import errorkit_settings
from ...customers import Customer
from ...users import username_label
from ..models import FailedRequest, Incident, IncidentHour, StatusChange
from .chart import chart
from .request_ids import request_id_matches
from .triage import (
    customer_page,
    failures_page,
    neighbours,
    pretty_body,
    traceback_parts,
)

# The list's parameter choosing the chart's span (day or month).
CHART_VAR = "chart"
# How many of an incident's status changes its page shows.
HISTORY_SHOWN = 20
# Templates of the pieces of the console's pages.
PARTS = "admin/errorkit_incidents/parts"


def _total(hours: QuerySet[IncidentHour]) -> Subquery:
    """The sum of some hourly counts of the outer incident, as a subquery."""
    return Subquery(
        hours.values("incident").annotate(total=Sum("count")).values("total")[:1]
    )


class OpenByDefault(admin.SimpleListFilter):
    """By status, open by default: ignored and resolved incidents are one
    click away, never mixed into what is worst now."""

    title = _("status")
    parameter_name = "status__exact"
    EVERY = "all"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*Incident.Status.choices, (self.EVERY, _("every status"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.EVERY:
            return queryset
        if value in Incident.Status.values:
            return queryset.filter(status=value)
        return queryset.filter(status=Incident.Status.OPEN)

    def choices(self, changelist: Any) -> Any:
        for choice in super().choices(changelist):
            if choice["query_string"] == changelist.get_query_string(
                remove=[self.parameter_name]
            ):
                continue  # Django's "All" is this filter's default: open
            if choice["display"] == Incident.Status.OPEN.label:
                choice["selected"] = self.value() in (None, Incident.Status.OPEN)
            yield choice


class RegressedFilter(admin.SimpleListFilter):
    title = _("regressed")
    parameter_name = "regressed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("regressed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(regressed=True) if self.value() == "yes" else queryset


@admin.register(Incident)
class IncidentAdmin(SearchMixin):
    """Read-only incidents: find one by the request id a caller quotes, see how
    often it happens and to whom, and resolve, ignore or reopen it."""

    # What is worst now, at 1280 px without scrolling: the incident (title,
    # code, status), its events in the last 24 hours beside the day before,
    # the customers it hit in them, its all-time count, when last seen, and
    # its status (regressed marked). Sorted by the last 24 hours.
    list_display = [
        "incident_cell",
        "last_day",
        "customers",
        "total",
        "seen",
        "status_cell",
    ]
    list_display_links = ["incident_cell"]
    list_filter = [
        OpenByDefault,
        RegressedFilter,
        "status_code",
        "error_code",
        "last_seen",
    ]
    # A request id is matched exactly, through its findable row (see
    # get_search_results); never LIKE across a join to every event.
    search_fields = ["title"]
    search_help_text = _(
        "A title's words, a fingerprint, or a request id (or its first 12 characters)."
    )
    show_full_result_count = False  # no COUNT(*) over millions of rows
    actions = ["resolve", "ignore", "reopen"]
    change_list_template = "admin/errorkit_incidents/incident/change_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    ("status", "regressed_label", "regressed_at"),
                    ("resolved_at", "resolved_by"),
                    ("error_code", "status_code", "view"),
                    ("count", "first_seen", "last_seen"),
                    "affected",
                    "fingerprint",
                ]
            },
        ),
        (_("Trend"), {"fields": ["trend"]}),
        (_("Status history"), {"fields": ["history"]}),
        (_("Latest traceback"), {"fields": ["latest_traceback"]}),
        (_("Recent kept events"), {"fields": ["recent_events"]}),
    ]
    readonly_fields = [
        "title",
        "status",
        "regressed_label",
        "regressed_at",
        "resolved_at",
        "resolved_by",
        "error_code",
        "status_code",
        "view",
        "count",
        "first_seen",
        "last_seen",
        "affected",
        "fingerprint",
        "trend",
        "history",
        "latest_traceback",
        "recent_events",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the page is read-only; status changes go through actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retention is prune_incidents' job

    def has_resolve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("errorkit_incidents.change_incident")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Incident], search_term: str
    ) -> tuple[QuerySet[Incident], bool]:
        """Words of the title, or the exact fingerprint, or (by its findable
        row, through an index) the id of any of its failed requests, as
        ``request_id_matches`` finds it."""
        term = clean_term(search_term)
        found, duplicates = super().get_search_results(request, queryset, term)
        if not term:
            return found, duplicates
        by_request = FailedRequest.objects.filter(
            request_id_matches(term), incident__isnull=False
        ).values("incident_id")
        exact = Q(fingerprint=term[:64]) | Q(pk__in=by_request)
        return found | queryset.filter(exact), duplicates

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ChartedChangeList

    def get_queryset(self, request: HttpRequest) -> QuerySet[Incident]:
        """Each incident with its events in the last 24 hours (from its
        hourly counts, on their index), which the list is sorted by. What is
        only shown (the day before, the customers reached) is counted for
        the page's rows alone (``ChartedChangeList.get_results``)."""
        day = timezone.now() - timedelta(hours=24)
        hours = IncidentHour.objects.filter(incident=OuterRef("pk"))
        incidents = self.model._default_manager.get_queryset().annotate(
            recent=Coalesce(_total(hours.filter(hour__gte=day)), 0),
            # Reopened in the last 24 hours: on top, whatever its count.
            fresh_regression=Case(
                When(regressed=True, regressed_at__gte=day, then=Value(1)),
                default=Value(0),
            ),
        )
        # ModelAdmin.get_queryset orders before anything is annotated: the
        # ordering by the last 24 hours needs the annotation first.
        return incidents.order_by(*self.get_ordering(request))

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return ("-fresh_regression", "-recent", "-last_seen")

    @admin.display(description=_("incident"), ordering="title")
    def incident_cell(self, obj: Incident) -> str:
        # The list's cells are a line of markup each, built here: a template
        # per cell cost 0.4 ms, 160 ms for a page of 100 incidents.
        return format_html(
            '<span class="errorkit-title">{}</span><br>'
            '<span class="errorkit-quiet"><code>{}</code> · {}</span>',
            obj.title,
            obj.error_code,
            obj.status_code,
        )

    @admin.display(description=_("24 h"), ordering="recent")
    def last_day(self, obj: Any) -> str:
        # The count, and its trend against the 24 hours before, in words.
        recent, before = int(obj.recent), int(getattr(obj, "before", 0))
        trend: str
        if recent > before:
            trend = format_html("&#9650; {}", _("up from %(n)d") % {"n": before})
        elif recent < before:
            trend = format_html("&#9660; {}", _("down from %(n)d") % {"n": before})
        else:
            trend = gettext("steady")
        return format_html(
            '<strong>{}</strong><br><span class="errorkit-quiet">{}</span>',
            recent,
            trend,
        )

    @admin.display(description=_("total"), ordering="count")
    def total(self, obj: Incident) -> int:
        return obj.count

    @admin.display(description=_("last seen"), ordering="last_seen")
    def seen(self, obj: Incident) -> str:
        when = timezone.localtime(obj.last_seen)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            when.isoformat(),
            f"{when:%Y-%m-%d %H:%M:%S %Z}",
            _("%(ago)s ago") % {"ago": timesince(obj.last_seen)},
        )

    @admin.display(description=_("customers"))
    def customers(self, obj: Any) -> int:
        return int(getattr(obj, "reached", 0))

    @admin.display(description=_("status"), ordering="status")
    def status_cell(self, obj: Incident) -> str:
        if not obj.regressed:
            return obj.get_status_display()
        return format_html(
            '{} <strong class="errorkit-regressed">{}</strong>',
            obj.get_status_display(),
            gettext("regressed"),
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        span = "month" if request.GET.get(CHART_VAR) == "month" else "day"
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            # The chart counts what the list shows: its filters and search.
            cl = context["cl"]
            context.update(
                errorkit_chart=chart(span, cl.queryset),
                span=span,
                day_url=cl.get_query_string(remove=[CHART_VAR]),
                month_url=cl.get_query_string({CHART_VAR: "month"}),
            )
        return response

    def _set_status(
        self, request: HttpRequest, queryset: Any, status: Incident.Status
    ) -> None:
        resolved = status == Incident.Status.RESOLVED
        label = Incident.Status(status).label
        changed = list(queryset.exclude(status=status))
        queryset.filter(pk__in=[i.pk for i in changed]).update(
            status=status,
            resolved_at=timezone.now() if resolved else None,
            resolved_by=request.user if resolved else None,
            **({"regressed": False} if resolved else {}),
        )
        StatusChange.objects.bulk_create(
            StatusChange(
                incident=incident,
                at=timezone.now(),
                before=incident.status,
                after=status,
                by_id=request.user.pk,
            )
            for incident in changed
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
        # A word, not Django's red cross for every incident that did not;
        # "-" as Django shows an empty value, not a blank after the label.
        return gettext("regressed") if obj.regressed else "-"

    @admin.display(description=_("trend"))
    def trend(self, obj: Incident) -> str:
        one = Incident.objects.filter(pk=obj.pk)
        return render_to_string(
            f"{PARTS}/trend.html",
            {
                "day": chart("day", one, name="errorkit-trend-day"),
                "month": chart("month", one, name="errorkit-trend-month"),
            },
        )

    @admin.display(description=_("status history"))
    def history(self, obj: Incident) -> str:
        changes = obj.status_changes.select_related("by")[:HISTORY_SHOWN]
        return render_to_string(f"{PARTS}/history.html", {"changes": changes})

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="errorkit_incidents_incident_status",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        # The workflow's buttons, for those who may change a status.
        context = {
            **(extra_context or {}),
            "status_choices": Incident.Status.choices
            if self.has_resolve_permission(request)
            else [],
        }
        return super().change_view(request, object_id, form_url, context)

    def status_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Resolve, ignore or reopen one incident from its page (POST)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_resolve_permission(request):
            raise PermissionDenied
        status = request.POST.get("status", "")
        if status not in Incident.Status.values:
            raise Http404(gettext("No such status."))
        incidents = (
            Incident.objects.filter(pk=int(object_id)) if object_id.isdigit() else None
        )
        if not incidents:
            raise Http404(gettext("No incident has this id."))
        self._set_status(request, incidents, Incident.Status(status))
        return HttpResponseRedirect(
            reverse("admin:errorkit_incidents_incident_change", args=[object_id])
        )

    @admin.display(description=_("traceback"))
    def latest_traceback(self, obj: Incident) -> str:
        event = obj.events.exclude(traceback="").first()
        if event is None:
            return "-"
        return render_traceback(event.traceback)

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
        return render_to_string(
            f"{PARTS}/affected.html",
            {**seen, "url": f"{url}?{urlencode({'incident__exact': obj.pk})}"},
        )

    @admin.display(description=_("recent kept events"))
    def recent_events(self, obj: Incident) -> str:
        rows = (
            FailedRequest.objects.filter(incident=obj, event__isnull=False)
            .select_related("event")
            .order_by("-created")[:10]
        )
        return render_to_string(f"{PARTS}/recent_events.html", {"rows": rows})


def render_traceback(text: str) -> str:
    """A traceback with the project's own frames set apart from libraries'."""
    return render_to_string(f"{PARTS}/traceback.html", {"parts": traceback_parts(text)})


class StatusFilter(admin.SimpleListFilter):
    """By status: the choices come from the settings, never from a DISTINCT
    over every failed request."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = {
            *errorkit_settings.INCIDENT_4XX_CODES,
            *errorkit_settings.FINDABLE_4XX_CODES,
        }
        return [("5xx", "5xx"), *((str(c), str(c)) for c in sorted(codes))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "5xx":
            return queryset.filter(status_code__gte=500)
        if value and value.isdigit():
            return queryset.filter(status_code=int(value))
        return queryset


class CustomerFilter(admin.SimpleListFilter):
    """By customer: the users with the most failed requests in the last 24
    hours (one grouped count on the time index), or any other by search."""

    title = _("customer")
    parameter_name = "user"
    SHOWN = 10

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        since = timezone.now() - timedelta(hours=24)
        busiest = (
            FailedRequest.objects.filter(created__gte=since)
            .exclude(user="")
            .values("user")
            .annotate(n=Count("pk"))
            .order_by("-n", "user")[: self.SHOWN]
        )
        return [(row["user"], f"{row['user']} ({row['n']})") for row in busiest]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(user=value[:255]) if value else queryset


@admin.register(FailedRequest)
class FailedRequestAdmin(SearchMixin):
    """Every failed request, sampled or not: one incident's (from its page), or
    one customer's, by user or API key prefix, or one by its exact id. Each
    has its page: the request laid out when its event was kept."""

    list_display = [
        "created",
        "request_link",
        "status_code",
        "error_code",
        "why",
        "endpoint",
        "incident_link",
        "customer_link",
    ]
    list_display_links = None  # the request id is the link
    list_filter = [StatusFilter, CustomerFilter]
    # Matched exactly (see get_search_results), so that each uses its index.
    search_fields = ["request_id", "user", "key_prefix"]
    list_select_related = ["incident"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retention is prune_incidents' job

    @property
    def search_help_text(self) -> str:  # type: ignore[override]
        # Named as the user model names a user ("email address"...): a
        # FailedRequest's user is its USERNAME_FIELD.
        return gettext(
            "A request id (or its first 12 characters), %(user)s or API key prefix."
        ) % {"user": username_label()}

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = clean_term(search_term)
        if not term:
            return queryset, False
        return (
            queryset.filter(
                request_id_matches(term)
                # A user as typed or in lower case (an e-mail's usual form),
                # each on the column's index.
                | Q(user__in=[term[:255], term.lower()[:255]])
                | Q(key_prefix=term[:16])
            ),
            False,
        )

    @admin.display(description=_("request id"), ordering="request_id")
    def request_link(self, obj: FailedRequest) -> str:
        url = reverse("admin:errorkit_incidents_failedrequest_change", args=[obj.pk])
        return format_html('<a href="{}"><code>{}</code></a>', url, obj.request_id)

    @admin.display(description=_("why refused"), ordering="reason")
    def why(self, obj: FailedRequest) -> str:
        return refusal_label(obj.reason)

    @admin.display(description=_("request"))
    def endpoint(self, obj: FailedRequest) -> str:
        return f"{obj.method} {obj.path}".strip() or "-"

    @admin.display(description=_("incident"))
    def incident_link(self, obj: FailedRequest) -> str:
        if obj.incident is None:
            return "-"
        url = reverse(
            "admin:errorkit_incidents_incident_change", args=[obj.incident_id]
        )
        return format_html('<a href="{}">{}</a>', url, obj.incident.title)

    @admin.display(description=_("customer"))
    def customer_link(self, obj: FailedRequest) -> str:
        return customer_links(obj)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path(
                "customer/",
                view(self.customer_view),
                name="errorkit_incidents_failedrequest_customer",
            ),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
        }

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        """One failed request: what is known of every one, and the request
        laid out when its event was kept; newer and older kept events."""
        row = (
            FailedRequest.objects.select_related("incident", "event")
            .filter(pk=int(object_id))
            .first()
            if object_id.isdigit()
            else None
        )
        if row is None:
            raise Http404(gettext("No failed request has this id."))
        context = self._context(request, gettext("Request %s") % row.request_id)
        event = row.event
        context.update(
            row=row,
            event=event,
            refusal=refusal_label(row.reason) if row.reason else "",
            customer=customer_links(row),
            query=unquote_plus(event.query) if event else "",
            body=pretty_body(event.body) if event else "",
            headers=sorted(event.headers.items()) if event else [],
            traceback=render_traceback(event.traceback)
            if event and event.traceback
            else "",
            **neighbours(row),
        )
        return TemplateResponse(
            request, "admin/errorkit_incidents/failedrequest/request.html", context
        )

    def customer_view(self, request: HttpRequest) -> HttpResponse:
        """One customer's failures, by API key prefix (``?key=``) or user
        (``?user=``)."""
        key, user = (
            request.GET.get("key", "").strip(),
            request.GET.get("user", "").strip(),
        )
        if not key and not user:
            raise Http404(
                gettext(
                    "Say whose failures: ?key=<API key prefix> or ?user=<%(user)s>."
                )
                % {"user": username_label()}
            )
        customer = Customer(key_prefix=key[:16]) if key else Customer(user=user[:255])
        title = (
            gettext("Failures of API key %s") % customer.key_prefix
            if key
            else gettext("Failures of user %s") % customer.user
        )
        context = self._context(request, title)
        context.update(customer_page(customer))
        return TemplateResponse(
            request, "admin/errorkit_incidents/failedrequest/customer.html", context
        )


# What a 401 or 403's reason (FailedRequest.reason) means, in words.
REFUSALS = {
    "missing": _("no key sent"),
    "malformed": _("malformed key"),
    "unknown": _("unknown key"),
    "revoked": _("revoked key"),
    "inactive": _("inactive owner"),
    "read_only": _("read-only key"),
    "refused": _("authentication refused"),
    "forbidden": _("permission refused"),
}


def refusal_label(reason: str) -> str:
    return str(REFUSALS.get(reason, reason)) if reason else "-"


def customer_links(row: FailedRequest) -> str:
    """Links to the customer pages of a request's user and API key."""
    links = [
        (label, failures_page(customer))
        for label, customer in (
            (row.user, Customer(user=row.user)),
            (row.key_prefix, Customer(key_prefix=row.key_prefix)),
        )
        if label
    ]
    return render_to_string(f"{PARTS}/customer_links.html", {"links": links})


class ChartedChangeList(ChangeList):
    """The incident list, whose ``?chart=`` parameter chooses the chart's span:
    not a filter, so the list's lookups do not see it (the links it builds
    keep it)."""

    def get_filters_params(self, params: Any = None) -> dict[str, Any]:
        lookups = super().get_filters_params(params)
        lookups.pop(CHART_VAR, None)
        return lookups

    def get_results(self, request: HttpRequest) -> None:
        """The page's rows, each with its events in the 24 hours before the
        last 24 (its trend) and the customers it reached in the last 24: two
        grouped queries for the page, not a subquery for every incident."""
        super().get_results(request)
        rows = list(self.result_list)
        if not rows:
            return
        now = timezone.now()
        day, two_days = now - timedelta(hours=24), now - timedelta(hours=48)
        ids = [row.pk for row in rows]
        before = dict(
            IncidentHour.objects.filter(
                incident__in=ids, hour__gte=two_days, hour__lt=day
            )
            .values("incident")
            .annotate(n=Sum("count"))
            .values_list("incident", "n")
        )
        reached = dict(
            FailedRequest.objects.filter(incident__in=ids, created__gte=day)
            .exclude(user="")
            .values("incident")
            .annotate(n=Count("user", distinct=True))
            .values_list("incident", "n")
        )
        for row in rows:
            row.before = before.get(row.pk, 0)
            row.reached = reached.get(row.pk, 0)
        self.result_list = rows
