"""B6's hand-made side: demo_project without errorkit's middleware, handler
and decorators, charging as a team would by hand
(``benchmarks.bare_demo_urls.HandmadeJobList``)."""

from benchmarks.bare_demo_settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.handmade_demo_urls"
