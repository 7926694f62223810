"""Incidents: server errors grouped by fingerprint, their sampled events, and
exact counts per hour."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Incident(models.Model):
    """Server errors that share a fingerprint: one bug, however often it happens."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")
        IGNORED = "ignored", _("ignored")

    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255, db_index=True)
    error_code = models.CharField(_("error code"), max_length=64, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), db_index=True)
    view = models.CharField(_("view"), max_length=255, blank=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    count = models.BigIntegerField(_("count"), default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    regressed = models.BooleanField(_("regressed"), default=False)
    regressed_at = models.DateTimeField(_("regressed at"), null=True, blank=True)
    # When the last event was kept: sampling keeps at most one per interval.
    last_sampled = models.DateTimeField(null=True, blank=True)
    # When an alert last went out: at most one per INCIDENT_ALERT_INTERVAL.
    alerted_at = models.DateTimeField(_("alerted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.title


class StatusChange(models.Model):
    """One change of an incident's status: by a staff member (``by``), or by
    errorkit itself when a resolved incident happened again (``by`` empty).
    The incident page's history."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="status_changes"
    )
    at = models.DateTimeField(_("time"))
    before = models.CharField(
        _("before"), max_length=16, choices=Incident.Status.choices
    )
    after = models.CharField(_("after"), max_length=16, choices=Incident.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.before} -> {self.after}"


class IncidentEvent(models.Model):
    """One recorded occurrence, scrubbed of secrets before it is stored."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events"
    )
    created = models.DateTimeField(_("time"), db_index=True)
    request_id = models.CharField(_("request id"), max_length=200, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    method = models.CharField(_("method"), max_length=16)
    path = models.CharField(_("path"), max_length=2048, db_index=True)
    query = models.TextField(_("query"), blank=True)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.TextField(_("body"), blank=True)
    user = models.CharField(_("user"), max_length=255, blank=True)
    key_prefix = models.CharField(_("API key prefix"), max_length=16, blank=True)
    traceback = models.TextField(_("traceback"), blank=True)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["incident", "-created"], name="errorkit_event_recent")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.method} {self.path}"


class IncidentHour(models.Model):
    """Exact counts per incident and hour, for the charts (events are sampled,
    so they cannot be counted for them): the list's chart sums the incidents
    its filters show, an incident's page draws its own trend."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="hours"
    )
    hour = models.DateTimeField(db_index=True)
    status_class = models.PositiveSmallIntegerField()  # 4 or 5
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "hour"], name="errorkit_incident_hour"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 {self.status_class}xx: {self.count}"


class FailedRequest(models.Model):
    """One failed request, however sampling went: every request recorded as an
    incident (each 5xx, and the 4xx in ``INCIDENT_4XX_CODES``) and each 4xx in
    ``FINDABLE_4XX_CODES`` (no incident: a caller's error, counted per
    customer) can be found by the request id a caller quotes, for as long as
    incident data is kept. Lean on purpose: the request itself is kept only on
    sampled events (``event``)."""

    incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="failed_requests",
    )
    event = models.OneToOneField(
        IncidentEvent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="failed_request",
    )
    request_id = models.CharField(_("request id"), max_length=200, db_index=True)
    created = models.DateTimeField(_("time"), db_index=True)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    user = models.CharField(_("user"), max_length=255, blank=True)
    key_prefix = models.CharField(_("API key prefix"), max_length=16, blank=True)
    method = models.CharField(_("method"), max_length=16, blank=True)
    path = models.CharField(_("path"), max_length=512, blank=True)  # scrubbed
    # Why a 401 or 403 refused the caller: missing, malformed, unknown,
    # revoked, inactive, read_only, refused or forbidden (RequestState.refusal).
    reason = models.CharField(_("why refused"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("failed request")
        verbose_name_plural = _("failed requests")
        ordering = ["-created"]
        indexes = [
            models.Index(
                fields=["incident", "-created"], name="errorkit_failed_recent"
            ),
            # A customer's failures: by API key or by user, newest first.
            models.Index(fields=["key_prefix", "-created"], name="errorkit_failed_key"),
            models.Index(fields=["user", "-created"], name="errorkit_failed_user"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status_code}"
