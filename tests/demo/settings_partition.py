"""demo_project's settings as the partition test serves them under gunicorn:
the demo's own, with the rate-limit cache's failure mode from the environment
(the demo itself always fails open), and counts under a prefix of the run's
own (the test's API key has the same id in every fresh database)."""

import os

from demo_project.settings import *  # noqa: F403
from demo_project.settings import CACHES, ERRORKIT

ERRORKIT = {
    **ERRORKIT,
    "RATELIMIT_ON_CACHE_FAILURE": os.environ.get(
        "TEST_RATELIMIT_ON_CACHE_FAILURE", "open"
    ),
}
CACHES["ratelimit"]["KEY_PREFIX"] = os.environ.get("TEST_RATELIMIT_KEY_PREFIX", "")
