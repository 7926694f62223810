"""The counting equality tests again with PostgreSQL as the default database,
where the one-statement path (errorkit.incidents.upserts.PostgresRecorder)
joins the ORM's and the upsert's: all three must write the same."""

from __future__ import annotations

from tests.served import pytest_on_fresh_postgres, served
from tests.services import requires_postgres


@requires_postgres
@served
def test_the_counting_tests_pass_on_postgresql():
    pytest_on_fresh_postgres(
        "tests/incidents/test_counting.py", "tests/incidents/test_recording.py"
    )
