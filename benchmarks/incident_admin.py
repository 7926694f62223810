"""The incident admin at 200,000 failed requests (each with its kept event)
across 3,000 incidents: server time of each page support uses, on a fresh
database (PostgreSQL when it answers, else a SQLite file).

Each page is requested in alternation with Django's admin index (the
baseline: the same session, auth and template machinery, no incident data);
prints the median time of each over the rounds, its spread, and the ratio to
the baseline. Goals: the list (its 24-hour chart) under 100 ms, every
other page under 200 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.incidents import on_fresh_database  # noqa: E402

INCIDENTS, REQUESTS, ROUNDS = 3000, 200_000, 15
LIST = "incident list (24 h chart)"
GOAL_MS = {LIST: 100}
OTHER_GOAL_MS = 200


def main() -> None:
    on_fresh_database(run)


def timed(client, path: str, params: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.get(path, params)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def run(url: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from errorkit.incidents.models import FailedRequest
    from tests.incidents.volume import seed

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed(INCIDENTS, REQUESTS)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"incident admin: {REQUESTS:,} failed requests and events, "
        f"{INCIDENTS:,} incidents on {engine} "
        f"(seeded in {time.perf_counter() - started:.0f} s)"
    )
    user = get_user_model().objects.create_superuser("bench", "b@example.com", "x")
    client = Client()
    client.force_login(user)
    row = FailedRequest.objects.get(request_id="vol-123456")
    admin = "/admin/errorkit_incidents"
    pages = {
        LIST: (f"{admin}/incident/", {}),
        "incident list (30 d chart)": (f"{admin}/incident/", {"chart": "month"}),
        "incident search: request id": (f"{admin}/incident/", {"q": "vol-123456"}),
        "incident search: words": (f"{admin}/incident/", {"q": "handler_7"}),
        "failed requests: request id": (
            f"{admin}/failedrequest/",
            {"q": "vol-123456"},
        ),
        "failed requests: one incident": (
            f"{admin}/failedrequest/",
            {"incident__exact": str(row.incident_id)},
        ),
        "incident page (trend)": (f"{admin}/incident/{row.incident_id}/change/", {}),
        "request page": (f"{admin}/failedrequest/{row.pk}/change/", {}),
        "customer page (by key)": (
            f"{admin}/failedrequest/customer/",
            {"key": row.key_prefix},
        ),
    }
    for name, (path, params) in pages.items():
        timed(client, path, params)  # warm the caches, as a live server would be
        page, base = [], []
        for _ in range(ROUNDS):  # interleaved with the baseline
            page.append(timed(client, path, params))
            base.append(timed(client, "/admin/", {}))
        median, baseline = statistics.median(page), statistics.median(base)
        goal = GOAL_MS.get(name, OTHER_GOAL_MS)
        verdict = "ok" if median * 1000 <= goal else f"over {goal} ms"
        print(
            f"  {name:31s} {median * 1000:6.1f} ms "
            f"({min(page) * 1000:.1f}-{max(page) * 1000:.1f}), "
            f"{median / baseline:4.1f}x the admin index  {verdict}"
        )


if __name__ == "__main__":
    main()
