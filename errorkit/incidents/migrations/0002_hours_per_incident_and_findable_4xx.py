"""Hourly counts per incident (the incident page's trend, a list chart that
follows the filters); a failed request's error code, its sampled event, and
4xx rows without an incident. The old global hourly counts are rebuilt from
the failed requests, which hold every counted request."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncHour


def forget_global_hours(apps, schema_editor):
    apps.get_model("errorkit_incidents", "IncidentHour").objects.all().delete()


def rebuild_hours_and_links(apps, schema_editor):
    failed = apps.get_model("errorkit_incidents", "FailedRequest")
    hour = apps.get_model("errorkit_incidents", "IncidentHour")
    event = apps.get_model("errorkit_incidents", "IncidentEvent")
    rows = (
        failed.objects.annotate(at=TruncHour("created"))
        .values("incident_id", "at", "status_code")
        .annotate(n=Count("pk"))
    )
    totals: dict = {}
    for row in rows:
        key = (row["incident_id"], row["at"])
        status_class = row["status_code"] // 100
        total = totals.setdefault(key, [status_class, 0])
        total[1] += row["n"]
    hour.objects.bulk_create(
        hour(incident_id=incident, hour=at, status_class=status_class, count=n)
        for (incident, at), (status_class, n) in totals.items()
    )
    for pk, incident, request_id in event.objects.values_list(
        "pk", "incident_id", "request_id"
    ).iterator():
        # One row per event (the link is one-to-one): a caller may have sent
        # the same X-Request-ID twice.
        row = (
            failed.objects.filter(
                incident_id=incident, request_id=request_id, event__isnull=True
            )
            .order_by("created", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if row is not None:
            failed.objects.filter(pk=row).update(event_id=pk)


class Migration(migrations.Migration):
    dependencies = [("errorkit_incidents", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="incidenthour", name="errorkit_hour"),
        migrations.RunPython(forget_global_hours, migrations.RunPython.noop),
        migrations.AddField(
            model_name="incidenthour",
            name="incident",
            field=models.ForeignKey(
                default=None,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="hours",
                to="errorkit_incidents.incident",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="incidenthour",
            name="hour",
            field=models.DateTimeField(db_index=True),
        ),
        migrations.AddConstraint(
            model_name="incidenthour",
            constraint=models.UniqueConstraint(
                fields=("incident", "hour"), name="errorkit_incident_hour"
            ),
        ),
        migrations.AddField(
            model_name="failedrequest",
            name="error_code",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="error code"
            ),
        ),
        migrations.AddField(
            model_name="failedrequest",
            name="event",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="failed_request",
                to="errorkit_incidents.incidentevent",
            ),
        ),
        migrations.AlterField(
            model_name="failedrequest",
            name="incident",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="failed_requests",
                to="errorkit_incidents.incident",
            ),
        ),
        migrations.AddIndex(
            model_name="failedrequest",
            index=models.Index(
                fields=["key_prefix", "-created"], name="errorkit_failed_key"
            ),
        ),
        migrations.AddIndex(
            model_name="failedrequest",
            index=models.Index(
                fields=["user", "-created"], name="errorkit_failed_user"
            ),
        ),
        migrations.RunPython(rebuild_hours_and_links, migrations.RunPython.noop),
    ]
