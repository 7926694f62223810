"""Incident data at volume, written by SQL in a few statements: the admin's
query-count test and its benchmark (benchmarks/incident_admin.py) share it.

``seed(incidents, requests)`` makes ``incidents`` incidents and ``requests``
failed requests, each with its kept event (the worst case: nothing sampled
away), ten seconds apart going back from now, spread evenly over the
incidents, with their hourly counts; every request id is ``vol-<n>``.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from errorkit.incidents.models import (
    FailedRequest,
    Incident,
    IncidentEvent,
    IncidentHour,
    StatusChange,
)


def _sql(vendor: str) -> dict[str, str]:
    if vendor == "postgresql":
        return {
            "ago": "(%s::timestamptz - n * interval '10 seconds')",
            "hour": "date_trunc('hour', created)",
            "text": "n::text",
        }
    return {
        "ago": "datetime(%s, '-' || (n * 10) || ' seconds')",
        "hour": "strftime('%%Y-%%m-%%d %%H:00:00', created)",
        "text": "CAST(n AS TEXT)",
    }


def _numbers(count: int) -> str:
    return (
        "WITH RECURSIVE nums(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM nums "
        f"WHERE n < {count - 1}) "
    )


@transaction.atomic
def seed(incidents: int = 3000, requests: int = 200_000) -> None:
    sql = _sql(connection.vendor)
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    Incident.objects.bulk_create(
        Incident(
            fingerprint=f"volume-{n}",
            title=f"VolumeError{n} in views.handler_{n}",
            error_code="internal_error",
            status_code=500,
            view=f"app.views.handler_{n}",
            first_seen=now,
            last_seen=now,
            count=requests // incidents,
        )
        for n in range(incidents)
    )
    first = Incident.objects.order_by("pk").values_list("pk", flat=True)[0]
    event, failed, hour = (
        connection.ops.quote_name(m._meta.db_table)
        for m in (IncidentEvent, FailedRequest, IncidentHour)
    )
    incident = f"({first} + n %% {incidents})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{_numbers(requests)}INSERT INTO {event} (incident_id, created, "
            "request_id, status_code, method, path, query, headers, body, "
            '"user", key_prefix, traceback) '
            f"SELECT {incident}, {sql['ago']}, 'vol-' || {sql['text']}, 500, 'POST', "
            "'/v1/jobs', '', '{}', '{\"model\": \"m\"}', 'user-' || "
            f"CAST(n %% 500 AS TEXT), 'sk_' || CAST(n %% 700 AS TEXT), "
            "'Traceback (most recent call last):' FROM nums",
            [stamp],
        )
        cursor.execute(
            f"{_numbers(requests)}INSERT INTO {failed} (incident_id, event_id, "
            'request_id, created, status_code, error_code, "user", key_prefix, '
            "method, path, reason) "
            f"SELECT {incident}, NULL, 'vol-' || {sql['text']}, {sql['ago']}, 500, "
            "'internal_error', 'user-' || CAST(n %% 500 AS TEXT), "
            "'sk_' || CAST(n %% 700 AS TEXT), 'POST', '/v1/jobs', '' FROM nums",
            [stamp],
        )
        cursor.execute(
            f"UPDATE {failed} SET event_id = (SELECT e.id FROM {event} e "
            f"WHERE e.request_id = {failed}.request_id)",
            [],
        )
        cursor.execute(
            f"INSERT INTO {hour} (incident_id, hour, status_class, count) "
            f"SELECT incident_id, {sql['hour']}, 5, COUNT(*) FROM {failed} "
            f"GROUP BY incident_id, {sql['hour']}",
            [],  # formatted, as the others: %% is one %
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def clear() -> None:
    """Remove what ``seed`` made, and every other incident row, by SQL: the
    ORM's delete of 200,000 rows collects and cascades them one by one."""
    tables = (
        connection.ops.quote_name(m._meta.db_table)
        for m in (FailedRequest, IncidentEvent, IncidentHour, StatusChange, Incident)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
